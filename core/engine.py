"""The bot without its transports: storage, knowledge, handlers, the inbox and the outbox.

Every channel goes through :meth:`Engine.answer` (the chat page and terminal call it directly; LINE
events reach it through the inbox so that they are stored before LINE is acknowledged).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, delete, inspect, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from core.config import Settings
from core.dispatch import SORRY, Context, Dispatcher
from core.group_commit import GroupCommit
from core.messages import Reply, Request, reply_from_dict, reply_to_dict
from core.observability import ANSWER_BATCH, ERRORS, PROCESS_ROLE, RATE_LIMITED, REPLIES, log_event
from core.relay import ReplyInbox, ReplyRelay, send_socket_path
from core.statements import Statements, forget_events
from core.wake import WakeSocket
from db.models import AnsweredEvent, Conversation, InboundEvent, Outbox, User, utcnow
from db.session import (
    checkpoint_and_empty_wal,
    database_url,
    inbox_database_url,
    make_engine,
    make_session_factory,
    transaction,
    truncate_wal_if_over,
)
from db.topics import read_topics, write_topics

log = logging.getLogger(__name__)

#: How long a worker may hold an event or message before another worker may take it over.
LEASE = timedelta(seconds=20)
#: How long answered events and sent messages are kept.
RETENTION = timedelta(days=7)
#: A reply token works for about a minute; after that a reply is pointless.
REPLY_TOKEN_TTL = timedelta(seconds=55)
MAX_ATTEMPTS = 5
#: A SQLite WAL larger than this is emptied after an answering transaction (``truncate_wal_if_over``): twice the size
#: at which SQLite checkpoints on its own.
WAL_LIMIT_BYTES = 8 << 20
#: Handler time after which an answering transaction takes no more events, so that the answers already made leave
#: (the rest stay pending and are claimed at once). A reply then waits behind at most this much of others' work
#: in its transaction (issue #14: three 5,000-character texts held a colleague's question for 1.7 s).
BATCH_BUDGET_S = 0.1
#: A text longer than this is expected to be slow to understand: answered in a transaction of its own, after the
#: light events claimed with it (``_light_first``). The same as ``handlers.common.SHORT_TEXT``.
HEAVY_TEXT = 300
#: A handler slower than this is logged (the engine cannot interrupt it: Python threads cannot be pre-empted).
SLOW_EVENT_S = 1.0
#: Replies handed to the sender threads and not yet sent, per process.
MAX_SENDS_WAITING = 256
RATE_LIMIT_TEXT = ("ขออภัยค่ะ ส่งข้อความถี่เกินไป บอทขอพักตอบสักครู่ "
                   "กรุณารอประมาณ 1 นาทีแล้วลองใหม่อีกครั้งนะคะ 🙏")


class _RedoWithSavepoints(Exception):
    """A handler failed in a batch run without per-event savepoints (see ``Engine.process_next``)."""


@dataclass(frozen=True)
class Services:
    """Read-only things handlers use, built once per process."""

    kb: Any
    #: Greetings, thanks and the like (``knowledge.smalltalk.SmallTalk``); None: no small talk.
    smalltalk: Any = None


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


@dataclass
class Batch:
    """What the handlers of a batch of events need about their senders, read with one query each
    instead of one per event: the people (as ORM objects in the batch's session, so a change one
    handler makes is what the next event sees), their open conversations, and their recent messages
    for the rate limit."""

    users: dict[str, User] = field(default_factory=dict)
    #: Held here because the session's identity map holds objects weakly.
    conversations: list[Conversation] = field(default_factory=list)
    recent: dict[str, list[tuple[int, datetime]]] = field(default_factory=dict)
    #: The senders' remembered topics, and those the batch's answers leave (written after the batch).
    topics: dict = field(default_factory=dict)
    topic_writes: dict = field(default_factory=dict)

    def user(self, session: Session, user_id: str) -> User | None:
        user = self.users.get(user_id)
        if user is not None and not inspect(user).deleted and not inspect(user).detached:
            return user
        return session.scalar(select(User).where(User.line_user_id == user_id))

    @staticmethod
    def conversation(session: Session, user_id: str) -> Conversation | None:
        """Every open conversation of the batch's senders was loaded up front, and a handler's new one is
        flushed with its savepoint, so the session's identity map is the whole truth (None: no flow)."""
        return session.identity_map.get(identity_key(Conversation, user_id))

    def messages_before(self, user_id: str, event_id: int, received_at: datetime) -> int:
        """Messages and taps this person sent in the minute before this event."""
        since = received_at - timedelta(seconds=60)
        return sum(1 for other_id, at in self.recent.get(user_id, ()) if other_id < event_id and at > since)


