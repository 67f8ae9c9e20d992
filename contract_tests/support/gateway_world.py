"""A gateway backed by the sandbox, for the gateway's tests: keys of two tenants, the pinned
openai package in strict response validation, and the store to look into."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import openai
from sora_unified.gateway import Gateway, GatewayKey, WebhookTarget, clients_for
from sora_unified.sandbox import Fault, Sandbox, SandboxConfig, Timing

ALICE = GatewayKey("sk-gw-alice-0123456789", "alice")
BOB = GatewayKey("sk-gw-bob-9876543210", "bob")
FAST = Timing(queue_seconds=0.1, run_seconds=0.2, not_visible_seconds=0)
# A length each vendor's `sora-2` model offers (OpenAI's own 4 s is not sold by all).
SECONDS = {"kie": "10", "evolink": "10", "modelverse": "4", "modelverse-openai": "4"}
VENDORS = tuple(SECONDS)


def strict_client(url: str, key: GatewayKey, **options: Any) -> openai.OpenAI:
    """The openai package as a migrating user has it, validating every answer strictly."""
    return openai.OpenAI(
        base_url=f"{url}/v1", api_key=key.key, _strict_response_validation=True, **options
    )


class World:
    def __init__(
        self,
        tmp_path: Path,
        vendor: str = "kie",
        *,
        faults: tuple[Fault, ...] = (),
        timing: Timing = FAST,
        sandbox: Sandbox | None = None,
        client_retries: int = 0,
        **gateway: Any,
    ) -> None:
        self.tmp_path = tmp_path
        self.vendor = vendor
        self.own_sandbox = sandbox is None
        self.sandbox = sandbox or Sandbox(SandboxConfig(timing=timing, faults=faults)).start()
        self.options = gateway
        self.client_retries = client_retries
        self.gateway = self._gateway()
        self.alice = strict_client(self.url, ALICE)
        self.bob = strict_client(self.url, BOB)

    def _gateway(self) -> Gateway:
        sandbox = self.sandbox
        return Gateway(
            vendor=self.vendor,
            keys=(ALICE, BOB),
            db=self.tmp_path / "gateway.sqlite3",
            clients=clients_for(
                lambda v: {**sandbox.client_options(v), "max_retries": self.client_retries}
            ),
            poll_after_ms=20,
            **self.options,
        ).start()

    @property
    def url(self) -> str:
        assert self.gateway.url is not None
        return self.gateway.url

    def restart(self, **changes: Any) -> None:
        """Stop the gateway and start another on the same store (a new process would too)."""
        self.gateway.stop()
        self.options.update(changes)
        self.gateway = self._gateway()
        for client in (self.alice, self.bob):
            client.close()
        self.alice = strict_client(self.url, ALICE)
        self.bob = strict_client(self.url, BOB)

    def http(self, key: GatewayKey | None = ALICE) -> httpx.Client:
        headers = {} if key is None else {"Authorization": f"Bearer {key.key}"}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def close(self) -> None:
        self.alice.close()
        self.bob.close()
        self.gateway.stop()
        if self.own_sandbox:
            self.sandbox.stop()


def wait_until(check: Callable[[], bool], seconds: float = 120.0, what: str = "") -> None:
    """Poll a condition of a real server (bounded; fails with what was awaited)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        time.sleep(0.02)


def webhook(url: str = "https://hooks.example.test/sora") -> WebhookTarget:
    import base64

    return WebhookTarget(url, "whsec_" + base64.b64encode(b"a webhook secret for tests").decode())
