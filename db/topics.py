"""The last topic per person and chat, for follow-up questions (``knowledge/followup.py`` reads them).

In the answering worker a batch's topics are read with one query and written with one statement
(``core/answering.py``: ``Batch.topics``), like the rest of a batch; ``Context.topics`` is that batch's view. Outside a
batch (the chat page, the terminal) each answer reads and writes its own row.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.messages import Request
from db.models import TopicMemory

#: (person, chat) → (topic, when, the question answered about it)
Topics = dict[tuple[str, str], tuple[str, datetime, str]]

_OF_PEOPLE = select(TopicMemory.line_user_id, TopicMemory.chat_id, TopicMemory.topic, TopicMemory.at,
                    TopicMemory.question)


def read_topics(session: Session, people: list[str]) -> Topics:
    """The remembered topics of these people, in every chat, with one query."""
    rows = session.execute(_OF_PEOPLE.where(TopicMemory.line_user_id.in_(people)))
    return {(u, c): (t, at, q) for u, c, t, at, q in rows}


def recall(session: Session, req: Request, now: datetime, minutes: int, topics: Topics | None = None) -> str:
    """The topic this person's last answer in this chat was about, if it is recent enough ("" otherwise)."""
    return recall_with_question(session, req, now, minutes, topics)[0]


def recall_with_question(session: Session, req: Request, now: datetime, minutes: int,
                         topics: Topics | None = None) -> tuple[str, str]:
    """The recent topic (as ``recall``) and the question last answered about it (("", "") when none)."""
    if topics is not None:
        found = topics.get((req.user_id, req.chat_id))
    else:
        row = session.get(TopicMemory, (req.user_id, req.chat_id))
        found = (row.topic, row.at, row.question) if row is not None else None
    if found is None or found[1] < now - timedelta(minutes=minutes):
        return "", ""
    return found[0], found[2]


def write_topics(session: Session, topics: Topics, skip: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    """Keep these topics (one row per person and chat, replaced), in one statement; ``skip``: people erased
    meanwhile (PDPA), whose topics must not come back."""
    rows = [{"line_user_id": u, "chat_id": c, "topic": t[:64], "at": at, "question": q[:200]}
            for (u, c), (t, at, q) in topics.items() if u not in skip]
    if not rows:
        return
    dialect: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(TopicMemory)
    session.execute(stmt.on_conflict_do_update(index_elements=["line_user_id", "chat_id"],
                                               set_={"topic": stmt.excluded.topic, "at": stmt.excluded.at,
                                                     "question": stmt.excluded.question}), rows)


def remember(session: Session, req: Request, topic: str, now: datetime, pending: Topics | None = None,
             seen: Topics | None = None, question: str = "") -> None:
    """Keep ``topic`` (and the ``question`` answered about it) as this person's topic in this chat: at once, or (in a
    batch) with the batch's others."""
    key = (req.user_id, req.chat_id)
    if pending is not None and seen is not None:
        seen[key] = pending[key] = (topic, now, question)
        return
    write_topics(session, {key: (topic, now, question)})


def purge_topics(session: Session, before: datetime) -> int:
    """Topics older than any follow-up could use."""
    return session.execute(delete(TopicMemory).where(TopicMemory.at < before)).rowcount or 0
