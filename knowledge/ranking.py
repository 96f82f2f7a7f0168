"""BM25 with the share of the question's information each document covers: the one ranking the curated
entries and the source's passages share. Pure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable


def bm25(tokens: list[str], postings: dict[str, list[tuple[int, float]]], idf: dict[str, float],
         unknown_idf: float, lengths: list[float], avg_length: float, k1: float, b: float,
         credit: Callable[[int, str], float] | None = None) -> tuple[dict[int, float], dict[int, float]]:
    """Each matching document's BM25 score, and the share of the question's information (IDF-weighted; an
    unknown word weighs as much as the rarest known one) it covers. ``credit(doc, token)`` scales a token's
    coverage in a document (a word found only in an entry's answer body explains the question less)."""
    scores: dict[int, float] = defaultdict(float)
    covered: dict[int, float] = defaultdict(float)
    total = 0.0
    for tok in dict.fromkeys(tokens):
        weight = 0.3 if len(tok) == 1 else 1.0  # single characters say little: they must not dominate
        known = idf.get(tok)
        total += (known if known is not None else unknown_idf) * weight
        if known is None:
            continue
        for doc, tf in postings.get(tok, ()):
            scores[doc] += known * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[doc] / avg_length))
            covered[doc] += known * weight * (credit(doc, tok) if credit is not None else 1.0)
    share = {doc: (c / total if total else 0.0) for doc, c in covered.items()}
    return scores, share


__all__ = ["bm25"]
