"""The README's Temporal example (examples/temporal-app), unmodified: a user's own Temporal
application registering sora-unified's workflow and activities, against the sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sora_unified.sandbox import SANDBOX_KEY, Sandbox, SandboxConfig, Timing

from contract_tests.support.specs import ROOT


@pytest.mark.subprocess
def test_a_users_own_temporal_application_makes_a_video(temporal_server, tmp_path):
    timing = Timing(queue_seconds=0, run_seconds=0, not_visible_seconds=0)
    with Sandbox(SandboxConfig(timing=timing)) as sandbox:
        env = {
            **os.environ,
            "KIE_API_KEY": SANDBOX_KEY,
            "KIE_BASE_URL": sandbox.base_url("kie"),
            "KIE_FILES_BASE_URL": sandbox.files_base_url("kie"),
        }
        command = [
            sys.executable,
            str(ROOT / "examples" / "temporal-app" / "video_app.py"),
            temporal_server,
            str(tmp_path),
        ]
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr
        status, task, file = done.stdout.split()[-3:]
        assert status == "completed" and task.startswith("kie:")
        assert Path(file).stat().st_size > 1000
        assert sandbox.state.tasks_created("kie") == 1
