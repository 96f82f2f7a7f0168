"""Kept ADR drafts: a person's own, saved only when they ask ("บันทึกร่าง"), erased with their data (PDPA)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from db.erasure import Erasure
from db.models import AdrDraft

#: Drafts one person may keep; the oldest is never dropped silently, the person is asked to delete one.
MAX_DRAFTS = 20


def drafts_of(session: Session, line_user_id: str) -> list[AdrDraft]:
    """Newest first; "ร่างที่ 1" is the newest."""
    return list(session.scalars(select(AdrDraft).where(AdrDraft.line_user_id == line_user_id)
                                .order_by(AdrDraft.id.desc())))


def count_of(session: Session, line_user_id: str) -> int:
    return session.scalar(select(func.count()).select_from(AdrDraft)
                          .where(AdrDraft.line_user_id == line_user_id)) or 0


def save(session: Session, line_user_id: str, praden: str, text: str, chars: int, now: datetime) -> AdrDraft | None:
    """Keep a draft; None when the person already keeps :data:`MAX_DRAFTS`."""
    if count_of(session, line_user_id) >= MAX_DRAFTS:
        return None
    draft = AdrDraft(line_user_id=line_user_id, praden=praden, text=text, chars=chars, saved_at=now)
    session.add(draft)
    session.flush()
    return draft


def numbered(session: Session, line_user_id: str, number: int) -> AdrDraft | None:
    """The person's draft number ``number`` as "ร่างของฉัน" lists them (1 = newest)."""
    if number < 1:
        return None
    return session.scalar(select(AdrDraft).where(AdrDraft.line_user_id == line_user_id)
                          .order_by(AdrDraft.id.desc()).offset(number - 1).limit(1))


def delete_one(session: Session, line_user_id: str, draft_id: int) -> bool:
    result = session.execute(delete(AdrDraft).where(AdrDraft.id == draft_id, AdrDraft.line_user_id == line_user_id))
    return bool(result.rowcount)


def erase_drafts(erasure: Erasure) -> None:
    """PDPA erasure: every kept draft of the person goes (they hold nothing the office counts)."""
    erasure.session.execute(delete(AdrDraft).where(AdrDraft.line_user_id == erasure.line_user_id))


__all__ = ["MAX_DRAFTS", "count_of", "delete_one", "drafts_of", "erase_drafts", "numbered", "save"]
