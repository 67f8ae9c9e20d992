"""A local emulator of kie.ai, evolink.ai and modelverse.cn, as our specs describe them.

    from sora_unified import Client, VideoRequest
    from sora_unified.sandbox import Sandbox, SANDBOX_KEY

    with Sandbox() as sandbox:
        client = Client("kie", api_key=SANDBOX_KEY, base_url=sandbox.base_url("kie"))
        client.generate(VideoRequest(prompt="a corgi surfing"), out="corgi.mp4")
        assert sandbox.state.tasks_created("kie") == 1

Each vendor lives under its own prefix (`/kie`, `/evolink`, `/modelverse`) with its real paths,
auth, error format and task states; results are real MP4 files served under `/files`. kie's and
evolink's file hosts (local images) live under `/kie-files` and `/evolink-files`
(`Sandbox.files_base_url(vendor)`); uploaded files are served back under `/files/uploads`.
`Sandbox.app` is the ASGI app, usable in-process (httpx.ASGITransport, schemathesis).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, NotRequired, Protocol, TypedDict

from .._access_log import Request
from .._constants import MIN_POLL_INTERVAL_SECONDS, POLL_SCHEDULE
from .._limits import RateLimit
from .._server import ThreadedServer
from ._config import FAULT_KINDS, SANDBOX_KEY, Fault, SandboxConfig, Timing
from ._state import CallbackAttempt, SandboxState

__all__ = [
    "FAULT_KINDS",
    "SANDBOX_KEY",
    "CallbackAttempt",
    "ClientOptions",
    "Fault",
    "Sandbox",
    "SandboxConfig",
    "SandboxState",
    "Timing",
    "client_options",
    "vendor_error",
    "vendor_spec",
]


# ModelVerse's two APIs share a host, so they share a prefix.
PREFIXES = {"modelverse-openai": "modelverse"}


class ClientOptions(TypedDict):
    api_key: str
    base_url: str
    files_base_url: NotRequired[str]
    rate_limits: Mapping[str, RateLimit]
    poll_interval: NotRequired[float]


def poll_interval_for(timing: Timing) -> float:
    """A `wait` pace that fits a sandbox's timing: a task seen about five times while it runs
    (at least every 0.1 s, at most every 2.5 s as on a vendor), not 2.5 s after a job of 0.2 s."""
    length = timing.not_visible_seconds + timing.queue_seconds + timing.run_seconds
    return min(POLL_SCHEDULE[0][1], max(MIN_POLL_INTERVAL_SECONDS, length / 5))


def client_options(root: str, vendor: str) -> ClientOptions:
    """Client keyword arguments for `vendor` on a sandbox serving at `root` (its key, base URL
    and, for kie and evolink, the file host). Client-side rate limits are off: the sandbox
    runs a job's minutes in seconds, so a vendor's per-window limits would be out of scale
    (and the sandbox does not enforce them)."""
    from ._uploads import PATHS

    root = root.rstrip("/")
    prefix = PREFIXES.get(vendor, vendor)
    options: ClientOptions = {
        "api_key": SANDBOX_KEY,
        "base_url": f"{root}/{prefix}",
        "rate_limits": {},
    }
    if vendor in PATHS:
        options["files_base_url"] = f"{root}/{vendor}-files"
    return options


def vendor_spec(vendor: str) -> dict[str, Any]:
    """`vendor`'s OpenAPI document as the sandbox reads it (packaged in the wheel)."""
    from ._specs import spec

    return spec(vendor)


def vendor_error(
    vendor: str, status: int, message: str, *, retry_after: float | None = None
) -> tuple[int, Any, dict[str, str]]:
    """How `vendor` answers an error: (HTTP status, JSON body, headers), in its documented
    format (kie: its envelope, HTTP 200 except for rate limits, as its docs say)."""
    from ._vendors import error_reply

    return error_reply(vendor, status, message, retry_after)


class _WallClock(Protocol):
    def time(self) -> float: ...


