"""The workflows: one video (`VideoJobWorkflow`) and a batch of them (`BatchWorkflow`).

Both are deterministic code Temporal replays: every decision (a budget, a job's state, what
results.jsonl says) is made here from the activities' results, so it is exact however many
workers run the activities and whichever of them die.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ChildWorkflowError

with workflow.unsafe.imports_passed_through():
    from ._checks import check
    from ._types import BatchInput, BatchResult, Checked, JobInput, JobResult, Submitted, Waited

TASK_QUEUE = "sora-unified"
# The steps that change nothing at the vendor are retried (with back-off, a bounded number of
# times); the paid submit never is.
RETRIED = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=60),
    maximum_attempts=20,
)
ONE_ATTEMPT = RetryPolicy(maximum_attempts=1)
# A submit the vendor refused before making a task, for a while (a rate limit, maintenance),
# after the client's own retries: tried again this many times (JobInput.refused_backoff_seconds,
# doubling, later).
REFUSED_RETRIES = 4
UNCERTAIN = (
    "the submit's outcome is unknown (its worker stopped, or it ran out of time after the"
    " request may have left): a task may exist and cost; it is not sent again"
)


def _job_id(batch_id: str, custom_id: str) -> str:
    return f"{batch_id}/job/{custom_id}"


@workflow.defn(name="sora_unified.VideoJob")
class VideoJobWorkflow:
    """Submit one video (one attempt), wait for it and download it. Returns its JobResult
    (without the cost, which the batch works out)."""

    @workflow.run
    async def run(self, job: JobInput) -> JobResult:
        result = JobResult(job.custom_id, job.line, job.vendor, "submitting")
        for attempt in range(REFUSED_RETRIES + 1):
            try:
                submitted: Submitted = await workflow.execute_activity(
                    "sora_unified.submit_job",
                    job,
                    result_type=Submitted,
                    task_queue=job.submit_queue or None,
                    start_to_close_timeout=timedelta(seconds=job.submit_timeout_seconds),
                    heartbeat_timeout=timedelta(seconds=job.heartbeat_seconds),
                    retry_policy=ONE_ATTEMPT,
                )
            except ActivityError:
                return self._ended(result, "uncertain", UNCERTAIN, "uncertain")
            if submitted.outcome != "refused" or not submitted.retryable:
                break
            if attempt < REFUSED_RETRIES:  # nothing was made: later, on a durable timer
                backoff = job.refused_backoff_seconds * 2**attempt
                later = max(submitted.retry_after or 0.0, backoff)
                await workflow.sleep(later)
        if submitted.outcome != "submitted":
            status = "failed" if submitted.outcome == "refused" else "uncertain"
            return self._ended(result, status, submitted.error, submitted.code)
        result.task, result.status = submitted.task, "submitted"
        waited: Waited = await workflow.execute_activity(
            "sora_unified.wait_job",
            args=[job, submitted.task],
            result_type=Waited,
            start_to_close_timeout=timedelta(seconds=job.wait_timeout_seconds + 60),
            heartbeat_timeout=timedelta(seconds=job.heartbeat_seconds),
            retry_policy=RETRIED,
        )
        if waited.status != "completed":
            return self._ended(result, "failed", waited.error, waited.code)
        result.file = await workflow.execute_activity(
            "sora_unified.download_job",
            args=[job, submitted.task],
            result_type=str,
            start_to_close_timeout=timedelta(minutes=30),
            heartbeat_timeout=timedelta(seconds=job.heartbeat_seconds),
            retry_policy=RETRIED,
        )
        result.status = "completed"
        if waited.reported_cost is not None:
            result.cost = {"amount": waited.reported_cost, "source": "reported"}
        return result

    @staticmethod
    def _ended(result: JobResult, status: str, error: str | None, code: str | None) -> JobResult:
        result.status = status
        result.error = {"code": code, "message": error}
        return result


@workflow.defn(name="sora_unified.Batch")
class BatchWorkflow:
    """A batch's ledger: each job checked, admitted within the budgets, run as a
    VideoJobWorkflow child, and recorded; then results.jsonl written. `ledger` (a query) is
    every job's current line."""

    def __init__(self) -> None:
        self._results: dict[str, JobResult] = {}
        self._order: list[str] = []
        self._admitted = 0
        self._spent: dict[str, float] = {}

    @workflow.query(name="ledger")
    def ledger(self) -> list[JobResult]:
        return [self._results[custom_id] for custom_id in self._order]

    @workflow.run
    async def run(self, batch: BatchInput) -> BatchResult:
        for job in batch.jobs:
            self._order.append(job.custom_id)
            self._results[job.custom_id] = JobResult(job.custom_id, job.line, job.vendor, "pending")
        turns = asyncio.Semaphore(max(1, batch.jobs_at_once))
        await asyncio.gather(*(self._job(batch, job, turns) for job in batch.jobs))
        results = self.ledger()
        written: str = await workflow.execute_activity(
            "sora_unified.write_results",
            args=[batch.out, results],
            result_type=str,
            start_to_close_timeout=timedelta(minutes=5),
            retry_policy=RETRIED,
        )
        counts: dict[str, int] = {}
        for result in results:
            counts[result.status] = counts.get(result.status, 0) + 1
        return BatchResult(results, counts, written)

    async def _job(self, batch: BatchInput, job: JobInput, turns: asyncio.Semaphore) -> None:
        async with turns:
            line = self._results[job.custom_id]
            # Pure and deterministic: decided here, no activity (a batch's history stays small).
            checked: Checked = check(job)
            if not checked.ok:
                line.status, line.error = (
                    "invalid",
                    {"code": checked.code, "message": checked.error},
                )
                return
            refusal = self._admit(batch, job, checked)
            if refusal is not None:
                line.status, line.error = "skipped", {"code": "budget", "message": refusal}
                return
            line.status = "submitting"
            try:
                done: JobResult = await workflow.execute_child_workflow(
                    VideoJobWorkflow.run,
                    job,
                    id=_job_id(workflow.info().workflow_id, job.custom_id),
                    task_queue=workflow.info().task_queue,
                )
            except ChildWorkflowError as error:  # the child failed: its submit may have left
                message = f"{UNCERTAIN} ({error})"
                error_line: dict[str, str | None] = {"code": "uncertain", "message": message}
                done = JobResult(job.custom_id, job.line, job.vendor, "uncertain", error=error_line)
            self._settle(job, checked, done)
            self._results[job.custom_id] = done

    def _admit(self, batch: BatchInput, job: JobInput, checked: Checked) -> str | None:
        """Reserve the job's place and price before its submit can leave (None), or say why
        not: the workflow decides alone, so the budgets hold whatever the workers."""
        if batch.max_jobs is not None and self._admitted >= batch.max_jobs:
            return "--max-jobs reached"
        limit = (batch.max_cost or {}).get(job.vendor)
        if limit is not None:
            if checked.cost is None:
                return f"--max-cost: {job.vendor} publishes no price for this request"
            spent = self._spent.get(job.vendor, 0.0)
            if spent + checked.cost > limit + 1e-9:
                return "--max-cost reached"
            self._spent[job.vendor] = spent + checked.cost
        self._admitted += 1
        return None

    def _settle(self, job: JobInput, checked: Checked, done: JobResult) -> None:
        """The job's cost line, and the budget settled with the vendor's figure if any."""
        estimated = checked.cost
        reported = (done.cost or {}).get("amount")
        if done.status == "failed" and done.task is None:
            amount = None  # refused before a task existed: nothing was paid, the place is free
            self._admitted -= 1
            if estimated is not None and job.vendor in self._spent:
                self._spent[job.vendor] -= estimated
        else:
            amount = reported if reported is not None else estimated
            if reported is not None and estimated is not None and job.vendor in self._spent:
                self._spent[job.vendor] += reported - estimated
        done.cost = (
            None
            if amount is None
            else {
                "amount": round(amount, 6),
                "unit": checked.unit,
                "source": "reported" if reported is not None else "estimated",
                "usd": checked.usd if reported is None else None,
            }
        )
