"""The job store: what happened to every job, written before every irreversible step.

A job moves through these states (the ledger rules below hold for every store):

    pending --claim--> pending+worker --begin_submit--> submitting --> submitted --> completed
       ^                    |                             |    |            |
       |  (unpaid refusal,  |                             |    |            +--> failed (paid)
       +-- next --fallback--+                             |    +--> failed (refused before a
       |   vendor)                                        |         task existed; no fallback
       |                                                  |         left)
       +-- skipped (budget reached; a resume retries) <---+--> uncertain (the submit may or may
                                                              not have created a task)

- `begin_submit` is recorded (state `submitting`, a row in the submits ledger) *before* the
  paid request leaves; the task id is recorded the moment it is known.
- A job found `submitting` whose worker is gone is `uncertain`: never submitted again unless
  the user opts in (`resubmit_uncertain`). A `submitted` job whose worker is gone is waited on
  and downloaded by the next worker, never resubmitted.
- The budget (`max_jobs`) is checked and the submit recorded in one transaction, so workers
  sharing a store cannot overshoot it together.

`SQLiteJobStore` is the embedded default (one file next to the output); `PostgresJobStore`
(`batch._postgres`) shares one batch between machines. Both implement `JobStore`.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from .._budget import fits
from ._input import InvalidLine, Job, invalid_line_id

__all__ = [
    "JobCost",
    "JobRecord",
    "JobState",
    "JobStore",
    "SQLJobStore",
    "SQLiteJobStore",
    "SubmitRecord",
    "SubmitRecorder",
    "new_worker_id",
    "submit_recorder",
    "worker_is_gone",
]

JobState = Literal[
    "pending", "submitting", "submitted", "completed", "failed", "uncertain", "invalid", "skipped"
]
# A worker that has not been heard of for this long is gone (another machine's crash).
WORKER_LEASE_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class JobRecord:
    custom_id: str
    line: int
    vendor: str | None
    fields: dict[str, Any]
    state: JobState
    task: str | None = None
    file: str | None = None
    error: str | None = None
    error_code: str | None = None
    tried: tuple[str, ...] = ()
    worker: str | None = None  # the worker holding it now, if any

    def job(self) -> Job:
        return Job(self.line, self.custom_id, self.vendor, self.fields)


@dataclass(frozen=True, slots=True)
class JobCost:
    """What a job's submits cost: `amount` in its vendor's unit (None when no price is known),
    `reported` when every figure is the vendor's own (else some are the price table's)."""

    amount: float | None
    reported: bool


# Why begin_paid_submit declined: the budgets it checks.
MAX_JOBS_SPENT = "max_jobs"
MAX_COST_SPENT = "max_cost"
UNPRICED_SUBMITS = "unpriced"


@dataclass(frozen=True, slots=True)
class SubmitRecord:
    """One row of the submits ledger: a paid request that was started."""

    custom_id: str
    vendor: str
    worker: str
    task: str | None


class JobStore(Protocol):
    def add(self, jobs: Iterable[Job | InvalidLine], default_vendor: str) -> int: ...
    def register_worker(self, worker: str) -> None: ...
    def heartbeat(self, worker: str) -> None: ...
    def recover(self, *, resubmit_uncertain: bool) -> None: ...
    def claim(self, worker: str) -> JobRecord | None: ...
    def take_over(self) -> int: ...
    def held_elsewhere(self, worker: str) -> int: ...
    def skip_pending(self, reason: str) -> int: ...
    def adopt(self, custom_id: str, task: str) -> JobRecord: ...
    def restore(self, line: dict[str, Any], out: Path) -> bool: ...
    def begin_submit(
        self,
        custom_id: str,
        worker: str,
        max_jobs: int | None,
        *,
        price: float | None = None,
        max_cost: float | None = None,
    ) -> bool: ...
    def begin_paid_submit(
        self,
        custom_id: str,
        worker: str,
        max_jobs: int | None,
        *,
        price: float | None = None,
        max_cost: float | None = None,
    ) -> str | None: ...
    def settle_cost(self, task: str, amount: float) -> None: ...
    def costs(self) -> dict[str, JobCost]: ...
    def submitted(self, custom_id: str, task: str) -> None: ...
    def uncertain(self, custom_id: str, error: str, code: str | None) -> None: ...
    def refused(
        self, custom_id: str, error: str, code: str | None, next_vendor: str | None
    ) -> None: ...
    def skipped(self, custom_id: str, reason: str) -> None: ...
    def finished(
        self,
        custom_id: str,
        state: JobState,
        *,
        file: str | None,
        error: str | None,
        code: str | None,
    ) -> None: ...
    def release(self, custom_id: str) -> None: ...
    def record(self, custom_id: str) -> JobRecord | None: ...
    def set_fields(self, custom_id: str, fields: dict[str, Any]) -> None: ...
    def delete(self, custom_id: str) -> bool: ...
    def records(self) -> list[JobRecord]: ...
    def submits(self) -> list[SubmitRecord]: ...
    def close(self) -> None: ...


class SubmitRecorder:
    """A `before_send` hook for `submit`: records the submit once (retries of a refused
    submit call it again), right before the paid request leaves, not while it queues, its
    `price` reserved against `max_cost`. A crash after it leaves the job `uncertain`, before it
    `pending`. False (a budget is spent: `declined` says which) cancels the submit."""

    def __init__(
        self,
        store: JobStore,
        custom_id: str,
        worker: str,
        max_jobs: int | None,
        *,
        price: float | None = None,
        max_cost: float | None = None,
    ) -> None:
        self.store, self.custom_id, self.worker = store, custom_id, worker
        self.max_jobs, self.price, self.max_cost = max_jobs, price, max_cost
        self.declined: str | None = None
        self._recorded: bool | None = None

    def __call__(self) -> bool:
        if self._recorded is None:
            self.declined = self.store.begin_paid_submit(
                self.custom_id,
                self.worker,
                self.max_jobs,
                price=self.price,
                max_cost=self.max_cost,
            )
            self._recorded = self.declined is None
        return self._recorded


def submit_recorder(
    store: JobStore, custom_id: str, worker: str, max_jobs: int | None
) -> Callable[[], bool]:
    """A `SubmitRecorder` for a budget of jobs only."""
    return SubmitRecorder(store, custom_id, worker, max_jobs)


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def worker_is_gone(worker: str, heartbeat: float | None, now: float) -> bool:
    """A worker of this machine is gone when its process is; any worker when its lease ran out."""
    host, _, rest = worker.partition(":")
    pid_text = rest.partition(":")[0]
    if host == socket.gethostname() and pid_text.isdigit():
        pid = int(pid_text)
        if pid == os.getpid():
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass  # alive, someone else's
        else:
            if _is_zombie(pid):  # killed, not yet reaped (a container's init may never)
                return True
    return heartbeat is None or now - heartbeat > WORKER_LEASE_SECONDS


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False  # no /proc here: the heartbeat lease decides
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


COLUMNS = "custom_id, line, vendor, fields, state, task, file, error, error_code, tried, worker"


def record_from_row(row: Any) -> JobRecord:
    custom_id, line, vendor, fields, state, task, file, error, code, tried, worker = row
    return JobRecord(
        custom_id, line, vendor, json.loads(fields), state, task, file, error, code,
        tuple(json.loads(tried)), worker,
    )  # fmt: skip


class Database(Protocol):
    """What a store needs of a connection inside a transaction (SQL with `?` placeholders)."""

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Any: ...


class SQLJobStore:
    """The ledger rules in SQL both SQLite and PostgreSQL run; a subclass supplies the
    connection, the transaction, the schema and how claims and budgets are serialised."""

    # Appended to the claim query: PostgreSQL's row locks let workers claim side by side.
    claim_lock = ""

    @contextmanager
    def _transaction(self, *, durable: bool = False) -> Iterator[Database]:
        """One transaction; `durable`: on disk before it returns, power cut included (the
        ledger's own steps: a submit begun, a task id learned)."""
        raise NotImplementedError

    def _serialise_submits(self, db: Database) -> None:
        """Make budget checks of concurrent transactions take turns (SQLite's write lock
        already does)."""

    def add(self, jobs: Iterable[Job | InvalidLine], default_vendor: str) -> int:
        added = 0
        now = time.time()
        with self._transaction() as db:
            for item in jobs:
                if isinstance(item, InvalidLine):
                    # Keyed by its line, never by the custom_id it claims: a valid line with
                    # that id (or one named like `line-7`) is never dropped for it.
                    cursor = db.execute(
                        "INSERT INTO jobs (custom_id, line, vendor, fields, state, error, updated)"
                        " VALUES (?, ?, NULL, ?, 'invalid', ?, ?) ON CONFLICT DO NOTHING",
                        (invalid_line_id(item.line), item.line,
                         json.dumps({"custom_id": item.custom_id}), item.error, now),
                    )  # fmt: skip
                else:
                    vendor = item.vendor or default_vendor
                    cursor = db.execute(
                        "INSERT INTO jobs (custom_id, line, vendor, fields, state, tried, updated)"
                        " VALUES (?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING",
                        (item.custom_id, item.line, vendor, json.dumps(item.fields),
                         json.dumps([vendor]), now),
                    )  # fmt: skip
                added += cursor.rowcount
        return added

    def register_worker(self, worker: str) -> None:
        self.heartbeat(worker)

    def heartbeat(self, worker: str) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO workers (id, heartbeat) VALUES (?, ?)"
                " ON CONFLICT (id) DO UPDATE SET heartbeat = excluded.heartbeat",
                (worker, time.time()),
            )

    @staticmethod
    def _held_by_gone_workers(db: Database, now: float) -> list[tuple[str, str]]:
        """(custom_id, state) of every job a gone worker holds (this machine: its process is
        gone; elsewhere: silent past the lease)."""
        beats = dict(db.execute("SELECT id, heartbeat FROM workers").fetchall())
        held = db.execute(
            "SELECT custom_id, state, worker FROM jobs WHERE worker IS NOT NULL"
        ).fetchall()
        return [
            (custom_id, state)
            for custom_id, state, worker in held
            if worker_is_gone(worker, beats.get(worker), now)
        ]

    def take_over(self) -> int:
        """Free the jobs of workers that are gone: one whose submit was on the wire becomes
        `uncertain`, any other goes back to the queue. Returns how many were freed. Safe while
        other workers run."""
        now = time.time()
        with self._transaction() as db:
            gone = self._held_by_gone_workers(db, now)
            for custom_id, state in gone:
                if state == "submitting":
                    db.execute(
                        "UPDATE jobs SET state = 'uncertain', worker = NULL, error = ?,"
                        " error_code = 'submission_uncertain', updated = ? WHERE custom_id = ?",
                        (UNCERTAIN_AFTER_CRASH, now, custom_id),
                    )
                else:  # pending (claimed) or submitted: free for the next worker
                    db.execute(
                        "UPDATE jobs SET worker = NULL, updated = ? WHERE custom_id = ?",
                        (now, custom_id),
                    )
        return len(gone)

    def recover(self, *, resubmit_uncertain: bool) -> None:
        """What a starting run does: take over gone workers' jobs, retry jobs a budget skipped,
        fetch paid videos whose download failed, and (opted in) resubmit uncertain jobs."""
        self.take_over()
        now = time.time()
        with self._transaction() as db:
            db.execute(
                "UPDATE jobs SET state = 'pending', error = NULL, error_code = NULL"
                " WHERE state = 'skipped' AND worker IS NULL"
            )
            # Paid, not downloaded: the task is waited on and its video fetched again.
            db.execute(
                "UPDATE jobs SET state = 'submitted', error = NULL, error_code = NULL,"
                " updated = ? WHERE state = 'failed' AND error_code = 'download_failed'"
                " AND task IS NOT NULL AND worker IS NULL",
                (now,),
            )
            if resubmit_uncertain:
                db.execute(
                    "UPDATE jobs SET state = 'pending', error = NULL, error_code = NULL,"
                    " updated = ? WHERE state = 'uncertain'",
                    (now,),
                )

    def held_elsewhere(self, worker: str) -> int:
        """Unfinished jobs another worker holds now."""
        with self._transaction() as db:
            (count,) = db.execute(
                "SELECT count(*) FROM jobs WHERE worker IS NOT NULL AND worker <> ?"
                " AND state IN ('pending', 'submitting', 'submitted')",
                (worker,),
            ).fetchone()
        return int(count)

    def claim(self, worker: str) -> JobRecord | None:
        # Running tasks first: finishing them frees slots. Two indexed look-ups (state, worker,
        # line), so a claim stays O(log n) however large the batch.
        with self._transaction() as db:
            row = None
            for state in ("submitted", "pending"):
                row = db.execute(
                    f"SELECT {COLUMNS} FROM jobs WHERE state = ? AND worker IS NULL"  # noqa: S608
                    " ORDER BY line LIMIT 1" + self.claim_lock,
                    (state,),
                ).fetchone()
                if row is not None:
                    break
            if row is None:
                return None
            db.execute(
                "UPDATE jobs SET worker = ?, updated = ? WHERE custom_id = ?",
                (worker, time.time(), row[0]),
            )
        return record_from_row(row)

    def skip_pending(self, reason: str) -> int:
        """Every job not yet claimed is skipped at once (a budget is spent: checking them one
        by one would cost a claim each)."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE jobs SET state = 'skipped', error = ?, error_code = 'budget_reached',"
                " updated = ? WHERE state = 'pending' AND worker IS NULL",
                (reason, time.time()),
            )
            return int(cursor.rowcount)

    def restore(self, line: dict[str, Any], out: Path) -> bool:
        """A job's state again from its line of `results.jsonl` (a store rebuilt after it was
        lost): a recorded task is waited on and downloaded (or kept, if its video is in `out`),
        never submitted again; an uncertain job stays uncertain. False: no such job."""
        custom_id, task, status = line.get("custom_id"), line.get("task"), line.get("status")
        error = line.get("error") or {}
        now = time.time()
        if task:
            saved = line.get("file")
            kept = status == "completed" and saved and (out / Path(str(saved)).name).exists()
            state, file = ("completed", saved) if kept else ("submitted", None)
        elif status in ("uncertain", "failed", "invalid"):
            state, file = status, None
        else:
            state, file = "pending", None  # never sent (pending, skipped): sent by this run
        with self._transaction(durable=True) as db:
            found = db.execute(
                "SELECT vendor FROM jobs WHERE custom_id = ?", (custom_id,)
            ).fetchone()
            if found is None:
                return False
            db.execute(
                "UPDATE jobs SET state = ?, task = ?, file = ?, error = ?, error_code = ?,"
                " worker = NULL, updated = ? WHERE custom_id = ?",
                (state, task, file, error.get("message"), error.get("code"), now, custom_id),
            )
            if task or state == "uncertain":  # the ledger: what was paid (or may have been)
                given = line.get("cost")
                cost: dict[str, Any] = given if isinstance(given, dict) else {}
                amount = cost.get("amount")
                amount = float(amount) if isinstance(amount, int | float) else None
                reported = amount if cost.get("source") == "reported" else None
                db.execute(
                    "INSERT INTO submits (custom_id, vendor, worker, started, task, reserved,"
                    " charged) VALUES (?, ?, 'restored', ?, ?, ?, ?)",
                    (custom_id, line.get("vendor") or found[0], now, task, amount, reported),
                )
        return True

    def adopt(self, custom_id: str, task: str) -> JobRecord:
        """Attach a task found on the vendor's side to an `uncertain` job: it is then waited on
        and downloaded like any other (the submits ledger records it)."""
        with self._transaction(durable=True) as db:
            row = db.execute(
                "SELECT state, task FROM jobs WHERE custom_id = ?", (custom_id,)
            ).fetchone()
            if row is None:
                raise KeyError(custom_id)
            state, known = row
            if state != "uncertain":
                raise ValueError(
                    f"job {custom_id!r} is {state}"
                    + (f" with task {known}" if known else "")
                    + "; only an uncertain job can be given a task"
                )
            db.execute(
                "UPDATE jobs SET state = 'submitted', task = ?, error = NULL, error_code = NULL,"
                " worker = NULL, updated = ? WHERE custom_id = ?",
                (task, time.time(), custom_id),
            )
            db.execute(
                "UPDATE submits SET task = ? WHERE id ="
                " (SELECT max(id) FROM submits WHERE custom_id = ?) AND task IS NULL",
                (task, custom_id),
            )
        found = self.record(custom_id)
        assert found is not None
        return found

    def begin_submit(
        self,
        custom_id: str,
        worker: str,
        max_jobs: int | None,
        *,
        price: float | None = None,
        max_cost: float | None = None,
    ) -> bool:
        """`begin_paid_submit`, True when the submit was recorded."""
        refusal = self.begin_paid_submit(
            custom_id, worker, max_jobs, price=price, max_cost=max_cost
        )
        return refusal is None

    def begin_paid_submit(
        self,
        custom_id: str,
        worker: str,
        max_jobs: int | None,
        *,
        price: float | None = None,
        max_cost: float | None = None,
    ) -> str | None:
        """Record the submit (its estimated `price` reserved in the ledger) unless a budget is
        spent: `max_jobs` submits in all, or `max_cost` of the job's vendor's unit committed
        (reserved, or charged where the vendor said). The check and the reservation are one
        transaction that budget checks of every worker take in turn, so no two can spend the
        same remainder. Returns None when recorded, else which budget declined."""
        now = time.time()
        with self._transaction(durable=True) as db:
            if max_jobs is not None or max_cost is not None:
                self._serialise_submits(db)
            if max_jobs is not None:
                (started,) = db.execute("SELECT count(*) FROM submits").fetchone()
                if started >= max_jobs:
                    return MAX_JOBS_SPENT
            if max_cost is not None:
                (vendor,) = db.execute(
                    "SELECT vendor FROM jobs WHERE custom_id = ?", (custom_id,)
                ).fetchone()
                committed, unpriced = db.execute(
                    "SELECT COALESCE(sum(COALESCE(charged, reserved)), 0),"
                    " COALESCE(sum(CASE WHEN charged IS NULL AND reserved IS NULL"
                    " THEN 1 ELSE 0 END), 0) FROM submits WHERE vendor = ?",
                    (vendor,),
                ).fetchone()
                if unpriced or price is None:
                    return UNPRICED_SUBMITS
                if not fits(float(committed), price, max_cost):
                    return MAX_COST_SPENT
            self._record_submit(db, custom_id, worker, now, price)
        return None

    @staticmethod
    def _record_submit(
        db: Database, custom_id: str, worker: str, now: float, price: float | None = None
    ) -> None:
        """The ledger's step before a paid request leaves: the job `submitting`, a submits row
        with the price reserved (None: not known)."""
        (vendor,) = db.execute(
            "SELECT vendor FROM jobs WHERE custom_id = ?", (custom_id,)
        ).fetchone()
        db.execute(
            "UPDATE jobs SET state = 'submitting', worker = ?, updated = ? WHERE custom_id = ?",
            (worker, now, custom_id),
        )
        db.execute(
            "INSERT INTO submits (custom_id, vendor, worker, started, reserved)"
            " VALUES (?, ?, ?, ?, ?)",
            (custom_id, vendor, worker, now, price),
        )

    def settle_cost(self, task: str, amount: float) -> None:
        """The vendor's own figure for a task replaces its reserved estimate."""
        with self._transaction(durable=True) as db:
            db.execute("UPDATE submits SET charged = ? WHERE task = ?", (amount, task))

    def costs(self) -> dict[str, JobCost]:
        """Each job's cost: its submits' charges (or reservations), summed."""
        found: dict[str, JobCost] = {}
        with self._transaction() as db:
            rows = db.execute(
                "SELECT custom_id, sum(COALESCE(charged, reserved)),"
                " sum(CASE WHEN COALESCE(charged, reserved) IS NULL THEN 1 ELSE 0 END),"
                " sum(CASE WHEN charged IS NULL THEN 1 ELSE 0 END)"
                " FROM submits GROUP BY custom_id"
            ).fetchall()
        for custom_id, amount, unknown, estimated in rows:
            found[custom_id] = JobCost(
                None if unknown else float(amount or 0.0), reported=not estimated
            )
        return found

    def submitted(self, custom_id: str, task: str) -> None:
        with self._transaction(durable=True) as db:
            db.execute(
                "UPDATE jobs SET state = 'submitted', task = ?, updated = ? WHERE custom_id = ?",
                (task, time.time(), custom_id),
            )
            db.execute(
                "UPDATE submits SET task = ? WHERE id ="
                " (SELECT max(id) FROM submits WHERE custom_id = ?)",
                (task, custom_id),
            )

    def uncertain(self, custom_id: str, error: str, code: str | None) -> None:
        self._set(custom_id, "uncertain", error=error, error_code=code, worker=None)

    def refused(
        self, custom_id: str, error: str, code: str | None, next_vendor: str | None
    ) -> None:
        # Refused before any task existed: a submit that was recorded charged nothing.
        with self._transaction() as db:
            db.execute(
                "UPDATE submits SET charged = 0 WHERE id ="
                " (SELECT max(id) FROM submits WHERE custom_id = ?)"
                " AND task IS NULL AND charged IS NULL",
                (custom_id,),
            )
        if next_vendor is None:
            self._set(custom_id, "failed", error=error, error_code=code, worker=None)
            return
        with self._transaction() as db:
            (tried,) = db.execute(
                "SELECT tried FROM jobs WHERE custom_id = ?", (custom_id,)
            ).fetchone()
            db.execute(
                "UPDATE jobs SET state = 'pending', vendor = ?, tried = ?, worker = NULL,"
                " error = ?, error_code = ?, updated = ? WHERE custom_id = ?",
                (next_vendor, json.dumps([*json.loads(tried), next_vendor]), error, code,
                 time.time(), custom_id),
            )  # fmt: skip

    def skipped(self, custom_id: str, reason: str) -> None:
        self._set(custom_id, "skipped", error=reason, error_code="budget_reached", worker=None)

    def finished(
        self,
        custom_id: str,
        state: JobState,
        *,
        file: str | None,
        error: str | None,
        code: str | None,
    ) -> None:
        self._set(custom_id, state, file=file, error=error, error_code=code, worker=None)

    def release(self, custom_id: str) -> None:
        with self._transaction() as db:
            db.execute("UPDATE jobs SET worker = NULL WHERE custom_id = ?", (custom_id,))

    def _set(self, custom_id: str, state: JobState, **values: Any) -> None:
        names = ", ".join(f"{name} = ?" for name in values)
        with self._transaction() as db:
            db.execute(
                f"UPDATE jobs SET state = ?, {names}, updated = ? WHERE custom_id = ?",  # noqa: S608
                (state, *values.values(), time.time(), custom_id),
            )

    def record(self, custom_id: str) -> JobRecord | None:
        with self._transaction() as db:
            query = f"SELECT {COLUMNS} FROM jobs WHERE custom_id = ?"  # noqa: S608
            row = db.execute(query, (custom_id,)).fetchone()
        return None if row is None else record_from_row(row)

    def set_fields(self, custom_id: str, fields: dict[str, Any]) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE jobs SET fields = ?, updated = ? WHERE custom_id = ?",
                (json.dumps(fields), time.time(), custom_id),
            )

    def delete(self, custom_id: str) -> bool:
        """Forget a job (the submits ledger keeps its rows: what was paid stays on record)."""
        with self._transaction() as db:
            cursor = db.execute("DELETE FROM jobs WHERE custom_id = ?", (custom_id,))
            return bool(cursor.rowcount)

    def records(self) -> list[JobRecord]:
        with self._transaction() as db:
            query = f"SELECT {COLUMNS} FROM jobs ORDER BY line, custom_id"  # noqa: S608
            rows = db.execute(query).fetchall()
        return [record_from_row(row) for row in rows]

    def submits(self) -> list[SubmitRecord]:
        with self._transaction() as db:
            rows = db.execute(
                "SELECT custom_id, vendor, worker, task FROM submits ORDER BY id"
            ).fetchall()
        return [SubmitRecord(*row) for row in rows]


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


UNCERTAIN_AFTER_CRASH = (
    "the run stopped while this job's submit was in flight: the vendor may or may not have"
    " created (and charged for) a task. Check the vendor's dashboard; resubmit only with"
    " --resubmit-uncertain"
)
