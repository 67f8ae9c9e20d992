"""Batches as Temporal workflows, run by in-process workers on the kit's sandbox: every job
once, the ledger and results.jsonl, the budgets decided in the workflow, and a submit that
runs out of time is uncertain, never sent twice."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sora_unified.batch import InvalidLine, Job
from sora_unified.sandbox import SANDBOX_KEY
from sora_unified.temporal import (
    BatchResult,
    batch_input,
    key_fingerprint,
    run_batch,
    submit_queue,
    workers,
)
from sora_unified.testing import SandboxKit
from temporalio.client import Client as TemporalClient

from contract_tests.support.fakes import tasks_per_prompt

KEYS = {"kie": SANDBOX_KEY, "evolink": SANDBOX_KEY}


@pytest.fixture(scope="module")
def kit() -> Iterator[SandboxKit]:
    with SandboxKit() as running:
        yield running


def _jobs(count: int, vendor: str = "kie") -> list[Job]:
    return [Job(n + 1, f"job-{n}", vendor, {"prompt": f"a corgi {n}"}) for n in range(count)]


def _batch(items: Any, out: Path, **options: Any) -> Any:
    """The batch on a task queue of its own: the server serves every test of the run."""
    queue = f"q-{uuid.uuid4().hex}"
    return batch_input(items, out=out, default_vendor="kie", keys=KEYS, task_queue=queue, **options)


def _run(address: str, kit: SandboxKit, batch: Any, **options: Any) -> BatchResult:
    queue = batch.jobs[0].submit_queue.split("-submit-")[0]

    async def go() -> BatchResult:
        client = await TemporalClient.connect(address)
        made = workers(
            client, kit.async_client, KEYS, task_queue=queue, submit_rates={"kie": 50.0},
            **options,
        )  # fmt: skip
        for worker in made:
            await worker.__aenter__()
        try:
            return await run_batch(client, batch, task_queue=queue)
        finally:
            for worker in made:
                await worker.__aexit__(None, None, None)

    return asyncio.run(go())


def test_every_job_is_made_once_and_the_results_are_written(temporal_server, kit, tmp_path):
    kit.reset()
    items: list[Job | InvalidLine] = [*_jobs(4), InvalidLine(5, "bad", "body: not an object")]
    batch = _batch(items, tmp_path)
    result = _run(temporal_server, kit, batch)
    assert result.counts == {"completed": 4, "invalid": 1}
    assert tasks_per_prompt(kit.sandbox, "kie") == {f"a corgi {n}": 1 for n in range(4)}
    lines = [json.loads(line) for line in Path(result.results_file).read_text().splitlines()]
    assert [line["custom_id"] for line in lines] == ["job-0", "job-1", "job-2", "job-3", "bad"]
    first = lines[0]
    assert first["status"] == "completed" and first["task"].startswith("kie:")
    assert Path(first["file"]).stat().st_size > 1000
    assert first["cost"] == {
        "amount": 330.0, "unit": "kie credits", "source": "estimated", "usd": 1.65,
    }  # fmt: skip
    assert lines[-1]["error"] == {"code": "invalid_line", "message": "body: not an object"}
    assert SANDBOX_KEY not in json.dumps(lines)


def test_the_budgets_are_decided_in_the_workflow(temporal_server, kit, tmp_path):
    kit.reset()
    batch = _batch(_jobs(5), tmp_path, max_jobs=3, max_cost={"kie": 700.0})
    result = _run(temporal_server, kit, batch)
    assert result.counts == {"completed": 2, "skipped": 3}  # 330 credits each: two fit in 700
    assert kit.submits("kie") == 2
    skipped = [r.error for r in result.results if r.status == "skipped"]
    assert {e["message"] for e in skipped if e} == {"--max-cost reached"}


def test_a_submit_that_runs_out_of_time_is_uncertain_and_not_sent_again(
    temporal_server, kit, tmp_path
):
    kit.reset()
    kit.fail_next("submit", "slow", delay=3.0)  # the vendor makes the task, but too late
    batch = _batch(_jobs(1), tmp_path, submit_timeout_seconds=1.0)
    result = _run(temporal_server, kit, batch)
    assert result.counts == {"uncertain": 1}
    assert "not sent again" in (result.results[0].error or {}).get("message", "")
    assert result.results[0].task is None
    assert kit.requests("kie", "submit") == 1  # one attempt; the workflow is over


def test_a_submit_refused_for_a_while_is_tried_again_later_and_paid_once(
    temporal_server, kit, tmp_path
):
    kit.reset()
    kit.fail_next("submit", "rate_limit", times=4, retry_after=0.2)  # beyond the client's retries
    batch = _batch(_jobs(1), tmp_path)
    for job in batch.jobs:
        job.refused_backoff_seconds = 0.2
    result = _run(temporal_server, kit, batch)
    assert result.counts == {"completed": 1}
    assert kit.requests("kie", "submit") == 5 and kit.submits("kie") == 1


def test_a_refusal_that_lasts_fails_the_job_and_pays_nothing(temporal_server, kit, tmp_path):
    kit.reset()
    kit.fail_next("submit", "insufficient_credits")  # not worth trying again
    batch = _batch(_jobs(1), tmp_path)
    result = _run(temporal_server, kit, batch)
    assert result.counts == {"failed": 1}
    assert result.results[0].cost is None and result.results[0].task is None
    assert kit.requests("kie", "submit") == 1 and kit.submits("kie") == 0


def test_each_vendor_key_has_its_own_submit_queue():
    assert submit_queue("kie", "key-a") != submit_queue("kie", "key-b")
    assert submit_queue("kie", "key-a") != submit_queue("evolink", "key-a")
    assert "key-a" not in submit_queue("kie", "key-a")
    assert key_fingerprint("key-a") in submit_queue("kie", "key-a")


def test_the_default_submit_rate_keeps_a_burst_within_the_vendors_window():
    from sora_unified.temporal import documented_submit_rate
    from sora_unified.temporal._worker import TASK_QUEUE_BURST

    # kie documents 20 new generations per 10 s per key; the server may let a burst out first
    rate = documented_submit_rate("kie")
    assert rate is not None and TASK_QUEUE_BURST + rate * 10 <= 20
    assert documented_submit_rate("evolink") is None  # documents none: no queue limit
