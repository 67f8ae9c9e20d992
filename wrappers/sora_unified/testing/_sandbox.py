"""One serving sandbox for a whole test session, clean for every test."""

from __future__ import annotations

import dataclasses
import secrets
from types import TracebackType
from typing import Any

import httpx

from .. import AsyncClient, Client, Task
from ..callbacks import sign_kie_callback
from ..sandbox import CallbackAttempt, Fault, Sandbox, SandboxConfig, Timing
from ._clock import FakeClock

# Tasks finish the moment they are created: a test's `wait` sees the result on its first read.
INSTANT = Timing(queue_seconds=0, run_seconds=0, not_visible_seconds=0)
# kie signs callbacks with the account's webhook HMAC key; the kit's sandbox has this one, so a
# handler under test can verify what the sandbox (or `send_callback`) sends it.
KIE_HMAC_KEY = "sora-unified-testing-kie-hmac-key"


def default_config() -> SandboxConfig:
    """The kit's sandbox: instant tasks, signed kie callbacks, evolink calling back to this
    machine (the tests' own handlers), its callback retries after milliseconds, not seconds."""
    return SandboxConfig(
        timing=INSTANT,
        kie_hmac_key=KIE_HMAC_KEY,
        evolink_private_callbacks=True,
        callback_retry_delays=(0.01, 0.02, 0.04),
    )


def _task_of(task: Task | str) -> Task:
    return task if isinstance(task, Task) else Task.parse(task)


