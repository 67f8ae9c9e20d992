"""`make generate` reproduces generated/ exactly, and `make check-generated` fails, naming the
files, when a spec changes without regeneration."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from contract_tests.support.specs import ROOT


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    for folder in ("specs", "tools", "generated", "wrappers"):
        shutil.copytree(
            ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    # The project's own ruff settings sit beside generated/, as in a checkout.
    for name in ("Makefile", "pyproject.toml", "requirements-dev.txt"):
        shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.mark.regeneration
def test_make_generate_reproduces_generated_byte_for_byte(project_copy: Path) -> None:
    """The README's workflow: `make generate` on an untouched checkout changes nothing."""
    before = _tree(project_copy / "generated")
    venv = Path(sys.executable).parent.parent  # the installed tools; nothing is reinstalled
    result = subprocess.run(
        ["make", "-s", "generate", f"VENV={venv}"],
        cwd=project_copy,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    after = _tree(project_copy / "generated")
    changed = sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )
    assert changed == []
    sync_client = "wrappers/sora_unified/_sync_client.py"  # written from the async one
    # The tree is unchanged, so `--check` on it is test_unchanged_copy_passes: not run twice.
    assert (project_copy / sync_client).read_text() == (ROOT / sync_client).read_text()


def _check(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(project / "tools" / "generate.py"), "--check", "modelverse"],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.regeneration
def test_unchanged_copy_passes(project_copy: Path) -> None:
    result = _check(project_copy)
    assert result.returncode == 0, result.stderr


@pytest.mark.regeneration
def test_edited_spec_without_regeneration_fails(project_copy: Path) -> None:
    spec = project_copy / "specs" / "modelverse.yaml"
    text = spec.read_text()
    assert "description: Why the task failed." in text
    spec.write_text(text.replace("description: Why the task failed.", "description: Reason."))
    result = _check(project_copy)
    assert result.returncode == 1
    assert "generated/modelverse_client/models/task_output.py (differs)" in result.stderr
    assert "generated/modelverse_client/_manifest.json (differs)" in result.stderr


@pytest.mark.regeneration
def test_hand_edit_of_generated_code_fails(project_copy: Path) -> None:
    target = project_copy / "generated" / "modelverse_client" / "types.py"
    target.write_text(target.read_text() + "\n# edited by hand\n")
    (project_copy / "generated" / "modelverse_client" / "stray.py").write_text("")
    result = _check(project_copy)
    assert result.returncode == 1
    assert "types.py (differs)" in result.stderr
    assert "stray.py (extra)" in result.stderr
