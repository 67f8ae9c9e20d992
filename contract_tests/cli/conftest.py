"""The commands run in-process on an instant sandbox, their waits on a fake clock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contract_tests.support.fakes import INSTANT_SETTINGS, FakeClock


@pytest.fixture
def fake_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process commands poll on a fake clock: a task that never finishes (a drifted state
    word, a stuck emulator) ends in WaitTimeoutError after fake minutes, not real ones."""
    monkeypatch.setattr("sora_unified._client_base.SystemClock", FakeClock)


@pytest.fixture
def fast_sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`--sandbox` on instant tasks, in this test's folder (so a task made by one command is
    there for the next), with no vendor or sandbox choice inherited from the environment.
    The sandbox settings file's path."""
    config = tmp_path / "sandbox.json"
    config.write_text(json.dumps(INSTANT_SETTINGS))
    monkeypatch.setenv("SORA_UNIFIED_SANDBOX_CONFIG", str(config))
    monkeypatch.delenv("SORA_UNIFIED_SANDBOX", raising=False)
    monkeypatch.delenv("SORA_UNIFIED_VENDOR", raising=False)
    monkeypatch.chdir(tmp_path)
    return config
