"""Answers kept by content owners (``kept_answers``, in the database) as knowledge entries.

The search builds its indexes from :class:`~knowledge.schema.Entry` objects; a kept answer becomes one here,
through the same schema check as a YAML entry (so ``kb check`` reports a bad one the same way), and is then
found like any other: the exact question, its other wordings, and similar questions by BM25.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from knowledge.schema import MAX_ANSWER_CHARS, Entry, parse_entry

TOPIC = "คำตอบจากเจ้าหน้าที่"
ORIGIN = "ฐานข้อมูล (คำตอบที่เจ้าหน้าที่บันทึกไว้)"
TITLE_MAX = 120
_BANGKOK = timezone(timedelta(hours=7))
_MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")


@dataclass(frozen=True)
class Kept:
    """What the search needs of a kept answer (a plain copy of its row)."""

    id: int
    question: str
    answer: str
    author_name: str
    updated_at: datetime
    questions: tuple[str, ...] = ()


def thai_when(at: datetime) -> str:
    local = at.astimezone(_BANGKOK)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year + 543} {local:%H:%M} น."


def entry_id(kept_id: int) -> str:
    return f"kept-{kept_id}"


def kept_entry(kept: Kept) -> Entry:
    """One kept answer as an entry; raises ``SchemaError`` (with where and why) if it is not valid."""
    title = " ".join(kept.question.split())
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"
    wordings = list(dict.fromkeys(q.strip() for q in (kept.question, *kept.questions) if q and q.strip()))
    raw = {
        "id": entry_id(kept.id),
        "title": title,
        "answer": kept.answer[:MAX_ANSWER_CHARS],
        "source": f"คำตอบจากเจ้าหน้าที่ กลุ่มพัฒนาระบบบริหาร ({kept.author_name or 'เจ้าหน้าที่'}, "
                  f"{thai_when(kept.updated_at)})",
        "topic": TOPIC,
        "questions": wordings,
    }
    entry = parse_entry(raw, f"{ORIGIN} #{kept.id}")
    return replace(entry, origin=ORIGIN)


def with_kept(base: list[Entry], kept: Iterable[Kept]) -> list[Entry]:
    """The knowledge base's entries: the files' and the kept answers'. A kept answer never takes a file entry's
    id (its ids are ``kept-N``), so the links between file entries stay as checked."""
    return [*base, *(kept_entry(k) for k in kept)]