class SandboxKit:
    """A sandbox of every vendor (kie, evolink, modelverse and its OpenAI-compatible API)
    sharing a `FakeClock` with the clients it makes, for tests of code that generates videos.

        with SandboxKit() as kit:
            client = kit.client("kie")
            kit.fail_next("submit", "rate_limit")
            ...
            assert kit.submits("kie") == 1
            kit.reset()        # the next test starts clean

    The pytest plugin (`sora-unified[testing]`) gives it as the `sora_sandbox` fixture."""

    def __init__(self, config: SandboxConfig | None = None, *, clock: FakeClock | None = None):
        self.clock = clock if clock is not None else FakeClock()
        self.base_config = config if config is not None else default_config()
        self.sandbox = Sandbox(self.base_config, clock=self.clock)

    # -- serving -----------------------------------------------------------------------------

    def start(self) -> SandboxKit:
        self.sandbox.start()
        return self

    def stop(self) -> None:
        self.sandbox.stop()

    def __enter__(self) -> SandboxKit:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self.sandbox.url is None:
            raise RuntimeError("the sandbox is not serving; call start() or use it in a with block")
        return self.sandbox.url

    @property
    def config(self) -> SandboxConfig:
        """What the sandbox does in this test (the kit's defaults with this test's changes)."""
        return self.sandbox.config

    @property
    def kie_hmac_key(self) -> str | None:
        """The key kie's callbacks are signed with in this test (None: unsigned)."""
        return self.sandbox.config.kie_hmac_key

    def reset(self, *, timing: Timing | None = None, **settings: Any) -> None:
        """Start clean: no tasks, counts, credits spent, callbacks, uploads or scripted faults,
        the kit's configuration with these changes (`timing=Timing(queue_seconds=30)`,
        `credits=100`, any other `SandboxConfig` field), and the clock back at the real time
        with its sleeps forgotten."""
        changes = dict(settings, **({"timing": timing} if timing is not None else {}))
        known = {field.name for field in dataclasses.fields(SandboxConfig)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise TypeError(
                f"unknown sandbox setting(s) {', '.join(unknown)}; the settings are the fields"
                f" of SandboxConfig: {', '.join(sorted(known))}"
            )
        self.sandbox.reset(dataclasses.replace(self.base_config, **changes))
        self.clock.resync()

    # -- clients -----------------------------------------------------------------------------

    def client_options(self, vendor: str) -> dict[str, Any]:
        """Keyword arguments for a Client or AsyncClient of `vendor` on this sandbox and clock."""
        return {**self.sandbox.client_options(vendor), "clock": self.clock}

    def client(self, vendor: str, **options: Any) -> Client:
        """A Client on this sandbox (`options` override the kit's); the caller closes it."""
        return Client(vendor, **{**self.client_options(vendor), **options})

    def async_client(self, vendor: str, **options: Any) -> AsyncClient:
        """An AsyncClient on this sandbox (`options` override the kit's); the caller closes it."""
        return AsyncClient(vendor, **{**self.client_options(vendor), **options})

    # -- faults and time ---------------------------------------------------------------------

    def fail_next(
        self,
        endpoint: str,
        kind: str,
        *,
        vendor: str = "*",
        times: int = 1,
        delay: float = 2.0,
        retry_after: float = 1.0,
        message: str | None = None,
    ) -> Fault:
        """The next `times` calls to `endpoint` answer with the fault `kind`; see
        `Sandbox.fail_next` (for example "submit"/"rate_limit", "status"/"drop_after",
        "submit"/"fail_generation" for a content-policy failure, "submit"/"slow")."""
        return self.sandbox.fail_next(
            endpoint,
            kind,
            vendor=vendor,
            times=times,
            delay=delay,
            retry_after=retry_after,
            message=message,
        )

    def advance(self, seconds: float) -> None:
        """Move the shared clock forward: tasks progress, links age."""
        self.clock.advance(seconds)

    def expire_links(self) -> None:
        """Age every finished task's result link past its lifetime (`link_ttl_seconds`)."""
        timing = self.sandbox.config.timing
        self.clock.advance(timing.queue_seconds + timing.run_seconds + timing.link_ttl_seconds + 1)

    # -- what happened -----------------------------------------------------------------------

    def submits(self, vendor: str | None = None) -> int:
        """Tasks created (paid for) in this test, by `vendor` or by all of them."""
        state = self.sandbox.state
        if vendor is not None:
            return state.tasks_created(vendor)
        with state.lock:
            return sum(state.created_per_key.values())

    def requests(self, vendor: str, endpoint: str | None = None) -> int:
        """Requests `vendor` received in this test, to one endpoint ("submit", "status",
        "download", "credits", "upload", "fresh_link") or to all of them."""
        state = self.sandbox.state
        with state.lock:
            return sum(
                n for (v, e), n in state.requests.items() if v == vendor and endpoint in (None, e)
            )

    @property
    def callbacks(self) -> list[CallbackAttempt]:
        """Every callback the sandbox sent (or withheld) in this test, in order."""
        with self.sandbox.state.lock:
            return list(self.sandbox.state.callbacks)

    def task_ids(self, vendor: str) -> list[str]:
        """The ids of the tasks `vendor` created in this test, oldest first."""
        with self.sandbox.state.lock:
            found = [t for (v, _), t in self.sandbox.state.tasks.items() if v == vendor]
        return [t.id for t in sorted(found, key=lambda t: t.created)]

    # -- callbacks to the code under test ----------------------------------------------------

    def callback_message(
        self, task: Task | str, *, forged: bool = False
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """The callback the vendor sends for a finished task (a Task or "vendor:id"): its JSON
        body and headers. `forged=True`: a kie callback whose signature was made with another
        key, as an attacker would send it."""
        found = _task_of(task)
        # refuses a vendor without callbacks, a task it does not have or one not ended yet
        body, headers = self.sandbox.callback_message(found.vendor, found.id)
        if forged:
            if found.vendor != "kie":
                raise ValueError(
                    f"{found.vendor} does not sign its callbacks, so there is no signature to"
                    " forge; only kie's callbacks are signed"
                )
            timestamp = int(self.clock.time())
            headers = {
                "X-Webhook-Timestamp": str(timestamp),
                "X-Webhook-Signature": sign_kie_callback(
                    found.id, timestamp, secrets.token_urlsafe(16)
                ),
            }
        return body, headers

    def send_callback(
        self,
        task: Task | str,
        url: str,
        *,
        forged: bool = False,
        transport: httpx.BaseTransport | None = None,
    ) -> httpx.Response:
        """POST the vendor's callback for a finished task to your handler at `url` (a running
        server, or any URL with `transport=httpx.WSGITransport(app=your_app)`); the answer."""
        body, headers = self.callback_message(task, forged=forged)
        with httpx.Client(transport=transport, timeout=10.0) as http:
            return http.post(url, json=body, headers=headers)

    async def send_callback_async(
        self,
        task: Task | str,
        url: str,
        *,
        forged: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> httpx.Response:
        """`send_callback` for async code: `transport=httpx.ASGITransport(app=your_app)`
        reaches an ASGI app (Starlette, FastAPI) without a server."""
        body, headers = self.callback_message(task, forged=forged)
        async with httpx.AsyncClient(transport=transport, timeout=10.0) as http:
            return await http.post(url, json=body, headers=headers)
