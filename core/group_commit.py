"""Webhook requests that arrive together share one transaction ("group commit").

On SQLite every write waits for the one write lock; a request thread that stores its own events takes the
lock, commits, and hands it to the next, and under load most of an acknowledgement is spent in that queue.
Here the first request to arrive writes everything that has arrived meanwhile in one transaction, then the
next waiting request leads the following group. Each request still learns whether *its* events were stored
(and answers LINE 200 or 5xx accordingly): nothing is acknowledged before it is committed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError

T = TypeVar("T")


@dataclass
class _Waiter(Generic[T]):
    items: list[T]
    stored: int = 0
    error: BaseException | None = None
    lead: bool = False
    done: threading.Event = field(default_factory=threading.Event)


class GroupCommit(Generic[T]):
    """``write(items) -> count`` stores items in one transaction; ``submit`` calls it for a group."""

    def __init__(self, write: Callable[[list[T]], int]) -> None:
        self._write = write
        self._lock = threading.Lock()
        self._waiting: list[_Waiter[T]] = []
        self._busy = False

    def submit(self, items: list[T]) -> int:
        """Store ``items`` (with whatever else is waiting); returns how many were new. Raises what the
        write raised for this request's items."""
        me: _Waiter[T] = _Waiter(items)
        with self._lock:
            self._waiting.append(me)
            if not self._busy:
                self._busy = me.lead = True
        if not me.lead:
            me.done.wait()
        if me.lead:
            self._lead()
        if me.error is not None:
            raise me.error
        return me.stored

    def _lead(self) -> None:
        with self._lock:
            group, self._waiting = self._waiting, []
        try:
            self._store(group)
        finally:
            with self._lock:
                if self._waiting:
                    following = self._waiting[0]
                    following.lead = True
                    following.done.set()
                else:
                    self._busy = False
            for waiter in group:
                waiter.done.set()

    def _store(self, group: list[_Waiter[T]]) -> None:
        try:
            stored = self._write([item for waiter in group for item in waiter.items])
        except OperationalError as exc:  # the database is away: every request in the group answers 5xx
            for waiter in group:
                waiter.error = exc
            return
        except DBAPIError as exc:
            if len(group) == 1:
                group[0].error = exc
                return
            # One request's data was refused: store each request alone, so only that one fails.
            for waiter in group:
                self._store([waiter])
            return
        except BaseException as exc:
            for waiter in group:
                waiter.error = exc
            return
        # How many rows were new is known for the group, not per request (callers use it only to wake
        # the workers).
        for waiter in group:
            waiter.stored = stored

