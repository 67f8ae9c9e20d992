"""The job store in PostgreSQL: one batch shared by workers on several machines.

The ledger rules are `SQLJobStore`'s; what PostgreSQL adds is how workers side by side stay
apart: a claim takes its row with `FOR UPDATE SKIP LOCKED` (another worker skips it instead of
waiting or taking it too), and budget checks take turns on a transaction-scoped advisory lock.
Needs `psycopg` (the `postgres` extra).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..errors import ConfigurationError
from ._store import Database, SQLJobStore

__all__ = ["PostgresJobStore"]

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS jobs (
        custom_id TEXT PRIMARY KEY, line INTEGER NOT NULL, vendor TEXT, fields TEXT NOT NULL,
        state TEXT NOT NULL, task TEXT, file TEXT, error TEXT, error_code TEXT,
        worker TEXT, tried TEXT NOT NULL DEFAULT '[]', updated DOUBLE PRECISION NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS submits (
        id BIGSERIAL PRIMARY KEY, custom_id TEXT NOT NULL, vendor TEXT NOT NULL,
        worker TEXT NOT NULL, started DOUBLE PRECISION NOT NULL, task TEXT,
        reserved DOUBLE PRECISION, charged DOUBLE PRECISION)""",
    "ALTER TABLE submits ADD COLUMN IF NOT EXISTS reserved DOUBLE PRECISION",
    "ALTER TABLE submits ADD COLUMN IF NOT EXISTS charged DOUBLE PRECISION",
    "CREATE TABLE IF NOT EXISTS workers (id TEXT PRIMARY KEY, heartbeat DOUBLE PRECISION NOT NULL)",
    "CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, worker)",
    "CREATE INDEX IF NOT EXISTS jobs_to_claim ON jobs (state, worker, line)",
    "CREATE INDEX IF NOT EXISTS submits_by_task ON submits (task)",
)
# Any fixed number: the advisory lock every budget check of every worker takes in turn.
BUDGET_LOCK = 0x50_4A_0B


class _Placeholders:
    """The store's `?` placeholders as psycopg's `%s`."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Any:
        return self._connection.execute(sql.replace("?", "%s"), tuple(parameters))


class PostgresJobStore(SQLJobStore):
    claim_lock = " FOR UPDATE SKIP LOCKED"

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError:
            raise ConfigurationError(
                "a postgresql:// job store needs psycopg: pip install 'sora-unified[postgres]'"
            ) from None
        self._url = url
        self._connection = psycopg.connect(url, autocommit=True)
        self._lock = threading.Lock()
        with self._transaction() as db:
            db.execute("SELECT pg_advisory_xact_lock(?)", (BUDGET_LOCK,))  # one creator at once
            for statement in SCHEMA:
                db.execute(statement)

    def __repr__(self) -> str:
        return "PostgresJobStore(<url redacted>)"  # a URL may carry a password

    @contextmanager
    def _transaction(self, *, durable: bool = False) -> Iterator[Database]:
        # PostgreSQL commits are durable (synchronous_commit on): `durable` asks nothing more.
        with self._lock, self._connection.transaction():
            yield _Placeholders(self._connection)

    def _serialise_submits(self, db: Database) -> None:
        db.execute("SELECT pg_advisory_xact_lock(?)", (BUDGET_LOCK,))

    def close(self) -> None:
        self._connection.close()
