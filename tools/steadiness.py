"""Is the suite steady under load? Run it again and again with the cores busy with another run.

    python tools/steadiness.py --rounds 5     # 10 runs: two whole suites at a time

Each round starts two whole suites at once (`pytest -n 2` each, so each runs while the
machine's cores are busy with the other), each in its own clean clone of HEAD with its own
virtualenv (`make install`), as CI would. A run that fails keeps its log; the report gives, per
run, its outcome and time and the tests that failed or were skipped (a skip is not a pass). The
exit status is 1 when any run was not steady.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GIT, MAKE = shutil.which("git") or "git", shutil.which("make") or "make"
# A hang is a failure too; a whole suite under double load takes ~12 minutes on two cores.
RUN_SECONDS = 2400
FAILED_LINE = re.compile(r"^(FAILED|ERROR) (\S+)", re.MULTILINE)
SKIPPED_LINE = re.compile(r"^SKIPPED \[\d+\] (.*)$", re.MULTILINE)
SUMMARY_LINE = re.compile(r"^=* ?(\d+ (?:passed|failed|error).*) in [\d.]+s", re.MULTILINE)


@dataclass
class Run:
    name: str
    returncode: int | None  # None: timed out
    seconds: float
    summary: str
    failed: list[str]  # the tests that failed or erred, and the reasons of any skip

    @property
    def steady(self) -> bool:
        return self.returncode == 0 and not self.failed


def _clone(target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([GIT, "clone", "-q", str(ROOT), str(target)], check=True)
    shared = ROOT.parent / "shared"
    if shared.exists() and not (target.parent / "shared").exists():
        (target.parent / "shared").symlink_to(shared)
    subprocess.run([MAKE, "-s", "install"], cwd=target, check=True, capture_output=True)


def _run(folder: Path, name: str, logs: Path) -> Run:
    started = time.monotonic()
    command = [str(folder / ".venv" / "bin" / "python"), "-m", "pytest", "-n", "2", "-q"]
    try:
        done = subprocess.run(
            command, cwd=folder, capture_output=True, text=True, timeout=RUN_SECONDS, check=False
        )
        returncode, output = done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired as expired:
        returncode = None
        output = (expired.stdout or b"").decode() if isinstance(expired.stdout, bytes) else ""
    seconds = time.monotonic() - started
    summaries = SUMMARY_LINE.findall(output)
    summary = summaries[-1] if summaries else "no summary (timed out?)"
    failed = sorted({test for _, test in FAILED_LINE.findall(output)})
    # A skip is not a pass: here every test can run (the servers are installed by the suite).
    failed += sorted(f"skipped: {reason}" for reason in SKIPPED_LINE.findall(output))
    if returncode != 0 or failed:
        (logs / f"{name}.txt").write_text(output[-60000:], encoding="utf-8")
    return Run(name, returncode, seconds, summary, failed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of two runs (default 5)")
    parser.add_argument(
        "--folder",
        type=Path,
        default=Path(tempfile.gettempdir()) / "sora-unified-steadiness",
        help="where the two clones and the failing runs' logs go",
    )
    args = parser.parse_args(argv)
    logs = args.folder / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    head = subprocess.run(
        [GIT, "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    print(f"steadiness of {head}: {args.rounds} rounds of two suites at once", flush=True)
    clones = [args.folder / side / "main" for side in ("a", "b")]
    for clone in clones:
        _clone(clone)
    runs: list[Run] = []
    for round_number in range(1, args.rounds + 1):
        with ThreadPoolExecutor(max_workers=2) as pool:
            pair = [
                pool.submit(_run, clone, f"round{round_number}-{side}", logs)
                for clone, side in zip(clones, "ab", strict=True)
            ]
            for future in pair:
                run = future.result()
                runs.append(run)
                outcome = "ok" if run.steady else f"NOT STEADY (exit {run.returncode})"
                print(f"  {run.name}: {outcome}, {run.seconds:.0f} s, {run.summary}", flush=True)
                for test in run.failed:
                    print(f"    {test}", flush=True)
    bad = [run for run in runs if not run.steady]
    print(f"{len(runs) - len(bad)} of {len(runs)} runs passed; logs of failures in {logs}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
