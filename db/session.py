"""Engine and session factory. SQLite is tuned for several processes (WAL, busy timeout)."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from core.config import PROJECT_ROOT
from core.observability import PROCESS_ROLE, WRITE_LOCK_HOLD, WRITE_LOCK_WAIT

DEFAULT_SQLITE_PATH = PROJECT_ROOT / "instance" / "bot.sqlite3"


def database_url(configured: str) -> str:
    """The configured URL, or a SQLite file in the instance folder. ``postgres://`` (as some PaaS
    set it) is rewritten to the psycopg 3 driver."""
    if not configured:
        DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{DEFAULT_SQLITE_PATH}"
    for prefix in ("postgres://", "postgresql://"):
        if configured.startswith(prefix):
            return "postgresql+psycopg://" + configured[len(prefix):]
    return configured


def inbox_database_url(configured: str) -> str:
    """Where webhook events wait to be answered. On a SQLite file: a file of its own beside it
    (``bot.sqlite3`` → ``bot.inbox.sqlite3``). SQLite has one write lock per file, and with the events in the
    main file the webhook's acknowledgements queued behind the answering worker's transactions, which held
    that lock about half of the time under load (README, "What limits the bot on SQLite"). On PostgreSQL
    (and in-memory SQLite) the inbox stays in the one database, whose row locks let both proceed."""
    url = database_url(configured)
    if not url.startswith("sqlite") or "///" not in url:
        return url
    path = url.split("///", 1)[-1]
    if not path or path == ":memory:" or "?" in path:
        return url
    main = Path(path)
    return url[: -len(path)] + str(main.with_name(f"{main.stem}.inbox{main.suffix or '.sqlite3'}"))


def make_engine(url: str, immediate: bool = True, name: str = "main") -> Engine:
    """``immediate`` (SQLite): every transaction takes the write lock at BEGIN, so a claim cannot
    be raced; a polling engine passes False and reads without blocking writers. ``name`` labels the write
    lock's metrics ("main" or "inbox")."""
    url = database_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            # Let pysqlite leave transactions to us so BEGIN IMMEDIATE works (claims are atomic).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL still survives a killed process (only an OS crash or power loss can
            # drop the last commits) and saves an fsync on every commit.
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            # PDPA: deleted and overwritten rows are zeroed in their pages (and freed pages too) instead of lingering
            # in free space until reused; an erasure then checkpoints the WAL away (``checkpoint_and_empty_wal``).
            cur.execute("PRAGMA secure_delete=ON")
            cur.close()

        lock_path = f"{path}.writelock" if immediate and path and path != ":memory:" else ""

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # type: ignore[no-untyped-def]
            if lock_path:
                _queue_for_writes(conn.connection.info, lock_path, name)
            # Straight to the driver: through exec_driver_sql this one statement cost as much as the rest of
            # an empty transaction, and every answer batch and webhook group commit begins with it.
            conn.connection.driver_connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")

        @event.listens_for(engine, "commit")
        @event.listens_for(engine, "rollback")
        def _sqlite_end(conn):  # type: ignore[no-untyped-def]
            _leave_write_queue(conn.connection.info)

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, pool_timeout=5)


def _queue_for_writes(info: dict, lock_path: str, name: str) -> None:
    """Wait for SQLite's write lock in a kernel queue (``flock``) instead of SQLite's busy handler,
    which sleeps up to 100 ms between tries: under load that sleeping, not the work, made the
    webhook's acknowledgements slow. SQLite's own lock still guards the data; this only orders the
    waiters (and is released as the transaction ends)."""
    fd = info.get("writelock_fd")
    if fd is None:
        fd = info["writelock_fd"] = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    queued = time.perf_counter()
    fcntl.flock(fd, fcntl.LOCK_EX)
    info["writelock_held"] = (queued, time.perf_counter(), name)


def _leave_write_queue(info: dict) -> None:
    """Release the lock, then record how long it was waited for and held (metrics after the release, so that
    measuring the lock does not lengthen it)."""
    times = info.pop("writelock_held", None)
    if times is not None:
        fcntl.flock(info["writelock_fd"], fcntl.LOCK_UN)
        released = time.perf_counter()
        queued, taken, name = times
        role = PROCESS_ROLE["name"]
        WRITE_LOCK_WAIT.labels(role, name).observe(taken - queued)
        WRITE_LOCK_HOLD.labels(role, name).observe(released - taken)


def truncate_wal_if_over(engine: Engine, limit_bytes: int, name: str = "main") -> bool:
    """Checkpoint a SQLite file and empty its WAL when the WAL has grown past ``limit_bytes``; True if it did.

    SQLite starts its WAL over only when a writer begins while every frame is checkpointed and no reader uses the
    WAL. Under a steady load there is always a reader or a newer frame, and the inbox's WAL grew by megabytes a
    minute (``make bench``), making every read slower. Done in the write queue (``_queue_for_writes``), so that no
    writer of ours is in the way, and only by a process that holds no read transaction on the file itself. If a long
    reader is in the way, it gives up after 100 ms (and SQLite's own checkpoints carry on)."""
    if engine.dialect.name != "sqlite" or not engine.url.database or engine.url.database == ":memory:":
        return False
    try:
        if os.path.getsize(f"{engine.url.database}-wal") <= limit_bytes:
            return False
    except OSError:
        return False
    # A reader on an older snapshot makes it wait: for a moment at most, since every writer waits behind it.
    _truncate_checkpoint(engine, name, wait_ms=100)
    return True


def _truncate_checkpoint(engine: Engine, name: str, wait_ms: int) -> bool:
    """``wal_checkpoint(TRUNCATE)`` in the write queue, waiting up to ``wait_ms`` for readers; True when the WAL
    was emptied (False: a reader was still in the way)."""
    with engine.connect() as conn:
        info = conn.connection.info
        _queue_for_writes(info, f"{engine.url.database}.writelock", name)
        raw = conn.connection.driver_connection
        try:
            raw.execute(f"PRAGMA busy_timeout={int(wait_ms)}")
            busy, _frames, _copied = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            raw.execute("PRAGMA busy_timeout=30000")
            _leave_write_queue(info)
    return busy == 0


def checkpoint_and_empty_wal(engine: Engine, name: str = "main", wait_s: float = 2.0) -> bool:
    """Copy a SQLite file's WAL into it and empty the WAL (``wal_checkpoint(TRUNCATE)``); True when done (or
    nothing to do: not SQLite). After a PDPA erasure: the WAL holds the pages as they were before, the erased
    person's id, name and words included, until SQLite happens to start it over. Taken in the write queue, like
    ``truncate_wal_if_over``; a reader in the way makes it wait up to ``wait_s``, then it reports False (the caller
    tries again later)."""
    if engine.dialect.name != "sqlite" or not engine.url.database or engine.url.database == ":memory:":
        return True
    return _truncate_checkpoint(engine, name, wait_ms=int(wait_s * 1000))


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session
