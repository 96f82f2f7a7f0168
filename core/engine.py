"""The bot without its transports: storage, knowledge, handlers, the inbox and the outbox.

Every channel goes through :meth:`Engine.answer` (the chat page and terminal call it directly; LINE
events reach it through the inbox so that they are stored before LINE is acknowledged).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
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
#: A reply token works for about a minute; after that a reply is pointless.
REPLY_TOKEN_TTL = timedelta(seconds=55)
MAX_ATTEMPTS = 5
RATE_LIMIT_TEXT = ("ขออภัยค่ะ ส่งข้อความถี่เกินไป บอทขอพักตอบสักครู่ "
                   "กรุณารอประมาณ 1 นาทีแล้วลองใหม่อีกครั้งนะคะ 🙏")


@dataclass
class Services:
    """Read-only things handlers use, built once per process."""

    kb: Any
    extra: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.extra[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


class Engine:
    def __init__(self, settings: Settings, dispatcher: Dispatcher, services: Services,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.settings = settings
        self.db = make_engine(settings.database_url)
        self.sessions = make_session_factory(self.db)
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
        except OperationalError:
            log.exception("database error while answering")
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
        """Persist events before acknowledging LINE. Redelivered ids are skipped. Returns new count."""
        added = 0
        with transaction(self.sessions) as session:
            ids = [event_key(e) for e in events]
            existing = set(session.scalars(select(InboundEvent.webhook_event_id)
                                           .where(InboundEvent.webhook_event_id.in_(ids))))
            for key, event in zip(ids, events, strict=True):
                if key in existing:
                    continue
                existing.add(key)
                source = event.get("source") if isinstance(event.get("source"), dict) else {}
                try:
                    with session.begin_nested():
                        session.add(InboundEvent(
                            webhook_event_id=key, event_type=str(event.get("type", ""))[:32],
                            source_user_id=str(source.get("userId", ""))[:64], payload=event,
                            received_at=self.clock(),
                        ))
                    added += 1
                except IntegrityError:
                    # Another process stored the same redelivered event a moment ago.
                    continue
        if added:
            self.wake()
        return added

    def claim_event(self) -> tuple[int, str] | None:
        now = self.clock()
        token = secrets.token_hex(8)
        with transaction(self.sessions) as session:
            query = (
                select(InboundEvent.id)
                .where((InboundEvent.status == "pending")
                       | ((InboundEvent.status == "processing") & (InboundEvent.lease_until < now)))
                .order_by(InboundEvent.id)
                .limit(1)
            )
            if self.db.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            event_id = session.scalar(query)
            if event_id is None:
                return None
            session.execute(
                update(InboundEvent).where(InboundEvent.id == event_id)
                .values(status="processing", lease_until=now + LEASE, claim_token=token,
                        attempts=InboundEvent.attempts + 1)
            )
        return event_id, token

    def process_event(self, event_id: int, token: str) -> list[int]:
        """Answer one claimed event. Effects, outbox rows and ``done`` commit together; if the
        lease was lost to another worker meanwhile, everything rolls back. Returns outbox ids."""
        outbox_ids: list[int] = []
        try:
            with transaction(self.sessions) as session:
                row = session.get(InboundEvent, event_id)
                if row is None or row.status != "processing" or row.claim_token != token:
                    return []
                if row.attempts > MAX_ATTEMPTS:
                    row.status, row.error, row.done_at = "failed", "too many attempts", self.clock()
                    return []
                req = self.event_to_request(row.payload)
                reply: Reply | None = None
                limit = self.settings.rate_limit_per_minute
                recent = self._recent_messages(session, row) if req is not None and limit > 0 else 0
                if limit > 0 and recent >= limit:
                    # Said politely once per minute; later messages in the same minute get no answer.
                    RATE_LIMITED.inc()
                    reply = Reply.text(RATE_LIMIT_TEXT, handler="rate-limit") if recent == limit else None
                    row.handler = "rate-limit"
                elif req is not None:
                    self._ensure_profile(session, req)
                    reply, ctx = self.answer_in(session, req)
                    self._queue_pushes(session, ctx, key_base=row.webhook_event_id)
                    row.handler = reply.handler
                token_value = str(row.payload.get("replyToken") or "")
                if reply is not None and reply.messages and token_value:
                    received = row.received_at or self.clock()
                    session.add(Outbox(kind="reply", reply_token=token_value, to=req.user_id if req else "",
                                       payload=reply_to_dict(reply), not_after=received + REPLY_TOKEN_TTL))
                new_rows = [o for o in session.new if isinstance(o, Outbox)]
                claimed = session.execute(
                    update(InboundEvent)
                    .where(InboundEvent.id == event_id, InboundEvent.claim_token == token)
                    .values(status="done", done_at=self.clock(), handler=row.handler)
                    .execution_options(synchronize_session=False)
                )
                if claimed.rowcount != 1:
                    raise _LeaseLost()
                session.flush()
                outbox_ids = [o.id for o in new_rows]
                logged = (row.webhook_event_id, row.event_type, row.source_user_id, row.handler,
                          row.received_at, "answered" if reply is not None else "ignored")
        except _LeaseLost:
            return []
        except Exception:
            ERRORS.labels("process").inc()
            log.exception("event %s failed; it will be retried", event_id)
            self._release(event_id, token)
            return []
        received = logged[4]
        latency = (self.clock() - received).total_seconds() if received else -1.0
        log_event(event_id=logged[0], event_type=logged[1], user_id=logged[2], handler=logged[3],
                  latency_s=latency, outcome=logged[5])
        return outbox_ids

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

    def _release(self, event_id: int, token: str) -> None:
        """Give a failed event back at once (retrying while the database is away); if that never
        works, its lease expires and any worker takes it again."""
        for delay in (0.0, 0.5, 1.0, 2.0, 4.0):
            if self._stop.wait(delay):
                return
            try:
                with transaction(self.sessions) as session:
                    session.execute(
                        update(InboundEvent).where(InboundEvent.id == event_id, InboundEvent.claim_token == token)
                        .values(status="pending", lease_until=None)
                    )
                return
            except OperationalError:
                continue
        log.warning("could not release event %s; its lease will expire", event_id)

    def _ensure_profile(self, session: Session, req: Request) -> None:
        """Remember people who talk to the bot, with their LINE display name (asked once)."""
        if not req.user_id or req.chat_type != "user" and req.kind not in {"text", "postback"}:
            return
        user = session.scalar(select(User).where(User.line_user_id == req.user_id))
        if user is None:
            name = self.profile_lookup(req.user_id) or ""
            session.add(User(line_user_id=req.user_id, display_name=name[:200], role="staff", status="guest"))
            session.flush()

    # ----- the outbox ----------------------------------------------------------------------
    def claim_outbox(self, only: list[int] | None = None) -> Outbox | None:
        now = self.clock()
        with transaction(self.sessions) as session:
            query = (
                select(Outbox)
                .where((Outbox.status == "pending") | ((Outbox.status == "sending") & (Outbox.lease_until < now)))
                .where((Outbox.lease_until.is_(None)) | (Outbox.lease_until < now))
                .order_by(Outbox.id)
                .limit(1)
            )
            if only is not None:
                query = query.where(Outbox.id.in_(only))
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
        with transaction(self.sessions) as session:
            backoff = now + timedelta(seconds=min(30, 2 ** row.attempts)) if status == "pending" else None
            session.execute(
                update(Outbox).where(Outbox.id == row.id)
                .values(status=status, error=error, lease_until=backoff,
                        sent_at=now if status == "sent" else None)
            )

    # ----- workers ------------------------------------------------------------------------
    def wake(self) -> None:
        self._wake.set()

    def work_once(self) -> bool:
        """Process one event or send one message. Returns False when there was nothing to do."""
        claimed = self.claim_event()
        if claimed is not None:
            for outbox_id in self.process_event(*claimed):
                row = self.claim_outbox(only=[outbox_id])
                if row is not None:
                    self.deliver(row)
            return True
        row = self.claim_outbox()
        if row is not None:
            self.deliver(row)
            return True
        return False

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
            t.join(timeout=5)
        self._threads.clear()


class _LeaseLost(Exception):
    pass


def event_key(event: dict) -> str:
    """LINE's ``webhookEventId``; for an event without one, a stable digest of its content."""
    key = event.get("webhookEventId")
    if isinstance(key, str) and key:
        return key[:64]
    import hashlib
    import json

    return "sha:" + hashlib.sha256(json.dumps(event, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:60]


def now_utc() -> datetime:
    return datetime.now(UTC)
