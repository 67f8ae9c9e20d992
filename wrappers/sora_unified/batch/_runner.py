"""Running a batch: many jobs through AsyncClient, every step recorded in the job store.

Each job slot loops: claim a job (a running task first, else a pending job), then wait and
download it, or check it locally, record the submit, submit, record the task, wait, download.
Requests in flight are bounded by each client's `max_concurrency` and rate limits; job slots
bound how many jobs are being worked on at once.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._client import AsyncClient, estimate
from .._constants import DEFAULT_WAIT_TIMEOUT_SECONDS
from ..errors import (
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    FeatureDisabledError,
    InsufficientCreditsError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
    SoraError,
    SubmissionUncertainError,
    SubmitCancelledError,
    UnsupportedFeatureError,
    ValidationError,
    WaitTimeoutError,
)
from ..types import VideoRequest
from ..vendors import load_adapter
from ._job_store import JobStore
from ._records import MAX_COST_SPENT, MAX_JOBS_SPENT, JobRecord
from ._results import (
    BatchSummary,
    add_costs,
    file_name,
    remove_stale_parts,
    write_results,
)
from ._workers import SubmitRecorder, new_worker_id

__all__ = ["BatchOptions", "BatchSummary", "EventHandler", "run_batch_async", "write_results"]

EventHandler = Callable[[str, dict[str, Any]], None]
ClientSource = Mapping[str, AsyncClient] | Callable[[str], AsyncClient]
HEARTBEAT_SECONDS = 10.0
# While another worker holds jobs, how often a run that has nothing left looks for its death.
TAKEOVER_SECONDS = 2.0
MAX_JOBS_REACHED = "--max-jobs reached"
MAX_COST_REACHED = "--max-cost reached"
UNPRICED_IN_STORE = (
    "--max-cost: the store holds paid submits whose price is not known, so what is spent"
    " cannot be counted"
)


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """How to run a batch. `fallback` vendors are tried in order for a job refused before any
    task existed; `max_jobs` / `max_cost` stop submitting once reached (jobs already submitted
    finish); `resubmit_uncertain` is the explicit opt-in to submit an uncertain job again.

    `max_cost` is what each vendor may be paid in all, in its unit (a number for every vendor,
    or one per vendor): each job's estimated price is reserved in the store before its submit
    leaves, settled with the vendor's figure when it reports one, and counted across runs and
    workers sharing the store."""

    out: Path
    fallback: tuple[str, ...] = ()
    max_jobs: int | None = None
    max_cost: float | Mapping[str, float] | None = None
    resubmit_uncertain: bool = False
    job_slots: int = 256
    wait_timeout: float = DEFAULT_WAIT_TIMEOUT_SECONDS
    # With nothing left to claim, wait for jobs other workers hold and take over a dead one's.
    take_over: bool = True
    # Paid submits on the wire at once per vendor (None: from its documented submit rate). A
    # kill can leave at most this many uncertain, whatever the job slots.
    submits_at_once: int | None = None


DEFAULT_SUBMITS_AT_ONCE = 4  # a vendor that documents no submit rate


def submits_at_once(vendor: str) -> int:
    """Submits on the wire at once by default: what the vendor's documented submit rate lets
    leave in a second (kie: 20 per 10 s, so 2), else a small fixed number."""
    limit = load_adapter(vendor).documented_rate_limits.get("submit")
    if limit is None:
        return DEFAULT_SUBMITS_AT_ONCE
    return max(1, math.ceil(limit.requests / limit.per_seconds))


# The vendor's answers that say no task was made: a refusal of the request, the key, the
# account's credits, or a "not now" (rate limit, maintenance). A 5xx or a lost answer says
# nothing of the kind, so it never leads to another vendor.
REFUSALS: tuple[type[SoraError], ...] = (
    ValidationError,
    ConfigurationError,
    BadRequestError,
    AuthenticationError,
    PermissionDeniedError,
    InsufficientCreditsError,
    NotFoundError,
    FeatureDisabledError,
    RateLimitError,
    ServiceUnavailableError,
)


def _refused_before_a_task(error: SoraError) -> bool:
    """Refused locally, or by the vendor before any task existed: nothing was created and
    nothing charged, so another vendor may be tried."""
    return error.task is None and isinstance(error, REFUSALS)


class _Run:
    def __init__(
        self,
        store: JobStore,
        clients: ClientSource,
        options: BatchOptions,
        on_event: EventHandler | None,
    ) -> None:
        self.store = store
        self.clients = clients
        self.options = options
        self.on_event = on_event or (lambda name, data: None)
        self.worker = new_worker_id()
        self.parked: list[str] = []  # still running at the wait timeout: released at the end
        self.wire: dict[str, asyncio.Semaphore] = {}

    def wire_turns(self, vendor: str) -> asyncio.Semaphore:
        """The vendor's turns on the wire for paid submits."""
        if vendor not in self.wire:
            self.wire[vendor] = asyncio.Semaphore(
                self.options.submits_at_once or submits_at_once(vendor)
            )
        return self.wire[vendor]

    def client(self, vendor: str) -> AsyncClient:
        if callable(self.clients):
            return self.clients(vendor)
        return self.clients[vendor]

    def emit(self, name: str, record: JobRecord, **data: Any) -> None:
        self.on_event(name, {"custom_id": record.custom_id, "vendor": record.vendor, **data})

    async def slot(self) -> None:
        while (record := self.store.claim(self.worker)) is not None:
            try:
                if record.state == "submitted":
                    await self.finish(record, str(record.task))
                else:
                    await self.submit(record)
            except asyncio.CancelledError:
                self.let_go(record.custom_id)
                raise
            except Exception as error:
                # Kept as recorded (a task id stays) and held until the run ends: a resume
                # takes it up again, this run does not loop on it.
                self.parked.append(record.custom_id)
                self.emit("error", record, error=f"{type(error).__name__}: {error}")

    def let_go(self, custom_id: str) -> None:
        """The run stopped while holding this job: back to the store for the next run, unless
        its submit was abandoned on the wire (`submitting`, which the next run's recovery
        turns `uncertain`)."""
        current = self.store.record(custom_id)
        if current is not None and current.state != "submitting":
            self.store.release(custom_id)

    def next_vendor(self, record: JobRecord) -> str | None:
        return next((v for v in self.options.fallback if v not in record.tried), None)

    def refuse(self, record: JobRecord, error: SoraError) -> None:
        following = self.next_vendor(record) if _refused_before_a_task(error) else None
        code = getattr(error, "code", None) or type(error).__name__
        if following is None and isinstance(error, ValidationError | UnsupportedFeatureError):
            # Refused locally by every vendor it may go to: an invalid line, nothing was sent.
            self.store.finished(record.custom_id, "invalid", file=None, error=str(error), code=code)
            self.emit("invalid", record, line=record.line, error=str(error))
            return
        self.store.refused(record.custom_id, str(error), code, following)
        if following is not None:
            self.emit("fallback", record, to=following, error=str(error))
        else:
            self.emit("failed", record, error=str(error), code=code)

    def cost_limit(self, vendor: str) -> float | None:
        limit = self.options.max_cost
        if limit is None or isinstance(limit, int | float):
            return limit
        return limit.get(vendor)

    async def submit(self, record: JobRecord) -> None:
        assert record.vendor is not None
        request = record.job().request()
        try:
            # Checked (and priced) here: refused, nothing is recorded as sent.
            priced = estimate(record.vendor, request)
            client = self.client(record.vendor)
        except SoraError as error:
            self.refuse(record, error)
            return
        limit = self.cost_limit(record.vendor)
        if limit is not None and priced.amount is None:
            self.skip(record, f"--max-cost: {record.vendor} {priced.shape} has no published price")
            return
        record_the_submit = SubmitRecorder(
            self.store,
            record.custom_id,
            self.worker,
            self.options.max_jobs,
            price=priced.amount,
            max_cost=limit,
        )
        on_the_wire = stopping = False

        def before_send() -> bool:
            nonlocal on_the_wire
            if stopping:  # a retry of a refused submit (nothing made), after the stop: not sent
                return False
            on_the_wire = record_the_submit()
            return on_the_wire

        def declined() -> str:
            if stopping:
                return "stopped before the submit was retried"
            return {MAX_JOBS_SPENT: MAX_JOBS_REACHED, MAX_COST_SPENT: MAX_COST_REACHED}.get(
                record_the_submit.declined or "", UNPRICED_IN_STORE
            )

        submitting = asyncio.ensure_future(
            self.submit_and_record(record, client, request, before_send, declined)
        )
        try:
            await asyncio.wait([submitting])
        except asyncio.CancelledError:
            # The run is stopping. A submit still queueing is dropped (nothing was sent); one on
            # the wire is carried to its answer, its request timeout at most, so its task is
            # recorded instead of left uncertain. Cancelling again abandons it.
            if not on_the_wire:
                submitting.cancel()
                raise
            stopping = True
            try:
                await asyncio.wait([submitting])
            except asyncio.CancelledError:
                submitting.cancel()
                raise
        task = submitting.result()
        if stopping:
            raise asyncio.CancelledError
        if task is not None:
            await self.finish(record, task)

    async def submit_and_record(
        self,
        record: JobRecord,
        client: AsyncClient,
        request: VideoRequest,
        before_send: Callable[[], bool],
        declined: Callable[[], str],
    ) -> str | None:
        """The submit, its outcome recorded the moment it is known (in the same step as the
        answer); returns the task to wait on, if one exists. `declined` says why, should
        `before_send` keep it from leaving."""
        try:
            assert record.vendor is not None
            async with self.wire_turns(record.vendor):
                task = await client.submit(request, before_send=before_send)
        except SubmitCancelledError:
            reason = declined()
            self.skip(record, reason)
            if reason == MAX_JOBS_REACHED:  # spent for every job still queued: skip them at once
                count = self.store.skip_pending(reason)
                if count:
                    self.on_event("skipped_pending", {"count": count, "reason": reason})
            return None
        except SubmissionUncertainError as error:
            self.store.uncertain(record.custom_id, str(error), "submission_uncertain")
            self.emit("uncertain", record, error=str(error))
            return None
        except SoraError as error:
            if error.task is not None:  # a task exists after all: never dropped
                self.store.submitted(record.custom_id, str(error.task))
                return str(error.task)
            self.refuse(record, error)
            return None
        self.store.submitted(record.custom_id, str(task))
        if task.cost is not None:  # the vendor's own figure (evolink's create answer)
            self.store.settle_cost(str(task), task.cost.amount)
        self.emit("submitted", record, task=str(task), cost=_cost(task.cost))
        return str(task)

    def skip(self, record: JobRecord, reason: str) -> None:
        self.store.skipped(record.custom_id, reason)
        self.emit("skipped", record, reason=reason)

    async def finish(self, record: JobRecord, task: str) -> None:
        vendor = task.partition(":")[0]
        client = self.client(vendor)
        try:
            video = await client.wait(
                task, timeout=self.options.wait_timeout, raise_on_failure=False
            )
        except WaitTimeoutError:
            self.parked.append(record.custom_id)  # still running: a resume waits on
            self.emit("still_running", record, task=task)
            return
        except SoraError as error:  # could not read it now: a resume waits on it again
            self.parked.append(record.custom_id)
            self.emit("still_running", record, task=task, error=str(error))
            return
        if video.cost is not None and video.cost.source == "reported":
            self.store.settle_cost(task, video.cost.amount)
        if video.status == "failed":
            message = video.error_message or "the task failed"
            self.store.finished(
                record.custom_id, "failed", file=None, error=message, code=video.error_code
            )
            self.emit("failed", record, task=task, error=message, code=video.error_code)
            return
        target = self.options.out / file_name(record.custom_id)
        try:
            saved = await client.download(video, target)
        except SoraError as error:
            # The paid result exists: the task stays recorded; `sora-unified download` fetches it.
            self.store.finished(
                record.custom_id, "failed", file=None, error=str(error), code="download_failed"
            )
            self.emit("failed", record, task=task, error=str(error), code="download_failed")
            return
        self.store.finished(record.custom_id, "completed", file=str(saved), error=None, code=None)
        self.emit("completed", record, task=task, file=str(saved), cost=_cost(video.cost))

    def emit_takeover(self) -> None:
        self.on_event("took_over", {"worker": self.worker})

    async def heartbeat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            self.store.heartbeat(self.worker)


