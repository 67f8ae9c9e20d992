"""`sora_unified.batch` and `sora-unified batch`: durable, resumable, never paying twice.

The library runs against the sandbox on a shared fake clock (tasks finish without real
waiting); the sandbox's own task records are the duplicate counter. Crashes are simulated by
a store whose jobs belong to a worker that is gone; the command is also killed for real
(SIGKILL, several times, at random points) and resumed.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import io
import json
import os
import random
import re
import shlex
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sora_unified import AsyncClient, VideoRequest
from sora_unified.batch import (
    BatchOptions,
    InvalidLine,
    Job,
    SQLiteJobStore,
    file_name,
    open_store,
    read_jobs,
    request_fields,
    run_batch,
    run_batch_async,
)
from sora_unified.cli import main
from sora_unified.cli._batch import _store_named
from sora_unified.cli._batch_progress import BatchProgress
from sora_unified.cli._output import Output
from sora_unified.cli._stopping import SIGNALS, GracefulStop
from sora_unified.sandbox import Fault, Sandbox, SandboxConfig, Timing

from contract_tests.support.fakes import INSTANT_SETTINGS, FakeClock

TIMING = Timing(queue_seconds=2, run_seconds=5, not_visible_seconds=0)
GONE_WORKER = "gone-host:1:crashed"  # another machine's worker whose lease ran out long ago


def _jobs(count: int, vendor: str | None = None, **fields: Any) -> list[Job]:
    body = {"seconds": 10, **fields}
    return [
        Job(n + 1, f"job-{n}", vendor, {"prompt": f"job {n}: a corgi surfing", **body})
        for n in range(count)
    ]


class World:
    """A sandbox on a fake clock, a store, and AsyncClients made per event loop."""

    def __init__(self, tmp_path: Path, faults: tuple[Fault, ...] = ()) -> None:
        self.clock = FakeClock()
        self.sandbox = Sandbox(SandboxConfig(timing=TIMING, faults=faults), clock=self.clock)
        self.sandbox.start()
        self.out = tmp_path / "out"
        self.store = SQLiteJobStore(tmp_path / "batch.sqlite3")

    def clients(self) -> Callable[[str], AsyncClient]:
        made: dict[str, AsyncClient] = {}

        def client(vendor: str) -> AsyncClient:
            if vendor not in made:
                made[vendor] = AsyncClient(
                    vendor, **self.sandbox.client_options(vendor), clock=self.clock, max_retries=0
                )
            return made[vendor]

        return client

    def run(self, **options: Any) -> Any:
        events: list[tuple[str, dict[str, Any]]] = []
        summary = run_batch(
            self.store,
            self.clients(),
            BatchOptions(out=self.out, **options),
            on_event=lambda name, data: events.append((name, data)),
        )
        return summary, events

    def tasks_per_job(self, vendor: str = "kie") -> collections.Counter[str]:
        """How many tasks the sandbox created per job (the prompt names the job)."""
        state = self.sandbox.state
        counted: collections.Counter[str] = collections.Counter()
        for task in list(state.tasks.values()):
            if task.vendor == vendor:
                prompt = json.dumps(task.body).split("job ", 1)[1]
                counted["job-" + prompt.split(":", 1)[0]] += 1
        return counted

    def close(self) -> None:
        self.store.close()
        self.sandbox.stop()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    made = World(tmp_path)
    yield made
    made.close()


def _results(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]


def test_every_job_is_submitted_once_waited_on_and_downloaded(world: World) -> None:
    world.store.add(_jobs(12), default_vendor="kie")
    summary, events = world.run(job_slots=5)
    assert summary.counts == {"completed": 12}
    assert world.tasks_per_job() == {f"job-{n}": 1 for n in range(12)}
    results = _results(world.out)
    assert [r["custom_id"] for r in results] == [f"job-{n}" for n in range(12)]
    for result in results:
        assert result["status"] == "completed" and result["task"].startswith("kie:")
        assert Path(result["file"]).name == file_name(result["custom_id"])
        assert Path(result["file"]).read_bytes()[4:8] == b"ftyp"
    assert [name for name, _ in events].count("submitted") == 12
    # Running again finds nothing to do: no second submit, same results.
    again, _ = world.run()
    assert again.counts == {"completed": 12}
    assert sum(world.tasks_per_job().values()) == 12


def test_a_cancelled_run_records_the_submits_on_the_wire_and_lets_go_of_its_jobs(
    tmp_path: Path,
) -> None:
    """Cancelling a run (what the command's first Ctrl-C does): a submit on the wire is carried
    to its answer and its task recorded, never left uncertain; the run gives its jobs back, so
    the next run, even in the same process, takes them all up."""
    slow = Fault(kind="slow", endpoint="submit", nth=tuple(range(2, 7)), delay=1.0)
    world = World(tmp_path, faults=(slow,))
    world.store.add(_jobs(6), default_vendor="kie")

    async def cancelled_after_the_first_submit() -> list[str]:
        events: list[str] = []
        first = asyncio.Event()

        def on_event(name: str, data: dict[str, Any]) -> None:
            events.append(name)
            if name == "submitted":
                first.set()

        running = asyncio.create_task(
            run_batch_async(
                world.store,
                world.clients(),
                BatchOptions(out=world.out, submits_at_once=6),  # all six on the wire at once
                on_event=on_event,
            )
        )
        await first.wait()
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
        return events

    try:
        events = asyncio.run(cancelled_after_the_first_submit())
        assert events.count("submitted") == 6  # the first, then five answered after the stop
        records = world.store.records()
        assert {r.state for r in records} == {"submitted"}
        assert all(r.worker is None for r in records)
        written = _results(world.out)  # written on the way out, task ids included
        assert [(r["status"], r["task"]) for r in written] == [
            ("submitted", r.task) for r in records
        ]
        summary, _ = world.run()
        assert summary.counts == {"completed": 6}
        assert set(world.tasks_per_job().values()) == {1}
    finally:
        world.close()


def test_a_crash_while_submitting_leaves_the_job_uncertain_never_resubmitted(world: World) -> None:
    """The store says a submit was under way when its worker died: nobody knows whether the
    vendor created (and charged for) a task, so it is listed, not sent again."""
    world.store.add(_jobs(3), default_vendor="kie")
    claimed = world.store.claim(GONE_WORKER)
    assert claimed is not None
    assert world.store.begin_submit(claimed.custom_id, GONE_WORKER, None)
    summary, _ = world.run()
    assert summary.counts == {"completed": 2, "uncertain": 1}
    assert claimed.custom_id not in world.tasks_per_job()
    (line,) = [r for r in _results(world.out) if r["status"] == "uncertain"]
    assert line["custom_id"] == claimed.custom_id
    assert line["error"]["code"] == "submission_uncertain"
    assert "--resubmit-uncertain" in line["error"]["message"]
    # Only an explicit opt-in sends it again.
    summary, _ = world.run(resubmit_uncertain=True)
    assert summary.counts == {"completed": 3}
    assert world.tasks_per_job()[claimed.custom_id] == 1


def test_a_submitted_job_is_waited_on_and_downloaded_never_resubmitted(world: World) -> None:
    world.store.add(_jobs(1), default_vendor="kie")
    claimed = world.store.claim(GONE_WORKER)
    assert claimed is not None
    world.store.begin_submit(claimed.custom_id, GONE_WORKER, None)

    async def submit_once() -> str:
        client = world.clients()("kie")
        task = await client.submit(claimed.job().request())
        await client.close()
        return str(task)

    task = asyncio.run(submit_once())
    world.store.submitted(claimed.custom_id, task)  # ...and then the worker died
    summary, events = world.run()
    assert summary.counts == {"completed": 1}
    assert world.tasks_per_job() == {claimed.custom_id: 1}
    assert "submitted" not in [name for name, _ in events]
    assert _results(world.out)[0]["task"] == task


def test_an_ambiguous_submit_is_uncertain_and_never_falls_back(tmp_path: Path) -> None:
    """The connection drops after the vendor created the task: uncertain, not retried, not
    sent to the fallback vendor (that would pay twice)."""
    world = World(tmp_path, faults=(Fault(kind="drop_after", vendor="kie", endpoint="submit"),))
    try:
        world.store.add(_jobs(2), default_vendor="kie")
        summary, events = world.run(fallback=("evolink",))
        assert summary.counts == {"uncertain": 2}
        assert sum(world.tasks_per_job("kie").values()) == 2  # they do exist at the vendor
        assert world.tasks_per_job("evolink") == {}
        assert "fallback" not in [name for name, _ in events]
    finally:
        world.close()


def test_a_refusal_before_any_task_falls_back_to_the_next_vendor(tmp_path: Path) -> None:
    """kie refuses (402, no credits): nothing was created, so evolink is tried."""
    world = World(
        tmp_path, faults=(Fault(kind="insufficient_credits", vendor="kie", endpoint="submit"),)
    )
    try:
        world.store.add(_jobs(2), default_vendor="kie")
        summary, events = world.run(fallback=("evolink",))
        assert summary.counts == {"completed": 2}
        assert world.tasks_per_job("kie") == {}
        assert world.tasks_per_job("evolink") == {"job-0": 1, "job-1": 1}
        assert [name for name, _ in events].count("fallback") == 2
        assert {r["vendor"] for r in _results(world.out)} == {"evolink"}
        # Without a fallback the refusal is final (and named).
        world.store.add([Job(9, "job-9", "kie", {"prompt": "job 9: x", "seconds": 10})], "kie")
        summary, _ = world.run()
        (last,) = [r for r in _results(world.out) if r["custom_id"] == "job-9"]
        assert last["status"] == "failed" and last["task"] is None
    finally:
        world.close()


def test_each_fallback_vendor_is_tried_once_then_the_job_fails(tmp_path: Path) -> None:
    """kie and evolink both refuse (402): each is tried once, in order, and the job fails; a
    vendor already tried is never tried again (a budget of 5 submits bounds a loop)."""
    refusing = tuple(
        Fault(kind="insufficient_credits", vendor=vendor, endpoint="submit")
        for vendor in ("kie", "evolink")
    )
    world = World(tmp_path, faults=refusing)
    try:
        world.store.add(_jobs(1), default_vendor="kie")
        summary, events = world.run(fallback=("evolink", "kie"), max_jobs=5)
        assert summary.counts == {"failed": 1}
        assert [(s.vendor, s.task) for s in world.store.submits()] == [
            ("kie", None),
            ("evolink", None),
        ]
        assert [data["to"] for name, data in events if name == "fallback"] == ["evolink"]
    finally:
        world.close()


def test_a_line_every_vendor_refuses_locally_is_invalid_and_costs_nothing(world: World) -> None:
    world.store.add([*_jobs(1), Job(2, "bad", None, {"prompt": "x", "seconds": 7})], "kie")
    summary, _ = world.run()
    assert summary.counts == {"completed": 1, "invalid": 1}
    (bad,) = [r for r in _results(world.out) if r["custom_id"] == "bad"]
    assert bad["status"] == "invalid" and "seconds" in bad["error"]["message"]
    assert bad["line"] == 2
    assert world.store.submits()[0].custom_id == "job-0" and len(world.store.submits()) == 1


def test_max_jobs_stops_submitting_and_a_resume_goes_on(world: World) -> None:
    world.store.add(_jobs(5), default_vendor="kie")
    summary, _ = world.run(max_jobs=2, job_slots=1)
    assert summary.counts == {"completed": 2, "skipped": 3}
    assert sum(world.tasks_per_job().values()) == 2
    skipped = [r for r in _results(world.out) if r["status"] == "skipped"]
    assert {r["error"]["message"] for r in skipped} == {"--max-jobs reached"}
    summary, _ = world.run(max_jobs=5)
    assert summary.counts == {"completed": 5}
    assert sum(world.tasks_per_job().values()) == 5


def test_max_cost_counts_what_the_sandbox_charges(world: World) -> None:
    """Each 10 s kie job costs the sandbox's price (the table's); the budget allows two."""
    world.store.add(_jobs(4), default_vendor="kie")

    async def price() -> float:
        client = world.clients()("kie")
        before = await client.credits()
        task = await client.submit(VideoRequest(prompt="probe", seconds=10))
        after = await client.credits()
        await client.close()
        assert task
        return before - after

    one_job = asyncio.run(price())
    assert one_job > 0
    summary, _ = world.run(max_cost=one_job * 2, job_slots=1)
    assert summary.counts == {"completed": 2, "skipped": 2}


def test_a_hundred_and_twenty_jobs_at_once_are_each_submitted_once(world: World) -> None:
    world.store.add(_jobs(120), default_vendor="kie")
    summary, _ = world.run(job_slots=120)
    assert summary.counts == {"completed": 120}
    assert set(world.tasks_per_job().values()) == {1}


# -- input ------------------------------------------------------------------------------------


def test_jsonl_lines_are_jobs_or_named_refusals(tmp_path: Path) -> None:
    source = tmp_path / "jobs.jsonl"
    source.write_text(
        "\n".join(
            [
                json.dumps({"custom_id": "a", "body": {"prompt": "p", "seconds": 10}}),
                "{not json",
                json.dumps({"custom_id": "b", "body": {"prompt": "p", "colour": "red"}}),
                json.dumps({"custom_id": "a", "body": {"prompt": "again"}}),
                json.dumps({"custom_id": "c", "vendor": "sora", "body": {"prompt": "p"}}),
                "",
                json.dumps({"custom_id": "d", "vendor": "evolink", "body": {"prompt": "p"}}),
            ]
        )
    )
    found = list(read_jobs(source))
    assert [type(item).__name__ for item in found] == [
        "Job", "InvalidLine", "InvalidLine", "InvalidLine", "InvalidLine", "Job",
    ]  # fmt: skip
    invalid = [item for item in found if isinstance(item, InvalidLine)]
    assert [item.line for item in invalid] == [2, 3, 4, 5]
    assert "colour" in invalid[1].error and "prompt" in invalid[1].error
    assert "repeats" in invalid[2].error
    assert "vendor must be one of" in invalid[3].error and "'sora'" in invalid[3].error
    assert found[-1] == Job(7, "d", "evolink", {"prompt": "p"})


def test_csv_rows_become_the_same_jobs(tmp_path: Path) -> None:
    source = tmp_path / "jobs.csv"
    source.write_text(
        "custom_id,vendor,prompt,seconds,remove_watermark,size\n"
        "a,,a cat,10,true,\n"
        "b,evolink,a dog,4,,1280x720\n"
    )
    found = list(read_jobs(source))
    assert found == [
        Job(2, "a", None, {"prompt": "a cat", "seconds": 10, "remove_watermark": True}),
        Job(3, "b", "evolink", {"prompt": "a dog", "seconds": 4, "size": "1280x720"}),
    ]
    request = VideoRequest(prompt="a cat", seconds=10, remove_watermark=True)
    assert found[0].request() == request
    assert request_fields(request) == found[0].fields


def test_file_names_are_safe_and_distinct() -> None:
    assert file_name("cat-1") == "cat-1.mp4"
    assert file_name("../etc/passwd") != file_name("_.._etc_passwd")
    assert "/" not in file_name("a/b") and file_name("a/b") != file_name("a_b")


# -- the command ------------------------------------------------------------------------------


def _write_jobs(path: Path, count: int) -> Path:
    lines = [
        json.dumps(
            {"custom_id": f"job-{n}", "body": {"prompt": f"job {n}: a corgi", "seconds": 10}}
        )
        for n in range(count)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_dry_run_checks_every_line_and_sends_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import httpx

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a dry run made a request")

    monkeypatch.setattr(httpx.Client, "send", refuse)
    monkeypatch.setattr(httpx.AsyncClient, "send", refuse)
    jobs = _write_jobs(tmp_path / "jobs.jsonl", 3)
    with jobs.open("a") as more:
        more.write(json.dumps({"custom_id": "x", "body": {"prompt": "p", "seconds": 7}}) + "\n")
    code = main(["batch", str(jobs), "--vendor", "kie", "--out", str(tmp_path / "o"), "--dry-run"])
    captured = capsys.readouterr()
    assert code == 4
    assert "3 job(s) would be submitted, 1 line(s) refused" in captured.out
    assert "line 4 (x): refused" in captured.err and "10, 15" in captured.err
    assert not (tmp_path / "o").exists()


def test_a_second_batch_into_the_same_folder_needs_resume(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "o"
    SQLiteJobStore(out / "batch.sqlite3").add(_jobs(1), "kie")
    jobs = _write_jobs(tmp_path / "jobs.jsonl", 1)
    code = main(["batch", str(jobs), "--vendor", "kie", "--sandbox", "--out", str(out)])
    assert code == 2
    assert "--resume" in capsys.readouterr().err


SANDBOX_SETTINGS = {"timing": {"queue_seconds": 1, "run_seconds": 2, "not_visible_seconds": 0}}

# What a resume is checked for (every job accounted for, none sent twice) does not depend on
# how long the sandbox takes: its tasks finish at once and its submits are no longer slowed.


def _command(jobs: Path, out: Path, *extra: str) -> list[str]:
    command = [sys.executable, "-m", "sora_unified.cli", "batch", str(jobs), "--vendor", "kie"]
    return [*command, "--sandbox", "--out", str(out), "--json", *extra]


def _sandbox_tasks(out: Path) -> collections.Counter[str]:
    db = sqlite3.connect(out / "sandbox.sqlite3")
    try:
        rows = db.execute("SELECT task FROM tasks WHERE vendor = 'kie'").fetchall()
    finally:
        db.close()
    prompts = (json.loads(task)["body"]["input"]["prompt"] for (task,) in rows)
    return collections.Counter("job-" + p.split(":")[0].removeprefix("job ") for p in prompts)


@pytest.mark.subprocess
@pytest.mark.timeout(600)
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_sigkill_at_random_points_then_resume_accounts_for_every_job(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    """The issue's acceptance run: 200 jobs, killed (SIGKILL) three times at random moments,
    then resumed to the end, on either store. Every job ends completed or uncertain; the
    sandbox created at most one task per job, exactly one for every completed job; none was
    submitted twice."""
    store = () if backend == "sqlite" else ("--store", request.getfixturevalue("postgres_url"))
    count = 200
    jobs = _write_jobs(tmp_path / "jobs.jsonl", count)
    out = tmp_path / "out"
    settings = tmp_path / "sandbox.json"
    settings.write_text(json.dumps(SANDBOX_SETTINGS))
    env = {**os.environ, "SORA_UNIFIED_SANDBOX_CONFIG": str(settings)}
    rng = random.Random(20261122)
    kills = 0
    for _ in range(3):
        process = subprocess.Popen(
            _command(jobs, out, "--resume", *store), env=env, stdout=subprocess.PIPE, text=True
        )
        assert process.stdout is not None
        # Kill after a random number of events (so after real progress), not a random time.
        wanted = rng.randint(1, 60)
        for seen, _line in enumerate(process.stdout, start=1):
            if seen >= wanted:
                break
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(60)
        process.stdout.close()
    assert kills >= 2, "the run finished before it could be killed"
    instant = tmp_path / "sandbox-for-the-resume.json"
    instant.write_text(json.dumps(INSTANT_SETTINGS))
    finished = subprocess.run(
        _command(jobs, out, "--resume", *store),
        env=env | {"SORA_UNIFIED_SANDBOX_CONFIG": str(instant)},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    summary = json.loads(finished.stdout.splitlines()[-1])
    results = _results(out)
    assert len(results) == count
    assert {r["status"] for r in results} <= {"completed", "uncertain"}, summary
    tasks = _sandbox_tasks(out)
    assert max(tasks.values()) == 1, "a job was submitted twice"
    for result in results:
        if result["status"] == "completed":
            assert tasks[result["custom_id"]] == 1
            assert Path(result["file"]).stat().st_size > 0
    ledger = open_store(store[1] if store else out / "batch.sqlite3")
    try:
        per_job = collections.Counter(submit.custom_id for submit in ledger.submits())
        assert set(per_job.values()) == {1}
    finally:
        ledger.close()
    assert summary["counts"].get("completed", 0) >= count - 3 * 20  # at most a pool per kill


def _start_batch(
    tmp_path: Path, count: int, settings: dict[str, Any], *extra: str
) -> subprocess.Popen[str]:
    jobs = _write_jobs(tmp_path / "jobs.jsonl", count)
    config = tmp_path / "sandbox.json"
    config.write_text(json.dumps(settings))
    env = os.environ | {
        "SORA_UNIFIED_SANDBOX_CONFIG": str(config),
        "PYTHONFAULTHANDLER": "1",  # stacks on SIGABRT, should a stop ever hang
    }
    return subprocess.Popen(
        _command(jobs, tmp_path / "out", *extra),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as a terminal delivers it, whatever the shell that started the tests ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
    )


def _stop_after_the_first_submit(
    process: subprocess.Popen[str], signum: int, times: int
) -> list[dict[str, Any]]:
    """Signal the batch once it has submitted a job (`times` 2: again when it is stopping);
    returns every event it printed."""
    assert process.stdout is not None
    events = []
    for line in process.stdout:
        events.append(json.loads(line))
        if events[-1]["event"] == "submitted":
            break
    process.send_signal(signum)
    if times == 2:  # again once the command says it is stopping, as a person would
        for line in process.stdout:
            events.append(json.loads(line))
            if events[-1]["event"] == "stopping":
                break
        process.send_signal(signum)
    try:
        out, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)
        _, err = process.communicate(timeout=30)
        pytest.fail(f"still running 30 s after the signal; its stacks:\n{err[-6000:]}")
    return events + [json.loads(line) for line in out.splitlines()]


def _resumed(tmp_path: Path) -> dict[str, int]:
    """`--resume` of the batch `_start_batch` began, to the end; its counts by state."""
    settings = tmp_path / "sandbox-for-the-resume.json"
    settings.write_text(json.dumps(INSTANT_SETTINGS))
    resumed = subprocess.run(
        [*_command(tmp_path / "jobs.jsonl", tmp_path / "out"), "--resume"],
        env=os.environ | {"SORA_UNIFIED_SANDBOX_CONFIG": str(settings)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    counts: dict[str, int] = json.loads(resumed.stdout.splitlines()[-1])["counts"]
    return counts


# The first submit answers at once, the other nine only after 3 s: they are on the wire when the
# signal comes.
SLOW_SUBMITS = SANDBOX_SETTINGS | {
    "faults": [{"kind": "slow", "endpoint": "submit", "nth": list(range(2, 11)), "delay": 3}]
}


@pytest.mark.subprocess
@pytest.mark.parametrize(("signal_name", "code"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_stop_lets_submits_on_the_wire_answer_and_records_their_tasks(
    tmp_path: Path, signal_name: str, code: int
) -> None:
    # Four requests in flight: when the signal comes, slow submits are on the wire and other
    # jobs still wait for their turn.
    process = _start_batch(tmp_path, 10, SLOW_SUBMITS, "--max-concurrency", "4")
    events = _stop_after_the_first_submit(process, getattr(signal, signal_name), times=1)
    assert process.returncode == code
    names = [event["event"] for event in events]
    assert names.index("stopping") < len(names) - 1 and names[-1] == "interrupted"
    assert "--resume" in events[-1]["resume"]
    # The submits on the wire answered after the stop and were recorded with their tasks;
    # none that was waiting for its turn was sent.
    submitted = names.count("submitted")
    assert 2 <= submitted <= 1 + 4
    with sqlite3.connect(tmp_path / "out" / "batch.sqlite3") as ledger:
        states = dict(ledger.execute("SELECT state, count(*) FROM jobs GROUP BY state"))
    assert states == {"submitted": submitted, "pending": 10 - submitted}
    assert len(_sandbox_tasks(tmp_path / "out")) == submitted
    assert _resumed(tmp_path) == {"completed": 10}
    assert set(_sandbox_tasks(tmp_path / "out").values()) == {1}


@pytest.mark.subprocess
def test_a_second_signal_stops_at_once_and_the_submits_it_cut_off_are_uncertain(
    tmp_path: Path,
) -> None:
    process = _start_batch(tmp_path, 10, SLOW_SUBMITS)
    events = _stop_after_the_first_submit(process, signal.SIGINT, times=2)
    assert process.returncode == 130
    assert [event["event"] for event in events].count("submitted") == 1
    # Never resubmitted: what was cut off on the wire is left for the user to check. Submits
    # on the wire are bounded by kie's documented rate (2 at once), so at most two were cut
    # off (nine before the bound); the jobs still queued were never sent and the resume sends
    # them.
    resumed = _resumed(tmp_path)
    assert set(resumed) <= {"completed", "uncertain"} and sum(resumed.values()) == 10
    assert 1 <= resumed.get("uncertain", 0) <= 2, resumed
    assert max(_sandbox_tasks(tmp_path / "out").values()) == 1


def test_max_cost_is_refused_for_a_batch_of_unknown_price(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jobs = _write_jobs(tmp_path / "jobs.jsonl", 1)
    out = str(tmp_path / "o")
    arguments = ["batch", str(jobs), "--vendor", "evolink", "--sandbox", "--out", out]
    code = main([*arguments, "--max-cost", "5"])  # 10 s: evolink sora-2, whose price is unknown
    assert code == 2
    assert "no price is published" in capsys.readouterr().err


def test_before_send_runs_last_and_can_cancel_the_paid_request(world: World) -> None:
    """The hook runs after local checks and queueing, right before the request leaves;
    declining it sends nothing."""
    calls: list[int] = []

    async def submit(answer: bool) -> Any:
        client = world.clients()("kie")
        before = world.sandbox.state.tasks_created("kie")

        def hook() -> bool:
            calls.append(world.sandbox.state.tasks_created("kie") - before)
            return answer

        try:
            return await client.submit(
                VideoRequest(prompt="job 1: x", seconds=10), before_send=hook
            )
        finally:
            await client.close()

    from sora_unified import SubmitCancelledError, ValidationError

    with pytest.raises(SubmitCancelledError):
        asyncio.run(submit(False))
    assert world.sandbox.state.tasks_created("kie") == 0
    assert asyncio.run(submit(True))
    assert calls == [0, 0] and world.sandbox.state.tasks_created("kie") == 1

    async def invalid() -> None:
        client = world.clients()("kie")
        await client.submit(
            VideoRequest(prompt="x", seconds=7), before_send=lambda: calls.append(9) or True
        )

    with pytest.raises(ValidationError):
        asyncio.run(invalid())
    assert 9 not in calls  # refused locally: the hook never ran


def test_the_ledgers_steps_reach_the_disk_and_the_rest_skip_the_fsync(tmp_path: Path) -> None:
    """A submit begun and a task id learned are committed with an fsync (a power cut must not
    make a resume pay twice); claims and outcomes, which can be redone, are not."""
    store = SQLiteJobStore(tmp_path / "batch.sqlite3")
    store.add(_jobs(1), "kie")
    seen: list[str] = []
    store._db.set_trace_callback(seen.append)
    claimed = store.claim("w")
    assert claimed is not None
    claim, seen[:] = list(seen), []
    store.begin_submit(claimed.custom_id, "w", None)
    begin, seen[:] = list(seen), []
    store.submitted(claimed.custom_id, "kie:t")
    submitted, seen[:] = list(seen), []
    store.finished(claimed.custom_id, "completed", file="f.mp4", error=None, code=None)
    assert not any("synchronous" in statement for statement in claim + seen)
    for statements in (begin, submitted):
        assert statements[0] == "PRAGMA synchronous=FULL"
        assert statements[-2:] == ["COMMIT", "PRAGMA synchronous=NORMAL"]
    store.close()


def test_a_server_error_at_submit_never_falls_back(tmp_path: Path) -> None:
    """A 5xx says nothing about whether a task was made elsewhere in the vendor: the job is
    failed and named, not sent to the next vendor."""
    world = World(tmp_path, faults=(Fault(kind="server_error", vendor="kie", endpoint="submit"),))
    try:
        world.store.add(_jobs(1), default_vendor="kie")
        summary, events = world.run(fallback=("evolink",))
        assert summary.counts == {"failed": 1}
        assert world.tasks_per_job("evolink") == {}
        assert "fallback" not in [name for name, _ in events]
    finally:
        world.close()


# -- the progress display -----------------------------------------------------------------------


class _Stopwatch:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _job_event(n: int, task: bool = True) -> dict[str, Any]:
    return {"custom_id": f"job-{n}", "vendor": "kie", **({"task": f"kie:t{n}"} if task else {})}


def test_the_progress_line_counts_each_status_with_rate_and_eta() -> None:
    clock = _Stopwatch()
    progress = BatchProgress(Output(as_json=False), 10, collections.Counter(pending=10), clock)
    for n in range(4):
        progress.event("submitted", _job_event(n))
    progress.event("completed", _job_event(0))
    progress.event("completed", _job_event(1))
    progress.event("failed", _job_event(2))  # the task failed
    progress.event("invalid", _job_event(9, task=False))  # not a job: out of the total
    clock.now += 2.0
    # 3 finished in 2 s; 6 of the 9 jobs left at 1.5 jobs/s.
    assert progress.line() == (
        "batch 3/9: 2 completed, 1 running, 5 pending, 1 failed | 1.5 jobs/s ETA 4s"
    )
    progress.event("failed", _job_event(4, task=False))  # refused before any task existed
    progress.event("uncertain", _job_event(5, task=False))
    progress.event("skipped", _job_event(6, task=False))
    clock.now += 2.0
    # Uncertain and skipped jobs are not waited for: 3 left, at 1 job/s.
    assert progress.line() == (
        "batch 4/9: 2 completed, 1 running, 2 pending, 2 failed, 1 uncertain, 1 skipped"
        " | 1.0 jobs/s ETA 3s"
    )


def test_a_resumed_progress_line_rates_only_this_runs_jobs() -> None:
    clock = _Stopwatch()
    counts = collections.Counter(completed=6, running=2, pending=2)
    progress = BatchProgress(Output(as_json=False), 10, counts, clock)
    clock.now += 4.0
    assert progress.line() == "batch 6/10: 6 completed, 2 running, 2 pending | 0.0 jobs/s"
    progress.event("completed", _job_event(7))
    assert progress.line().endswith("| 0.2 jobs/s ETA 12s")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_line_is_redrawn_in_place_and_kept_at_the_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    clock = _Stopwatch()
    progress = BatchProgress(Output(as_json=False), 2, collections.Counter(pending=2), clock)
    progress.render()
    progress.event("submitted", _job_event(0))
    progress.render()
    progress.event("completed", _job_event(0))
    clock.now += 1.0
    progress.finish()
    assert terminal.getvalue() == (
        "\r\x1b[2Kbatch 0/2: 2 pending | 0.0 jobs/s"
        "\r\x1b[2Kbatch 0/2: 1 running, 1 pending | 0.0 jobs/s"
        "\r\x1b[2Kbatch 1/2: 1 completed, 1 pending | 1.0 jobs/s ETA 1s\n"
    )


def test_with_json_the_progress_line_is_never_drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    progress = BatchProgress(Output(as_json=True), 1, collections.Counter(pending=1), _Stopwatch())
    asyncio.run(asyncio.wait_for(progress.show(), 1))  # returns at once
    progress.finish()
    assert terminal.getvalue() == ""


def test_batch_shows_its_progress_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = tmp_path / "sandbox.json"
    settings.write_text(json.dumps(SANDBOX_SETTINGS))
    monkeypatch.setenv("SORA_UNIFIED_SANDBOX_CONFIG", str(settings))
    monkeypatch.setattr("sora_unified.cli._batch_progress.PROGRESS_SECONDS", 0.05)
    jobs = _write_jobs(tmp_path / "jobs.jsonl", 4)
    code = main(["batch", str(jobs), "--vendor", "kie", "--sandbox", "--out", str(tmp_path / "o")])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    lines = [line for line in captured.err.splitlines() if line.startswith("batch ")]
    assert lines, captured.err
    shown = [re.fullmatch(r"batch (\d)/4: (.+) \| \d+\.\d jobs/s( ETA \d+s)?", s) for s in lines]
    assert all(shown), lines
    # Not a tty: a new line each time it changes, ending where the run ended.
    assert len(set(lines)) == len(lines)
    finished = [int(match.group(1)) for match in shown if match]
    assert finished == sorted(finished)
    assert lines[-1].startswith("batch 4/4: 4 completed | "), lines
    assert "ETA" not in lines[-1]
    assert "batch finished in" in captured.out and "4 completed" in captured.out


def test_the_gentle_stop_gives_the_signals_back_to_the_command() -> None:
    def the_commands_own(signum: int, frame: object) -> None:
        raise AssertionError("not called")

    before = {signum: signal.getsignal(signum) for signum in SIGNALS}
    signal.signal(signal.SIGTERM, the_commands_own)
    try:

        async def install_and_remove() -> None:
            stop = GracefulStop(Output(as_json=True))
            running = asyncio.current_task()
            assert running is not None
            stop.install(running)
            assert set(stop.previous) == set(SIGNALS)  # installed, main thread
            assert signal.getsignal(signal.SIGTERM) is not the_commands_own
            stop.remove()

        asyncio.run(install_and_remove())
        assert signal.getsignal(signal.SIGTERM) is the_commands_own
        assert signal.getsignal(signal.SIGINT) is before[signal.SIGINT]
    finally:
        signal.signal(signal.SIGTERM, before[signal.SIGTERM])


def test_an_interrupted_batch_says_how_to_resume_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sora_unified.batch

    async def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(sora_unified.batch, "run_batch_async", interrupted)
    jobs = _write_jobs(tmp_path / "jobs.jsonl", 1)
    out = tmp_path / "o"
    argv = ["batch", str(jobs), "--vendor", "kie", "--out", str(out)]
    code = main([*argv, "--api-key", "sk-never-printed"])
    err = capsys.readouterr().err
    assert code == 130
    assert f"the batch is kept in {out / 'batch.sqlite3'}" in err
    # The same command again, as it can be pasted: with --resume, without the key's value.
    hint = err.strip().splitlines()[-1]
    assert hint.endswith(f"{shlex.join(['sora-unified', *argv, '--resume'])} (with your --api-key)")
    assert "sk-never-printed" not in err


def test_messages_never_repeat_a_database_store_url() -> None:
    # A PostgreSQL URL may carry the database password.
    url = "postgresql://batch:s3cret@db.example/videos"
    assert "s3cret" not in _store_named(argparse.Namespace(store=url), Path("out"))
    named = _store_named(argparse.Namespace(store=None), Path("out"))
    assert named == str(Path("out") / "batch.sqlite3")


class _HeldBackoff(FakeClock):
    """A clock whose first wait (the backoff after a refused submit) lasts until released."""

    def __init__(self) -> None:
        super().__init__()
        self.backing_off = asyncio.Event()
        self.release = asyncio.Event()

    async def sleep_async(self, seconds: float) -> None:
        if not self.backing_off.is_set():
            self.backing_off.set()
            await self.release.wait()
        self.sleep(seconds)


def test_a_stop_during_the_backoff_after_a_refused_submit_sends_no_retry(tmp_path: Path) -> None:
    refused = Fault(kind="rate_limit", endpoint="submit", nth=(1,), retry_after=2.0)
    world = World(tmp_path, faults=(refused,))
    world.store.add(_jobs(1), default_vendor="kie")

    async def stopped_in_the_backoff() -> None:
        clock = _HeldBackoff()
        options = world.sandbox.client_options("kie")
        client = AsyncClient("kie", **options, clock=clock, max_retries=2)
        running = asyncio.create_task(
            run_batch_async(world.store, {"kie": client}, BatchOptions(out=world.out))
        )
        try:
            await asyncio.wait_for(clock.backing_off.wait(), 30)  # refused (429): a retry due
            running.cancel()
            for _ in range(20):  # the cancellation reaches the job's slot (a few loop turns)
                await asyncio.sleep(0)
            clock.release.set()
            with pytest.raises(asyncio.CancelledError):
                await running
        finally:
            await client.close()

    try:
        asyncio.run(stopped_in_the_backoff())
        (record,) = world.store.records()
        assert record.state == "skipped" and record.error is not None
        assert "stopped" in record.error
        assert world.tasks_per_job() == {}
        summary, _ = world.run()
        assert summary.counts == {"completed": 1}
        assert world.tasks_per_job() == {"job-0": 1}
    finally:
        world.close()
