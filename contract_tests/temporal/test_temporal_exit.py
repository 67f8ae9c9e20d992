"""The `sora-unified` process after a run that used Temporal: it exits with the command's code,
skipping the interpreter's teardown (temporalio's runtime threads can abort it there:
temporalio/sdk-python#300), with its output flushed."""

from __future__ import annotations

import subprocess
import sys

import pytest

RUN = (
    "import atexit, sys\n"
    "{preload}"
    "atexit.register(lambda: print('interpreter teardown ran'))\n"
    "sys.argv = ['sora-unified', {arguments}]\n"
    "from sora_unified.cli import run\n"
    "run()\n"
)


def _run(preload: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    code = RUN.format(preload=preload, arguments=", ".join(repr(a) for a in arguments))
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.subprocess
def test_after_temporal_the_command_leaves_with_its_code_and_its_output() -> None:
    done = _run("import temporalio\n", "vendors", "--json")
    assert done.returncode == 0, done.stderr
    assert '"kie"' in done.stdout  # printed and flushed before leaving
    assert "interpreter teardown ran" not in done.stdout
    # A command that fails keeps its exit code (no key for kie: a configuration error, 3).
    refused = _run(
        "import os, temporalio\nos.environ.pop('KIE_API_KEY', None)\n", "credits", "--vendor", "kie"
    )
    assert refused.returncode == 3, refused.stderr
    assert (
        "no API key for kie" in refused.stderr and "interpreter teardown ran" not in refused.stdout
    )


@pytest.mark.subprocess
def test_without_temporal_the_command_exits_as_usual() -> None:
    done = _run("", "vendors", "--json")
    assert done.returncode == 0, done.stderr
    assert '"kie"' in done.stdout and "interpreter teardown ran" in done.stdout
