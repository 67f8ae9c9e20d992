"""The activities: each step of a job, run by a worker with the vendor clients (and keys).

Retries are the workflow's, per step: the wait and the download are retried by
Temporal (they change nothing at the vendor, and a wait resumes from the task id); the submit
has one attempt. A submit that fails after its request may have left is `uncertain`, here or,
when the worker died or the attempt timed out, in the workflow: never sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from temporalio import activity

from .. import AsyncClient
from ..batch import REFUSALS, file_name, request_from_fields
from ..errors import GenerationFailedError, SoraError
from ..types import Task
from ._types import JobInput, JobResult, Submitted, Waited

ClientSource = Callable[[str], AsyncClient]


@contextlib.asynccontextmanager
async def _heartbeating(every: float = 2.0) -> AsyncIterator[None]:
    """Heartbeat while the step runs, so a worker that dies is noticed within the heartbeat
    timeout (not the step's whole time limit) and its step rescheduled, or, for a submit,
    declared uncertain."""

    async def beat() -> None:
        while True:
            activity.heartbeat()
            await asyncio.sleep(every)

    beating = asyncio.ensure_future(beat())
    try:
        yield
    finally:
        beating.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beating


def _code(error: BaseException) -> str:
    return str(getattr(error, "code", None) or type(error).__name__)


class SoraActivities:
    """The activities of sora-unified's workflows, on the clients `clients(vendor)` gives
    (one per vendor, made with its key on this worker: keys never enter a workflow).

        activities = SoraActivities(lambda vendor: AsyncClient(vendor))
        Worker(client, task_queue=TASK_QUEUE, activities=activities.general(), ...)
    """

    def __init__(self, clients: ClientSource) -> None:
        self._clients = clients

    def general(self) -> list[Callable[..., Any]]:
        """The activities of the general task queue (everything but the paid submit; the
        check is pure, made by the workflows in their own code)."""
        return [self.wait_job, self.download_job, self.write_results]

    def submits(self) -> list[Callable[..., Any]]:
        """The activity of a vendor key's submit queue."""
        return [self.submit_job]

    @activity.defn(name="sora_unified.submit_job")
    async def submit_job(self, job: JobInput) -> Submitted:
        """The paid submit, once. The client retries what a vendor refused before making a
        task (a rate limit, maintenance), per the vendor's rules; a lost answer is uncertain."""
        client = self._clients(job.vendor)
        try:
            async with _heartbeating():
                task = await client.submit(request_from_fields(job.fields))
        except SoraError as error:
            # Refused only where the vendor (or our check) said no task was made, as the
            # store engine decides; anything else may have made one.
            if error.task is None and isinstance(error, REFUSALS):
                return Submitted(
                    "refused",
                    error=str(error),
                    code=_code(error),
                    retryable=bool(getattr(error, "retryable", False)),
                    retry_after=getattr(error, "retry_after", None),
                )
            return Submitted("uncertain", error=str(error), code=_code(error))
        return Submitted("submitted", task=str(task))

    @activity.defn(name="sora_unified.wait_job")
    async def wait_job(self, job: JobInput, task: str) -> Waited:
        """Wait for the task to end, heartbeating; a retry (another worker) resumes by id."""
        client = self._clients(job.vendor)
        try:
            async with _heartbeating():
                video = await client.wait(Task.parse(task), timeout=job.wait_timeout_seconds)
        except GenerationFailedError as error:
            failed = error.video
            return Waited("failed", error=str(error), code=failed.error_code or "failed")
        reported = video.cost.amount if video.cost and video.cost.source == "reported" else None
        return Waited("completed", reported_cost=reported)

    @activity.defn(name="sora_unified.download_job")
    async def download_job(self, job: JobInput, task: str) -> str:
        """The finished task's video in `job.out` (the same whole-video checks as always); a
        fresh read of the task first, so an expired link is renewed."""
        client = self._clients(job.vendor)
        target = Path(job.out) / file_name(job.custom_id)
        async with _heartbeating():
            video = await client.retrieve(Task.parse(task))
            saved = await client.download(video, target)
        return str(saved)

    @activity.defn(name="sora_unified.write_results")
    async def write_results(self, out: str, results: list[JobResult]) -> str:
        """`out/results.jsonl` as the batch workflow decided it (written whole, then renamed)."""
        target = Path(out) / "results.jsonl"
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".jsonl.part")
        with partial.open("w", encoding="utf-8") as lines:
            for result in results:
                line = {
                    "custom_id": result.custom_id,
                    "line": result.line,
                    "vendor": result.vendor,
                    "task": result.task,
                    "status": result.status,
                    "file": result.file,
                    "error": result.error,
                    "cost": result.cost,
                }
                lines.write(json.dumps(line, ensure_ascii=False) + "\n")
        partial.replace(target)
        return str(target)
