"""The job store shared through PostgreSQL: the same ledger rules, and several workers on one
batch with zero duplicate submits.

The server is real: the `pgserver` wheel (pinned in requirements-dev.txt, installed by
`make test`) ships PostgreSQL's binaries; the fixture starts one on a private socket. Where it
cannot start, the tests are skipped with the reason.
"""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sora_unified.batch import Job, JobStore, SQLiteJobStore, open_store
from sora_unified.sandbox import Sandbox, SandboxConfig, Timing

GONE = "gone-host:1:crashed"


class HeldClock:
    """The sandbox's time stands still (no task finishes) until released, then is the wall
    clock again: a test can wait for an event instead of betting on timing."""

    def __init__(self) -> None:
        self.released = threading.Event()
        self.held_at = time.time()

    def time(self) -> float:
        return time.time() if self.released.is_set() else self.held_at


def _jobs(count: int) -> list[Job]:
    return [
        Job(n + 1, f"job-{n}", None, {"prompt": f"job {n}: x", "seconds": 10}) for n in range(count)
    ]


def test_open_store_picks_the_backend(tmp_path: Path, postgres_url: str) -> None:
    assert isinstance(open_store(tmp_path / "a.sqlite3"), SQLiteJobStore)
    shared = open_store(postgres_url)
    assert type(shared).__name__ == "PostgresJobStore"
    assert "postgres" not in repr(shared).replace("PostgresJobStore", "")  # no URL, no password
    shared.close()


def test_the_ledger_rules_hold_in_every_store(store: JobStore) -> None:
    assert store.add(_jobs(3), "kie") == 3
    assert store.add(_jobs(3), "kie") == 0  # idempotent: a resume re-reads the same file
    first = store.claim("w1")
    second = store.claim("w2")
    assert first and second and first.custom_id != second.custom_id
    assert store.begin_submit(first.custom_id, "w1", max_jobs=1)
    assert not store.begin_submit(second.custom_id, "w2", max_jobs=1)  # the budget is shared
    store.submitted(first.custom_id, "kie:task-1")
    (ledger,) = store.submits()
    assert (ledger.custom_id, ledger.worker, ledger.task) == (first.custom_id, "w1", "kie:task-1")


def test_recovery_makes_a_dead_workers_submit_uncertain_and_frees_the_rest(
    store: JobStore,
) -> None:
    store.add(_jobs(3), "kie")
    submitting, submitted, claimed = (store.claim(GONE) for _ in range(3))
    assert submitting and submitted and claimed
    store.begin_submit(submitting.custom_id, GONE, None)
    store.begin_submit(submitted.custom_id, GONE, None)
    store.submitted(submitted.custom_id, "kie:t")
    store.recover(resubmit_uncertain=False)
    states = {r.custom_id: r.state for r in store.records()}
    assert states == {
        submitting.custom_id: "uncertain",
        submitted.custom_id: "submitted",
        claimed.custom_id: "pending",
    }
    taken = [store.claim("w-new"), store.claim("w-new")]
    assert [t.custom_id for t in taken if t] == [submitted.custom_id, claimed.custom_id]
    assert store.claim("w-new") is None  # the uncertain job waits for a person


def test_a_live_workers_jobs_are_left_alone(store: JobStore) -> None:
    store.add(_jobs(1), "kie")
    live = f"{os.uname().nodename}:{os.getpid()}:me"
    claimed = store.claim(live)
    assert claimed
    store.heartbeat(live)
    store.begin_submit(claimed.custom_id, live, None)
    store.recover(resubmit_uncertain=False)
    assert store.records()[0].state == "submitting"


@pytest.mark.timeout(600)
def test_two_workers_share_one_batch_with_zero_duplicates(
    tmp_path: Path, postgres_url: str
) -> None:
    """Two worker processes (as on two machines) on one PostgreSQL store and one vendor (the
    sandbox): every job is done once, by one of them, and both took part.

    No task finishes until both workers have submitted (the sandbox's clock is held), so a
    worker that starts late on a busy machine still finds work: each holds at most its 16 job
    slots of running tasks, and the first cannot take all 80."""
    count = 80
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text(
        "".join(
            json.dumps({"custom_id": f"job-{n}", "body": {"prompt": f"job {n}: x", "seconds": 10}})
            + "\n"
            for n in range(count)
        )
    )
    timing = Timing(queue_seconds=1, run_seconds=1, not_visible_seconds=0)
    clock = HeldClock()
    with Sandbox(SandboxConfig(timing=timing), clock=clock) as sandbox:
        assert sandbox.url
        env = {**os.environ, "SORA_UNIFIED_SANDBOX_URL": sandbox.url}
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "sora_unified.cli",
                    "batch",
                    str(jobs),
                    "--vendor",
                    "kie",
                    "--sandbox",
                    "--out",
                    str(tmp_path / f"worker-{n}"),
                    "--store",
                    postgres_url,
                    "--resume",
                    "--json",
                    "--job-slots",
                    "16",
                ],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(2)
        ]
        watcher = open_store(postgres_url)
        try:
            deadline = time.monotonic() + 200  # a hang guard: the event comes in seconds
            while len({s.worker for s in watcher.submits()}) < 2:
                assert time.monotonic() < deadline, "the second worker never submitted"
                assert all(w.poll() is None for w in workers), "a worker ended early"
                time.sleep(0.05)
        finally:
            watcher.close()
        clock.released.set()
        outputs = [worker.communicate(timeout=240) for worker in workers]
        for worker, (stdout, stderr) in zip(workers, outputs, strict=True):
            assert worker.returncode == 0, (stdout[-2000:], stderr)
        created = collections.Counter(
            json.dumps(task.body).split("job ", 1)[1].split(":", 1)[0]
            for task in sandbox.state.tasks.values()
        )
    assert len(created) == count and set(created.values()) == {1}, "a job was submitted twice"
    store = open_store(postgres_url)
    try:
        assert {r.state for r in store.records()} == {"completed"}
        ledger = store.submits()
        assert len(ledger) == count and len({s.custom_id for s in ledger}) == count
        by_worker = collections.Counter(s.worker.rsplit(":", 1)[0] for s in ledger)
        assert len(by_worker) == 2, f"one worker did everything: {by_worker}"
    finally:
        store.close()
    downloaded: list[Any] = [*tmp_path.glob("worker-*/*.mp4")]
    assert len(downloaded) == count
