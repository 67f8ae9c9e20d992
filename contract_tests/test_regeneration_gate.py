"""`make check-generated` fails, naming the files, when a spec changes without regeneration."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from contract_tests.specs import ROOT


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    for folder in ("specs", "tools", "generated"):
        shutil.copytree(
            ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    return tmp_path


def _check(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(project / "tools" / "generate.py"), "--check", "modelverse"],
        capture_output=True,
        text=True,
        check=False,
    )


def test_unchanged_copy_passes(project_copy: Path) -> None:
    result = _check(project_copy)
    assert result.returncode == 0, result.stderr


def test_edited_spec_without_regeneration_fails(project_copy: Path) -> None:
    spec = project_copy / "specs" / "modelverse.yaml"
    text = spec.read_text()
    assert "description: Why the task failed." in text
    spec.write_text(text.replace("description: Why the task failed.", "description: Reason."))
    result = _check(project_copy)
    assert result.returncode == 1
    assert "generated/modelverse_client/models/task_output.py (differs)" in result.stderr
    assert "generated/modelverse_client/_manifest.json (differs)" in result.stderr


def test_hand_edit_of_generated_code_fails(project_copy: Path) -> None:
    target = project_copy / "generated" / "modelverse_client" / "types.py"
    target.write_text(target.read_text() + "\n# edited by hand\n")
    (project_copy / "generated" / "modelverse_client" / "stray.py").write_text("")
    result = _check(project_copy)
    assert result.returncode == 1
    assert "types.py (differs)" in result.stderr
    assert "stray.py (extra)" in result.stderr
