"""A job's row as the store keeps it, and the ledger's rows: what every store (SQLite,
PostgreSQL, the gateway's) reads and writes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from ._input import Job

__all__ = [
    "MAX_COST_SPENT",
    "MAX_JOBS_SPENT",
    "RECORD_COLUMNS",
    "UNCERTAIN_AFTER_CRASH",
    "UNPRICED_SUBMITS",
    "JobCost",
    "JobRecord",
    "JobState",
    "SubmitRecord",
    "record_from_row",
]

JobState = Literal[
    "pending", "submitting", "submitted", "completed", "failed", "uncertain", "invalid", "skipped"
]


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


# The jobs table's columns in the order `record_from_row` reads them.
RECORD_COLUMNS = (
    "custom_id, line, vendor, fields, state, task, file, error, error_code, tried, worker"
)


def record_from_row(row: Any) -> JobRecord:
    custom_id, line, vendor, fields, state, task, file, error, code, tried, worker = row
    return JobRecord(
        custom_id, line, vendor, json.loads(fields), state, task, file, error, code,
        tuple(json.loads(tried)), worker,
    )  # fmt: skip


UNCERTAIN_AFTER_CRASH = (
    "the run stopped while this job's submit was in flight: the vendor may or may not have"
    " created (and charged for) a task. Check the vendor's dashboard; resubmit only with"
    " --resubmit-uncertain"
)
