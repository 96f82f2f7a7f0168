"""Grouping unanswered questions that ask the same thing, so content owners answer a topic once.

Pure: questions come in as ids with their word sets (``knowledge.search.query_tokens``), groups go out. Two
questions are similar when they share at least ``SIMILAR`` of their words (Jaccard); a question joins the
first group whose first question it is similar to, so the result does not depend on anything but the order.
"""

from __future__ import annotations

from collections.abc import Sequence

SIMILAR = 0.5


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def group(questions: Sequence[tuple[int, frozenset[str]]], threshold: float = SIMILAR) -> list[list[int]]:
    """Every id in exactly one group, groups in the order of their first question, ids in input order."""
    groups: list[tuple[frozenset[str], list[int]]] = []
    for qid, words in questions:
        for head, members in groups:
            if similarity(head, words) >= threshold:
                members.append(qid)
                break
        else:
            groups.append((words, [qid]))
    return [members for _, members in groups]