async def run_batch_async(
    store: JobStore,
    clients: ClientSource,
    options: BatchOptions,
    *,
    on_event: EventHandler | None = None,
) -> BatchSummary:
    """Work the store's jobs until none is left to claim; returns the counts by state and
    writes `results.jsonl` into `options.out`. Safe to run again (and on several machines at
    once, with a shared store): submitted jobs are waited on, never resubmitted."""
    started = time.monotonic()
    options.out.mkdir(parents=True, exist_ok=True)
    run = _Run(store, clients, options, on_event)
    store.register_worker(run.worker)
    store.recover(resubmit_uncertain=options.resubmit_uncertain)
    remove_stale_parts(store, options.out, run.worker)
    beating = asyncio.create_task(run.heartbeat())
    try:
        while True:
            # A TaskGroup, not gather: cancelled (a stop), it cancels every slot and waits for
            # all of them, so a slot carrying a submit on the wire records its task before the
            # run ends (gather would end at the first cancelled slot, and the caller close the
            # clients).
            async with asyncio.TaskGroup() as slots:
                for _ in range(options.job_slots):
                    slots.create_task(run.slot())
            # Nothing left to claim. Jobs another worker holds are theirs while it lives; if
            # it dies (its process here, its heartbeat elsewhere), this run takes them over.
            if not store.held_elsewhere(run.worker) or not options.take_over:
                break
            await asyncio.sleep(TAKEOVER_SECONDS)
            if store.take_over():
                run.emit_takeover()
    finally:
        beating.cancel()
        for custom_id in run.parked:
            store.release(custom_id)
        # Stopped too: what is known so far, every task id recorded included.
        results = write_results(store, options.out)
    counts: dict[str, int] = {}
    records = store.records()
    for record in records:
        # A job another worker (another machine) still holds is theirs to finish.
        state = "elsewhere" if record.worker not in (None, run.worker) else record.state
        counts[state] = counts.get(state, 0) + 1
    summary = BatchSummary(counts, time.monotonic() - started, results)
    add_costs(summary, records, store.costs())
    return summary


def _cost(cost: Any) -> dict[str, Any] | None:
    return None if cost is None else cost.as_dict()
