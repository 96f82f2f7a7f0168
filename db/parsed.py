"""Per-process memos for what is dear to compute and changes only with a known key.

Catalogues are stored as JSON in the database and checked by their schema when read. Reading and parsing
them is dear, and a catalogue changes only when an admin imports one, so each process keeps the parsed form
per (fiscal year, import time): a question costs one small query for the key, a new import has a new key,
and every process sees it at once. A KPI round's scores are kept the same way, per set of stored results."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


class Memo(Generic[K, T]):
    """Values by key, computed on a miss; bounded (emptied when full) and thread-safe. Callers must not
    mutate the values: every thread of the process shares them."""

    def __init__(self, limit: int = 32) -> None:
        self._limit = limit
        self._items: dict[K, T] = {}
        self._lock = threading.Lock()

    def get(self, key: K, compute: Callable[[], T]) -> T:
        with self._lock:
            found = self._items.get(key)
        if found is None:
            found = compute()
            with self._lock:
                if len(self._items) >= self._limit:
                    self._items.clear()
                self._items[key] = found
        return found


class ParsedCatalogues(Generic[T]):
    def __init__(self, parse: Callable[[dict, str], T], limit: int = 32) -> None:
        self._parse = parse
        self._memo: Memo[tuple[int, datetime], T] = Memo(limit)

    def get(self, fiscal_year: int, imported_at: datetime, load: Callable[[], dict]) -> T:
        """The parsed catalogue; ``load`` reads the stored JSON, called only when this import is new here."""
        return self._memo.get((fiscal_year, imported_at),
                              lambda: self._parse(load(), f"database fy{fiscal_year}"))
