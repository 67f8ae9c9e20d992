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
(`batch._postgres`) shares one batch between machines. Both implement `JobStore`; the rules in
SQL are `_store.SQLJobStore`'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from ._input import InvalidLine, Job
from ._records import JobCost, JobRecord, JobState, SubmitRecord

__all__ = ["JobStore"]


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
