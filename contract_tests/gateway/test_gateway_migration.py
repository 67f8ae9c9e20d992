"""The README's migration script, unmodified, against `sora-unified serve --sandbox` for every
vendor: it creates, polls, downloads, remixes (where the vendor can) and lists."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from contract_tests.support.specs import ROOT

pytest.importorskip("openai", reason="make test installs the pinned openai package")

REMIX = {"evolink", "modelverse-openai"}
SETTINGS = {"timing": {"queue_seconds": 0.2, "run_seconds": 0.5, "not_visible_seconds": 0}}


def readme_script() -> str:
    text = (ROOT / "README.md").read_text()
    found = re.search(r"<!-- migration-script -->\n```python\n(.*?)```", text, re.DOTALL)
    assert found, "the README lost its migration script"
    return found.group(1)


@pytest.mark.subprocess
@pytest.mark.timeout(600)
@pytest.mark.parametrize("vendor", ["kie", "evolink", "modelverse", "modelverse-openai"])
def test_the_readme_migration_script_runs_unmodified(vendor: str, tmp_path: Path) -> None:
    settings = tmp_path / "sandbox.json"
    settings.write_text(json.dumps(SETTINGS))
    key = "sk-gw-migration"
    env = {
        **os.environ,
        "SORA_UNIFIED_GATEWAY_KEYS": key,
        "SORA_UNIFIED_SANDBOX_CONFIG": str(settings),
    }
    command = [sys.executable, "-m", "sora_unified.cli", "serve", "--sandbox", "--vendor", vendor]
    options = ["--port", "0", "--json", "--poll-after-ms", "100", "--db", str(tmp_path / "gw.db")]
    server = subprocess.Popen(
        [*command, *options],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        announced = json.loads(server.stdout.readline())
        assert "key" not in announced  # a configured key is never printed
        script = tmp_path / "make_video.py"
        script.write_text(readme_script())
        ran = subprocess.run(
            [sys.executable, "-W", "ignore::DeprecationWarning", str(script)],
            env={**env, "OPENAI_BASE_URL": announced["url"], "OPENAI_API_KEY": key},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=150,
            check=False,
        )
    finally:
        server.terminate()
        server.wait(30)
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert (tmp_path / "corgi.mp4").read_bytes()[4:8] == b"ftyp"
    remixed = tmp_path / "corgi-sunglasses.mp4"
    assert remixed.exists() is (vendor in REMIX), ran.stdout
    if vendor not in REMIX:
        assert "no remix:" in ran.stdout
    assert ran.stdout.count(" completed") >= (3 if vendor in REMIX else 2)
