"""What the workflows and activities pass each other: plain dataclasses, JSON in Temporal's
history. No key, no client, nothing secret ever goes in here (histories are durable and
readable by whoever can read the namespace)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The states a job passes through in the batch workflow's ledger; the last five are final.
JOB_STATES = (
    "pending",
    "submitting",
    "submitted",
    "completed",
    "failed",
    "uncertain",
    "invalid",
    "skipped",
)


@dataclass
class JobInput:
    """One video: the batch line's id, its vendor and its VideoRequest fields (as in a
    jobs.jsonl line), and where its video goes (a folder every worker can write)."""

    custom_id: str
    vendor: str
    fields: dict[str, Any]
    out: str
    line: int = 0
    # The task queue of this vendor key's paid submits (`submit_queue(vendor, key)`), which
    # workers holding that key poll at the vendor's documented rate.
    submit_queue: str = ""
    submit_timeout_seconds: float = 600.0
    wait_timeout_seconds: float = 3600.0
    # A step whose worker has not been heard of for this long is given up: a wait or a
    # download is rescheduled on another worker, a submit is uncertain.
    heartbeat_seconds: float = 20.0
    # A submit refused for a while (a rate limit, maintenance) is tried again after this
    # (doubling each time), or the vendor's Retry-After if longer.
    refused_backoff_seconds: float = 30.0
    # Why the line is not a job (as read_jobs found it); such a line is never sent.
    invalid: str | None = None


@dataclass
class Checked:
    """The local check of a job: refused (`error`), or its estimated price."""

    ok: bool
    error: str | None = None
    code: str | None = None
    cost: float | None = None  # in the vendor's unit; None where no price is published
    unit: str | None = None
    usd: float | None = None


@dataclass
class Submitted:
    """How a submit ended: "submitted" (`task` set), "refused" (nothing was created),
    "uncertain" (a task may exist and cost: never sent again)."""

    outcome: str
    task: str | None = None
    error: str | None = None
    code: str | None = None
    # A refusal worth trying again later (a rate limit, maintenance), and when.
    retryable: bool = False
    retry_after: float | None = None


@dataclass
class Waited:
    """A task's end: "completed" or "failed", and the vendor's reported cost if it gave one."""

    status: str
    error: str | None = None
    code: str | None = None
    reported_cost: float | None = None


@dataclass
class JobResult:
    """A job's line in results.jsonl (the same fields as a SQLite or PostgreSQL batch)."""

    custom_id: str
    line: int
    vendor: str
    status: str
    task: str | None = None
    file: str | None = None
    error: dict[str, str | None] | None = None
    cost: dict[str, Any] | None = None


@dataclass
class BatchInput:
    """A batch: its jobs, and the budgets the workflow decides (exact across workers)."""

    jobs: list[JobInput]
    out: str
    max_jobs: int | None = None
    # What each vendor may be paid in all, in its unit ({"kie": 1000.0}).
    max_cost: dict[str, float] | None = None
    # Jobs worked on at once (child workflows in flight).
    jobs_at_once: int = 64


@dataclass
class BatchResult:
    results: list[JobResult]
    counts: dict[str, int] = field(default_factory=dict)
    results_file: str | None = None
