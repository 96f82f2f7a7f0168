"""The last topic per person and chat, for follow-up questions (``knowledge/followup.py`` reads them)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from core.messages import Request
from db.models import TopicMemory


def recall(session: Session, req: Request, now: datetime, minutes: int) -> str:
    """The topic this person's last answer in this chat was about, if it is recent enough ("" otherwise)."""
    row = session.get(TopicMemory, (req.user_id, req.chat_id))
    if row is None or row.at < now - timedelta(minutes=minutes):
        return ""
    return row.topic


def remember(session: Session, req: Request, topic: str, now: datetime) -> None:
    """Keep ``topic`` as this person's topic in this chat (one row each, updated in place)."""
    row = session.get(TopicMemory, (req.user_id, req.chat_id))
    if row is None:
        session.add(TopicMemory(line_user_id=req.user_id, chat_id=req.chat_id, topic=topic[:64], at=now))
    else:
        row.topic, row.at = topic[:64], now


def purge_topics(session: Session, before: datetime) -> int:
    """Topics older than any follow-up could use."""
    return session.execute(delete(TopicMemory).where(TopicMemory.at < before)).rowcount or 0
