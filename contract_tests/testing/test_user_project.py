"""A user's project (examples/testing-kit) against the package as users get it: a wheel built
from this checkout, installed with the `testing` extra into a fresh environment, nothing of
the checkout on the path. Its tests use only what the README documents."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from contract_tests.support.specs import ROOT

EXAMPLE = ROOT / "examples" / "testing-kit"


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.subprocess
def test_the_example_project_passes_on_an_installed_wheel(tmp_path):
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if uv is None:
        pytest.fail("uv is missing: `make install` puts it in .venv/bin")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    _run(
        [uv, "build", "--wheel", "--quiet", "--out-dir", str(tmp_path / "dist"), str(ROOT)],
        ROOT,
        env,
    )
    (wheel,) = (tmp_path / "dist").glob("sora_unified-*.whl")
    venv = tmp_path / "venv"
    _run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], tmp_path, env)
    python = str(venv / "bin" / "python")
    # openai too: the example's gateway test is code written for OpenAI's client
    _run(
        [uv, "pip", "install", "--quiet", "--python", python, f"{wheel}[testing]", "openai"],
        tmp_path,
        env,
    )
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("__pycache__"))

    where = _run([python, "-c", "import sora_unified; print(sora_unified.__file__)"], project, env)
    assert where.startswith(str(venv)), where
    output = _run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project, env)
    assert " passed" in output and "failed" not in output and "error" not in output, output
