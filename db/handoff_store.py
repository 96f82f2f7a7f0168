"""Questions forwarded to the content owners, and their answers (from LINE or the back office).

An answer is recorded with one UPDATE that only a not-yet-answered row matches, so two owners answering
at once answer once: the second is told who answered and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.messages import Reply
from db import kept_store
from db.erasure import Erasure
from db.models import AuditLog, Unanswered, User
from knowledge.kept import thai_when
from knowledge.schema import MAX_ANSWER_CHARS

#: A "not sure" this recent is what "ส่งต่อให้เจ้าหน้าที่" forwards.
RECENT = timedelta(minutes=30)
OWNER_ROLES = ("admin", "editor")
QUESTION_SHOWN = 300


def owners(session: Session, configured_admins: frozenset[str] | set[str]) -> list[str]:
    """Who gets forwarded questions: active admins and editors, and ``BOT_ADMIN_IDS``."""
    stored = session.scalars(select(User.line_user_id).where(User.role.in_(OWNER_ROLES), User.status == "active"))
    return sorted(set(stored) | set(configured_admins))


def person_label(user: User | None) -> str:
    if user is not None and user.status == "active" and user.full_name:
        return f"{user.full_name} ({user.unit})" if user.unit else user.full_name
    if user is not None and user.display_name:
        return f"{user.display_name} (ผู้ใช้ที่ยังไม่ลงทะเบียน)"
    return "ผู้ใช้ที่ยังไม่ลงทะเบียน"


def author_name(user: User | None) -> str:
    return (user.full_name or user.display_name) if user is not None else ""


def last_unsure(session: Session, line_user_id: str, now: datetime) -> Unanswered | None:
    """The person's latest question the bot was not sure about, if recent and not yet forwarded."""
    return session.scalar(
        select(Unanswered).where(Unanswered.line_user_id == line_user_id, Unanswered.review_status == "new",
                                 Unanswered.asked_at >= now - RECENT, Unanswered.text != "")
        .order_by(Unanswered.id.desc()).limit(1))


def forward(row: Unanswered, now: datetime) -> None:
    row.review_status, row.forwarded_at = "forwarded", now


def new_forwarded(session: Session, line_user_id: str, text: str, now: datetime) -> Unanswered:
    row = Unanswered(line_user_id=line_user_id, text=text.strip()[:2000], normalized="", candidates=[],
                     review_status="forwarded", asked_at=now, forwarded_at=now)
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class Answered:
    outcome: Literal["answered", "already", "gone", "empty"]
    question: Unanswered | None = None
    #: What the asker is sent (None when they cannot be reached: an erased or a web-only question).
    push: Reply | None = None
    kept_id: int | None = None


def asker_message(question: str, answer: str, by_name: str, now: datetime) -> Reply:
    shown = question if len(question) <= QUESTION_SHOWN else question[: QUESTION_SHOWN - 1] + "…"
    text = (f"💬 คำตอบจากเจ้าหน้าที่ค่ะ\nคำถามของคุณ: “{shown}”\n\n{answer}\n\n"
            f"— {by_name or 'เจ้าหน้าที่'} กลุ่มพัฒนาระบบบริหาร ({thai_when(now)})")
    return Reply.text(text, handler="handoff-answer")


def answer(session: Session, question_id: int, *, by: User, text: str, keep: bool, now: datetime,
           wordings: tuple[str, ...] = ()) -> Answered:
    """Record an owner's answer once; keep it as a knowledge entry if asked. The caller sends ``push``."""
    text = text.strip()
    if not text:
        return Answered("empty")
    text = text[:MAX_ANSWER_CHARS]
    done = session.execute(
        update(Unanswered)
        .where(Unanswered.id == question_id, Unanswered.answered_at.is_(None), Unanswered.text != "")
        .values(review_status="answered", answered_by=by.line_user_id, answered_at=now, answer=text))
    row = session.get(Unanswered, question_id)
    if done.rowcount != 1:
        if row is None or not row.text:
            return Answered("gone", row)
        return Answered("already", row)
    session.refresh(row)
    name = author_name(by)
    kept_id = None
    if keep:
        kept = kept_store.keep(session, question=row.text, answer=text, author=by.line_user_id,
                               author_name=name, now=now, wordings=wordings)
        kept_id = row.kept_answer_id = kept.id
    session.add(AuditLog(actor=by.line_user_id, action="handoff.answer",
                         detail={"question": question_id, "kept": kept_id}))
    reachable = row.line_user_id.startswith("U")  # a LINE user id (the chat page's guest is not one)
    push = asker_message(row.text, text, name, now) if reachable else None
    return Answered("answered", row, push, kept_id)


def answered_note(row: Unanswered, session: Session) -> str:
    who = session.scalar(select(User).where(User.line_user_id == row.answered_by)) if row.answered_by else None
    when = thai_when(row.answered_at) if row.answered_at else "-"
    return f"คำถามนี้มีผู้ตอบแล้วค่ะ โดย {author_name(who) or 'เจ้าหน้าที่'} เมื่อ {when}"


def erase_questions(erasure: Erasure) -> None:
    """PDPA erasure of the questions a person asked that the bot could not answer: the rows stay (they are
    counted), without who asked or what."""
    erasure.session.execute(update(Unanswered).where(Unanswered.line_user_id == erasure.line_user_id)
                            .values(line_user_id="", text="", normalized="", answer=""))


def erase_loop(erasure: Erasure) -> None:
    """PDPA erasure of what the loop stored about a person: their sign-in links, their name on the answers they
    wrote (the answers stay: they are the office's content) and on the questions they answered."""
    from sqlalchemy import delete

    from db.backoffice import KeptAnswer, LoginLink

    session, line_user_id = erasure.session, erasure.line_user_id
    session.execute(delete(LoginLink).where(LoginLink.line_user_id == line_user_id))
    # updated_at moves, so every process's knowledge base drops the name from the answers' sources.
    from db.models import utcnow

    session.execute(update(KeptAnswer).where(KeptAnswer.author == line_user_id)
                    .values(author="", author_name="เจ้าหน้าที่", updated_at=utcnow()))
    session.execute(update(KeptAnswer).where(KeptAnswer.updated_by == line_user_id)
                    .values(updated_by="", updated_by_name="เจ้าหน้าที่", updated_at=utcnow()))
    session.execute(update(Unanswered).where(Unanswered.answered_by == line_user_id).values(answered_by=""))
    kept_store.changed_here()
