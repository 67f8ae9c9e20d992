"""The README's quick start runs as written (its sandbox example, in a fresh interpreter), and
the README names every public method of the client."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sora_unified import AsyncClient, Client

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _quick_start() -> str:
    section = README[README.index("## Quick start") :]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert blocks, "the quick start lost its code"
    return str(blocks[0])


@pytest.mark.subprocess
@pytest.mark.timeout(600)
def test_the_quick_start_runs_as_written_against_the_sandbox(tmp_path: Path) -> None:
    code = _quick_start()
    assert "Sandbox()" in code and "_API_KEY" not in code  # the first example needs no key
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    printed = re.search(r"print\(.*\)\s+# (.*)", code)
    assert printed is not None
    assert done.stdout.strip() == printed.group(1).strip()  # the comment is what it prints
    assert (tmp_path / "corgi.mp4").stat().st_size > 1000


@pytest.mark.parametrize("client", [Client, AsyncClient])
def test_the_readme_names_every_public_method_and_property(client: type) -> None:
    public = {name for name in dir(client) if not name.startswith("_")}
    missing = {name for name in public if f"`{name}" not in README}
    assert not missing, missing