class Sandbox:
    """The emulator: `app` for in-process use, `start()`/`with` to serve it on 127.0.0.1."""

    def __init__(
        self, config: SandboxConfig | None = None, *, clock: _WallClock | None = None
    ) -> None:
        from ._app import SandboxApp

        self.config = self._started_config = config or SandboxConfig()
        self.state = SandboxState(path=self.config.state)
        self._now = clock.time if clock is not None else time.time
        self._emulator = SandboxApp(self.config, self.state, self._now)
        self.app = self._emulator.app
        self._server: ThreadedServer | None = None
        self.url: str | None = None

    def base_url(self, vendor: str) -> str:
        """Where a Client for `vendor` should point (the vendor's prefix on this sandbox)."""
        if self.url is None:
            raise RuntimeError("the sandbox is not serving; call start() or use it in a with block")
        return f"{self.url}/{PREFIXES.get(vendor, vendor)}"

    def files_base_url(self, vendor: str) -> str:
        """Where a Client for `vendor` uploads local images (`files_base_url=`): the emulated
        file host of kie or evolink; modelverse takes images inline and has none."""
        found = self.client_options(vendor)
        if "files_base_url" not in found:
            raise ValueError(f"{vendor} has no file host (images go inline); kie and evolink do")
        return found["files_base_url"]

    def client_options(self, vendor: str) -> ClientOptions:
        """Keyword arguments pointing a Client at this sandbox:
        `Client("kie", **sandbox.client_options("kie"))`; its `wait` polls at a pace that fits
        this sandbox's timing (`poll_interval_for`)."""
        self.base_url(vendor)  # raises when not serving
        assert self.url is not None
        options = client_options(self.url, vendor)
        options["poll_interval"] = poll_interval_for(self.config.timing)
        return options

    def reset(self, config: SandboxConfig | None = None) -> None:
        """Forget every task, request count, credit spent, callback, upload and scripted fault,
        and behave as `config` says (by default the configuration the sandbox was made with):
        one sandbox serving many tests, each starting clean. The server keeps its port. Only
        `state` and `callback_transport` cannot change while it serves. A callback already on
        its way is still delivered."""
        chosen = config if config is not None else self._started_config
        self._emulator.reset(chosen)
        self.config = chosen

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
        """Answer the next `times` calls to `endpoint` (of `vendor`, or any) with the fault
        `kind` (FAULT_KINDS), then behave normally again: `fail_next("submit", "rate_limit")`,
        `fail_next("status", "drop_after")`, `fail_next("submit", "fail_generation")`. `delay`
        is a "slow" fault's wait, `retry_after` a rate limit's, `message` a failed generation's."""
        fault = Fault(
            kind=kind,  # type: ignore[arg-type]  # checked by Fault, naming what is allowed
            vendor=vendor,
            endpoint=endpoint,  # type: ignore[arg-type]
            delay=delay,
            retry_after=retry_after,
            message=message,
        )
        self._emulator.script.add(fault, times)
        return fault

    def callback_message(self, vendor: str, task_id: str) -> tuple[dict[str, Any], dict[str, str]]:
        """The callback `vendor` would send now for its finished task `task_id`: the JSON body
        and the headers (kie's signature when `kie_hmac_key` is set). ValueError for a task
        the sandbox does not have or that has not ended, or a vendor that sends none."""
        return self._emulator.callbacks.message(vendor, task_id)

    def scripted_faults(self) -> tuple[Fault, ...]:
        """The faults `fail_next` scripted that no call has taken yet."""
        return self._emulator.script.pending()

    def start(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        access_log: Callable[[Request], None] | None = None,
    ) -> Sandbox:
        """Serve on host:port (loopback only); returns once it accepts connections.
        `access_log` is told of each answered request (method, path, status, time)."""
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the sandbox serves on loopback only")
        self._server = ThreadedServer(self.app)
        try:
            self.url = self._server.start(host, port, access_log)
        except RuntimeError:
            raise RuntimeError("the sandbox server did not start") from None
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
        self._server = None
        self.url = None
        self.state.close()

    def __enter__(self) -> Sandbox:
        return self.start() if self.url is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
