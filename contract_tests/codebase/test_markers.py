"""The slow kinds are marked, so `make test-fast` can leave them out, and the marks are kept true:
a test that starts a process without saying so fails; PostgreSQL tests are marked by what they use.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from contract_tests.conftest import SLOW_KINDS

ROOT = Path(__file__).resolve().parents[2]


def test_an_unmarked_test_cannot_start_a_process() -> None:
    with pytest.raises(AssertionError) as caught:
        subprocess.run([sys.executable, "-c", "pass"], check=False)
    message = str(caught.value)
    assert "test_an_unmarked_test_cannot_start_a_process" in message
    assert "@pytest.mark.subprocess" in message and "make test-fast" in message


@pytest.mark.subprocess
def test_a_marked_test_can() -> None:
    assert subprocess.run([sys.executable, "-c", "pass"], check=False).returncode == 0


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_test_on_postgresql_is_marked_postgres_and_only_it(
    backend: str, request: pytest.FixtureRequest
) -> None:
    marked = request.node.get_closest_marker("postgres") is not None
    assert marked == (backend == "postgresql")


def test_every_slow_kind_is_registered_and_test_fast_leaves_each_out(
    pytestconfig: pytest.Config,
) -> None:
    registered = {line.split(":")[0] for line in pytestconfig.getini("markers")}
    assert set(SLOW_KINDS) <= registered
    makefile = (ROOT / "Makefile").read_text()
    [recipe] = [line for line in makefile.splitlines() if "pytest" in line and '-m "not' in line]
    for kind in SLOW_KINDS:
        assert f"not {kind}" in recipe
    readme = (ROOT / "README.md").read_text()
    assert "make test-fast" in readme