class Engine:
    def __init__(self, settings: Settings, dispatcher: Dispatcher, services: Services,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.settings = settings
        self.db = make_engine(settings.database_url)
        #: For polling: on SQLite a deferred transaction that does not take the write lock.
        self.read_db = make_engine(settings.database_url, immediate=False) if self.db.dialect.name == "sqlite" \
            else self.db
        self.sessions = make_session_factory(self.db)
        inbox_url = inbox_database_url(settings.database_url)
        #: The webhook's events wait in a SQLite file of their own (``inbox_database_url``): the webhook's
        #: commits then never queue behind an answering transaction. Answers are recorded in
        #: ``answered_events`` with their effects, and the inbox is marked after (``_finish_in_inbox``).
        self.inbox_apart = inbox_url != database_url(settings.database_url)
        self.inbox_db = make_engine(inbox_url, name="inbox") if self.inbox_apart else self.db
        self.inbox_read_db = make_engine(inbox_url, immediate=False) if self.inbox_apart else self.read_db
        self.inbox_sessions = make_session_factory(self.inbox_db)
        self._last_purge: datetime | None = None
        self._sent: list[tuple[int, datetime]] = []
        self._sent_lock = threading.Lock()
        self.dispatcher = dispatcher
        self.services = services
        self.clock = clock
        #: Converts a stored LINE event into a Request (None: nothing to answer). Set by the channel.
        self.event_to_request: Callable[[dict], Request | None] = lambda payload: None
        #: Sends one outbox row; raises ``PermanentSendError`` or other exceptions. Set by the channel.
        self.sender: Callable[[Outbox | Outgoing, Reply], None] | None = None
        #: Looks up a LINE display name (None when unknown). Set by the channel.
        self.profile_lookup: Callable[[str], str | None] = lambda user_id: None
        #: Brings ``services.kb`` up to date with the kept answers before answering (``bot.use_kept_answers``).
        self.refresh_knowledge: Callable[[Session], None] | None = None
        #: The hot statements, built once (``core/statements.py``).
        self.sql = Statements.build(self.db.dialect.name, settings.events_per_transaction)
        self._inbox: GroupCommit[dict] = GroupCommit(self._store_rows)
        #: Claim without peeking first: set after a batch that found work and after a wake-up.
        self._work_likely = False
        #: Events the last claim found: a full batch means more are waiting, so the next claim need not gather.
        self._last_batch = 0
        self._last_chores = 0.0
        self._senders: ThreadPoolExecutor | None = None
        self._in_flight = threading.BoundedSemaphore(MAX_SENDS_WAITING)
        self._wake = threading.Event()
        #: How other processes on this machine wake the answering ones (``core/wake.py``).
        self.wake_sockets = [WakeSocket(path) for path in wake_paths(settings)]
        self._listening: WakeSocket | None = None
        #: In an answering process: hands replies to the web workers to send (``core/relay.py``).
        self.relay: ReplyRelay | None = None
        #: In a web worker: takes replies from the answering processes.
        self._reply_inbox: ReplyInbox | None = None
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        #: Seconds an idle worker sleeps before looking for work it was not woken for (another machine's).
        self.idle_poll = 1.0
        #: A PDPA erasure committed whose old page images may still be in a SQLite WAL (``_empty_wals``).
        self._wal_scrub_owed = False

    def readonly(self):  # type: ignore[no-untyped-def]
        return self.read_db.connect()

    def dispose(self, close: bool = True) -> None:
        """Drop pooled connections (``close=False`` in a forked child: the parent still owns them)."""
        for engine in {self.db, self.read_db, self.inbox_db, self.inbox_read_db}:
            engine.dispose(close=close)

    # ----- answering ---------------------------------------------------------------------
    def load_user(self, session: Session, req: Request, batch: Batch | None = None) -> User | None:
        if batch is not None:
            user = batch.user(session, req.user_id)
        else:
            user = session.scalar(select(User).where(User.line_user_id == req.user_id))
        if req.user_id in self.settings.admin_ids:
            if user is None:
                user = User(line_user_id=req.user_id, display_name=req.display_name, role="admin", status="active")
                session.add(user)
            elif user.role != "admin" or user.status != "active":
                user.role, user.status = "admin", "active"
        return user

    def answer_in(self, session: Session, req: Request, batch: Batch | None = None) -> tuple[Reply, Context]:
        """Run the handlers for one request inside an open transaction."""
        now = self.clock()
        if self.refresh_knowledge is not None:
            self.refresh_knowledge(session)
        ctx = Context(session=session, settings=self.settings, services=self.services, now=now)
        ctx.user = self.load_user(session, req, batch)
        conv = batch.conversation(session, req.user_id) if batch is not None \
            else session.get(Conversation, req.user_id)
        if conv is not None and conv.expires_at <= now:
            ctx.expired_flow = conv.flow
            session.delete(conv)
            session.flush()
            conv = None
        ctx.conversation = conv
        if batch is not None:
            ctx.topics, ctx.topic_writes = batch.topics, batch.topic_writes
        reply = self.dispatcher.dispatch(req, ctx)
        return reply, ctx

    def answer(self, req: Request) -> Reply:
        """Answer directly (chat page, terminal). Effects and pushes commit together."""
        try:
            with transaction(self.sessions) as session:
                reply, ctx = self.answer_in(session, req)
                self._queue_pushes(session, ctx, key_base=req.event_id or uuid.uuid4().hex)
                if ctx.forgotten and not self.inbox_apart:
                    session.execute(forget_events(ctx.forgotten))
            if self.inbox_apart:
                self._finish_in_inbox([], ctx.forgotten)
            if ctx.forgotten:
                self._empty_wals()
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
        """Persist events before acknowledging LINE, in one statement, together with those of other
        requests arriving at the same moment (``GroupCommit``). A redelivered id (or the same event twice
        in one body, or a race with another process) is skipped by the unique key's
        ``ON CONFLICT DO NOTHING``. Returns how many of the group's rows were new."""
        now = self.clock()
        rows: dict[str, dict] = {}
        for event in events:
            source = event.get("source") if isinstance(event.get("source"), dict) else {}
            rows.setdefault(event_key(event), {
                "webhook_event_id": event_key(event), "event_type": str(event.get("type", ""))[:32],
                "source_user_id": str(source.get("userId", ""))[:64], "payload": event, "received_at": now,
                "status": "pending", "attempts": 0, "handler": "", "error": "", "lease_until": None, "done_at": None,
            })
        added = self._inbox.submit(list(rows.values()))
        if added:
            self.wake()
        return added

    def _store_rows(self, rows: list[dict]) -> int:
        """One transaction for the rows of every webhook request in a group (``GroupCommit``)."""
        with self.inbox_db.begin() as conn:
            return max(conn.execute(self.sql.add_events, rows).rowcount, 0)

    def move_waiting_events(self) -> int:
        """Events a bot from before the inbox had a file of its own stored in the main one and did not answer:
        moved to the inbox (at start; the main file's ``inbound_events`` is otherwise unused). Copied first and
        deleted after, so that a crash in between loses nothing (the copy skips ids the inbox has). Returns how
        many were moved."""
        if not self.inbox_apart:
            return 0
        table = InboundEvent.__table__
        with self.readonly() as conn:
            waiting = [dict(row._mapping) for row in conn.execute(
                select(*(c for c in table.c if c.name != "id")).where(table.c.status == "pending"))]
        if not waiting:
            return 0
        with self.inbox_db.begin() as conn:
            conn.execute(self.sql.add_events, waiting)
        moved = [row["webhook_event_id"] for row in waiting]
        with self.db.begin() as conn:
            conn.execute(delete(table).where(table.c.webhook_event_id.in_(moved)))
        log.info("moved %s waiting events from the main database file to the inbox's", len(waiting))
        self.wake()
        return len(waiting)

    def next_event_id(self) -> int | None:
        """The oldest event due for processing, read without taking SQLite's write lock."""
        now = self.clock()
        with self.inbox_read_db.connect() as conn:
            return conn.scalar(self.sql.peek, {"now": now})

    def process_next(self) -> list[Outgoing] | None:
        """Claim and answer due events (up to ``events_per_transaction``) in ONE transaction: the claim, the handlers'
        effects, the outgoing messages and ``done`` commit together, or (crash, lost database) none
        of them does and the events stay pending. A handler that fails must roll back only its own event
        (retried later with backoff), which takes a savepoint per event: two more statements each, and on
        PostgreSQL two more round trips. Handlers rarely fail, so a batch first runs without them; if a
        handler fails, that attempt is rolled back whole and the batch runs again, each event in its own
        savepoint. The engine's own reads and writes are one statement per batch, not per event. Returns
        the replies (leased to us) to deliver now, or None when nothing was due."""
        try:
            return self._process_batch(isolate=False)
        except _RedoWithSavepoints:
            return self._process_batch(isolate=True)

    def _process_batch(self, isolate: bool) -> list[Outgoing] | None:
        now = self.clock()
        flushed: list[tuple[int, datetime]] = []
        answered: list[tuple[Any, Request | None, Reply | None, str]] = []
        failed: list[int] = []
        outgoing: list[Outgoing] = []
        mended: list[dict] = []
        forgotten: list[str] = []
        try:
            with transaction(self.sessions) as session:
                # Out of the inbox's file before the handlers run: a reader holds back SQLite's checkpoints, and one
                # held through every batch let the inbox's WAL grow by a megabyte a second under make bench's load.
                with self._inbox_reader(session) as inbox:
                    rows = inbox.execute(self.sql.claim, {"now": now}).all()
                    if self.inbox_apart and rows:
                        rows, mended, forgotten = self._skip_answered(session, rows, now)
                    self._work_likely = bool(rows or mended)
                    self._last_batch = len(rows) + len(mended)
                    if rows:
                        requests = [self.event_to_request(row.payload) for row in rows]
                        batch = self._prefetch(session, inbox, rows, requests)
                if rows:
                    flushed = self._record_sent(session)
                    started = time.perf_counter()
                    for row, req in _light_first(rows, requests):
                        if (answered or failed) and (_heavy(req) or time.perf_counter() - started > BATCH_BUDGET_S):
                            # What is answered leaves now; the rest stay pending for the next claim, at once.
                            self._work_likely, self._last_batch = True, self.settings.events_per_transaction
                            break
                        began = time.perf_counter()
                        outcome = self._process_one(session, row, req, batch, isolate)
                        if time.perf_counter() - began > SLOW_EVENT_S:
                            log.warning("event %s took %.1f s to answer", row.id, time.perf_counter() - began)
                        if outcome is None:
                            failed.append(row.id)
                        else:
                            answered.append((row, req, *outcome[:2]))
                            forgotten.extend(outcome[2])
                    outgoing = self._write_outcomes(session, answered, now, forgotten)
                    write_topics(session, batch.topic_writes, set(forgotten))
        except (OperationalError, _RedoWithSavepoints):
            self._unrecord(flushed)
            raise  # the database is away (the worker loop waits and tries again), or a handler failed
        if self.inbox_apart:
            self._finish_in_inbox(mended + [{"event_id": row.id, "finished": now, "handler_name": handler[:64]}
                                            for row, _req, _reply, handler in answered], forgotten)
            if rows or mended:
                self._keep_wals_small()
        if forgotten:
            self._empty_wals()
        if not rows:
            return None
        ANSWER_BATCH.observe(len(answered) + len(failed))
        for event_id in failed:
            self._record_failure(event_id)
        for row, _req, reply, handler in answered:
            log_event(event_id=row.webhook_event_id, event_type=row.event_type, user_id=row.source_user_id,
                      handler=handler, latency_s=(self.clock() - row.received_at).total_seconds(),
                      outcome="answered" if reply is not None else "ignored")
        return outgoing

    @contextmanager
    def _inbox_reader(self, session: Session) -> Iterator[Session | Connection]:
        """Where a batch reads its events and the senders' recent messages: the batch's own transaction, or
        (an inbox apart) a read-only snapshot of the inbox's file, which takes no lock."""
        if not self.inbox_apart:
            yield session
            return
        with self.inbox_read_db.connect() as conn:
            yield conn

    def _skip_answered(self, session: Session, rows: list[Any],
                       now: datetime) -> tuple[list[Any], list[dict], list[str]]:
        """Drop the claimed events already answered (``AnsweredEvent``): the process that answered them died
        before it could mark them in the inbox. Returns the rest, the marks to mend, and the people whose erasure
        the inbox still owes. Read in the batch's transaction, which holds the main file's write lock, so no other
        worker is answering them now."""
        done = {event_id: (handler, erased) for event_id, handler, erased in
                session.execute(self.sql.answered, {"ids": [row.webhook_event_id for row in rows]})}
        if not done:
            return rows, [], []
        log.info("%s events were answered before a restart; their inbox marks are mended", len(done))
        answered = [row for row in rows if row.webhook_event_id in done]
        return ([row for row in rows if row.webhook_event_id not in done],
                [{"event_id": row.id, "finished": now, "handler_name": done[row.webhook_event_id][0]}
                 for row in answered],
                [row.source_user_id for row in answered if done[row.webhook_event_id][1] and row.source_user_id])

    def _finish_in_inbox(self, marks: list[dict], forgotten: list[str]) -> None:
        """Mark a committed batch's events ``done`` in an inbox apart (and erase the events of people who asked
        to be forgotten). Should this fail (the process dies, the file is locked too long), the events stay
        pending, and the next claim finds them answered and mends their marks (``_skip_answered``)."""
        if not marks and not forgotten:
            return
        try:
            with self.inbox_db.begin() as conn:
                if marks:
                    conn.execute(self.sql.mark_done, marks)
                if forgotten:
                    conn.execute(forget_events(sorted(set(forgotten))))
        except OperationalError:
            log.warning("could not mark %s answered events in the inbox; the next claim mends them", len(marks))

    def _keep_wals_small(self) -> None:
        """After an answering transaction, on SQLite: empty a WAL that SQLite's own checkpoints let grow past
        ``WAL_LIMIT_BYTES`` (a stat of each file when not)."""
        try:
            truncate_wal_if_over(self.inbox_db, WAL_LIMIT_BYTES, "inbox")
            truncate_wal_if_over(self.db, WAL_LIMIT_BYTES, "main")
        except OperationalError:
            log.warning("could not checkpoint a SQLite file; SQLite tries again on its own", exc_info=True)

    def _empty_wals(self, wait_s: float = 2.0) -> None:
        """After a PDPA erasure, on SQLite: checkpoint both files and empty their WALs, whose frames still hold the
        erased rows as they were (``PRAGMA secure_delete`` zeroes them in the files themselves). If a reader is in
        the way, owed and tried again with the idle chores (waiting 100 ms then: the write queue waits meanwhile)."""
        self._wal_scrub_owed = True
        try:
            done = checkpoint_and_empty_wal(self.db, "main", wait_s)
            done = checkpoint_and_empty_wal(self.inbox_db, "inbox", wait_s) and done if self.inbox_apart else done
        except OperationalError:
            log.warning("could not empty the WALs after an erasure; tried again when idle", exc_info=True)
            return
        self._wal_scrub_owed = not done
        if not done:
            log.warning("a reader kept a WAL from being emptied after an erasure; tried again when idle")

    def _prefetch(self, session: Session, inbox: Session | Connection, rows: list[Any],
                  requests: list[Request | None]) -> Batch:
        """One query each for the batch's senders: remember new people (their LINE names are looked up
        later, when the worker is idle: an answer never waits for a profile), load them, their open
        conversations and their messages of the last minute."""
        senders = sorted({req.user_id for req in requests if req is not None and req.user_id})
        batch = Batch()
        if not senders:
            return batch
        batch.users = {u.line_user_id: u for u in session.scalars(self.sql.users, {"ids": senders})}
        new = [s for s in senders if s not in batch.users]
        if new:
            now = self.clock()
            session.execute(self.sql.add_users, [
                {"line_user_id": s, "display_name": "", "full_name": "", "unit": "", "role": "staff",
                 "status": "guest", "profile_checked": False, "created_at": now, "updated_at": now} for s in new])
            batch.users.update(
                (u.line_user_id, u) for u in session.scalars(self.sql.users, {"ids": new}))
        batch.conversations = list(session.scalars(self.sql.conversations, {"ids": senders}))
        batch.topics = read_topics(session, senders)
        limit = self.settings.rate_limit_per_minute
        if limit > 0:
            # Counted first over the whole batch's minute (a superset of each event's own): only someone who
            # reaches the limit there can reach it for an event, so only their messages are read one by one.
            window = {"since": min(row.received_at for row in rows) - timedelta(seconds=60),
                      "before": max(row.id for row in rows)}
            busy = [user_id for user_id, count in inbox.execute(self.sql.recent_counts, {"ids": senders, **window})
                    if count >= limit]
            if busy:
                for user_id, event_id, at in inbox.execute(self.sql.recent, {"ids": busy, **window}):
                    batch.recent.setdefault(user_id, []).append((event_id, at))
        return batch

    def _process_one(self, session: Session, row: Any, req: Request | None, batch: Batch,
                     isolate: bool) -> tuple[Reply | None, str, list[str]] | None:
        """One event's handlers inside the batch's transaction. With ``isolate``, in a savepoint of its own:
        None when a handler failed (its changes are rolled back; the others' are kept). Without, a failure
        raises ``_RedoWithSavepoints``. Either way the event's changes are flushed before the next event,
        so that the next one finds them in the session's identity map (``Batch.conversation``)."""
        if not isolate:
            try:
                outcome = self._answer_event(session, row, req, batch)
                session.flush()
                return outcome
            except OperationalError:
                raise
            except Exception as exc:
                log.info("event %s failed in a batch; the batch runs again with a savepoint per event", row.id)
                raise _RedoWithSavepoints from exc
        try:
            with session.begin_nested():
                return self._answer_event(session, row, req, batch)
        except OperationalError:
            raise
        except Exception:
            ERRORS.labels("process").inc()
            log.exception("event %s failed; it will be retried with backoff", row.id)
            return None

    def _answer_event(self, session: Session, row: Any, req: Request | None,
                      batch: Batch) -> tuple[Reply | None, str, list[str]]:
        """The reply (None: nothing to say), the handler's name, and who asked to be forgotten."""
        if req is None:
            return None, "", []
        limit = self.settings.rate_limit_per_minute
        recent = batch.messages_before(row.source_user_id, row.id, row.received_at) if limit > 0 else 0
        if limit > 0 and recent >= limit:
            # Said politely once per minute; later messages in the same minute get no answer.
            RATE_LIMITED.inc()
            return (Reply.text(RATE_LIMIT_TEXT, handler="rate-limit") if recent == limit else None), "rate-limit", []
        reply, ctx = self.answer_in(session, req, batch)
        if ctx.conversation is not None:
            batch.conversations.append(ctx.conversation)  # the identity map holds objects weakly
        self._queue_pushes(session, ctx, key_base=row.webhook_event_id)
        return reply, reply.handler, ctx.forgotten

    def _write_outcomes(self, session: Session, answered: list[tuple[Any, Request | None, Reply | None, str]],
                        now: datetime, forgotten: list[str]) -> list[Outgoing]:
        """The batch's replies (leased to this worker, so they are sent right after the commit) and its
        ``done`` marks (an inbox apart: its ``AnsweredEvent`` rows), one statement each."""
        if not answered:
            return []
        outgoing: list[Outgoing] = []
        erased = set(forgotten)
        for row, req, reply, _handler in answered:
            token = str(row.payload.get("replyToken") or "")
            if reply is not None and reply.messages and token:
                # A reply needs only its token; the erased person's id is not written down again.
                to = req.user_id if req and req.user_id not in erased else ""
                outgoing.append(Outgoing(id=0, kind="reply", reply_token=token[:64], to=to,
                                         payload=reply_to_dict(reply), not_after=row.received_at + REPLY_TOKEN_TTL,
                                         reply=reply))
        if outgoing:
            ids = session.scalars(
                self.sql.add_outbox,
                [{"kind": o.kind, "reply_token": o.reply_token, "to": o.to, "retry_key": "", "payload": o.payload,
                  "status": "sending", "attempts": 1, "lease_until": now + LEASE, "not_after": o.not_after,
                  "error": "", "created_at": now} for o in outgoing],
            ).all()
            for o, outbox_id in zip(outgoing, ids, strict=True):
                o.id = outbox_id
        if self.inbox_apart:
            session.execute(self.sql.add_answered, [
                {"webhook_event_id": row.webhook_event_id, "handler": handler[:64],
                 "erased_sender": row.source_user_id in erased, "answered_at": now}
                for row, _, _, handler in answered])
            return outgoing
        session.execute(
            self.sql.mark_done,
            [{"event_id": row.id, "finished": now, "handler_name": handler[:64]} for row, _, _, handler in answered],
        )
        if forgotten:
            session.execute(forget_events(sorted(set(forgotten))))
        return outgoing

    def _record_failure(self, event_id: int) -> None:
        """A handler error: try again later with backoff; after MAX_ATTEMPTS apologise and stop. With an inbox
        apart, the apology commits first, with the event's ``AnsweredEvent`` row (so that it is said once even if
        the inbox's ``failed`` mark is then lost), while the inbox's lock is held: the one order in which the bot
        ever holds both locks, so no two processes can wait for each other."""
        try:
            with transaction(self.inbox_sessions) as inbox:
                row = inbox.get(InboundEvent, event_id)
                if row is None or row.status != "pending":
                    return
                row.attempts += 1
                now = self.clock()
                if row.attempts < MAX_ATTEMPTS:
                    row.lease_until = now + timedelta(seconds=2 ** row.attempts)
                    return
                row.status, row.done_at, row.error = "failed", now, "handler failed repeatedly"
                req = self.event_to_request(row.payload)
                token = str(row.payload.get("replyToken") or "")
                apology = Outbox(kind="reply", reply_token=token[:64], to=req.user_id if req else "",
                                 payload=reply_to_dict(Reply.text(SORRY, handler="error")),
                                 not_after=row.received_at + REPLY_TOKEN_TTL) if token else None
                if not self.inbox_apart:
                    if apology is not None:
                        inbox.add(apology)
                    return
                with transaction(self.sessions) as session:
                    if session.get(AnsweredEvent, row.webhook_event_id) is not None:
                        return
                    session.add(AnsweredEvent(webhook_event_id=row.webhook_event_id, handler="error",
                                              erased_sender=False, answered_at=now))
                    if apology is not None:
                        session.add(apology)
        except OperationalError:
            log.warning("could not record the failure of event %s", event_id)

    def look_up_profiles(self, limit: int = 20) -> bool:
        """Fill in the LINE display names of people met recently, outside any transaction (the profile
        API is a network call). Done when a worker has nothing to answer. The people are claimed first,
        so that no two workers ask LINE about the same person. False when nobody waited."""
        table = User.__table__
        if self.read_db is not self.db:
            with self.readonly() as conn:  # on SQLite: no write lock just to find there is nothing to do
                if conn.scalar(select(table.c.id).where(table.c.profile_checked.is_(False)).limit(1)) is None:
                    return False
        with self.db.begin() as conn:
            waiting = select(table.c.id).where(table.c.profile_checked.is_(False)).order_by(table.c.id).limit(limit)
            if self.db.dialect.name == "postgresql":
                waiting = waiting.with_for_update(skip_locked=True)
            claimed = list(conn.scalars(
                update(table).where(table.c.id.in_(waiting.scalar_subquery())).values(profile_checked=True)
                .returning(table.c.line_user_id)))
        if not claimed:
            return False
        names = {user_id: name for user_id in claimed if (name := self.profile_lookup(user_id))}
        if names:
            with self.db.begin() as conn:
                conn.execute(update(table).where(table.c.line_user_id == bindparam("user_id"))
                             .values(display_name=bindparam("name")),
                             [{"user_id": user_id, "name": name[:200]} for user_id, name in names.items()])
        return True

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

    def deliver(self, row: Outbox | Outgoing) -> None:
        from channels.errors import PermanentSendError

        now = self.clock()
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
        if done:
            session.execute(
                self.sql.mark_sent,
                [{"outbox_id": outbox_id, "at": at} for outbox_id, at in done],
            )
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
        """New work: wake this process's answering threads, or, in a process without them (a web worker
        when answering runs in processes of its own), the answering processes."""
        self._wake.set()
        if self._listening is not None:
            self._listening.send()  # this process's workers may be waiting on their socket
        elif not self._threads:
            for wake_socket in self.wake_sockets:
                wake_socket.send()

    def _sleep(self, timeout: float) -> None:
        """Idle until woken (by this process, or through the wake socket) or ``timeout`` passes."""
        if self._listening is None or self._wake.is_set():
            woken = self._wake.wait(timeout)
        else:
            woken = self._listening.wait(timeout)
        if woken:
            self._gather()
        self._wake.clear()
        self._work_likely = self._work_likely or woken

    def _gather(self) -> None:
        """Let events gather for ``answer_gather`` seconds before claiming them, so that a worker that keeps up
        answers several per transaction instead of waking for each webhook request (in ``make bench``: 14
        events per transaction on average against 10.5 without; a transaction's fixed statements and its
        turn at SQLite's write lock are shared by more events). The wake-ups
        that arrive meanwhile are taken now: they were sent after their events were committed, so the
        claim that follows sees those events."""
        if self.settings.answer_gather <= 0 or self._stop.wait(self.settings.answer_gather):
            return
        if self._listening is not None:
            self._listening.wait(0)

    def work_once(self, chores_every: float = 0.0) -> bool:
        """Answer a batch of events and send their replies; when none is due, do the chores (retry a
        message, record sent marks, purge, look up LINE names), at most every ``chores_every`` seconds.
        False when idle."""
        # After a batch, or when woken, work is likely waiting: claim at once. The peek (a read that does not
        # take SQLite's write lock) is for the once-a-second look an idle worker takes on its own.
        if self._work_likely or self.next_event_id() is not None:
            replies = self.process_next()
            if replies is not None:
                for row in self.relay.hand_over(replies) if self.relay is not None else replies:
                    self._send(row)
                return True
        if time.monotonic() - self._last_chores < chores_every:
            return False
        busy = self._chores()
        self._last_chores = 0.0 if busy else time.monotonic()
        return busy

    def _chores(self) -> bool:
        row = self.claim_outbox()
        if row is not None:
            self.deliver(row)
            return True
        self.flush_sent()
        self._purge_if_due()
        if self._wal_scrub_owed:
            self._empty_wals(wait_s=0.1)
        return self.look_up_profiles()

    def _send(self, row: Outgoing) -> None:
        """Deliver now (tests, CLI) or hand to the sender threads. At most ``MAX_SENDS_WAITING`` wait, so
        that a slow LINE API slows the answering down instead of letting the replies' leases run out."""
        if self._senders is None:
            self.deliver(row)
            return
        self._in_flight.acquire()

        def send() -> None:
            try:
                self._deliver_logged(row)
            finally:
                self._in_flight.release()

        self._senders.submit(send)

    def _deliver_all(self, rows: list[Outgoing]) -> None:
        """The replies an answering process handed over, one after another (a web worker's reply inbox)."""
        for row in rows:
            self._deliver_logged(row)

    def _deliver_logged(self, row: Outgoing) -> None:
        """Deliver in a background thread: a failure is logged, and the message is sent again after its lease."""
        try:
            self.deliver(row)
        except Exception:
            log.exception("sending outbox %s failed; it is retried after its lease", row.id)

    def _purge_if_due(self) -> None:
        """Drop answered events and sent messages older than ``RETENTION`` (about once an hour):
        the redelivery window of LINE is far shorter, and the rate limit looks back one minute."""
        now = self.clock()
        if self._last_purge is not None and now - self._last_purge < timedelta(hours=1):
            return
        self._last_purge = now
        cutoff = now - RETENTION
        with transaction(self.inbox_sessions) as inbox:
            inbox.execute(delete(InboundEvent).where(InboundEvent.status.in_(("done", "failed")),
                                                     InboundEvent.received_at < cutoff))
        with transaction(self.sessions) as session:
            session.execute(delete(Outbox).where(Outbox.status.in_(("sent", "expired", "failed", "skipped")),
                                                 Outbox.created_at < cutoff))
            # Kept as long as the events: an event still pending in the inbox must find its row.
            session.execute(delete(AnsweredEvent).where(AnsweredEvent.answered_at < cutoff))
            from db.topics import purge_topics

            purge_topics(session, now - timedelta(days=1))  # a follow-up looks back minutes, not days

    def drain(self, timeout: float = 10.0) -> None:
        """Work until nothing is left (tests, CLI)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.work_once():
            pass

    def _worker_loop(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.work_once(chores_every=1.0)
            except OperationalError:
                log.warning("database unavailable; worker waits", exc_info=True)
                busy = False
                self._stop.wait(1.0)
            except Exception:
                log.exception("worker error")
                busy = False
            if not busy:
                self._sleep(self.idle_poll)
            elif 0 < self._last_batch < self.settings.events_per_transaction:
                self._gather()  # what arrived while this batch was answered is only the start of the next

    def start_workers(self, slot: int = 0) -> None:
        """Background threads that turn stored events into replies (and pick up what a previous
        process left behind), and the threads that send the replies. With wake sockets configured,
        this process listens on the ``slot``-th, so that web processes can wake it."""
        if self._threads:
            return
        self._stop.clear()
        if self.wake_sockets:
            PROCESS_ROLE["name"] = "answering"
            self._listening = self.wake_sockets[slot % len(self.wake_sockets)]
            self._listening.listen()
            self.relay = ReplyRelay(self.settings.run_dir)
        self._senders = ThreadPoolExecutor(self.settings.sender_threads, thread_name_prefix="bot-sender")
        for i in range(self.settings.worker_threads):
            t = threading.Thread(target=self._worker_loop, name=f"bot-worker-{i}", daemon=True)
            t.start()
            self._threads.append(t)

    def start_sending_for_answerers(self) -> None:
        """In a web worker, when answering runs in processes of its own: send the replies they hand over."""
        if self._reply_inbox is not None or not self.settings.run_dir:
            return
        PROCESS_ROLE["name"] = "web"
        self._reply_inbox = ReplyInbox(send_socket_path(self.settings.run_dir, os.getpid()),
                                       deliver=self._deliver_all, idle=self.flush_sent)
        self._reply_inbox.start()

    def stop_workers(self) -> None:
        if self._reply_inbox is not None:
            self._reply_inbox.stop()
            self._reply_inbox = None
        self._stop.set()
        self.wake()
        for t in self._threads:
            t.join(timeout=self.settings.line_api_timeout + 5)
        self._threads.clear()
        if self._listening is not None:
            self._listening.close()
            self._listening = None
        if self.relay is not None:
            self.relay.close()
            self.relay = None
        if self._senders is not None:
            self._senders.shutdown(wait=True)  # sends in flight finish first
            self._senders = None
        try:
            self.flush_sent()
        except OperationalError:
            log.warning("could not record sent messages; they will be retried and refused by LINE as duplicates")


def _heavy(req: Request | None) -> bool:
    return req is not None and len(req.text) > HEAVY_TEXT


def _light_first(rows: list[Any], requests: list[Request | None]) -> list[tuple[Any, Request | None]]:
    """The claimed events in the order to answer them: light ones first, then each heavy one (a long text) and
    whatever its sender sent after it. One person's messages keep their order (a flow's steps depend on it);
    only other people's light messages go ahead of a heavy one, so one long paste does not hold them."""
    light: list[tuple[Any, Request | None]] = []
    later: list[tuple[Any, Request | None]] = []
    held: set[str] = set()
    for row, req in zip(rows, requests, strict=True):
        sender = req.user_id if req is not None else ""
        if _heavy(req) or (sender and sender in held):
            held.add(sender)
            later.append((row, req))
        else:
            light.append((row, req))
    return light + later


def wake_paths(settings: Settings) -> list[str]:
    """One wake socket per answering process, in the run folder."""
    if not settings.run_dir:
        return []
    return [os.path.join(settings.run_dir, f"wake-{i}.sock") for i in range(max(1, settings.answer_processes))]


def event_key(event: dict) -> str:
    """LINE's ``webhookEventId``; for an event without one, a stable digest of its content."""
    key = event.get("webhookEventId")
    if isinstance(key, str) and key:
        return key[:64]
    import hashlib
    import json

    return "sha:" + hashlib.sha256(json.dumps(event, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:60]
