"""The bot without its transports: storage, knowledge, handlers, the inbox and the outbox.

Every channel goes through :meth:`Engine.answer` (the chat page and terminal call it directly; LINE
events reach it through the inbox so that they are stored before LINE is acknowledged).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from core.config import Settings
from core.dispatch import SORRY, Context, Dispatcher
from core.messages import Reply, Request, reply_from_dict, reply_to_dict
from core.observability import ERRORS, RATE_LIMITED, REPLIES, log_event
from db.models import Conversation, InboundEvent, Outbox, User, utcnow
from db.session import make_engine, make_session_factory, transaction

log = logging.getLogger(__name__)

#: How long a worker may hold an event or message before another worker may take it over.
LEASE = timedelta(seconds=20)
#: How long answered events and sent messages are kept.
RETENTION = timedelta(days=7)
#: A reply token works for about a minute; after that a reply is pointless.
REPLY_TOKEN_TTL = timedelta(seconds=55)
MAX_ATTEMPTS = 5
RATE_LIMIT_TEXT = ("ขออภัยค่ะ ส่งข้อความถี่เกินไป บอทขอพักตอบสักครู่ "
                   "กรุณารอประมาณ 1 นาทีแล้วลองใหม่อีกครั้งนะคะ 🙏")


@dataclass(frozen=True)
class Services:
    """Read-only things handlers use, built once per process."""

    kb: Any


class Engine:
    def __init__(self, settings: Settings, dispatcher: Dispatcher, services: Services,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.settings = settings
        self.db = make_engine(settings.database_url)
        #: For polling: on SQLite a deferred transaction that does not take the write lock.
        self.read_db = make_engine(settings.database_url, immediate=False) if self.db.dialect.name == "sqlite" \
            else self.db
        self.sessions = make_session_factory(self.db)
        self._last_purge: datetime | None = None
        self._sent: list[tuple[int, datetime]] = []
        self._sent_lock = threading.Lock()
        self.dispatcher = dispatcher
        self.services = services
        self.clock = clock
        #: Converts a stored LINE event into a Request (None: nothing to answer). Set by the channel.
        self.event_to_request: Callable[[dict], Request | None] = lambda payload: None
        #: Sends one outbox row; raises ``PermanentSendError`` or other exceptions. Set by the channel.
        self.sender: Callable[[Outbox, Reply], None] | None = None
        #: Looks up a LINE display name (None when unknown). Set by the channel.
        self.profile_lookup: Callable[[str], str | None] = lambda user_id: None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def readonly(self):  # type: ignore[no-untyped-def]
        return self.read_db.connect()

    def dispose(self, close: bool = True) -> None:
        """Drop pooled connections (``close=False`` in a forked child: the parent still owns them)."""
        self.db.dispose(close=close)
        if self.read_db is not self.db:
            self.read_db.dispose(close=close)

    # ----- answering ---------------------------------------------------------------------
    def load_user(self, session: Session, req: Request) -> User | None:
        user = session.scalar(select(User).where(User.line_user_id == req.user_id))
        if req.user_id in self.settings.admin_ids:
            if user is None:
                user = User(line_user_id=req.user_id, display_name=req.display_name, role="admin", status="active")
                session.add(user)
            elif user.role != "admin" or user.status != "active":
                user.role, user.status = "admin", "active"
        return user

    def answer_in(self, session: Session, req: Request) -> tuple[Reply, Context]:
        """Run the handlers for one request inside an open transaction."""
        now = self.clock()
        ctx = Context(session=session, settings=self.settings, services=self.services, now=now)
        ctx.user = self.load_user(session, req)
        conv = session.get(Conversation, req.user_id)
        if conv is not None and conv.expires_at <= now:
            ctx.expired_flow = conv.flow
            session.delete(conv)
            session.flush()
            conv = None
        ctx.conversation = conv
        reply = self.dispatcher.dispatch(req, ctx)
        return reply, ctx

    def answer(self, req: Request) -> Reply:
        """Answer directly (chat page, terminal). Effects and pushes commit together."""
        try:
            with transaction(self.sessions) as session:
                reply, ctx = self.answer_in(session, req)
                self._queue_pushes(session, ctx, key_base=req.event_id or uuid.uuid4().hex)
        except Exception:  # a handler's bug or a lost database: an apology, never a 500
            ERRORS.labels("answer").inc()
            log.exception("could not answer a direct request")
            return Reply.text(SORRY, handler="error")
        self.wake()
        return reply

    def _queue_pushes(self, session: Session, ctx: Context, key_base: str) -> None:
        for i, push in enumerate(ctx.pushes):
            session.add(
                Outbox(kind="push", to=push.to, payload=reply_to_dict(push.reply),
                       retry_key=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{key_base}/{i}/{push.to}")))
            )

    # ----- the inbox (LINE events) ---------------------------------------------------------
    def store_events(self, events: list[dict]) -> int:
        """Persist events before acknowledging LINE, in one statement. A redelivered id (or the same
        event twice in one body, or a race with another process) is skipped by the unique key's
        ``ON CONFLICT DO NOTHING``. Returns how many were new."""
        now = self.clock()
        rows: dict[str, dict] = {}
        for event in events:
            source = event.get("source") if isinstance(event.get("source"), dict) else {}
            rows.setdefault(event_key(event), {
                "webhook_event_id": event_key(event), "event_type": str(event.get("type", ""))[:32],
                "source_user_id": str(source.get("userId", ""))[:64], "payload": event, "received_at": now,
                "status": "pending", "attempts": 0, "handler": "", "error": "",
            })
        insert = postgresql_insert if self.db.dialect.name == "postgresql" else sqlite_insert
        statement = insert(InboundEvent).values(list(rows.values())).on_conflict_do_nothing(
            index_elements=["webhook_event_id"])
        with transaction(self.sessions) as session:
            added = session.execute(statement).rowcount or 0
        if added:
            self.wake()
        return added

    def next_event_id(self) -> int | None:
        """The oldest event due for processing, read without taking SQLite's write lock."""
        now = self.clock()
        with self.readonly() as conn:
            return conn.scalar(
                select(InboundEvent.id).where(_due(now)).order_by(InboundEvent.id).limit(1)
            )

    def process_next(self) -> list[Outbox] | None:
        """Claim and answer due events (up to ``events_per_transaction``) in ONE transaction: the claim, the handlers'
        effects, the outgoing messages and ``done`` commit together, or (crash, lost database) none
        of them does and the events stay pending. Each event runs in a savepoint, so a handler that
        fails rolls back only its own event (retried later with backoff). Returns the reply rows
        (leased to us) to deliver now, or None when nothing was due."""
        names = {user: self.profile_lookup(user) for user in self._unknown_senders()}
        now = self.clock()
        flushed: list[tuple[int, datetime]] = []
        answered: list[tuple[tuple, Outbox | None]] = []
        failed: list[int] = []
        try:
            with transaction(self.sessions) as session:
                query = (
                    select(InboundEvent).where(_due(now))
                    .order_by(InboundEvent.id).limit(self.settings.events_per_transaction)
                )
                if self.db.dialect.name == "postgresql":
                    query = query.with_for_update(skip_locked=True)
                rows = list(session.scalars(query))
                if not rows:
                    return None
                flushed = self._record_sent(session)
                for row in rows:
                    outcome = self._process_one(session, row, names.get(row.source_user_id), now)
                    if outcome is None:
                        failed.append(row.id)
                    else:
                        answered.append(outcome)
        except OperationalError:
            self._unrecord(flushed)
            raise  # the database is away: the worker loop waits and tries again
        for event_id in failed:
            self._record_failure(event_id)
        for logged, _ in answered:
            latency = (self.clock() - logged[4]).total_seconds() if logged[4] else -1.0
            log_event(event_id=logged[0], event_type=logged[1], user_id=logged[2], handler=logged[3],
                      latency_s=latency, outcome=logged[5])
        return [outbox for _, outbox in answered if outbox is not None]

    def _process_one(self, session: Session, row: InboundEvent, display_name: str | None,
                     now: datetime) -> tuple[tuple, Outbox | None] | None:
        """One event inside the batch's transaction, in a savepoint of its own. None when its
        handler failed (its changes are rolled back; the others' are kept)."""
        try:
            with session.begin_nested():
                reply, req = self._answer_event(session, row, display_name)
                outbox = self._reply_row(row, reply, req, now)
                if outbox is not None:
                    session.add(outbox)
                row.status, row.done_at = "done", self.clock()
                session.flush()
        except OperationalError:
            raise
        except Exception:
            ERRORS.labels("process").inc()
            log.exception("event %s failed; it will be retried with backoff", row.id)
            return None
        logged = (row.webhook_event_id, row.event_type, row.source_user_id, row.handler, row.received_at,
                  "answered" if reply is not None else "ignored")
        return logged, outbox

    def _answer_event(self, session: Session, row: InboundEvent, display_name: str | None,
                      ) -> tuple[Reply | None, Request | None]:
        req = self.event_to_request(row.payload)
        if req is None:
            return None, None
        limit = self.settings.rate_limit_per_minute
        recent = self._recent_messages(session, row) if limit > 0 else 0
        if limit > 0 and recent >= limit:
            # Said politely once per minute; later messages in the same minute get no answer.
            RATE_LIMITED.inc()
            row.handler = "rate-limit"
            return (Reply.text(RATE_LIMIT_TEXT, handler="rate-limit") if recent == limit else None), req
        self._remember_user(session, req, display_name)
        reply, ctx = self.answer_in(session, req)
        self._queue_pushes(session, ctx, key_base=row.webhook_event_id)
        row.handler = reply.handler
        return reply, req

    def _reply_row(self, row: InboundEvent, reply: Reply | None, req: Request | None, now: datetime) -> Outbox | None:
        """The reply, leased to this worker so it is delivered right after the commit."""
        token = str(row.payload.get("replyToken") or "")
        if reply is None or not reply.messages or not token:
            return None
        received = row.received_at or now
        return Outbox(kind="reply", reply_token=token, to=req.user_id if req else "", payload=reply_to_dict(reply),
                      not_after=received + REPLY_TOKEN_TTL, status="sending", attempts=1, lease_until=now + LEASE)

    def _record_failure(self, event_id: int) -> None:
        """A handler error: try again later with backoff; after MAX_ATTEMPTS apologise and stop."""
        try:
            with transaction(self.sessions) as session:
                row = session.get(InboundEvent, event_id)
                if row is None or row.status != "pending":
                    return
                row.attempts += 1
                now = self.clock()
                if row.attempts < MAX_ATTEMPTS:
                    row.lease_until = now + timedelta(seconds=2 ** row.attempts)
                    return
                row.status, row.done_at, row.error = "failed", now, "handler failed repeatedly"
                req = self.event_to_request(row.payload)
                outbox = self._reply_row(row, Reply.text(SORRY, handler="error"), req, now)
                if outbox is not None:
                    outbox.status, outbox.lease_until, outbox.attempts = "pending", None, 0
                    session.add(outbox)
        except OperationalError:
            log.warning("could not record the failure of event %s", event_id)

    def _unknown_senders(self) -> list[str]:
        """Senders of the next due events whom the bot does not know yet, so their LINE profiles are
        fetched before (not inside) the write transaction."""
        now = self.clock()
        with self.readonly() as conn:
            senders = set(conn.scalars(
                select(InboundEvent.source_user_id).where(_due(now))
                .order_by(InboundEvent.id).limit(self.settings.events_per_transaction)
            )) - {""}
            if not senders:
                return []
            known = set(conn.scalars(select(User.line_user_id).where(User.line_user_id.in_(senders))))
        return sorted(senders - known)

    def _recent_messages(self, session: Session, row: InboundEvent) -> int:
        """Messages and taps this person sent in the minute before this event."""
        if not row.source_user_id:
            return 0
        since = (row.received_at or self.clock()) - timedelta(seconds=60)
        return session.scalar(
            select(func.count()).select_from(InboundEvent)
            .where(InboundEvent.source_user_id == row.source_user_id, InboundEvent.received_at > since,
                   InboundEvent.id < row.id, InboundEvent.event_type.in_(("message", "postback")))
        ) or 0

    def _remember_user(self, session: Session, req: Request, display_name: str | None) -> None:
        """Remember people who talk to the bot, with their LINE display name (fetched beforehand)."""
        if not req.user_id:
            return
        if session.scalar(select(User.id).where(User.line_user_id == req.user_id)) is None:
            session.add(User(line_user_id=req.user_id, display_name=(display_name or "")[:200], role="staff",
                             status="guest"))
            session.flush()

    # ----- the outbox ----------------------------------------------------------------------
    def _outbox_due(self, now: datetime):  # type: ignore[no-untyped-def]
        return ((Outbox.status == "pending") | (Outbox.status == "sending")) & (
            (Outbox.lease_until.is_(None)) | (Outbox.lease_until < now))

    def claim_outbox(self) -> Outbox | None:
        """A message whose sender died or whose send failed earlier (due for a retry)."""
        now = self.clock()
        with self.readonly() as conn:
            if conn.scalar(select(Outbox.id).where(self._outbox_due(now)).limit(1)) is None:
                return None
        with transaction(self.sessions) as session:
            query = select(Outbox).where(self._outbox_due(now)).order_by(Outbox.id).limit(1)
            if self.db.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            row = session.scalar(query)
            if row is None:
                return None
            row.status, row.lease_until, row.attempts = "sending", now + LEASE, row.attempts + 1
            return row

    def deliver(self, row: Outbox) -> None:
        from channels.errors import PermanentSendError

        now = self.clock()
        status, error = "sent", ""
        if row.kind == "reply" and row.not_after is not None and now > row.not_after:
            status, error = "expired", "reply token expired before sending"
        elif self.sender is None:
            status, error = "skipped", "no LINE channel configured"
        else:
            try:
                self.sender(row, reply_from_dict(row.payload))
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
        with transaction(self.sessions) as session:
            backoff = now + timedelta(seconds=min(30, 2 ** row.attempts)) if status == "pending" else None
            session.execute(
                update(Outbox).where(Outbox.id == row.id)
                .values(status=status, error=error, lease_until=backoff, sent_at=None)
            )

    def _record_sent(self, session: Session) -> list[tuple[int, datetime]]:
        """Mark the messages sent since the last write (inside the caller's transaction). Returns
        them, so that a caller whose transaction fails can put them back (``_unrecord``)."""
        with self._sent_lock:
            done, self._sent = self._sent, []
        for outbox_id, at in done:
            session.execute(update(Outbox).where(Outbox.id == outbox_id)
                            .values(status="sent", error="", lease_until=None, sent_at=at))
        return done

    def _unrecord(self, done: list[tuple[int, datetime]]) -> None:
        with self._sent_lock:
            self._sent[:0] = done

    def flush_sent(self) -> None:
        if not self._sent:
            return
        flushed: list[tuple[int, datetime]] = []
        try:
            with transaction(self.sessions) as session:
                flushed = self._record_sent(session)
        except OperationalError:
            self._unrecord(flushed)
            raise

    # ----- workers ------------------------------------------------------------------------
    def wake(self) -> None:
        self._wake.set()

    def work_once(self) -> bool:
        """Answer one event (and send its reply) or retry one message. False when idle."""
        if self.next_event_id() is not None:
            replies = self.process_next()
            if replies is not None:
                for row in replies:
                    self.deliver(row)
                return True
        row = self.claim_outbox()
        if row is not None:
            self.deliver(row)
            return True
        self.flush_sent()
        self._purge_if_due()
        return False

    def _purge_if_due(self) -> None:
        """Drop answered events and sent messages older than ``RETENTION`` (about once an hour):
        the redelivery window of LINE is far shorter, and the rate limit looks back one minute."""
        now = self.clock()
        if self._last_purge is not None and now - self._last_purge < timedelta(hours=1):
            return
        self._last_purge = now
        cutoff = now - RETENTION
        with transaction(self.sessions) as session:
            session.execute(delete(InboundEvent).where(InboundEvent.status.in_(("done", "failed")),
                                                       InboundEvent.received_at < cutoff))
            session.execute(delete(Outbox).where(Outbox.status.in_(("sent", "expired", "failed", "skipped")),
                                                 Outbox.created_at < cutoff))

    def drain(self, timeout: float = 10.0) -> None:
        """Work until nothing is left (tests, CLI)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.work_once():
            pass

    def _worker_loop(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.work_once()
            except OperationalError:
                log.warning("database unavailable; worker waits", exc_info=True)
                busy = False
                self._stop.wait(1.0)
            except Exception:
                log.exception("worker error")
                busy = False
            if not busy:
                self._wake.wait(1.0)
                self._wake.clear()

    def start_workers(self) -> None:
        """Background threads that turn stored events into replies (and pick up what a previous
        process left behind)."""
        if self._threads:
            return
        self._stop.clear()
        for i in range(self.settings.worker_threads):
            t = threading.Thread(target=self._worker_loop, name=f"bot-worker-{i}", daemon=True)
            t.start()
            self._threads.append(t)

    def stop_workers(self) -> None:
        self._stop.set()
        self._wake.set()
        for t in self._threads:
            t.join(timeout=self.settings.line_api_timeout + 5)  # a send in flight finishes first
        self._threads.clear()
        try:
            self.flush_sent()
        except OperationalError:
            log.warning("could not record sent messages; they will be retried and refused by LINE as duplicates")


def _due(now: datetime):  # type: ignore[no-untyped-def]
    """Events waiting to be answered: pending, and not held back after a failure."""
    return (InboundEvent.status == "pending") & (
        (InboundEvent.lease_until.is_(None)) | (InboundEvent.lease_until < now))


def event_key(event: dict) -> str:
    """LINE's ``webhookEventId``; for an event without one, a stable digest of its content."""
    key = event.get("webhookEventId")
    if isinstance(key, str) and key:
        return key[:64]
    import hashlib
    import json

    return "sha:" + hashlib.sha256(json.dumps(event, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:60]
