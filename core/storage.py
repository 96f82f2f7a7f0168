"""What every part of the runtime shares: the databases, the settings and the clock.

Built once per process. The parts read ``settings`` and ``clock`` from here at the moment they need them, so that
a test that moves the clock (``engine.clock = …``) moves it for all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from core.config import Settings
from core.statements import Statements
from db.models import utcnow
from db.session import database_url, inbox_database_url, make_engine, make_session_factory


@dataclass
class Runtime:
    """The settings and the clock, as one object the parts hold (tests replace either)."""

    settings: Settings
    clock: Callable[[], datetime] = utcnow


class Storage:
    """The main database and the inbox (a SQLite file of its own, or the same database)."""

    def __init__(self, settings: Settings) -> None:
        self.db = make_engine(settings.database_url)
        #: For polling: on SQLite a deferred transaction that does not take the write lock.
        self.read_db = make_engine(settings.database_url, immediate=False) if self.db.dialect.name == "sqlite" \
            else self.db
        self.sessions = make_session_factory(self.db)
        inbox_url = inbox_database_url(settings.database_url)
        #: The webhook's events wait in a SQLite file of their own (``inbox_database_url``): the webhook's
        #: commits then never queue behind an answering transaction. Answers are recorded in
        #: ``answered_events`` with their effects, and the inbox is marked after (``Inbox.finish``).
        self.inbox_apart = inbox_url != database_url(settings.database_url)
        self.inbox_db = make_engine(inbox_url, name="inbox") if self.inbox_apart else self.db
        self.inbox_read_db = make_engine(inbox_url, immediate=False) if self.inbox_apart else self.read_db
        self.inbox_sessions = make_session_factory(self.inbox_db)
        #: The hot statements, built once (``core/statements.py``).
        self.sql = Statements.build(self.db.dialect.name, settings.events_per_transaction)

    @property
    def dialect(self) -> str:
        return self.db.dialect.name

    def readonly(self) -> Connection:
        return self.read_db.connect()

    def dispose(self, close: bool = True) -> None:
        """Drop pooled connections (``close=False`` in a forked child: the parent still owns them)."""
        for engine in {self.db, self.read_db, self.inbox_db, self.inbox_read_db}:
            engine.dispose(close=close)
