"""Starting a batch on Temporal from a jobs file, and waiting for its result."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from temporalio.client import Client as TemporalClient
from temporalio.client import WorkflowHandle
from temporalio.common import WorkflowIDReusePolicy

from ..batch import InvalidLine, Job
from ._types import BatchInput, BatchResult, JobInput
from ._worker import submit_queue
from ._workflows import TASK_QUEUE, BatchWorkflow


def batch_id(out: str | Path) -> str:
    """The batch's workflow id: one batch per output folder, so starting it again (another
    machine, a restart) attaches to the running one instead of paying again."""
    folder = str(Path(out).resolve())
    return f"sora-unified-batch-{hashlib.sha256(folder.encode()).hexdigest()[:16]}"


def batch_input(
    jobs: Iterable[Job | InvalidLine],
    *,
    out: str | Path,
    default_vendor: str,
    keys: Mapping[str, str],
    max_jobs: int | None = None,
    max_cost: Mapping[str, float] | None = None,
    jobs_at_once: int = 64,
    submit_timeout_seconds: float = 600.0,
    heartbeat_seconds: float = 20.0,
    wait_timeout_seconds: float = 3600.0,
    task_queue: str = TASK_QUEUE,
) -> BatchInput:
    """The workflow's input for `jobs` (as `read_jobs` reads them; an invalid line stays one).
    `keys` (vendor -> key) only names each vendor key's submit queue; no key is stored."""
    made: list[JobInput] = []
    for job in jobs:
        if isinstance(job, InvalidLine):
            custom_id = job.custom_id or f"line-{job.line}"
            made.append(JobInput(custom_id, "", {}, str(out), job.line, invalid=job.error))
            continue
        vendor = job.vendor or default_vendor
        key = keys.get(vendor)
        made.append(
            JobInput(
                job.custom_id,
                vendor,
                dict(job.fields),
                str(out),
                job.line,
                submit_queue=submit_queue(vendor, key, base=task_queue) if key else "",
                submit_timeout_seconds=submit_timeout_seconds,
                heartbeat_seconds=heartbeat_seconds,
                wait_timeout_seconds=wait_timeout_seconds,
            )
        )
    return BatchInput(
        made,
        str(out),
        max_jobs=max_jobs,
        max_cost=dict(max_cost) if max_cost else None,
        jobs_at_once=jobs_at_once,
    )


async def start_batch(
    client: TemporalClient, batch: BatchInput, *, task_queue: str = TASK_QUEUE
) -> WorkflowHandle[BatchWorkflow, BatchResult]:
    """Start the batch, or attach to it if it is already running (the same output folder)."""
    from temporalio.exceptions import WorkflowAlreadyStartedError

    workflow_id = batch_id(batch.out)
    try:
        return await client.start_workflow(
            BatchWorkflow.run,
            batch,
            id=workflow_id,
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        )
    except WorkflowAlreadyStartedError:
        return client.get_workflow_handle_for(BatchWorkflow.run, workflow_id)


async def run_batch(
    client: TemporalClient, batch: BatchInput, *, task_queue: str = TASK_QUEUE
) -> BatchResult:
    """Start (or attach to) the batch and wait for its result."""
    handle = await start_batch(client, batch, task_queue=task_queue)
    return await handle.result()
