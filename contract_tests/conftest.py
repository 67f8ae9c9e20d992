"""Hypothesis profiles: `default` keeps `make test` fast; `make test-deep` selects `deep`.

A failure prints the falsifying example and a `@reproduce_failure` blob (print_blob), and the
seed is fixed per test (derandomize) in the default profile so CI runs are reproducible.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=40,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "deep",
    max_examples=1000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def _sandbox_state_in_tmp(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--sandbox` keeps its tasks in a per-user file; tests keep theirs in a temporary one."""
    monkeypatch.setenv("SORA_UNIFIED_SANDBOX_STATE", f"{tmp_path}/sandbox-state.sqlite3")
    monkeypatch.delenv("SORA_UNIFIED_SANDBOX_URL", raising=False)
