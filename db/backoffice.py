"""Tables of the people-in-the-loop work: answers kept by content owners, and single-use sign-in links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models import ID, Base, UTCDateTime, utcnow


class KeptAnswer(Base):
    """A content owner's answer kept as a knowledge entry (``knowledge/kept.py`` makes the ``Entry``).

    Lives in the database, not in the YAML files, so an editor without a shell can add one from LINE or the
    back office. ``status`` is ``active`` or ``withdrawn`` (kept for the record, no longer answered from)."""

    __tablename__ = "kept_answers"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    question: Mapped[str] = mapped_column(Text)
    #: Other wordings of the same question (grouped on the unanswered page), matched like ``questions:``.
    questions: Mapped[list] = mapped_column(JSON, default=list)
    answer: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="active")
    author: Mapped[str] = mapped_column(String(64), default="")
    author_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_by_name: Mapped[str] = mapped_column(String(200), default="")
    #: Every change sets it (edits and withdrawals too): with the row count it is the knowledge base's version.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_kept_answers_updated_at", "updated_at"),)


class LoginLink(Base):
    """A back-office sign-in link sent in LINE: works once (``used_at``), until ``expires_at``."""

    __tablename__ = "login_links"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("ix_login_links_user", "line_user_id"),)


__all__ = ["KeptAnswer", "LoginLink"]
