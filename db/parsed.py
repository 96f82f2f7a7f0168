"""Catalogues are stored as JSON in the database and checked by their schema when read. Reading and
parsing them is dear, and a catalogue changes only when an admin imports one, so each process keeps the
parsed form per (fiscal year, import time): a question costs one small query for the key, a new import
has a new key, and every process sees it at once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Generic, TypeVar

T = TypeVar("T")


class ParsedCatalogues(Generic[T]):
    def __init__(self, parse: Callable[[dict, str], T], limit: int = 32) -> None:
        self._parse = parse
        self._limit = limit
        self._items: dict[tuple[int, datetime], T] = {}
        self._lock = threading.Lock()

    def get(self, fiscal_year: int, imported_at: datetime, load: Callable[[], dict]) -> T:
        """The parsed catalogue; ``load`` reads the stored JSON, called only when this import is new here."""
        key = (fiscal_year, imported_at)
        with self._lock:
            parsed = self._items.get(key)
        if parsed is None:
            parsed = self._parse(load(), f"database fy{fiscal_year}")
            with self._lock:
                if len(self._items) >= self._limit:
                    self._items.clear()
                self._items[key] = parsed
        return parsed
