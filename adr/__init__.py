"""The ADR draft checker: a draft PMQA answer and its ประเด็น in, what it lacks out.

``check_draft`` is the one call a page needs (the LINE flow and the back office use the same): it returns a
:class:`~adr.analysis.Report` (``.as_dict()`` for plain data) and ``report_text`` gives it in the chat's words.
"""

from __future__ import annotations

import re

from adr.analysis import Praden, Report, check, count_chars, join_parts
from adr.render import report_card, report_text
from adr.rules import Rules, load_rules

_BULLET = re.compile(r"^\s*•\s*(Basic|Advance|Significance)\b[^:]*:\s*(.+)$", re.MULTILINE)
_REMARK = re.compile(r"\s*\((?:คำอธิบาย|ในตาราง)[^)]*\)")


def criteria_texts(levels: dict[str, str], answer: str) -> dict[str, str]:
    """The three criteria of a ประเด็น. ``levels`` copies the source's table letter for letter, typos included
    ("กั้นการณจัดการได้"); the answer's "• Basic (A&D): …" lines give the same criteria as the source's other
    passages spell them, so those are preferred where they exist (without their editorial remarks)."""
    if not levels:
        return {}
    bullets = {m.group(1).casefold(): _REMARK.sub("", m.group(2)).strip() for m in _BULLET.finditer(answer)}
    return {level: bullets.get(level) or text for level, text in levels.items()}


def praden_of(kb: object, code: str) -> Praden | None:
    """The ประเด็น ``code`` ("3.4") from a :class:`knowledge.search.KnowledgeBase`, or None if it has none."""
    entry = getattr(kb, "by_ref", {}).get(f"ประเด็น {code}")
    if entry is None:
        return None
    return Praden(code=code, title=entry.title, levels=criteria_texts(dict(entry.levels), entry.answer))


def check_draft(kb: object, code: str, draft: str | list[str], rules: Rules | None = None) -> Report | None:
    """The report on ``draft`` for ประเด็น ``code`` (None when the knowledge base has no such ประเด็น)."""
    praden = praden_of(kb, code)
    if praden is None:
        return None
    return check(draft, praden, rules or load_rules())


__all__ = ["Praden", "Report", "check", "check_draft", "count_chars", "criteria_texts", "join_parts", "load_rules",
           "praden_of", "report_card", "report_text"]
