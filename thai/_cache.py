"""A memo for text functions that only keeps short texts, so long messages cannot fill memory."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypeVar

T = TypeVar("T")

#: Chat questions are short and repeat (menu taps, retries); long texts are one-offs (indexing).
LONGEST_CACHED = 512


def text_cache(maxsize: int = 4096) -> Callable[[Callable[[str], T]], Callable[[str], T]]:
    """``lru_cache`` for ``f(text)``, skipped for texts longer than ``LONGEST_CACHED``.

    The wrapper keeps ``cache_clear`` and ``__wrapped__`` like ``lru_cache`` does.
    """

    def decorate(fn: Callable[[str], T]) -> Callable[[str], T]:
        cached = lru_cache(maxsize=maxsize)(fn)

        @wraps(fn)
        def wrapper(text: str) -> T:
            return cached(text) if len(text) <= LONGEST_CACHED else fn(text)

        wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        wrapper.cache_info = cached.cache_info  # type: ignore[attr-defined]
        return wrapper

    return decorate
