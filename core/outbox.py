"""The outbox: replies and pushes committed with their answers, leased to a sender, delivered, retried, recorded.

A message is committed before it is sent (status ``sending``, leased for ``LEASE``). A sender that dies leaves it
to be sent again after its lease; LINE refuses a used reply token and drops a push whose retry key it has seen,
so nobody gets a message twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from core.messages import Reply, reply_from_dict
from core.observability import ERRORS, REPLIES
from core.storage import Runtime, Storage
from db.models import Outbox as OutboxRow
from db.session import transaction

log = logging.getLogger(__name__)

#: How long a worker may hold an event or message before another worker may take it over.
LEASE = timedelta(seconds=20)
MAX_ATTEMPTS = 5


@dataclass
class Outgoing:
    """A reply committed with its batch and leased to this worker, to be sent right after the commit.
    (Messages picked up for a retry are ``Outbox`` rows; ``deliver`` takes either.)"""

    id: int
    kind: str
    reply_token: str
    to: str
    payload: dict
    not_after: datetime | None
    attempts: int = 1
    retry_key: str = ""
    reply: Reply | None = None


#: Sends one message; raises ``PermanentSendError`` (no retry) or another exception (retried). Set by the channel.
Sender = Callable[[OutboxRow | Outgoing, Reply], None]


class Outbox:
    def __init__(self, storage: Storage, runtime: Runtime) -> None:
        self.storage = storage
        self.runtime = runtime
        self.sender: Sender | None = None
        #: Messages sent and not yet marked so (``record_sent``).
        self._sent: list[tuple[int, datetime]] = []
        self._sent_lock = threading.Lock()

    def _due(self, now: datetime):  # type: ignore[no-untyped-def]
        return ((OutboxRow.status == "pending") | (OutboxRow.status == "sending")) & (
            (OutboxRow.lease_until.is_(None)) | (OutboxRow.lease_until < now))

    def claim(self) -> OutboxRow | None:
        """A message whose sender died or whose send failed earlier (due for a retry)."""
        now = self.runtime.clock()
        storage = self.storage
        with storage.readonly() as conn:
            if conn.scalar(select(OutboxRow.id).where(self._due(now)).limit(1)) is None:
                return None
        with transaction(storage.sessions) as session:
            query = select(OutboxRow).where(self._due(now)).order_by(OutboxRow.id).limit(1)
            if storage.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)
            row = session.scalar(query)
            if row is None:
                return None
            row.status, row.lease_until, row.attempts = "sending", now + LEASE, row.attempts + 1
            return row

    def retry_one(self) -> bool:
        """A chore: send one message that is due again; True when there was one."""
        row = self.claim()
        if row is None:
            return False
        self.deliver(row)
        return True

    def deliver(self, row: OutboxRow | Outgoing) -> None:
        from channels.errors import PermanentSendError

        now = self.runtime.clock()
        status, error = "sent", ""
        if row.kind == "reply" and row.not_after is not None and now > row.not_after:
            status, error = "expired", "reply token expired before sending"
        elif isinstance(row.payload, dict) and row.payload.get("redacted"):
            status, error = "skipped", "erased (PDPA) before it was sent"
        elif self.sender is None:
            status, error = "skipped", "no LINE channel configured"
        else:
            try:
                reply = row.reply if isinstance(row, Outgoing) and row.reply is not None \
                    else reply_from_dict(row.payload)
                self.sender(row, reply)
            except PermanentSendError as exc:
                status, error = "failed", str(exc)[:500]
            except Exception as exc:  # network or 5xx: try again later, with backoff
                log.warning("sending outbox %s failed (attempt %s): %s", row.id, row.attempts, exc)
                retry = row.attempts < MAX_ATTEMPTS
                status, error = ("pending" if retry else "failed"), str(exc)[:500]
        REPLIES.labels(row.kind, status).inc()
        if status == "failed":
            ERRORS.labels("send").inc()
        if status == "sent":
            # Recorded with the next write instead of a transaction of its own. Should the process
            # die first, the message is sent again after its lease: LINE refuses a used reply
            # token and drops a push whose retry key it has seen, so nobody gets it twice.
            with self._sent_lock:
                self._sent.append((row.id, now))
            return
        with transaction(self.storage.sessions) as session:
            backoff = now + timedelta(seconds=min(30, 2 ** row.attempts)) if status == "pending" else None
            session.execute(
                update(OutboxRow).where(OutboxRow.id == row.id)
                .values(status=status, error=error, lease_until=backoff, sent_at=None)
            )

    def deliver_logged(self, row: Outgoing) -> None:
        """Deliver in a background thread: a failure is logged, and the message is sent again after its lease."""
        try:
            self.deliver(row)
        except Exception:
            log.exception("sending outbox %s failed; it is retried after its lease", row.id)

    def deliver_all(self, rows: list[Outgoing]) -> None:
        """The replies an answering process handed over, one after another (a web worker's reply inbox)."""
        for row in rows:
            self.deliver_logged(row)

    def record_sent(self, session: Session) -> list[tuple[int, datetime]]:
        """Mark the messages sent since the last write (inside the caller's transaction). Returns
        them, so that a caller whose transaction fails can put them back (``unrecord``)."""
        with self._sent_lock:
            done, self._sent = self._sent, []
        if done:
            session.execute(
                self.storage.sql.mark_sent,
                [{"outbox_id": outbox_id, "at": at} for outbox_id, at in done],
            )
        return done

    def unrecord(self, done: list[tuple[int, datetime]]) -> None:
        with self._sent_lock:
            self._sent[:0] = done

    def flush_sent(self) -> None:
        if not self._sent:
            return
        flushed: list[tuple[int, datetime]] = []
        try:
            with transaction(self.storage.sessions) as session:
                flushed = self.record_sent(session)
        except OperationalError:
            self.unrecord(flushed)
            raise
