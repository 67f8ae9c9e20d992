"""Sandbox settings: keys, timing, behaviour, callbacks, state and injected faults, from code
or a JSON file.

{
  "timing": {"queue_seconds": 1, "run_seconds": 3, "not_visible_seconds": 0.5},
  "unknown_fields": "ignore",
  "kie_error_form": "mixed",
  "callback_delivery": "loopback",
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
    "maintenance",  # kie 455; the others' documented "unavailable" answer
    "server_error",  # 500 in the vendor's error format
    "bad_gateway",  # 502 with an HTML page (a proxy in front of the vendor)
    "unavailable",  # 503 where documented (evolink), else the vendor's documented 5xx
    "html_error",  # 500 with an HTML page
    "slow",  # answer normally after `delay` seconds
    "drop_before",  # connection dropped before the request is processed
    "drop_after",  # request processed (a task is created), then the connection dropped
    "insufficient_credits",  # the vendor's 402 (modelverse: 403 quota)
    "fail_generation",  # submit succeeds, the task ends failed with a content-policy message
]
Endpoint = Literal["submit", "status", "credits", "download", "upload", "fresh_link", "*"]
UnknownFields = Literal["ignore", "reject"]
KieErrorForm = Literal["envelope", "http", "mixed"]
CallbackDelivery = Literal["loopback", "log", "anywhere"]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)
ENDPOINTS: tuple[str, ...] = get_args(Endpoint)
VENDORS = ("kie", "evolink", "modelverse", "modelverse-openai")
SANDBOX_KEY = "sandbox-key"


def _one_of(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")


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
    # fail_generation's failure message (default: a content-policy refusal); a vendor may
    # echo what it was sent there, the key included.
    message: str | None = None

    def __post_init__(self) -> None:
        _one_of("fault kind", self.kind, FAULT_KINDS)
        _one_of("fault vendor", self.vendor, ("*", *VENDORS))
        _one_of("fault endpoint", self.endpoint, ENDPOINTS)
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
    """How the sandbox behaves. Where the vendors' docs are silent the defaults are the
    least strict choice that is still safe (see the README's sandbox section)."""

    api_keys: Mapping[str, frozenset[str]] = field(
        default_factory=lambda: {vendor: frozenset({SANDBOX_KEY}) for vendor in VENDORS}
    )
    timing: Timing = field(default_factory=Timing)
    faults: tuple[Fault, ...] = ()
    seed: int = 0
    credits: float = 1_000_000.0  # a kie Pro 15 s high video is 630 credits
    # Each task is charged its price in the price table (sora_unified.prices()) times
    # `charge_factor` (a vendor charging more or less than its published price), or
    # `unpriced_charge` where no price is published.
    charge_factor: float = 1.0
    unpriced_charge: float = 0.0
    # Request fields the spec does not list: whether the real vendors refuse or ignore them is
    # undocumented, so by default the sandbox ignores them (logged, counted in `state`); the
    # contract tests hold our own client to "reject".
    unknown_fields: UnknownFields = "ignore"
    # kie answers errors as HTTP 200 with the code in the body ("envelope"), as that HTTP
    # status ("http"), or as its docs say: rate limits as HTTP 429, the rest in the envelope.
    kie_error_form: KieErrorForm = "mixed"
    # kie signs callbacks when an HMAC key is set (X-Webhook-Timestamp / X-Webhook-Signature).
    kie_hmac_key: str | None = None
    # Where callbacks go: loopback hosts only, a JSON Lines file (`callback_log`), or anywhere.
    callback_delivery: CallbackDelivery = "loopback"
    callback_log: str | None = None
    # evolink refuses loopback and private callback hosts (its documented rule); allow them to
    # receive evolink callbacks on this machine.
    evolink_private_callbacks: bool = False
    # evolink retries a failed callback after 1, 2 and 4 s.
    callback_retry_delays: tuple[float, ...] = (1.0, 2.0, 4.0)
    # Tests inject a mock transport so callbacks never leave the process.
    callback_transport: httpx.AsyncBaseTransport | None = None
    # URL uploads to the emulated file hosts fetch from loopback hosts only unless this is set
    # (a test must never make the sandbox reach the network).
    url_uploads_anywhere: bool = False
    # A SQLite file keeping tasks across sandbox runs (`sora-unified sandbox --state FILE`).
    state: str | None = None

    def __post_init__(self) -> None:
        _one_of("unknown_fields", self.unknown_fields, get_args(UnknownFields))
        _one_of("kie_error_form", self.kie_error_form, get_args(KieErrorForm))
        _one_of("callback_delivery", self.callback_delivery, get_args(CallbackDelivery))
        if self.callback_delivery == "log" and not self.callback_log:
            raise ValueError('callback_delivery "log" needs callback_log, a JSON Lines file')
        object.__setattr__(self, "callback_retry_delays", tuple(self.callback_retry_delays))

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
