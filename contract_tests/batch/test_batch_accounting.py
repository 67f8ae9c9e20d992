"""Every paid job accounted for, on SQLite and PostgreSQL: a live worker takes over a dead one's
jobs during its run, a paid video whose download failed is fetched on `--resume`, a task found
on the vendor's side can be given back to its uncertain job, a spent budget skips the queue in
one step, and claims use an index."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sora_unified import AsyncClient, VideoRequest
from sora_unified.batch import BatchOptions, Job, JobStore, open_store, run_batch_async
from sora_unified.batch import _runner as runner
from sora_unified.sandbox import Sandbox, Timing

FAST = Timing(queue_seconds=0.05, run_seconds=0.1, not_visible_seconds=0)


@pytest.fixture
def sandbox_timing() -> Timing:
    return FAST


@pytest.fixture
def sandbox_clock() -> None:
    """The batch runs, and its worker processes, wait in real time."""
    return None


def _jobs(count: int) -> list[Job]:
    return [
        Job(n + 1, f"job-{n}", None, {"prompt": f"job {n}", "seconds": 10}) for n in range(count)
    ]


def _client(sandbox: Sandbox) -> AsyncClient:
    return AsyncClient("kie", **sandbox.client_options("kie"), max_retries=0)


async def _run(store: JobStore, sandbox: Sandbox, out: Path, **options: Any) -> Any:
    client = _client(sandbox)
    try:
        return await run_batch_async(store, {"kie": client}, BatchOptions(out=out, **options))
    finally:
        await client.close()


async def _task_for(sandbox: Sandbox, prompt: str) -> str:
    client = _client(sandbox)
    try:
        return str(await client.submit(VideoRequest(prompt=prompt, seconds=10)))
    finally:
        await client.close()


@pytest.mark.subprocess
def test_a_live_run_takes_over_a_worker_that_dies_during_it(
    store: JobStore, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another worker (a live process of this machine) holds a paid, submitted job when this
    run starts; it dies while this run waits: this run downloads the job and ends with none
    held elsewhere."""
    monkeypatch.setattr(runner, "TAKEOVER_SECONDS", 0.05)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    worker = f"{socket.gethostname()}:{other.pid}:other-run"
    try:
        store.add(_jobs(2), "kie")
        held = store.claim(worker)
        assert held is not None
        store.heartbeat(worker)
        assert store.begin_submit(held.custom_id, worker, None)
        store.submitted(held.custom_id, asyncio.run(_task_for(sandbox, "job 0")))

        async def scenario() -> Any:
            running = asyncio.create_task(_run(store, sandbox, tmp_path / "out"))
            await asyncio.sleep(0.5)
            assert not running.done(), "the run ended while another worker held a job"
            other.kill()
            other.wait()
            return await asyncio.wait_for(running, 30)

        summary = asyncio.run(scenario())
    finally:
        other.kill()
        other.wait()
    assert summary.counts == {"completed": 2}
    assert sandbox.state.tasks_created("kie") == 2  # the held job was never resubmitted


