"""`sora-unified batch` as a user with a real workload runs it: the folder is the batch (a lost
or damaged store never starts it over), a task found on the vendor's side can be adopted, input
is read as people write it, and the exit code says how the batch ended."""

from __future__ import annotations

import collections
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

FAST = {"timing": {"queue_seconds": 0.05, "run_seconds": 0.1, "not_visible_seconds": 0}}


def _jobs(path: Path, count: int, **extra: Any) -> Path:
    lines = [
        json.dumps(
            {
                "custom_id": f"job-{n}",
                "body": {"prompt": f"job {n}: a corgi", "seconds": 10, **extra},
            }
        )
        for n in range(count)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def _batch(
    tmp_path: Path, jobs: Path, *extra: str, settings: dict[str, Any] | None = None
) -> tuple[int, dict[str, Any], list[dict[str, Any]], str]:
    config = tmp_path / "sandbox.json"
    config.write_text(json.dumps(settings or FAST))
    command = [sys.executable, "-m", "sora_unified.cli", "batch", str(jobs), "--vendor", "kie",
               "--sandbox", "--out", str(tmp_path / "out"), "--json", *extra]  # fmt: skip
    ran = subprocess.run(
        command,
        env=os.environ | {"SORA_UNIFIED_SANDBOX_CONFIG": str(config)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    events = [json.loads(line) for line in ran.stdout.splitlines() if line.startswith("{")]
    last = events[-1] if events else {}
    return ran.returncode, last, events, ran.stderr


def _tasks(tmp_path: Path) -> collections.Counter[str]:
    db = sqlite3.connect(tmp_path / "out" / "sandbox.sqlite3")
    try:
        rows = db.execute("SELECT task FROM tasks WHERE vendor = 'kie'").fetchall()
    finally:
        db.close()
    prompts = (json.loads(task)["body"]["input"]["prompt"] for (task,) in rows)
    return collections.Counter("job-" + p.split(":")[0].removeprefix("job ") for p in prompts)


def _task_ids(tmp_path: Path) -> dict[str, str]:
    db = sqlite3.connect(tmp_path / "out" / "sandbox.sqlite3")
    try:
        rows = db.execute("SELECT id, task FROM tasks WHERE vendor = 'kie'").fetchall()
    finally:
        db.close()
    found = {}
    for task_id, task in rows:
        prompt = json.loads(task)["body"]["input"]["prompt"]
        found["job-" + prompt.split(":")[0].removeprefix("job ")] = f"kie:{task_id}"
    return found


@pytest.mark.subprocess
@pytest.mark.timeout(600)
@pytest.mark.parametrize("damage", ["deleted", "emptied", "garbage"])
def test_a_lost_store_never_starts_the_batch_over_and_is_rebuilt_from_results(
    tmp_path: Path, damage: str
) -> None:
    jobs = _jobs(tmp_path / "jobs.jsonl", 4)
    code, summary, _, _ = _batch(tmp_path, jobs)
    assert code == 0 and summary["counts"] == {"completed": 4}
    store = tmp_path / "out" / "batch.sqlite3"
    for extra in store.parent.glob("batch.sqlite3*"):
        extra.unlink()
    if damage == "emptied":
        store.write_bytes(b"")
    elif damage == "garbage":
        store.write_bytes(b"this is not a database, it is a shopping list " * 100)
    (tmp_path / "out" / "job-3.mp4").unlink()  # one video lost too
    code, _, events, stderr = _batch(tmp_path, jobs, "--resume")
    assert code == 24, (events, stderr)
    message = events[-1]["message"] if events else stderr
    assert "--rebuild-store" in message and "results.jsonl" in message
    assert sum(_tasks(tmp_path).values()) == 4  # nothing was paid again
    if damage == "garbage":
        store.unlink()  # moved aside, as the message says
    code, summary, _, stderr = _batch(tmp_path, jobs, "--rebuild-store")
    assert code == 0 and summary["counts"] == {"completed": 4}, stderr
    assert (tmp_path / "out" / "job-3.mp4").read_bytes()[4:8] == b"ftyp"  # fetched, not paid
    assert set(_tasks(tmp_path).values()) == {1} and len(_tasks(tmp_path)) == 4


@pytest.mark.subprocess
@pytest.mark.timeout(600)
def test_an_uncertain_job_adopts_the_task_found_on_the_vendors_side(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path / "jobs.jsonl", 3)
    dropped = FAST | {"faults": [{"kind": "drop_after", "endpoint": "submit", "nth": [1]}]}
    code, summary, events, _ = _batch(tmp_path, jobs, settings=dropped)
    assert code == 21 and summary["counts"] == {"completed": 2, "uncertain": 1}
    (uncertain,) = [e for e in events if e.get("event") == "uncertain_job"]
    job = uncertain["custom_id"]
    task = _task_ids(tmp_path)[job]  # what the vendor's dashboard shows
    adopt = [
        sys.executable,
        "-m",
        "sora_unified.cli",
        "adopt",
        job,
        task,
        "--out",
        str(tmp_path / "out"),
    ]
    adopted = subprocess.run(adopt, capture_output=True, text=True, timeout=60, check=False)
    assert adopted.returncode == 0, adopted.stderr
    assert "--resume" in adopted.stdout
    again = subprocess.run(adopt, capture_output=True, text=True, timeout=60, check=False)
    assert again.returncode == 2 and "only an uncertain job" in again.stderr
    code, summary, _, _ = _batch(tmp_path, jobs, "--resume")
    assert code == 0 and summary["counts"] == {"completed": 3}
    assert set(_tasks(tmp_path).values()) == {1}  # adopted, never resubmitted


@pytest.mark.subprocess
@pytest.mark.timeout(600)
def test_input_is_read_as_people_write_it(tmp_path: Path) -> None:
    body = {"prompt": "job 0: a corgi", "seconds": 10}
    lines = [
        json.dumps({"custom_id": "first", "body": body}),  # after a BOM
        "[" * 10_000 + "]" * 10_000,  # too deep: that line's error only
        json.dumps({"custom_id": "line-2", "body": {**body, "prompt": "job 2: x"}}),  # not line 2
        b"\xff\xfe not utf-8".decode("latin-1"),
        "[1, 2]",
        json.dumps({"custom_id": "bad\u0000id", "body": body}),
        json.dumps({"custom_id": "third", "body": {**body, "prompt": "job 3: y"}}),
    ]
    raw = "\ufeff" + "\r\n".join(lines) + "\r\n"
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_bytes(raw.encode("utf-8").replace("ÿþ".encode(), b"\xff\xfe"))
    dry, dry_summary, dry_events, _ = _batch(tmp_path, jobs, "--dry-run")
    code, summary, events, _ = _batch(tmp_path, jobs)
    assert dry == code == 4  # invalid lines: the same exit code in both
    refused = sorted(e["line"] for e in dry_events if e.get("event") == "invalid")
    assert (
        refused == sorted(e["line"] for e in events if e.get("event") == "invalid") == [2, 4, 5, 6]
    )
    assert dry_summary["planned"] == 3 and summary["counts"] == {"completed": 3, "invalid": 4}
    results = [
        json.loads(line) for line in (tmp_path / "out" / "results.jsonl").read_text().splitlines()
    ]
    completed = {r["custom_id"] for r in results if r["status"] == "completed"}
    assert completed == {"first", "line-2", "third"}


@pytest.mark.subprocess
@pytest.mark.timeout(600)
def test_an_excel_csv_with_a_bom_is_read(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs.csv"
    jobs.write_bytes("\ufeffcustom_id,prompt,seconds\r\ncat-1,job 1: a cat,10\r\n".encode())
    code, summary, _, _ = _batch(tmp_path, jobs)
    assert code == 0 and summary["counts"] == {"completed": 1}


@pytest.mark.subprocess
@pytest.mark.timeout(600)
@pytest.mark.parametrize(
    ("settings", "extra", "code", "counts"),
    [
        (FAST | {"faults": [{"kind": "fail_generation", "endpoint": "submit", "nth": [1]}]}, (), 20,
         {"completed": 1, "failed": 1}),
        (FAST, ("--max-jobs", "1"), 22, {"completed": 1, "skipped": 1}),
    ],
    ids=["failed", "budget"],
)  # fmt: skip
def test_the_exit_code_says_how_the_batch_ended(
    tmp_path: Path,
    settings: dict[str, Any],
    extra: tuple[str, ...],
    code: int,
    counts: dict[str, int],
) -> None:
    jobs = _jobs(tmp_path / "jobs.jsonl", 2)
    ended, summary, _, stderr = _batch(tmp_path, jobs, *extra, settings=settings)
    assert (ended, summary["counts"]) == (code, counts), stderr
    assert summary["exit_code"] == code


def test_batch_exit_codes_pick_the_most_urgent_outcome() -> None:
    from sora_unified.cli._exit import batch_exit_code

    assert batch_exit_code({"completed": 3})[0] == 0
    assert batch_exit_code({"completed": 3, "invalid": 1})[0] == 4
    assert batch_exit_code({"skipped": 1, "invalid": 1})[0] == 22
    assert batch_exit_code({"failed": 1, "skipped": 1})[0] == 20
    assert batch_exit_code({"failed": 1, "uncertain": 1})[0] == 21
    assert batch_exit_code({"submitted": 1})[0] == 25
    assert batch_exit_code({"pending": 1, "completed": 1})[0] == 25  # not started yet
    assert batch_exit_code({"submitting": 1})[0] == 25
    assert batch_exit_code({"failed": 0, "uncertain": 0, "completed": 2})[0] == 0
    assert batch_exit_code({"store": 1, "uncertain": 1})[0] == 24
    assert batch_exit_code({"elsewhere": 1, "invalid": 2})[0] == 23


@pytest.mark.subprocess
@pytest.mark.timeout(600)
def test_the_dry_run_tries_the_fallback_vendors_as_the_run_does(tmp_path: Path) -> None:
    """kie sells no 8 s video, evolink does: with --fallback evolink the run sends the line
    there, so the dry run plans it there instead of refusing it."""
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text(
        json.dumps({"custom_id": "eight", "body": {"prompt": "job 0: x", "seconds": 8}}) + "\n"
    )
    dry, summary, events, _ = _batch(tmp_path, jobs, "--dry-run", "--fallback", "evolink")
    assert (dry, summary["planned"], summary["refused"]) == (0, 1, 0)
    assert [e["vendor"] for e in events if e.get("event") == "planned"] == ["evolink"]
    code, summary, _, _ = _batch(tmp_path, jobs, "--fallback", "evolink")
    assert (code, summary["counts"]) == (0, {"completed": 1})
    alone, summary, _, _ = _batch(tmp_path, jobs, "--dry-run")
    assert (alone, summary["refused"]) == (4, 1)


@pytest.mark.subprocess
@pytest.mark.timeout(600)
def test_a_refused_start_leaves_no_store_behind(tmp_path: Path) -> None:
    """The store is not created to be refused: after the refusal the folder is as it was."""
    jobs = _jobs(tmp_path / "jobs.jsonl", 1)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "results.jsonl").write_text("{}\n")
    code, _, _, _ = _batch(tmp_path, jobs)
    assert code == 24
    assert not (tmp_path / "out" / "batch.sqlite3").exists()


@pytest.mark.timeout(600)
def test_an_empty_shared_store_beside_results_is_refused(tmp_path: Path, postgres_url: str) -> None:
    jobs = _jobs(tmp_path / "jobs.jsonl", 1)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "results.jsonl").write_text("{}\n")
    code, _, events, stderr = _batch(tmp_path, jobs, "--resume", "--store", postgres_url)
    assert code == 24, stderr
    message = events[-1]["message"] if events else stderr
    assert "holds no jobs" in message and postgres_url not in message  # no password repeated
