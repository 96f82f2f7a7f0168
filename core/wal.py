"""SQLite's write-ahead logs: kept small under load, and emptied after a PDPA erasure.

Nothing to do on PostgreSQL (the helpers in ``db/session.py`` return at once).
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError

from core.storage import Storage
from db.session import checkpoint_and_empty_wal, truncate_wal_if_over

log = logging.getLogger(__name__)

#: A SQLite WAL larger than this is emptied after an answering transaction (``truncate_wal_if_over``): twice the size
#: at which SQLite checkpoints on its own.
WAL_LIMIT_BYTES = 8 << 20


class WalUpkeep:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        #: A PDPA erasure committed whose old page images may still be in a WAL (``scrub_if_owed``).
        self.scrub_owed = False

    def keep_small(self) -> None:
        """After an answering transaction: empty a WAL that SQLite's own checkpoints let grow past
        ``WAL_LIMIT_BYTES`` (a stat of each file when not)."""
        try:
            truncate_wal_if_over(self.storage.inbox_db, WAL_LIMIT_BYTES, "inbox")
            truncate_wal_if_over(self.storage.db, WAL_LIMIT_BYTES, "main")
        except OperationalError:
            log.warning("could not checkpoint a SQLite file; SQLite tries again on its own", exc_info=True)

    def empty_after_erasure(self, wait_s: float = 2.0) -> None:
        """Checkpoint both files and empty their WALs, whose frames still hold the erased rows as they were
        (``PRAGMA secure_delete`` zeroes them in the files themselves). If a reader is in the way, owed and tried
        again with the idle chores (waiting 100 ms then: the write queue waits meanwhile)."""
        self.scrub_owed = True
        storage = self.storage
        try:
            done = checkpoint_and_empty_wal(storage.db, "main", wait_s)
            done = checkpoint_and_empty_wal(storage.inbox_db, "inbox", wait_s) and done if storage.inbox_apart \
                else done
        except OperationalError:
            log.warning("could not empty the WALs after an erasure; tried again when idle", exc_info=True)
            return
        self.scrub_owed = not done
        if not done:
            log.warning("a reader kept a WAL from being emptied after an erasure; tried again when idle")

    def scrub_if_owed(self) -> None:
        """A chore: finish an erasure's scrub that a reader held up."""
        if self.scrub_owed:
            self.empty_after_erasure(wait_s=0.1)
