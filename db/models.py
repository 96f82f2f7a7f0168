"""SQLAlchemy 2 models. The same code runs on SQLite (default) and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql import false
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


ID = BigInteger().with_variant(Integer, "sqlite")


class Base(DeclarativeBase):
    pass


class ImportedCatalogue:
    """Columns of a fiscal year's catalogue as an admin imported it (indicators, activities)."""

    fiscal_year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(Text, default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(64), default="")


class User(Base):
    """A person known to the bot. ``role`` is ``staff``, ``editor`` (owns the content: answers forwarded
    questions), ``manager`` or ``admin``.

    ``status`` is ``active`` for registered people and ``pending`` while a registration request waits
    for an admin.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    line_user_id: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    full_name: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(16), default="staff")
    status: Mapped[str] = mapped_column(String(16), default="active")
    #: Whether the LINE display name was looked up (in idle time, after the first answer).
    profile_checked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class InboundEvent(Base):
    """A webhook event, stored before LINE gets its 200 so that it is never lost.

    ``status`` goes ``pending`` → ``done`` (or ``failed`` after repeated handler errors). The claim,
    the handler's effects, the outgoing messages (``Outbox``) and ``done`` commit in one
    transaction, so an event's effects happen once even if a worker dies half-way. On SQLite these rows live
    in a file of their own (``db/session.py: inbox_database_url``), and ``AnsweredEvent`` stands in for ``done``
    in that transaction. ``lease_until``
    holds a failed event back for a retry with backoff. The unique ``webhook_event_id`` makes a
    redelivery a no-op.
    """

    __tablename__ = "inbound_events"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    webhook_event_id: Mapped[str] = mapped_column(String(64), unique=True)
    event_type: Mapped[str] = mapped_column(String(32), default="")
    source_user_id: Mapped[str] = mapped_column(String(64), default="")
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    handler: Mapped[str] = mapped_column(String(64), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        Index("ix_inbound_events_status", "status", "id"),
        # The per-user rate limit looks back one minute per person.
        Index("ix_inbound_events_user_time", "source_user_id", "received_at"),
    )


class AnsweredEvent(Base):
    """An event whose effects are committed, kept beside those effects when the inbox is a database file of
    its own (SQLite, ``db/session.py: inbox_database_url``). SQLite commits each file apart, so the inbox's
    ``done`` mark follows the answer in a second transaction; should the process die between the two, the
    event is still ``pending`` in the inbox, and this row (committed with the answer) is what stops it from
    being answered twice. ``handler`` is copied into the inbox when its mark is mended; ``erased_sender`` says the
    answer erased its sender (PDPA), which the inbox then still has to do."""

    __tablename__ = "answered_events"

    webhook_event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    handler: Mapped[str] = mapped_column(String(64), default="")
    erased_sender: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_answered_events_answered_at", "answered_at"),)


class Outbox(Base):
    """A message to send to LINE: a reply (with its one-time token) or a push (with a retry key
    LINE uses to drop duplicates). Written in the same transaction as the effects that caused it."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(8))
    reply_token: Mapped[str] = mapped_column(String(64), default="")
    to: Mapped[str] = mapped_column(String(64), default="")
    retry_key: Mapped[str] = mapped_column(String(36), default="")
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    not_after: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("ix_outbox_status", "status", "id"),)


class Unanswered(Base):
    """A question the bot could not answer, for the content owners to review."""

    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    line_user_id: Mapped[str] = mapped_column(String(64), default="")
    text: Mapped[str] = mapped_column(Text)
    normalized: Mapped[str] = mapped_column(Text, default="")
    candidates: Mapped[list] = mapped_column(JSON, default=list)
    #: ``new``, ``forwarded`` (the person asked for a member of staff), ``answered``, ``dismissed``.
    review_status: Mapped[str] = mapped_column(String(16), default="new")
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    forwarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: Who answered it (a content owner's LINE id), when and what: set once (``db/handoff_store.py``).
    answered_by: Mapped[str] = mapped_column(String(64), default="", server_default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    answer: Mapped[str] = mapped_column(Text, default="", server_default="")
    kept_answer_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Conversation(Base):
    """Where a person is in a multi-step flow. Kept in the database so it survives restarts and is
    shared by every worker process."""

    __tablename__ = "conversations"

    line_user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    flow: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class TopicMemory(Base):
    """The last topic a person was answered about, per chat (a group apart from their one-on-one chat), so
    that a follow-up ("แล้วระดับ advance ล่ะ") is read against it. Kept a short while (``followups.yaml``)."""

    __tablename__ = "topic_memory"

    line_user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    topic: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The question last answered about it ("TQA เริ่มใช้ปีไหน"): "แล้ว PMQA ล่ะ" asks the same of PMQA.
    question: Mapped[str] = mapped_column(String(200), default="", server_default="")


class AdrDraft(Base):
    """A draft PMQA answer a person asked to keep ("บันทึกร่าง" after the ADR checker's report). Drafts are
    otherwise not stored beyond the flow; these are the person's own, listed with "ร่างของฉัน" and erased with
    the rest of their data (PDPA)."""

    __tablename__ = "adr_drafts"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    line_user_id: Mapped[str] = mapped_column(String(64))
    praden: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    chars: Mapped[int] = mapped_column(Integer, default=0)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_adr_drafts_user", "line_user_id", "id"),)


class AuditLog(Base):
    """Admin and manager actions: who did what, when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


__all__ = [
    "AdrDraft",
    "AnsweredEvent",
    "AuditLog",
    "Base",
    "Conversation",
    "InboundEvent",
    "Outbox",
    "Unanswered",
    "UniqueConstraint",
    "User",
    "utcnow",
]
