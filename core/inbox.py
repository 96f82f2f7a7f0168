"""The inbox: events a channel received, stored before the channel is acknowledged, then claimed and marked.

A channel turns its own events into :class:`NewEvent` rows when it stores them and reads a stored one back
into an :class:`Incoming` when it is answered (``channels/line.py``); the inbox never looks inside a payload.

With SQLite the inbox is a file of its own (``Storage.inbox_apart``): an answer commits in the main file with an
``AnsweredEvent`` row, and the inbox is marked after. Should the mark be lost (a crash between the two commits),
the next claim finds the events answered and mends their marks (``skip_answered``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from core.dispatch import SORRY
from core.group_commit import GroupCommit
from core.messages import Reply, Request, reply_to_dict
from core.statements import forget_events
from core.storage import Runtime, Storage
from db.models import AnsweredEvent, InboundEvent, Outbox
from db.session import transaction

log = logging.getLogger(__name__)

#: A reply token works for about a minute; after that a reply is pointless.
REPLY_TOKEN_TTL = timedelta(seconds=55)
MAX_ATTEMPTS = 5
#: How far back the rate limit looks.
RATE_WINDOW = timedelta(seconds=60)
#: Larger than any event id: a direct request comes after every stored event.
_AFTER_EVERY_EVENT = 2**62


@dataclass(frozen=True)
class NewEvent:
    """An event as its channel hands it to the inbox."""

    #: The channel's id for the event: a redelivery has the same one, and is stored once.
    key: str
    #: The channel's kind of event (the rate limit counts "message" and "postback").
    kind: str
    #: Who sent it, on that channel ("" when nobody did).
    sender: str
    #: The channel's own record of the event, stored as it is.
    payload: dict


@dataclass(frozen=True)
class Incoming:
    """A stored event read back by its channel: what to answer, and where the answer goes."""

    request: Request | None
    #: Answers the event (LINE's reply token); "" when it cannot be replied to.
    reply_token: str = ""


def nothing_to_answer(payload: dict) -> Incoming:
    return Incoming(None)


class Inbox:
    def __init__(self, storage: Storage, runtime: Runtime, on_new: Callable[[], None]) -> None:
        self.storage = storage
        self.runtime = runtime
        #: Called when new events are stored (wakes the answering workers).
        self.on_new = on_new
        self._group: GroupCommit[dict] = GroupCommit(self._store_rows)

    # ----- storing ---------------------------------------------------------------------------
    def store(self, events: list[NewEvent]) -> int:
        """Persist events before acknowledging the channel, in one statement, together with those of other
        requests arriving at the same moment (``GroupCommit``). A redelivered key (or the same event twice
        in one body, or a race with another process) is skipped by the unique key's
        ``ON CONFLICT DO NOTHING``. Returns how many of the group's rows were new."""
        now = self.runtime.clock()
        rows: dict[str, dict] = {}
        for event in events:
            rows.setdefault(event.key, {
                "webhook_event_id": event.key, "event_type": event.kind[:32], "source_user_id": event.sender[:64],
                "payload": event.payload, "received_at": now, "status": "pending", "attempts": 0, "handler": "",
                "error": "", "lease_until": None, "done_at": None,
            })
        added = self._group.submit(list(rows.values()))
        if added:
            self.on_new()
        return added

    def _store_rows(self, rows: list[dict]) -> int:
        """One transaction for the rows of every webhook request in a group (``GroupCommit``)."""
        with self.storage.inbox_db.begin() as conn:
            return max(conn.execute(self.storage.sql.add_events, rows).rowcount, 0)

    def move_waiting_events(self) -> int:
        """Events still waiting in the main file (an older bot stored them there), moved to the inbox at start
        (the main file's ``inbound_events`` is otherwise unused). Copied first and deleted after, so that a crash
        in between loses nothing (the copy skips ids the inbox has). Returns how many were moved."""
        storage = self.storage
        if not storage.inbox_apart:
            return 0
        table = InboundEvent.__table__
        with storage.readonly() as conn:
            waiting = [dict(row._mapping) for row in conn.execute(
                select(*(c for c in table.c if c.name != "id")).where(table.c.status == "pending"))]
        if not waiting:
            return 0
        with storage.inbox_db.begin() as conn:
            conn.execute(storage.sql.add_events, waiting)
        moved = [row["webhook_event_id"] for row in waiting]
        with storage.db.begin() as conn:
            conn.execute(delete(table).where(table.c.webhook_event_id.in_(moved)))
        log.info("moved %s waiting events from the main database file to the inbox's", len(waiting))
        self.on_new()
        return len(waiting)

    # ----- claiming ----------------------------------------------------------------------------
    def peek(self) -> int | None:
        """The oldest event due for answering, read without taking SQLite's write lock."""
        with self.storage.inbox_read_db.connect() as conn:
            return conn.scalar(self.storage.sql.peek, {"now": self.runtime.clock()})

    @contextmanager
    def reader(self, session: Session) -> Iterator[Session | Connection]:
        """Where a batch reads its events and the senders' recent messages: the batch's own transaction, or
        (an inbox apart) a read-only snapshot of the inbox's file, which takes no lock."""
        if not self.storage.inbox_apart:
            yield session
            return
        with self.storage.inbox_read_db.connect() as conn:
            yield conn

    def claim(self, reader: Session | Connection, now: datetime) -> list[Any]:
        """Up to ``events_per_transaction`` due events (locked on PostgreSQL)."""
        return list(reader.execute(self.storage.sql.claim, {"now": now}).all())

    def recent(self, reader: Session | Connection, senders: list[str], since: datetime,
               before: int) -> dict[str, list[tuple[int, datetime]]]:
        """The messages and taps ``senders`` sent since ``since`` (events before ``before``), for the rate limit.
        Counted first (a cheap aggregate): only someone at the limit can be over it, so only their events are
        read one by one."""
        limit = self.runtime.settings.rate_limit_per_minute
        window = {"since": since, "before": before}
        sql = self.storage.sql
        busy = [user_id for user_id, count in reader.execute(sql.recent_counts, {"ids": senders, **window})
                if count >= limit]
        recent: dict[str, list[tuple[int, datetime]]] = {}
        if busy:
            for user_id, event_id, at in reader.execute(sql.recent, {"ids": busy, **window}):
                recent.setdefault(user_id, []).append((event_id, at))
        return recent

    def messages_in_minute_before(self, user_id: str, now: datetime) -> int:
        """For a direct request (chat page, terminal): the messages and taps this person sent in the minute
        before ``now`` through a channel that stores its events; 0 while they are under the limit (only then
        does the exact number not matter)."""
        since = now - RATE_WINDOW
        with self.storage.inbox_read_db.connect() as conn:
            return len(self.recent(conn, [user_id], since, _AFTER_EVERY_EVENT).get(user_id, ()))

    # ----- marking -----------------------------------------------------------------------------
    def skip_answered(self, session: Session, rows: list[Any],
                      now: datetime) -> tuple[list[Any], list[dict], list[str]]:
        """Drop the claimed events already answered (``AnsweredEvent``): the process that answered them died
        before it could mark them in the inbox. Returns the rest, the marks to mend, and the people whose erasure
        the inbox still owes. Read in the batch's transaction, which holds the main file's write lock, so no other
        worker is answering them now."""
        done = {event_id: (handler, erased) for event_id, handler, erased in
                session.execute(self.storage.sql.answered, {"ids": [row.webhook_event_id for row in rows]})}
        if not done:
            return rows, [], []
        log.info("%s events were answered before a restart; their inbox marks are mended", len(done))
        answered = [row for row in rows if row.webhook_event_id in done]
        return ([row for row in rows if row.webhook_event_id not in done],
                [{"event_id": row.id, "finished": now, "handler_name": done[row.webhook_event_id][0]}
                 for row in answered],
                [row.source_user_id for row in answered if done[row.webhook_event_id][1] and row.source_user_id])

    def finish(self, marks: list[dict], forgotten: list[str]) -> None:
        """Mark a committed batch's events ``done`` in an inbox apart (and erase the events of people who asked
        to be forgotten). Should this fail (the process dies, the file is locked too long), the events stay
        pending, and the next claim finds them answered and mends their marks (``skip_answered``)."""
        if not marks and not forgotten:
            return
        try:
            with self.storage.inbox_db.begin() as conn:
                if marks:
                    conn.execute(self.storage.sql.mark_done, marks)
                if forgotten:
                    conn.execute(forget_events(sorted(set(forgotten))))
        except OperationalError:
            log.warning("could not mark %s answered events in the inbox; the next claim mends them", len(marks))

    def record_failure(self, event_id: int, read_event: Callable[[dict], Incoming]) -> None:
        """A handler error: try again later with backoff; after MAX_ATTEMPTS apologise and stop. With an inbox
        apart, the apology commits first, with the event's ``AnsweredEvent`` row (so that it is said once even if
        the inbox's ``failed`` mark is then lost), while the inbox's lock is held: the one order in which the bot
        ever holds both locks, so no two processes can wait for each other."""
        storage = self.storage
        try:
            with transaction(storage.inbox_sessions) as inbox:
                row = inbox.get(InboundEvent, event_id)
                if row is None or row.status != "pending":
                    return
                row.attempts += 1
                now = self.runtime.clock()
                if row.attempts < MAX_ATTEMPTS:
                    row.lease_until = now + timedelta(seconds=2 ** row.attempts)
                    return
                row.status, row.done_at, row.error = "failed", now, "handler failed repeatedly"
                incoming = read_event(row.payload)
                req = incoming.request
                token = incoming.reply_token
                apology = Outbox(kind="reply", reply_token=token[:64], to=req.user_id if req else "",
                                 payload=reply_to_dict(Reply.text(SORRY, handler="error")),
                                 not_after=row.received_at + REPLY_TOKEN_TTL) if token else None
                if not storage.inbox_apart:
                    if apology is not None:
                        inbox.add(apology)
                    return
                with transaction(storage.sessions) as session:
                    if session.get(AnsweredEvent, row.webhook_event_id) is not None:
                        return
                    session.add(AnsweredEvent(webhook_event_id=row.webhook_event_id, handler="error",
                                              erased_sender=False, answered_at=now))
                    if apology is not None:
                        session.add(apology)
        except OperationalError:
            log.warning("could not record the failure of event %s", event_id)