def test_a_paid_video_whose_download_failed_is_fetched_on_resume(
    store: JobStore, sandbox: Sandbox, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    store.add(_jobs(1), "kie")
    (out / "job-0.mp4").mkdir()  # the disk refuses the file (a full disk, say)
    (out / ".job-0.mp4.x1y2z3.part").write_bytes(b"half")  # a kill mid-download
    (out / ".job-9.mp4.a1b2c3.part").write_bytes(b"half")
    first = asyncio.run(_run(store, sandbox, out))
    assert first.counts == {"failed": 1}
    (record,) = store.records()
    assert record.error_code == "download_failed" and record.task
    (out / "job-0.mp4").rmdir()  # space freed
    again = asyncio.run(_run(store, sandbox, out))
    assert again.counts == {"completed": 1}
    assert (out / "job-0.mp4").read_bytes()[4:8] == b"ftyp"
    assert sandbox.state.tasks_created("kie") == 1  # fetched, not paid again
    assert list(out.glob(".*.part")) == []


def test_a_task_found_on_the_vendors_side_is_adopted_by_its_uncertain_job(
    store: JobStore, sandbox: Sandbox, tmp_path: Path
) -> None:
    store.add(_jobs(1), "kie")
    claimed = store.claim("gone-host:1:crashed")
    assert claimed is not None
    store.begin_submit(claimed.custom_id, "gone-host:1:crashed", None)
    store.recover(resubmit_uncertain=False)
    assert store.records()[0].state == "uncertain"
    task = asyncio.run(_task_for(sandbox, "job 0"))  # what the dashboard shows
    with pytest.raises(KeyError):
        store.adopt("job-404", task)
    adopted = store.adopt(claimed.custom_id, task)
    assert (adopted.state, adopted.task) == ("submitted", task)
    with pytest.raises(ValueError, match="only an uncertain job"):
        store.adopt(claimed.custom_id, task)
    assert [s.task for s in store.submits()] == [task]
    summary = asyncio.run(_run(store, sandbox, tmp_path / "out"))
    assert summary.counts == {"completed": 1}
    assert sandbox.state.tasks_created("kie") == 1


def test_a_spent_max_jobs_skips_the_whole_queue_in_one_step(
    store: JobStore, sandbox: Sandbox, tmp_path: Path
) -> None:
    store.add(_jobs(300), "kie")
    claims: list[int] = []
    claim = store.claim

    def counting(worker: str) -> Any:
        claims.append(1)
        return claim(worker)

    store.claim = counting  # type: ignore[method-assign]
    summary = asyncio.run(_run(store, sandbox, tmp_path / "out", max_jobs=2, job_slots=2))
    assert summary.counts == {"completed": 2, "skipped": 298}
    assert len(claims) < 20, len(claims)  # not a claim per skipped job
    assert sandbox.state.tasks_created("kie") == 2


def test_claims_use_an_index(tmp_path: Path) -> None:
    store = open_store(tmp_path / "batch.sqlite3")
    store.add(_jobs(10), "kie")
    db = store._db  # type: ignore[attr-defined]
    for state in ("submitted", "pending"):
        plan = db.execute(
            "EXPLAIN QUERY PLAN SELECT custom_id FROM jobs WHERE state = ? AND worker IS NULL"
            " ORDER BY line LIMIT 1",
            (state,),
        ).fetchall()
        text = " ".join(str(row[-1]) for row in plan)
        assert "jobs_to_claim" in text and "TEMP B-TREE" not in text, text
    store.close()


@pytest.mark.subprocess
def test_a_worker_of_this_machine_is_gone_when_its_process_is(store: JobStore) -> None:
    store.add(_jobs(1), "kie")
    other = subprocess.Popen([sys.executable, "-c", "pass"])
    other.wait()
    worker = f"{socket.gethostname()}:{other.pid}:ended"
    store.heartbeat(worker)  # a fresh heartbeat does not keep a dead process alive
    assert store.claim(worker) is not None
    assert store.held_elsewhere(f"{socket.gethostname()}:{os.getpid()}:me") == 1
    assert store.take_over() == 1
    assert store.held_elsewhere("me") == 0


def test_a_jobs_task_is_recorded_on_its_latest_submit_row(store: JobStore) -> None:
    """A job refused by one vendor and paid on the next has two submit rows: the task goes on
    the row of the submit that made it, the refused row keeps none and is charged nothing, and
    the task's cost settles on its own row."""
    store.add(_jobs(1), "kie")
    record = store.claim("w")
    assert record is not None
    job = record.custom_id
    assert store.begin_submit(job, "w", None, price=30.0, max_cost=100.0)
    store.refused(job, "kie said no", "422", next_vendor="evolink")
    assert store.claim("w") is not None
    assert store.begin_submit(job, "w", None, price=40.0, max_cost=100.0)
    store.submitted(job, "evolink:task-unified-1-a")
    rows = [(row.vendor, row.task) for row in store.submits() if row.custom_id == job]
    assert rows == [("kie", None), ("evolink", "evolink:task-unified-1-a")]
    store.settle_cost("evolink:task-unified-1-a", 44.0)
    assert store.costs()[job].amount == 44.0


def test_a_budget_refuses_while_an_unpriced_submit_is_on_record(store: JobStore) -> None:
    """A submit recorded without a price (a run without --max-cost, an unpriced model) leaves
    the vendor's spend unknown: a budget on that vendor cannot be checked, so it refuses."""
    from sora_unified.batch import MAX_COST_SPENT, UNPRICED_SUBMITS

    store.add(_jobs(3), "kie")
    first, second, third = (store.claim("w") for _ in range(3))
    assert first is not None and second is not None and third is not None
    assert store.begin_paid_submit(first.custom_id, "w", None) is None  # no price known
    assert (
        store.begin_paid_submit(second.custom_id, "w", None, price=30.0, max_cost=1000.0)
        == UNPRICED_SUBMITS
    )
    # Once the unpriced submit's cost is known, the budget counts it like any other.
    store.submitted(first.custom_id, "kie:first")
    store.settle_cost("kie:first", 990.0)
    assert (
        store.begin_paid_submit(third.custom_id, "w", None, price=30.0, max_cost=1000.0)
        == MAX_COST_SPENT
    )
    assert store.begin_paid_submit(third.custom_id, "w", None, price=10.0, max_cost=1000.0) is None


def test_a_refusal_never_releases_the_charge_of_a_submit_that_made_a_task(store: JobStore) -> None:
    store.add(_jobs(1), "kie")
    record = store.claim("w")
    assert record is not None
    assert store.begin_submit(record.custom_id, "w", None, price=30.0, max_cost=100.0)
    store.submitted(record.custom_id, "kie:paid")
    store.refused(record.custom_id, "a later refusal", "400", next_vendor=None)
    assert store.costs()[record.custom_id].amount == 30.0  # the paid task's price stays counted


def test_a_spent_budget_skips_only_the_jobs_nobody_holds(store: JobStore) -> None:
    store.add(_jobs(3), "kie")
    held = store.claim("worker-a")
    assert held is not None
    assert store.skip_pending("--max-jobs reached") == 2
    states = {r.custom_id: r.state for r in store.records()}
    assert states[held.custom_id] == "pending"  # worker-a decides about its own job
    assert sorted(states.values()) == ["pending", "skipped", "skipped"]
