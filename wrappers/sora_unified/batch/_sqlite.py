"""The embedded job store: one SQLite file (WAL) next to the output."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ._store import Database, SQLJobStore

__all__ = ["SQLiteJobStore"]


SQLITE_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS jobs (
        custom_id TEXT PRIMARY KEY, line INTEGER NOT NULL, vendor TEXT, fields TEXT NOT NULL,
        state TEXT NOT NULL, task TEXT, file TEXT, error TEXT, error_code TEXT,
        worker TEXT, tried TEXT NOT NULL DEFAULT '[]', updated REAL NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS submits (
        id INTEGER PRIMARY KEY AUTOINCREMENT, custom_id TEXT NOT NULL, vendor TEXT NOT NULL,
        worker TEXT NOT NULL, started REAL NOT NULL, task TEXT, reserved REAL, charged REAL)""",
    "CREATE TABLE IF NOT EXISTS workers (id TEXT PRIMARY KEY, heartbeat REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, worker)",
    "CREATE INDEX IF NOT EXISTS jobs_to_claim ON jobs (state, worker, line)",
    "CREATE INDEX IF NOT EXISTS submits_by_task ON submits (task)",
)
# Added since the first stores were made: added to an older store when it is opened.
COST_COLUMNS = ("reserved", "charged")


class SQLiteJobStore(SQLJobStore):
    """The embedded store: one SQLite file (WAL), safe for several processes on one machine."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(
            self.path, isolation_level=None, timeout=30, check_same_thread=False
        )
        self._lock = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # FULL for the ledger: _transaction
        for statement in SQLITE_SCHEMA[:2]:
            self._db.execute(statement)
        present = {row[1] for row in self._db.execute("PRAGMA table_info(submits)")}
        for column in COST_COLUMNS:
            if column not in present:
                self._db.execute(f"ALTER TABLE submits ADD COLUMN {column} REAL")
        for statement in SQLITE_SCHEMA[2:]:
            self._db.execute(statement)

    def __repr__(self) -> str:
        return f"SQLiteJobStore({str(self.path)!r})"

    @contextmanager
    def _transaction(self, *, durable: bool = False) -> Iterator[Database]:
        with self._lock:
            # WAL with NORMAL survives a killed process; FULL (an fsync per commit) also a
            # power cut, and is kept for the ledger's steps, where a lost commit could mean
            # paying twice. Claims and outcomes can be redone, so they skip the fsync.
            if durable:
                self._db.execute("PRAGMA synchronous=FULL")
            # IMMEDIATE: the write lock is taken now, so a check and its update are one step.
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                if durable:
                    self._db.execute("PRAGMA synchronous=NORMAL")
                raise
            self._db.execute("COMMIT")
            if durable:
                self._db.execute("PRAGMA synchronous=NORMAL")

    def close(self) -> None:
        self._db.close()
