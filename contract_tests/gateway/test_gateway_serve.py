"""`sora-unified serve` refuses at start what cannot work, with exit 3 naming what to set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _serve(tmp_path: Path, *options: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    clean.pop("SORA_UNIFIED_GATEWAY_KEYS", None)
    clean.pop("SORA_UNIFIED_GATEWAY_KEYS_FILE", None)
    return subprocess.run(
        [sys.executable, "-m", "sora_unified.cli", "serve", "--port", "0",
         "--db", str(tmp_path / "gw.sqlite3"), *options],
        env={**clean, **env}, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.mark.subprocess
@pytest.mark.parametrize(
    ("vendor", "variable"), [("kie", "KIE_API_KEY"), ("evolink", "EVOLINK_API_KEY")]
)
def test_serve_without_the_vendors_key_exits_3_naming_it(
    tmp_path: Path, vendor: str, variable: str
) -> None:
    ran = _serve(tmp_path, "--vendor", vendor, SORA_UNIFIED_GATEWAY_KEYS="sk-gw-some-key")
    assert ran.returncode == 3, ran.stderr
    assert variable in ran.stderr and "--sandbox" not in ran.stdout


@pytest.mark.subprocess
def test_serve_beyond_loopback_without_keys_exits_3(tmp_path: Path) -> None:
    ran = _serve(tmp_path, "--sandbox", "--host", "0.0.0.0")  # refused before it binds
    assert ran.returncode == 3, ran.stderr
    assert "SORA_UNIFIED_GATEWAY_KEYS" in ran.stderr


@pytest.mark.subprocess
def test_serve_refuses_a_bad_keys_setting(tmp_path: Path) -> None:
    ran = _serve(tmp_path, "--sandbox", SORA_UNIFIED_GATEWAY_KEYS="alice:short")
    assert ran.returncode == 3 and "8 to 512" in ran.stderr, ran.stderr


@pytest.mark.subprocess
def test_serve_announces_its_url_once_it_accepts_and_logs_each_request(tmp_path: Path) -> None:
    import json

    import httpx

    key = "sk-gw-a-key-for-the-log-test"
    env = {**os.environ, "SORA_UNIFIED_GATEWAY_KEYS": f"alice:{key}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "sora_unified.cli", "serve", "--sandbox", "--port", "0",
         "--db", str(tmp_path / "gw.sqlite3"), "--json"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        announced = json.loads(process.stdout.readline())
        # Accepting already: no retry, no wait between the announcement and the first request.
        listed = httpx.get(f"{announced['url']}/videos", headers={"Authorization": f"Bearer {key}"})
        assert listed.status_code == 200
        logged = json.loads(process.stdout.readline())
        assert logged == {**logged, "event": "request", "method": "GET", "path": "/v1/videos"}
        assert logged["status"] == 200
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=30)
    assert key not in out
