"""The engine's hot statements, built once per engine.

SQLAlchemy caches compiled SQL, but finding a statement in that cache means computing its cache key, and
a statement object remembers its key only for itself: a ``select(...)`` built anew for every batch walks
its whole tree again each time. Built once with bind parameters (``:now``, expanding ``:ids``), each
statement's key is computed once per process, and a batch pays for the SQL, not for constructing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, Text, TextClause, bindparam, cast, func, insert, or_, select, text, update

from db.models import AnsweredEvent, Conversation, InboundEvent, Outbox, User


def _for_update(query: Any, dialect: str) -> Any:
    """``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so that several processes or machines claim disjoint
    rows; SQLite has one writer at a time (BEGIN IMMEDIATE) and no such clause."""
    return query.with_for_update(skip_locked=True) if dialect == "postgresql" else query


def _due() -> Any:
    """Events waiting to be answered: pending, and not held back after a failure (``:now``)."""
    table = InboundEvent.__table__.c
    return (table.status == "pending") & (table.lease_until.is_(None) | (table.lease_until < bindparam("now")))


@dataclass(frozen=True)
class Statements:
    """Parameters are named in each statement's comment."""

    #: ``:now`` → the oldest due event's id (read only: no lock taken).
    peek: Any
    #: ``:now`` → up to ``batch`` due events, locked on PostgreSQL.
    claim: Any
    #: ``:ids`` → User objects.
    users: Any
    #: ``:ids`` → open Conversation objects.
    conversations: Any
    #: ``:ids``, ``:since``, ``:before`` → (user, event id, received) of messages and taps.
    recent: Any
    #: How many messages and taps each of ``:ids`` sent since ``:since`` (before event ``:before``).
    recent_counts: Any
    #: executemany of outbox rows → their ids, in the order given.
    add_outbox: Any
    #: executemany ``:event_id``, ``:finished``, ``:handler_name``.
    mark_done: Any
    #: executemany ``:outbox_id``, ``:at``.
    mark_sent: Any
    #: executemany of new events (``ON CONFLICT DO NOTHING``).
    add_events: TextClause
    #: executemany of new people (``ON CONFLICT DO NOTHING``).
    add_users: TextClause
    #: ``:ids`` (webhook event ids) → (id, handler, erased_sender) of those already answered (an inbox apart).
    answered: Any
    #: executemany ``webhook_event_id``, ``handler``, ``erased_sender``, ``answered_at`` (``ON CONFLICT DO NOTHING``).
    add_answered: TextClause

    @classmethod
    def build(cls, dialect: str, batch: int) -> Statements:
        events = InboundEvent.__table__
        outbox = Outbox.__table__
        ids = bindparam("ids", expanding=True)
        recent = (events.c.source_user_id.in_(ids), events.c.received_at > bindparam("since"),
                  events.c.id < bindparam("before"), events.c.event_type.in_(("message", "postback")))
        return cls(
            peek=select(events.c.id).where(_due()).order_by(events.c.id).limit(1),
            claim=_for_update(
                select(events.c.id, events.c.webhook_event_id, events.c.event_type, events.c.source_user_id,
                       events.c.payload, events.c.received_at).where(_due()).order_by(events.c.id).limit(batch),
                dialect),
            users=select(User).where(User.line_user_id.in_(ids)),
            conversations=select(Conversation).where(Conversation.line_user_id.in_(ids)),
            recent=select(events.c.source_user_id, events.c.id, events.c.received_at).where(*recent),
            recent_counts=select(events.c.source_user_id, func.count()).where(*recent)
            .group_by(events.c.source_user_id),
            add_outbox=insert(outbox).returning(outbox.c.id, sort_by_parameter_order=True),
            mark_done=update(events).where(events.c.id == bindparam("event_id")).values(
                status="done", done_at=bindparam("finished"), handler=bindparam("handler_name")),
            mark_sent=update(outbox).where(outbox.c.id == bindparam("outbox_id")).values(
                status="sent", error="", lease_until=None, sent_at=bindparam("at")),
            add_events=insert_new_only(events, "webhook_event_id"),
            add_users=insert_new_only(User.__table__, "line_user_id"),
            answered=select(AnsweredEvent.webhook_event_id, AnsweredEvent.handler, AnsweredEvent.erased_sender)
            .where(AnsweredEvent.webhook_event_id.in_(ids)),
            add_answered=insert_new_only(AnsweredEvent.__table__, "webhook_event_id"),
        )


def forget_events(ids: list[str]) -> Any:
    """PDPA: the events these people sent, and the events that name them (an admin's approve tap carries the
    person's LINE id in its postback data), with sender and content erased. Built per erasure (rare, and
    the LIKEs differ each time); the inbox holds a week of events at most."""
    events = InboundEvent.__table__.c
    named = [cast(events.payload, Text).contains(i, autoescape=True) for i in ids if i]
    return (update(InboundEvent.__table__).where(or_(events.source_user_id.in_(ids), *named))
            .values(source_user_id="", payload={"redacted": True}))


def insert_new_only(table: Table, key: str) -> TextClause:
    """``INSERT … ON CONFLICT (key) DO NOTHING`` (the same SQL on SQLite and PostgreSQL) for every column but
    the id, with the columns' types for binding. Written as text because SQLAlchemy cannot cache the
    dialects' ``on_conflict_do_nothing`` constructs: compiling one anew took a fifth of a webhook's time."""
    columns = [c for c in table.c if not c.primary_key or c.name == key]
    names = ", ".join('"' + c.name + '"' for c in columns)
    values = ", ".join(":" + c.name for c in columns)
    sql = f'INSERT INTO {table.name} ({names}) VALUES ({values}) ON CONFLICT ("{key}") DO NOTHING'
    return text(sql).bindparams(*(bindparam(c.name, type_=c.type) for c in columns))
