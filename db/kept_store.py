"""Kept answers in the database, and keeping each process's knowledge base in step with them.

Every process builds its ``KnowledgeBase`` once at start. When an editor keeps, edits or withdraws an answer
(in any process), the others notice through ``version`` (the row count and the latest ``updated_at``: every
change moves one of them), read at most every ``CHECK_EVERY`` seconds before answering, and rebuild.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.backoffice import KeptAnswer
from db.models import AuditLog
from knowledge.kept import Kept
from knowledge.schema import MAX_ANSWER_CHARS, Entry

CHECK_EVERY = 3.0
_local_changes = 0
_local_lock = threading.Lock()


def changed_here() -> None:
    """This process changed a kept answer: its next answer looks at the version at once."""
    global _local_changes
    with _local_lock:
        _local_changes += 1


def version(session: Session) -> tuple[int, str]:
    count, latest = session.execute(select(func.count(KeptAnswer.id), func.max(KeptAnswer.updated_at))).one()
    return int(count or 0), str(latest or "")


def active(session: Session) -> list[Kept]:
    rows = session.scalars(select(KeptAnswer).where(KeptAnswer.status == "active").order_by(KeptAnswer.id))
    return [Kept(id=r.id, question=r.question, answer=r.answer, author_name=r.author_name,
                 updated_at=r.updated_at, questions=tuple(r.questions or ())) for r in rows]


def keep(session: Session, *, question: str, answer: str, author: str, author_name: str, now: datetime,
         wordings: tuple[str, ...] = ()) -> KeptAnswer:
    row = KeptAnswer(question=question.strip()[:2000], questions=[w[:2000] for w in wordings][:50],
                     answer=answer.strip()[:MAX_ANSWER_CHARS], status="active", author=author,
                     author_name=author_name[:200], created_at=now, updated_by=author,
                     updated_by_name=author_name[:200], updated_at=now)
    session.add(row)
    session.flush()
    session.add(AuditLog(actor=author, action="kb.keep", detail={"kept": row.id, "question": row.question[:200]}))
    changed_here()
    return row


def edit(session: Session, kept_id: int, *, answer: str, by: str, by_name: str, now: datetime) -> KeptAnswer | None:
    row = session.get(KeptAnswer, kept_id)
    if row is None:
        return None
    row.answer, row.updated_by, row.updated_by_name, row.updated_at = answer.strip()[:MAX_ANSWER_CHARS], by, \
        by_name[:200], now
    row.status = "active"
    session.add(AuditLog(actor=by, action="kb.edit", detail={"kept": kept_id}))
    changed_here()
    return row


def withdraw(session: Session, kept_id: int, *, by: str, by_name: str, now: datetime) -> KeptAnswer | None:
    row = session.get(KeptAnswer, kept_id)
    if row is None:
        return None
    row.status, row.updated_by, row.updated_by_name, row.updated_at = "withdrawn", by, by_name[:200], now
    session.add(AuditLog(actor=by, action="kb.withdraw", detail={"kept": kept_id}))
    changed_here()
    return row


class KnowledgeRefresher:
    """Rebuilds a process's knowledge base when the kept answers changed. ``build`` makes a knowledge base from
    entries; ``install`` puts it where the handlers find it (``Engine.services``)."""

    def __init__(self, base: list[Entry], build: Callable[[list[Entry]], object],
                 install: Callable[[object], None], every: float = CHECK_EVERY) -> None:
        self.base = base
        self.build = build
        self.install = install
        self.every = every
        #: The knowledge base handed in at start is the files' alone: right while no answer was ever kept.
        self._seen: tuple[int, str] = (0, "")
        self._checked = 0.0
        self._local = -1
        self._lock = threading.Lock()

    def __call__(self, session: Session) -> None:
        now = time.monotonic()
        if now - self._checked < self.every and self._local == _local_changes:
            return
        with self._lock:
            self._checked, self._local = now, _local_changes
            current = version(session)
            if current == self._seen:
                return
            from knowledge.kept import with_kept

            self.install(self.build(with_kept(self.base, active(session))))
            self._seen = current
