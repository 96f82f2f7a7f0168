"""Tokens of the knowledge's texts kept on disk from one start to the next.

Tokenising the ~6,000 texts of the entries and passages is most of a start-up's second. The tokens are
saved as ``tokens-<fingerprint>.json``: a change to ``thai/`` or PyThaiNLP makes a new file, so a stale
cache is never read.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from thai.pipeline import fingerprint, preload, recording

#: Per cache file, the texts this process read from it or wrote to it (a file is read once per process).
_SAVED: dict[Path, set[str]] = {}


@contextmanager
def cached_tokens(cache_dir: Path | None) -> Iterator[None]:
    """Tokenising inside this block reads the cache first, and saves what it had to tokenise anew."""
    cache = _open(cache_dir)
    with recording() as seen:
        yield
    if cache is not None and not seen.keys() <= _SAVED.get(cache, set()):
        _save(cache, seen)


def forget_reads() -> None:
    """As in a new process: the next start reads its cache file again."""
    _SAVED.clear()


def _open(cache_dir: Path | None) -> Path | None:
    if cache_dir is None:
        return None
    path = cache_dir / f"tokens-{fingerprint()}.json"
    if path in _SAVED:
        return path
    _SAVED[path] = set()
    try:
        known = {text: tuple(tokens) for text, tokens in json.loads(path.read_text(encoding="utf-8")).items()}
    except (OSError, ValueError, AttributeError, TypeError):
        return path  # none yet, or unreadable: the tokens are made again and saved
    preload(known)
    _SAVED[path] = set(known)
    return path


def _save(path: Path, seen: dict[str, tuple[str, ...]]) -> None:
    try:
        known: dict[str, list[str]] = {}
        try:
            known = dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            known = {}  # none yet, or broken: replaced whole
        known.update({text: list(tokens) for text, tokens in seen.items()})
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(known, ensure_ascii=False), encoding="utf-8")
        temporary.replace(path)
        _SAVED[path] = set(known)
        for stale in path.parent.glob("tokens-*.json"):  # made under another fingerprint: never read again
            if stale != path:
                stale.unlink(missing_ok=True)
    except (OSError, ValueError):
        pass  # a read-only disk: the next start tokenises again


__all__: list[str] = ["cached_tokens", "forget_reads"]
