"""Answering: a request through the handlers, and a batch of stored events in one transaction.

There is one answering path. A direct request (chat page, terminal: :meth:`Answerer.answer`) and each event of a
batch (:meth:`BatchAnswerer.process_next`) both go through :meth:`Answerer.answer_one`, which applies the rate
limit, runs the handlers and queues their pushes; a person's erasure (PDPA) is finished by
:meth:`Answerer.erase_in_transaction` and :meth:`Answerer.finish_erasure` on both paths.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from core.dispatch import SORRY, Context, Dispatcher
from core.inbox import RATE_WINDOW, REPLY_TOKEN_TTL, Inbox, Incoming, nothing_to_answer
from core.messages import Reply, Request, reply_to_dict
from core.observability import ANSWER_BATCH, ERRORS, RATE_LIMITED, log_event
from core.outbox import LEASE, Outbox, Outgoing
from core.statements import forget_events
from core.storage import Runtime, Storage
from core.wal import WalUpkeep
from db.models import Conversation, User
from db.models import Outbox as OutboxRow
from db.session import transaction
from db.topics import read_topics, write_topics

log = logging.getLogger(__name__)

#: Handler time after which an answering transaction takes no more events, so that the answers already made leave
#: (the rest stay pending and are claimed at once). A reply then waits behind at most this much of others' work
#: in its transaction.
BATCH_BUDGET_S = 0.1
#: A text longer than this is expected to be slow to understand: answered in a transaction of its own, after the
#: light events claimed with it (``light_first``). The same as ``handlers.common.SHORT_TEXT``.
HEAVY_TEXT = 300
#: A handler slower than this is logged (the engine cannot interrupt it: Python threads cannot be pre-empted).
SLOW_EVENT_S = 1.0
RATE_LIMIT_TEXT = ("ขออภัยค่ะ ส่งข้อความถี่เกินไป บอทขอพักตอบสักครู่ "
                   "กรุณารอประมาณ 1 นาทีแล้วลองใหม่อีกครั้งนะคะ 🙏")


@dataclass(frozen=True)
class Services:
    """Read-only things handlers use, built once per process."""

    kb: Any
    #: Greetings, thanks and the like (``knowledge.smalltalk.SmallTalk``); None: no small talk.
    smalltalk: Any = None


@dataclass(frozen=True)
class Outcome:
    """What answering one request gave: the reply (None: nothing to say), the handler's name, and the
    people who asked to be forgotten."""

    reply: Reply | None
    handler: str
    forgotten: list[str] = field(default_factory=list)


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
        since = received_at - RATE_WINDOW
        return sum(1 for other_id, at in self.recent.get(user_id, ()) if other_id < event_id and at > since)


class Answerer:
    """The one answering path: the rate limit, the handlers, their pushes, and a person's erasure."""

    def __init__(self, storage: Storage, runtime: Runtime, inbox: Inbox, wal: WalUpkeep,
                 dispatcher: Dispatcher, services: Services) -> None:
        self.storage = storage
        self.runtime = runtime
        self.inbox = inbox
        self.wal = wal
        self.dispatcher = dispatcher
        self.services = services
        #: Brings ``services.kb`` up to date with the kept answers before answering (``compose.use_kept_answers``).
        self.refresh_knowledge: Callable[[Session], None] | None = None
        #: Called after a direct answer commits (its pushes wait in the outbox: wakes the workers).
        self.on_committed: Callable[[], None] = lambda: None

    def load_user(self, session: Session, req: Request, batch: Batch | None = None) -> User | None:
        if batch is not None:
            user = batch.user(session, req.user_id)
        else:
            user = session.scalar(select(User).where(User.line_user_id == req.user_id))
        if req.user_id in self.runtime.settings.admin_ids:
            if user is None:
                user = User(line_user_id=req.user_id, display_name=req.display_name, role="admin", status="active")
                session.add(user)
            elif user.role != "admin" or user.status != "active":
                user.role, user.status = "admin", "active"
        return user

    def answer_in(self, session: Session, req: Request, batch: Batch | None = None,
                  now: datetime | None = None) -> tuple[Reply, Context]:
        """Run the handlers for one request inside an open transaction (at ``now``: by default, the clock's)."""
        now = now or self.runtime.clock()
        if self.refresh_knowledge is not None:
            self.refresh_knowledge(session)
        ctx = Context(session=session, settings=self.runtime.settings, services=self.services, now=now)
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

    def answer_one(self, session: Session, req: Request, recent: int, key_base: str,
                   batch: Batch | None = None, now: datetime | None = None) -> Outcome:
        """One request, in the caller's transaction. ``recent``: the messages its sender sent in the minute
        before it. Over the rate limit, said politely once per minute; later messages get no answer."""
        limit = self.runtime.settings.rate_limit_per_minute
        if limit > 0 and recent >= limit:
            RATE_LIMITED.inc()
            return Outcome(Reply.text(RATE_LIMIT_TEXT, handler="rate-limit") if recent == limit else None,
                           "rate-limit")
        reply, ctx = self.answer_in(session, req, batch, now)
        if batch is not None and ctx.conversation is not None:
            batch.conversations.append(ctx.conversation)  # the identity map holds objects weakly
        for i, push in enumerate(ctx.pushes):
            session.add(OutboxRow(kind="push", to=push.to, payload=reply_to_dict(push.reply),
                                  retry_key=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{key_base}/{i}/{push.to}"))))
        return Outcome(reply, reply.handler, ctx.forgotten)

    def erase_in_transaction(self, session: Session, forgotten: list[str]) -> None:
        """PDPA: erase the stored events of the people who asked to be forgotten, with the answer, when the
        inbox is in the main database (an inbox apart is erased after the commit: ``finish_erasure``)."""
        if forgotten and not self.storage.inbox_apart:
            session.execute(forget_events(sorted(set(forgotten))))

    def finish_erasure(self, marks: list[dict], forgotten: list[str]) -> None:
        """After the commit: mark the answered events in an inbox apart and erase the forgotten people's events
        there, then empty the WALs that still hold the erased rows."""
        if self.storage.inbox_apart:
            self.inbox.finish(marks, forgotten)
        if forgotten:
            self.wal.empty_after_erasure()

    def answer(self, req: Request) -> Reply:
        """Answer directly (chat page, terminal). Effects and pushes commit together."""
        limit = self.runtime.settings.rate_limit_per_minute
        try:
            now = self.runtime.clock()
            recent = self.inbox.messages_in_minute_before(req.user_id, now) if limit > 0 else 0
            with transaction(self.storage.sessions) as session:
                outcome = self.answer_one(session, req, recent, key_base=req.event_id or uuid.uuid4().hex, now=now)
                self.erase_in_transaction(session, outcome.forgotten)
            self.finish_erasure([], outcome.forgotten)
        except Exception:  # a handler's bug or a lost database: an apology, never a 500
            ERRORS.labels("answer").inc()
            log.exception("could not answer a direct request")
            return Reply.text(SORRY, handler="error")
        self.on_committed()
        return outcome.reply or Reply(handler=outcome.handler)


class _RedoWithSavepoints(Exception):
    """A handler failed in a batch run without per-event savepoints (see ``BatchAnswerer.process_next``)."""


class BatchAnswerer:
    """Stored events, a batch at a time: claim, answer, write the outcomes, in one transaction."""

    def __init__(self, storage: Storage, runtime: Runtime, inbox: Inbox, outbox: Outbox, wal: WalUpkeep,
                 answerer: Answerer) -> None:
        self.storage = storage
        self.runtime = runtime
        self.inbox = inbox
        self.outbox = outbox
        self.wal = wal
        self.answerer = answerer
        #: Reads a stored event back into a request and its reply token. Set by the channel.
        self.read_event: Callable[[dict], Incoming] = nothing_to_answer
        #: Claim without peeking first: set after a batch that found work (and by the workers, when woken).
        self.work_likely = False
        #: Events the last claim found: a full batch means more are waiting, so the next claim need not gather.
        self.last_batch = 0

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
        now = self.runtime.clock()
        settings = self.runtime.settings
        flushed: list[tuple[int, datetime]] = []
        answered: list[tuple[Any, Incoming, Outcome]] = []
        failed: list[int] = []
        outgoing: list[Outgoing] = []
        mended: list[dict] = []
        forgotten: list[str] = []
        try:
            with transaction(self.storage.sessions) as session:
                # Out of the inbox's file before the handlers run: a reader holds back SQLite's checkpoints, and one
                # held through every batch let the inbox's WAL grow under load.
                with self.inbox.reader(session) as reader:
                    rows = self.inbox.claim(reader, now)
                    if self.storage.inbox_apart and rows:
                        rows, mended, forgotten = self.inbox.skip_answered(session, rows, now)
                    self.work_likely = bool(rows or mended)
                    self.last_batch = len(rows) + len(mended)
                    if rows:
                        incoming = [self.read_event(row.payload) for row in rows]
                        batch = self._prefetch(session, reader, rows, incoming)
                if rows:
                    flushed = self.outbox.record_sent(session)
                    started = time.perf_counter()
                    for row, event in light_first(rows, incoming):
                        if (answered or failed) and (heavy(event.request)
                                                     or time.perf_counter() - started > BATCH_BUDGET_S):
                            # What is answered leaves now; the rest stay pending for the next claim, at once.
                            self.work_likely, self.last_batch = True, settings.events_per_transaction
                            break
                        began = time.perf_counter()
                        outcome = self._process_one(session, row, event.request, batch, isolate)
                        if time.perf_counter() - began > SLOW_EVENT_S:
                            log.warning("event %s took %.1f s to answer", row.id, time.perf_counter() - began)
                        if outcome is None:
                            failed.append(row.id)
                        else:
                            answered.append((row, event, outcome))
                            forgotten.extend(outcome.forgotten)
                    outgoing = self._write_outcomes(session, answered, now, forgotten)
                    write_topics(session, batch.topic_writes, set(forgotten))
        except (OperationalError, _RedoWithSavepoints):
            self.outbox.unrecord(flushed)
            raise  # the database is away (the worker loop waits and tries again), or a handler failed
        marks = mended + [{"event_id": row.id, "finished": now, "handler_name": outcome.handler[:64]}
                          for row, _event, outcome in answered]
        self.answerer.finish_erasure(marks, forgotten)
        if self.storage.inbox_apart and (rows or mended):
            self.wal.keep_small()
        if not rows:
            return None
        ANSWER_BATCH.observe(len(answered) + len(failed))
        for event_id in failed:
            self.inbox.record_failure(event_id, self.read_event)
        for row, _event, outcome in answered:
            log_event(event_id=row.webhook_event_id, event_type=row.event_type, user_id=row.source_user_id,
                      handler=outcome.handler, latency_s=(self.runtime.clock() - row.received_at).total_seconds(),
                      outcome="answered" if outcome.reply is not None else "ignored")
        return outgoing

    def _prefetch(self, session: Session, reader: Session | Any, rows: list[Any],
                  incoming: list[Incoming]) -> Batch:
        """One query each for the batch's senders: remember new people (their LINE names are looked up
        later, when the worker is idle: an answer never waits for a profile), load them, their open
        conversations and their messages of the last minute."""
        sql = self.storage.sql
        senders = sorted({e.request.user_id for e in incoming if e.request is not None and e.request.user_id})
        batch = Batch()
        if not senders:
            return batch
        batch.users = {u.line_user_id: u for u in session.scalars(sql.users, {"ids": senders})}
        new = [s for s in senders if s not in batch.users]
        if new:
            now = self.runtime.clock()
            session.execute(sql.add_users, [
                {"line_user_id": s, "display_name": "", "full_name": "", "unit": "", "role": "staff",
                 "status": "guest", "profile_checked": False, "created_at": now, "updated_at": now} for s in new])
            batch.users.update(
                (u.line_user_id, u) for u in session.scalars(sql.users, {"ids": new}))
        batch.conversations = list(session.scalars(sql.conversations, {"ids": senders}))
        batch.topics = read_topics(session, senders)
        if self.runtime.settings.rate_limit_per_minute > 0:
            # Over the whole batch's minute (a superset of each event's own); each event counts its own.
            batch.recent = self.inbox.recent(reader, senders, min(row.received_at for row in rows) - RATE_WINDOW,
                                             max(row.id for row in rows))
        return batch

    def _process_one(self, session: Session, row: Any, req: Request | None, batch: Batch,
                     isolate: bool) -> Outcome | None:
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

    def _answer_event(self, session: Session, row: Any, req: Request | None, batch: Batch) -> Outcome:
        if req is None:
            return Outcome(None, "")
        limit = self.runtime.settings.rate_limit_per_minute
        recent = batch.messages_before(row.source_user_id, row.id, row.received_at) if limit > 0 else 0
        return self.answerer.answer_one(session, req, recent, key_base=row.webhook_event_id, batch=batch)

    def _write_outcomes(self, session: Session, answered: list[tuple[Any, Incoming, Outcome]],
                        now: datetime, forgotten: list[str]) -> list[Outgoing]:
        """The batch's replies (leased to this worker, so they are sent right after the commit) and its
        ``done`` marks (an inbox apart: its ``AnsweredEvent`` rows), one statement each."""
        if not answered:
            return []
        sql = self.storage.sql
        outgoing: list[Outgoing] = []
        erased = set(forgotten)
        for row, event, outcome in answered:
            reply, req, token = outcome.reply, event.request, event.reply_token
            if reply is not None and reply.messages and token:
                # A reply needs only its token; the erased person's id is not written down again.
                to = req.user_id if req and req.user_id not in erased else ""
                outgoing.append(Outgoing(id=0, kind="reply", reply_token=token[:64], to=to,
                                         payload=reply_to_dict(reply), not_after=row.received_at + REPLY_TOKEN_TTL,
                                         reply=reply))
        if outgoing:
            ids = session.scalars(
                sql.add_outbox,
                [{"kind": o.kind, "reply_token": o.reply_token, "to": o.to, "retry_key": "", "payload": o.payload,
                  "status": "sending", "attempts": 1, "lease_until": now + LEASE, "not_after": o.not_after,
                  "error": "", "created_at": now} for o in outgoing],
            ).all()
            for o, outbox_id in zip(outgoing, ids, strict=True):
                o.id = outbox_id
        if self.storage.inbox_apart:
            session.execute(sql.add_answered, [
                {"webhook_event_id": row.webhook_event_id, "handler": outcome.handler[:64],
                 "erased_sender": row.source_user_id in erased, "answered_at": now}
                for row, _, outcome in answered])
            return outgoing
        session.execute(
            sql.mark_done,
            [{"event_id": row.id, "finished": now, "handler_name": outcome.handler[:64]}
             for row, _, outcome in answered],
        )
        self.answerer.erase_in_transaction(session, forgotten)
        return outgoing


def heavy(req: Request | None) -> bool:
    return req is not None and len(req.text) > HEAVY_TEXT


def light_first(rows: list[Any], incoming: list[Any]) -> list[tuple[Any, Any]]:
    """The claimed events in the order to answer them: light ones first, then each heavy one (a long text) and
    whatever its sender sent after it. One person's messages keep their order (a flow's steps depend on it);
    only other people's light messages go ahead of a heavy one, so one long paste does not hold them.
    ``incoming``: each row's ``Incoming`` (or its ``Request``)."""
    light: list[tuple[Any, Any]] = []
    later: list[tuple[Any, Any]] = []
    held: set[str] = set()
    for row, event in zip(rows, incoming, strict=True):
        req = event.request if isinstance(event, Incoming) else event
        sender = req.user_id if req is not None else ""
        if heavy(req) or (sender and sender in held):
            held.add(sender)
            later.append((row, event))
        else:
            light.append((row, event))
    return light + later
