"""Thousands of videos, durably: the library behind `sora-unified batch`.

    from sora_unified.batch import BatchOptions, open_store, read_jobs, run_batch

    store = open_store("out/batch.sqlite3")          # or "postgresql://..." for several machines
    store.add(read_jobs("jobs.jsonl"), default_vendor="kie")
    summary = run_batch(store, {"kie": AsyncClient("kie")}, BatchOptions(out=Path("out")))

Every job's state is recorded before each irreversible step (see `_store`): kill the process at
any moment and run again; submitted jobs are waited on and downloaded, never resubmitted, and a
job whose submit outcome is unknown is `uncertain` until you decide.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from ._input import InvalidLine, Job, read_jobs, request_fields, request_from_fields
from ._job_store import JobStore
from ._records import (
    MAX_COST_SPENT,
    RECORD_COLUMNS,
    UNPRICED_SUBMITS,
    JobRecord,
    JobState,
    SubmitRecord,
    record_from_row,
)
from ._results import BatchSummary, cost_text, file_name, write_results
from ._runner import REFUSALS, BatchOptions, ClientSource, EventHandler, run_batch_async
from ._sqlite import SQLiteJobStore
from ._workers import new_worker_id, submit_recorder

__all__ = [
    "MAX_COST_SPENT",
    "RECORD_COLUMNS",
    "REFUSALS",
    "UNPRICED_SUBMITS",
    "BatchOptions",
    "BatchSummary",
    "InvalidLine",
    "Job",
    "JobRecord",
    "JobState",
    "JobStore",
    "SQLiteJobStore",
    "SubmitRecord",
    "cost_text",
    "file_name",
    "new_worker_id",
    "open_store",
    "read_jobs",
    "record_from_row",
    "request_fields",
    "request_from_fields",
    "run_batch",
    "run_batch_async",
    "submit_recorder",
    "write_results",
]


def open_store(location: str | Path) -> JobStore:
    """A job store by location: a `postgresql://` URL (several machines), else a SQLite file."""
    text = str(location)
    if text.startswith(("postgresql://", "postgres://")):
        from ._postgres import PostgresJobStore

        return PostgresJobStore(text)
    return SQLiteJobStore(text)


def run_batch(
    store: JobStore,
    clients: ClientSource,
    options: BatchOptions,
    *,
    on_event: EventHandler | None = None,
) -> BatchSummary:
    """`run_batch_async` for synchronous code (runs its own event loop)."""
    return asyncio.run(run_batch_async(store, clients, options, on_event=on_event))
