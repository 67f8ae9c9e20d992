"""Hypothesis profiles: `default` keeps `make test` fast; `make test-deep` selects `deep`.

A failure prints the falsifying example and a `@reproduce_failure` blob (print_blob), and the
seed is fixed per test (derandomize) in the default profile so CI runs are reproducible.
"""

from __future__ import annotations

import os

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
