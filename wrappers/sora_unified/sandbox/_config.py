"""Sandbox settings: keys, timing, callbacks and injected faults, from code or a JSON file.

{
  "timing": {"queue_seconds": 1, "run_seconds": 3, "not_visible_seconds": 0.5},
  "faults": [
    {"kind": "rate_limit", "vendor": "kie", "endpoint": "submit", "nth": [1]},
    {"kind": "server_error", "endpoint": "status", "probability": 0.1}
  ]
}
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal, get_args

import httpx

FaultKind = Literal[
    "rate_limit",  # 429 with Retry-After
    "maintenance",  # kie 455, others 503
    "server_error",  # 500 in the vendor's error format
    "bad_gateway",  # 502 with an HTML page (a proxy in front of the vendor)
    "unavailable",  # 503 in the vendor's error format
    "html_error",  # 500 with an HTML page
    "slow",  # answer normally after `delay` seconds
    "drop_before",  # connection dropped before the request is processed
    "drop_after",  # request processed (a task is created), then the connection dropped
    "insufficient_credits",  # the vendor's 402 (modelverse: 403 quota)
    "fail_generation",  # submit succeeds, the task ends failed with a content-policy message
]
Endpoint = Literal["submit", "status", "credits", "download", "*"]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)
ENDPOINTS: tuple[str, ...] = get_args(Endpoint)
VENDORS = ("kie", "evolink", "modelverse")
SANDBOX_KEY = "sandbox-key"


@dataclass(frozen=True, slots=True, kw_only=True)
class Fault:
    """Inject `kind` on calls to `vendor`/`endpoint` ("*" = any): on the listed call numbers
    (`nth`, counted from 1 per vendor and endpoint), with `probability`, or else always."""

    kind: FaultKind
    vendor: str = "*"
    endpoint: Endpoint = "*"
    nth: tuple[int, ...] = ()
    probability: float | None = None
    delay: float = 2.0
    retry_after: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(
                f"fault kind must be one of {', '.join(FAULT_KINDS)}; got {self.kind!r}"
            )
        if self.vendor != "*" and self.vendor not in VENDORS:
            raise ValueError(f"fault vendor must be *, {', '.join(VENDORS)}; got {self.vendor!r}")
        if self.endpoint not in ENDPOINTS:
            raise ValueError(
                f"fault endpoint must be one of {', '.join(ENDPOINTS)}; got {self.endpoint!r}"
            )
        if self.probability is not None and not 0 <= self.probability <= 1:
            raise ValueError(f"fault probability must be within 0..1; got {self.probability!r}")
        object.__setattr__(self, "nth", tuple(self.nth))

    def applies(self, vendor: str, endpoint: str, call_number: int, rng: random.Random) -> bool:
        if self.vendor not in ("*", vendor) or self.endpoint not in ("*", endpoint):
            return False
        if self.nth:
            return call_number in self.nth
        if self.probability is not None:
            return rng.random() < self.probability
        return True


@dataclass(frozen=True, slots=True, kw_only=True)
class Timing:
    """Seconds a task spends in each phase (kie also hides new tasks for a moment)."""

    queue_seconds: float = 1.0
    run_seconds: float = 3.0
    not_visible_seconds: float = 0.5
    link_ttl_seconds: float = 24 * 3600.0


@dataclass(frozen=True, slots=True, kw_only=True)
class SandboxConfig:
    api_keys: Mapping[str, frozenset[str]] = field(
        default_factory=lambda: {vendor: frozenset({SANDBOX_KEY}) for vendor in VENDORS}
    )
    timing: Timing = field(default_factory=Timing)
    faults: tuple[Fault, ...] = ()
    seed: int = 0
    credits: float = 10_000.0
    # kie signs callbacks when an HMAC key is set (X-Webhook-Timestamp / X-Webhook-Signature).
    kie_hmac_key: str | None = None
    # evolink retries a failed callback after 1, 2 and 4 s.
    callback_retry_delays: tuple[float, ...] = (1.0, 2.0, 4.0)
    # Where callbacks go; tests inject a mock transport so nothing leaves the machine.
    callback_transport: httpx.AsyncBaseTransport | None = None

    def with_faults(self, *faults: Fault) -> SandboxConfig:
        return replace(self, faults=self.faults + faults)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> SandboxConfig:
        known = {f.name for f in fields(cls)} - {"callback_transport"}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown sandbox setting(s): {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {
            k: v for k, v in data.items() if k not in ("timing", "faults", "api_keys")
        }
        if "callback_retry_delays" in values:
            values["callback_retry_delays"] = tuple(values["callback_retry_delays"])
        if "timing" in data:
            values["timing"] = Timing(**data["timing"])
        if "faults" in data:
            values["faults"] = tuple(Fault(**fault) for fault in data["faults"])
        if "api_keys" in data:
            values["api_keys"] = {
                vendor: frozenset(keys) for vendor, keys in data["api_keys"].items()
            }
        return cls(**values)

    @classmethod
    def from_file(cls, path: str | Path) -> SandboxConfig:
        return cls.from_mapping(json.loads(Path(path).read_text(encoding="utf-8")))
