"""Timed work for the idle workers, and the bot's own chores.

:class:`Jobs` is a small hook like python-telegram-bot's JobQueue: register a callable with an interval, and the
answering workers run it when they have nothing to answer. A feature that needs a timer ("remind me of the next
clinic") registers a job instead of editing the workers. The bot's own chores (retrying a message, recording
sent marks, purging, an erasure's WAL scrub, LINE names) are jobs too (``register_chores``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select, update

from core.storage import Storage
from db.models import AnsweredEvent, InboundEvent, Outbox, User
from db.session import transaction

log = logging.getLogger(__name__)

#: How long answered events and sent messages are kept.
RETENTION = timedelta(days=7)
PURGE_EVERY = timedelta(hours=1)


@dataclass
class Job:
    name: str
    #: Run at most this often (by the engine's clock); ``timedelta(0)``: whenever the workers are idle.
    interval: timedelta
    #: Returns True when it did work (the workers then look for more at once), False or None when idle.
    callback: Callable[[], bool | None]
    last_run: datetime | None = None


class Jobs:
    """The registered jobs, run in order by the idle workers. A job that reports it did work ends the round
    (the next round comes at once), so that a busy job is not held up by the ones after it."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self._jobs: list[Job] = []
        self._lock = threading.Lock()

    def run_every(self, interval: timedelta, callback: Callable[[], bool | None], name: str = "") -> Job:
        job = Job(name or getattr(callback, "__name__", "job"), interval, callback)
        with self._lock:
            self._jobs.append(job)
        return job

    def cancel(self, job: Job) -> None:
        with self._lock:
            self._jobs.remove(job)

    def run_due(self) -> bool:
        """Run every job that is due; True when one did work. The clock is read once per round, for the first
        job with an interval (a job started now finds that time in its ``last_run``)."""
        now: datetime | None = None
        for job in list(self._jobs):
            if job.interval:
                now = now or self._clock()
                with self._lock:
                    if job.last_run is not None and now - job.last_run < job.interval:
                        continue
                    job.last_run = now  # before it runs: another worker thread does not run it too
            if job.callback():
                return True
        return False


class Profiles:
    """LINE display names of the people met recently, looked up when the workers are idle: an answer never
    waits for a profile."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        #: Looks up a display name (None when unknown). Set by the channel.
        self.lookup: Callable[[str], str | None] = lambda user_id: None

    def look_up(self, limit: int = 20) -> bool:
        """Fill in the names outside any transaction (the profile API is a network call). The people are claimed
        first, so that no two workers ask LINE about the same person. False when nobody waited."""
        storage = self.storage
        table = User.__table__
        if storage.read_db is not storage.db:
            with storage.readonly() as conn:  # on SQLite: no write lock just to find there is nothing to do
                if conn.scalar(select(table.c.id).where(table.c.profile_checked.is_(False)).limit(1)) is None:
                    return False
        with storage.db.begin() as conn:
            waiting = select(table.c.id).where(table.c.profile_checked.is_(False)).order_by(table.c.id).limit(limit)
            if storage.dialect == "postgresql":
                waiting = waiting.with_for_update(skip_locked=True)
            claimed = list(conn.scalars(
                update(table).where(table.c.id.in_(waiting.scalar_subquery())).values(profile_checked=True)
                .returning(table.c.line_user_id)))
        if not claimed:
            return False
        names = {user_id: name for user_id in claimed if (name := self.lookup(user_id))}
        if names:
            with storage.db.begin() as conn:
                conn.execute(update(table).where(table.c.line_user_id == bindparam("user_id"))
                             .values(display_name=bindparam("name")),
                             [{"user_id": user_id, "name": name[:200]} for user_id, name in names.items()])
        return True


def purge(storage: Storage, now: datetime) -> None:
    """Drop answered events and sent messages older than ``RETENTION``: the redelivery window of LINE is far
    shorter, and the rate limit looks back one minute."""
    cutoff = now - RETENTION
    with transaction(storage.inbox_sessions) as inbox:
        inbox.execute(delete(InboundEvent).where(InboundEvent.status.in_(("done", "failed")),
                                                 InboundEvent.received_at < cutoff))
    with transaction(storage.sessions) as session:
        session.execute(delete(Outbox).where(Outbox.status.in_(("sent", "expired", "failed", "skipped")),
                                             Outbox.created_at < cutoff))
        # Kept as long as the events: an event still pending in the inbox must find its row.
        session.execute(delete(AnsweredEvent).where(AnsweredEvent.answered_at < cutoff))
        from db.topics import purge_topics

        purge_topics(session, now - timedelta(days=1))  # a follow-up looks back minutes, not days
