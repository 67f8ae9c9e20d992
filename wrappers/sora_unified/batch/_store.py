"""The ledger rules of `JobStore` (see `_job_store`) in SQL that SQLite and PostgreSQL both run:
a subclass supplies the connection, the transaction and how claims and budgets serialise."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from .._budget import fits
from ._input import InvalidLine, Job, invalid_line_id
from ._records import (
    MAX_COST_SPENT,
    MAX_JOBS_SPENT,
    RECORD_COLUMNS,
    UNCERTAIN_AFTER_CRASH,
    UNPRICED_SUBMITS,
    JobCost,
    JobRecord,
    JobState,
    SubmitRecord,
    record_from_row,
)
from ._workers import worker_is_gone

__all__ = ["Database", "SQLJobStore"]


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
                    f"SELECT {RECORD_COLUMNS} FROM jobs WHERE state = ? AND worker IS NULL"  # noqa: S608
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
            query = f"SELECT {RECORD_COLUMNS} FROM jobs WHERE custom_id = ?"  # noqa: S608
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
            query = f"SELECT {RECORD_COLUMNS} FROM jobs ORDER BY line, custom_id"  # noqa: S608
            rows = db.execute(query).fetchall()
        return [record_from_row(row) for row in rows]

    def submits(self) -> list[SubmitRecord]:
        with self._transaction() as db:
            rows = db.execute(
                "SELECT custom_id, vendor, worker, task FROM submits ORDER BY id"
            ).fetchall()
        return [SubmitRecord(*row) for row in rows]
