"""Workers: the general task queue (workflows, checks, waits, downloads) and one submit queue
per vendor key, rate-limited by the Temporal server across every worker polling it."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from temporalio.client import Client as TemporalClient
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from .. import AsyncClient
from ..vendors import load_adapter
from ._activities import SoraActivities
from ._workflows import TASK_QUEUE, BatchWorkflow, VideoJobWorkflow

WORKFLOWS = (BatchWorkflow, VideoJobWorkflow)


def key_fingerprint(api_key: str) -> str:
    """A vendor key's public name (never the key): the first 12 hex digits of its SHA-256."""
    return hashlib.sha256(api_key.encode()).hexdigest()[:12]


def submit_queue(vendor: str, api_key: str, *, base: str = TASK_QUEUE) -> str:
    """The task queue of `vendor` submits made with `api_key`: one per key, because a
    vendor's submit rate is per key."""
    return f"{base}-submit-{vendor}-{key_fingerprint(api_key)}"


# The server lets a rate-limited task queue's activities out in bursts, up to one per
# partition (4 by default; bursts of 4 measured on the development server), then at the
# rate. A vendor documents a window (kie: 20 per 10 s), so the burst is taken off it.
TASK_QUEUE_BURST = 4


def documented_submit_rate(vendor: str) -> float | None:
    """Submits per second that keep within the vendor's documented window per key, the
    server's burst included (kie, 20 per 10 s: 1.6 per second), or None."""
    limit = load_adapter(vendor).documented_rate_limits.get("submit")
    if limit is None:
        return None
    return max(1, limit.requests - TASK_QUEUE_BURST) / limit.per_seconds


def workflow_runner() -> SandboxedWorkflowRunner:
    """Temporal's workflow sandbox with sora_unified passed through (imported once, not per
    run: its workflow code is deterministic, and the rest is only used by activities). Give
    it to your own Worker (`workflow_runner=`) when you register the workflows yourself."""
    restrictions = SandboxRestrictions.default.with_passthrough_modules("sora_unified")
    return SandboxedWorkflowRunner(restrictions=restrictions)


def workers(
    client: TemporalClient,
    clients: Callable[[str], AsyncClient],
    keys: Mapping[str, str],
    *,
    task_queue: str = TASK_QUEUE,
    submit_rates: Mapping[str, float] | None = None,
    max_concurrent_activities: int = 100,
    max_concurrent_submits: int = 4,
    on_fatal_error: Callable[[BaseException], Awaitable[None]] | None = None,
) -> list[Worker]:
    """The workers of one process: the general queue, and for each vendor in `keys` (vendor
    -> that vendor's key on this machine, only fingerprinted here) its submit queue, at the
    vendor's documented rate unless `submit_rates` says otherwise (submits per second).
    `on_fatal_error` is told when a worker stops polling for good (it would not come back)."""
    activities = SoraActivities(clients)
    fatal: dict[str, Any] = {} if on_fatal_error is None else {"on_fatal_error": on_fatal_error}
    made = [
        Worker(
            client,
            task_queue=task_queue,
            workflows=list(WORKFLOWS),
            activities=activities.general(),
            workflow_runner=workflow_runner(),
            max_concurrent_activities=max_concurrent_activities,
            **fatal,
        )
    ]
    for vendor, key in keys.items():
        rate = (submit_rates or {}).get(vendor, documented_submit_rate(vendor))
        options: dict[str, Any] = dict(fatal)
        if rate is not None:
            options["max_task_queue_activities_per_second"] = rate
        made.append(
            Worker(
                client,
                task_queue=submit_queue(vendor, key, base=task_queue),
                activities=activities.submits(),
                max_concurrent_activities=max_concurrent_submits,
                **options,
            )
        )
    return made


async def run_workers(made: Sequence[Worker]) -> None:
    """Run the workers until cancelled; then each stops polling and finishes what it holds."""
    async with contextlib.AsyncExitStack() as running:
        for worker in made:
            await running.enter_async_context(worker)
        await asyncio.Event().wait()
