"""`make bench` keeps working: a smoke run with tiny sizes (the figures are not judged here;
speed is load-dependent and measured by `make bench`, never by timed unit tests)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from contract_tests.support.specs import ROOT


# --smoke: every figure once, with instant sandbox tasks: the run's length does not depend on a
# wall-time floor. The timeout is a hang guard, not a speed judgement (make bench measures).
@pytest.mark.subprocess
@pytest.mark.timeout(900)
def test_the_benchmark_runs_and_reports_every_figure(temporal_server: str) -> None:
    # The Temporal figure runs on the suite's development server rather than starting its own.
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--jobs",
            "2,4",
            "--smoke",
            "--large",
            "300",
            "--temporal",
            "3",
            "--temporal-address",
            temporal_server,
        ],
        capture_output=True,
        text=True,
        timeout=880,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = {
        line.split(":", 1)[0]: json.loads(line.split(":", 1)[1])
        for line in done.stdout.splitlines()
        if ":" in line
    }
    assert set(figures) >= {
        "import", "overhead", "nominal_job_s", "async_2", "async_4", "batch_2", "batch_4",
        "sandbox", "linearity", "batch_nominal_s", "batch_large", "cli_start", "testing_kit",
        "temporal_nominal_s", "temporal_3",
    }  # fmt: skip
    assert set(figures["cli_start"]) == {"first_line_s", "submitted_s", "video_s", "help_s"}
    start = figures["cli_start"]
    assert 0 < start["first_line_s"] <= start["submitted_s"] <= start["video_s"]
    assert figures["batch_large"]["errors"] == 0 and figures["batch_large"]["claims_per_s"] > 0
    for name in ("async_2", "async_4", "batch_2", "batch_4", "temporal_3"):
        assert figures[name]["duplicates"] == 0 and figures[name]["missing"] == 0
        assert not figures[name]["errors" if name.startswith("async") else "not_completed"]
    assert figures["overhead"]["status_read"]["ratio"] > 0
    kit = figures["testing_kit"]
    assert kit["tests"] == 3 and kit["session_setup_s"] > 0 and kit["per_test_ms_median"] > 0
