"""`sora-unified worker --engine temporal` on two "machines" (processes) against one sandbox:
one killed with SIGKILL mid-batch loses no job and pays for none twice, and the vendor's
submit rate holds across both (the Temporal server limits the key's submit queue)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from sora_unified.batch import Job
from sora_unified.sandbox import SANDBOX_KEY, Sandbox, SandboxConfig, Timing
from sora_unified.temporal import batch_input, run_batch
from temporalio.client import Client as TemporalClient

from contract_tests.support.fakes import tasks_per_prompt
from contract_tests.support.gateway_world import wait_until


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    timing = Timing(queue_seconds=0.5, run_seconds=1.5, not_visible_seconds=0)
    return SandboxConfig(timing=timing, credits=1e9, unknown_fields="reject")


@pytest.fixture
def sandbox_clock() -> None:
    """The workers are other processes: the sandbox keeps real time."""
    return None


def _worker(address: str, queue: str, sandbox: Sandbox, log: Path, *extra: str) -> Any:
    env = {**os.environ, "SORA_UNIFIED_SANDBOX_URL": str(sandbox.url)}
    command = [sys.executable, "-m", "sora_unified", "worker", "--engine", "temporal",
               "--sandbox", "--temporal-address", address, "--task-queue", queue, *extra]  # fmt: skip
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def _batch(address: str, queue: str, out: Path, count: int, **options: Any) -> Any:
    jobs = [Job(n + 1, f"job-{n}", "kie", {"prompt": f"a corgi {n}"}) for n in range(count)]
    batch = batch_input(
        jobs, out=out, default_vendor="kie", keys={"kie": SANDBOX_KEY}, task_queue=queue,
        **options,
    )  # fmt: skip

    async def go() -> Any:
        return await run_batch(await TemporalClient.connect(address), batch, task_queue=queue)

    return asyncio.run(go())


@pytest.mark.subprocess
def test_a_worker_killed_mid_batch_loses_no_job_and_pays_for_none_twice(
    temporal_server, sandbox, tmp_path
):
    queue = f"kill-{uuid.uuid4().hex[:8]}"
    first = _worker(
        temporal_server, queue, sandbox, tmp_path / "first.log", "--submit-rate", "kie=20"
    )
    second = _worker(
        temporal_server, queue, sandbox, tmp_path / "second.log", "--submit-rate", "kie=20"
    )
    try:
        import threading

        outcome: dict[str, Any] = {}
        runner = threading.Thread(
            target=lambda: outcome.update(
                result=_batch(temporal_server, queue, tmp_path / "out", 16, heartbeat_seconds=2.0)
            )
        )
        runner.start()
        wait_until(lambda: sandbox.state.tasks_created("kie") >= 4, seconds=60, what="submits")
        first.send_signal(signal.SIGKILL)
        first.wait()
        runner.join(timeout=180)
        assert not runner.is_alive(), "the batch did not finish after a worker died"
    finally:
        for process in (first, second):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
    result = outcome["result"]
    lines = [json.loads(line) for line in Path(result.results_file).read_text().splitlines()]
    assert len(lines) == 16 and {line["status"] for line in lines} <= {"completed", "uncertain"}
    made = tasks_per_prompt(sandbox)
    assert max(made.values()) == 1, made  # no job paid twice
    completed = [line for line in lines if line["status"] == "completed"]
    assert all(Path(line["file"]).exists() for line in completed)
    assert len(completed) >= 16 - 4  # at most the submits the killed worker held are uncertain
    assert {line["task"] for line in completed} <= {
        f"kie:{task.id}" for task in sandbox.state.tasks.values()
    }


@pytest.mark.subprocess
def test_the_submit_rate_holds_across_two_workers(temporal_server, sandbox, tmp_path):
    sandbox.reset(
        SandboxConfig(timing=Timing(queue_seconds=0, run_seconds=0, not_visible_seconds=0))
    )
    queue = f"rate-{uuid.uuid4().hex[:8]}"
    workers = [
        _worker(temporal_server, queue, sandbox, tmp_path / f"w{n}.log", "--submit-rate", "kie=2")
        for n in range(2)
    ]
    try:
        result = _batch(temporal_server, queue, tmp_path / "out", 12)
    finally:
        for process in workers:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    assert result.counts == {"completed": 12}
    with sandbox.state.lock:
        created = sorted(task.created for task in sandbox.state.tasks.values())
    offsets = [round(t - created[0], 2) for t in created]
    # The server releases the queue's activities at 2 per second on average, in bursts of
    # at most its partitions' count (4 on the development server); unlimited, the twelve
    # submits would all leave within a fraction of a second.
    assert offsets[-1] >= (12 - 4) / 2 * 0.9, offsets
    busiest = max(sum(1 for t in offsets if start <= t < start + 3.0) for start in offsets)
    assert busiest <= 2 * 3 + 4, offsets
