"""Tables that take a noticeable part of a start to build (the misspelling table: half a second), kept on disk
from one start to the next. A file is named by ``fingerprint``: a change to ``thai/`` or PyThaiNLP makes a new one,
so a table built by other code is never read.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

#: Where the tables are kept (``keep_tables_in``); none: every start builds them.
_DIRECTORY: list[Path] = []


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """What the tables and the tokens of a text depend on: this package's code and PyThaiNLP's version."""
    import pythainlp

    digest = hashlib.sha256(getattr(pythainlp, "__version__", "").encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def keep_tables_in(directory: Path | None) -> None:
    _DIRECTORY[:] = [directory] if directory is not None else []


def stored(name: str, build: Callable[[], T]) -> T:
    """``build()``, or what an earlier start stored for the same code. A missing, stale or broken file is
    built again; a disk that cannot be written to only costs the next start the build."""
    if not _DIRECTORY:
        return build()
    path = _DIRECTORY[0] / f"{name}-{fingerprint()}.pickle"
    try:
        return pickle.loads(path.read_bytes())  # the bot's own file, in its own folder
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        temporary.replace(path)
        for stale in path.parent.glob(f"{name}-*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass
    return value


__all__ = ["fingerprint", "keep_tables_in", "stored"]
