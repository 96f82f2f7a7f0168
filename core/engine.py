"""The bot without its transports: the parts of the runtime, wired together.

- ``core/storage.py``: the databases, the settings and the clock the parts share;
- ``core/inbox.py``: stored events (store, claim, mark), and the mending of a SQLite inbox in a file of its own;
- ``core/answering.py``: the one answering path, and a batch of events in one transaction;
- ``core/outbox.py``: replies and pushes (lease, deliver, retry, record sent);
- ``core/chores.py``: the jobs hook for timed work, profile look-ups, purging;
- ``core/wal.py``: SQLite's WAL upkeep;
- ``core/workers.py``: the answering and sending threads, and their wake-ups.

Every channel is answered through :class:`core.answering.Answerer` (the chat page and terminal call
:meth:`Engine.answer` directly; LINE events reach it through the inbox so that they are stored before LINE is
acknowledged).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from core.answering import Answerer, Batch, BatchAnswerer, Services
from core.chores import PURGE_EVERY, Jobs, Profiles, purge
from core.config import Settings
from core.dispatch import Context, Dispatcher
from core.inbox import Inbox, Incoming, NewEvent
from core.messages import Reply, Request
from core.outbox import Outbox, Outgoing, Sender
from core.storage import Runtime, Storage
from core.wal import WalUpkeep
from core.workers import Workers
from db.models import Outbox as OutboxRow
from db.models import utcnow

__all__ = ["Engine", "Services"]


class Engine:
    def __init__(self, settings: Settings, dispatcher: Dispatcher, services: Services,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.runtime = Runtime(settings, clock)
        self.storage = Storage(settings)
        self.wal = WalUpkeep(self.storage)
        self.inbox = Inbox(self.storage, self.runtime, on_new=lambda: self.wake())
        self.outbox = Outbox(self.storage, self.runtime)
        self.answerer = Answerer(self.storage, self.runtime, self.inbox, self.wal, dispatcher, services)
        self.answerer.on_committed = lambda: self.wake()
        self.answering = BatchAnswerer(self.storage, self.runtime, self.inbox, self.outbox, self.wal, self.answerer)
        self.profiles = Profiles(self.storage)
        #: Timed work for the idle workers: ``engine.jobs.run_every(interval, callable)``.
        self.jobs = Jobs(lambda: self.runtime.clock())
        self._register_chores()
        self.workers = Workers(self.runtime, self.inbox, self.answering, self.outbox, self.jobs)

    def _register_chores(self) -> None:
        """The bot's own jobs, in the order they run: a message due again first (a round that sends one ends
        there), then the sent marks, the purge, an erasure's WAL scrub, and the LINE names."""
        always = timedelta(0)
        self.jobs.run_every(always, self.outbox.retry_one, "retry a message")
        self.jobs.run_every(always, self.outbox.flush_sent, "record sent messages")
        purging = self.jobs.run_every(PURGE_EVERY, lambda: purge(self.storage, purging.last_run or self.clock()),
                                      "purge")
        self.jobs.run_every(always, self.wal.scrub_if_owed, "finish an erasure's WAL scrub")
        self.jobs.run_every(always, self.profiles.look_up, "look up LINE names")

    # ----- what the parts share ------------------------------------------------------------------
    @property
    def settings(self) -> Settings:
        return self.runtime.settings

    @settings.setter
    def settings(self, value: Settings) -> None:
        self.runtime.settings = value

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.runtime.clock

    @clock.setter
    def clock(self, value: Callable[[], datetime]) -> None:
        self.runtime.clock = value

    @property
    def db(self) -> Any:
        return self.storage.db

    @property
    def read_db(self) -> Any:
        return self.storage.read_db

    @property
    def sessions(self) -> Any:
        return self.storage.sessions

    @property
    def inbox_apart(self) -> bool:
        return self.storage.inbox_apart

    @property
    def inbox_db(self) -> Any:
        return self.storage.inbox_db

    @property
    def inbox_read_db(self) -> Any:
        return self.storage.inbox_read_db

    @property
    def inbox_sessions(self) -> Any:
        return self.storage.inbox_sessions

    @property
    def sql(self) -> Any:
        return self.storage.sql

    def readonly(self) -> Connection:
        return self.storage.readonly()

    def dispose(self, close: bool = True) -> None:
        self.storage.dispose(close)

    # ----- what the channels and the composition root set ------------------------------------------------
    @property
    def dispatcher(self) -> Dispatcher:
        return self.answerer.dispatcher

    @property
    def services(self) -> Services:
        return self.answerer.services

    @services.setter
    def services(self, value: Services) -> None:
        self.answerer.services = value

    @property
    def refresh_knowledge(self) -> Callable[[Session], None] | None:
        return self.answerer.refresh_knowledge

    @refresh_knowledge.setter
    def refresh_knowledge(self, value: Callable[[Session], None] | None) -> None:
        self.answerer.refresh_knowledge = value

    @property
    def read_event(self) -> Callable[[dict], Incoming]:
        """Reads a stored event back into a request and its reply token (the channel's)."""
        return self.answering.read_event

    @read_event.setter
    def read_event(self, value: Callable[[dict], Incoming]) -> None:
        self.answering.read_event = value

    @property
    def sender(self) -> Sender | None:
        return self.outbox.sender

    @sender.setter
    def sender(self, value: Sender | None) -> None:
        self.outbox.sender = value

    @property
    def profile_lookup(self) -> Callable[[str], str | None]:
        return self.profiles.lookup

    @profile_lookup.setter
    def profile_lookup(self, value: Callable[[str], str | None]) -> None:
        self.profiles.lookup = value

    @property
    def idle_poll(self) -> float:
        return self.workers.idle_poll

    @idle_poll.setter
    def idle_poll(self, value: float) -> None:
        self.workers.idle_poll = value

    # ----- answering -----------------------------------------------------------------------------
    def answer(self, req: Request) -> Reply:
        """Answer directly (chat page, terminal). Effects and pushes commit together."""
        return self.answerer.answer(req)

    def answer_in(self, session: Session, req: Request, batch: Batch | None = None) -> tuple[Reply, Context]:
        return self.answerer.answer_in(session, req, batch)

    def load_user(self, session: Session, req: Request, batch: Batch | None = None) -> Any:
        return self.answerer.load_user(session, req, batch)

    def store_events(self, events: list[NewEvent]) -> int:
        return self.inbox.store(events)

    def move_waiting_events(self) -> int:
        return self.inbox.move_waiting_events()

    def next_event_id(self) -> int | None:
        return self.inbox.peek()

    def process_next(self) -> list[Outgoing] | None:
        return self.answering.process_next()

    # ----- sending and chores ---------------------------------------------------------------------
    def deliver(self, row: OutboxRow | Outgoing) -> None:
        self.outbox.deliver(row)

    def claim_outbox(self) -> OutboxRow | None:
        return self.outbox.claim()

    def flush_sent(self) -> None:
        self.outbox.flush_sent()

    def look_up_profiles(self, limit: int = 20) -> bool:
        return self.profiles.look_up(limit)

    @property
    def _wal_scrub_owed(self) -> bool:
        return self.wal.scrub_owed

    # ----- workers --------------------------------------------------------------------------------
    @property
    def _threads(self) -> list[Any]:
        return self.workers.threads

    @property
    def wake_sockets(self) -> list[Any]:
        return self.workers.wake_sockets

    @property
    def relay(self) -> Any:
        return self.workers.relay

    def wake(self) -> None:
        self.workers.wake()

    def work_once(self, chores_every: float = 0.0) -> bool:
        return self.workers.work_once(chores_every)

    def drain(self, timeout: float = 10.0) -> None:
        self.workers.drain(timeout)

    def start_workers(self, slot: int = 0) -> None:
        self.workers.start(slot)

    def start_sending_for_answerers(self) -> None:
        self.workers.start_sending_for_answerers()

    def stop_workers(self) -> None:
        self.workers.stop()
