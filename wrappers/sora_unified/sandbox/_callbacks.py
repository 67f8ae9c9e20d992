"""Completion callbacks, delivered as the vendors do and only where the sandbox is allowed to.

The body has the shape of the status answer, with the same (downloadable) result links. kie
signs it when an HMAC key is configured and sends it once; evolink retries a non-2xx answer
after 1, 2 and 4 s. Where it goes is a policy (`SandboxConfig.callback_delivery`): loopback
hosts only (the default, so fuzzing the sandbox never POSTs to the internet), a JSON Lines
file, or anywhere (an explicit opt-in). Every attempt is recorded in `state.callbacks` with
its outcome.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import anyio
import httpx

from .._http import shared_ssl_context
from .._urls import is_loopback_host
from ..callbacks import sign_kie_callback
from ._config import SandboxConfig
from ._state import CallbackAttempt, SandboxState, SandboxTask
from ._vendors import Emulators

logger = logging.getLogger("sora_unified.sandbox")
_log_lock = threading.Lock()
CALLBACK_VENDORS = ("kie", "evolink")
# While a task owes a callback, how often the sender looks whether it has finished.
_POLL_SECONDS = 0.02
# With none owed, how long it sleeps unless woken (a state file may bring back owing tasks).
_IDLE_SECONDS = 0.25


class CallbackSender:
    def __init__(
        self,
        config: SandboxConfig,
        state: SandboxState,
        now: Callable[[], float],
        emulators: Emulators,
    ) -> None:
        self.config = config
        self.state = state
        self.now = now
        self.emulators = emulators
        # The URL the sandbox was last reached at: result links in callbacks use it, so they
        # are the status answers' links (and still work after a restart on another port).
        self.base_url: str | None = None
        self._wakeup: anyio.Event | None = None

    def created(self, task: SandboxTask) -> None:
        """A task was created (on the server's loop): one with a callback URL is looked at now."""
        if task.callback_url and self._wakeup is not None:
            self._wakeup.set()

    async def run(self) -> None:
        """Deliver callbacks for tasks as they finish, until cancelled.

        Tasks finish on the sandbox's clock (perhaps a test's fake one), so while one still
        owes a callback the sender looks every `_POLL_SECONDS`; with none it sleeps until a
        task with a callback URL is created (or `_IDLE_SECONDS`, for tasks a state file brings
        back). The HTTP client is made for the first callback: most sandboxes send none."""
        async with contextlib.AsyncExitStack() as stack, anyio.create_task_group() as group:
            client: httpx.AsyncClient | None = None
            while True:
                # Made before looking, so a task created while this loop awaits sets it.
                self._wakeup = anyio.Event()
                ready, owed = self._finished()
                if ready and client is None:
                    client = await stack.enter_async_context(self._http_client())
                for task in ready:
                    assert client is not None
                    group.start_soon(self._send, client, task)
                if owed:
                    await anyio.sleep(_POLL_SECONDS)
                else:
                    with anyio.move_on_after(_IDLE_SECONDS):
                        await self._wakeup.wait()

    def _http_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=self.config.callback_transport, timeout=10.0, verify=shared_ssl_context()
        )

    def _finished(self) -> tuple[list[SandboxTask], bool]:
        """The tasks whose callback is due now (marked sent), and whether others still owe one."""
        now, timing = self.now(), self.config.timing
        ready, owed = [], False
        with self.state.lock:
            for task in self.state.tasks.values():
                if not task.callback_url or task.callback_done:
                    continue
                if task.phase(now, timing) in ("completed", "failed"):
                    task.callback_done = True
                    ready.append(task)
                else:
                    owed = True
        for task in ready:
            self.state.save(task)
        return ready, owed

    def _headers(self, task: SandboxTask) -> dict[str, str]:
        if task.vendor != "kie" or not self.config.kie_hmac_key:
            return {}
        timestamp = int(self.now())
        return {
            "X-Webhook-Timestamp": str(timestamp),
            "X-Webhook-Signature": sign_kie_callback(task.id, timestamp, self.config.kie_hmac_key),
        }

    def _withheld(self, url: str) -> str | None:
        """Why the policy keeps this callback on the machine, or None to deliver it."""
        policy = self.config.callback_delivery
        if policy == "anywhere":
            return None
        if policy == "log":
            return "logged"
        host = urlsplit(url).hostname or ""
        if is_loopback_host(host):
            return None
        return (
            f"not delivered to {host}: callback_delivery is 'loopback' (the default), so the"
            " sandbox only calls back to this machine; set it to 'anywhere' or 'log'"
        )

    def _log(self, task: SandboxTask, headers: dict[str, str], body: dict[str, Any]) -> None:
        assert self.config.callback_log is not None
        line = {
            "time": time.time(),
            "vendor": task.vendor,
            "task": task.id,
            "url": task.callback_url,
            "headers": headers,
            "body": body,
        }
        with _log_lock, Path(self.config.callback_log).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")

    def message(self, vendor: str, task_id: str) -> tuple[dict[str, Any], dict[str, str]]:
        """The callback `vendor` sends for its finished task `task_id`: body and headers
        (signed when the vendor signs and a key is configured)."""
        if vendor not in CALLBACK_VENDORS:
            raise ValueError(f"{vendor} sends no callbacks; {' and '.join(CALLBACK_VENDORS)} do")
        task = self.state.task(vendor, task_id)
        if task is None:
            raise ValueError(f"the sandbox has no {vendor} task {task_id!r}")
        phase = task.phase(self.now(), self.config.timing)
        if phase not in ("completed", "failed"):
            raise ValueError(
                f"{vendor} task {task_id} has not ended ({phase.replace('_', ' ')}):"
                " its callback comes when it does"
            )
        return self._message(task)

    def _message(self, task: SandboxTask) -> tuple[dict[str, Any], dict[str, str]]:
        emulator = self.emulators[task.vendor]
        phase = task.phase(self.now(), self.config.timing)
        body = emulator.callback(task, phase, self.config.timing, self.base_url or task.base_url)
        return body, self._headers(task)

    async def _send(self, client: httpx.AsyncClient, task: SandboxTask) -> None:
        body, headers = self._message(task)
        url = task.callback_url
        assert url is not None

        def record(attempt: int, status: int | None, outcome: str, detail: str = "") -> None:
            self.state.record_callback(
                CallbackAttempt(
                    task.vendor, task.id, url, attempt, status, headers, body, outcome, detail
                )
            )

        withheld = self._withheld(url)
        if withheld == "logged":
            self._log(task, headers, body)
            record(1, None, "logged", str(self.config.callback_log))
            return
        if withheld is not None:
            logger.info("sandbox %s: callback for %s %s", task.vendor, task.id, withheld)
            record(1, None, "withheld", withheld)
            return
        delays = self.config.callback_retry_delays if task.vendor == "evolink" else ()
        for attempt in range(len(delays) + 1):
            try:
                response = await client.post(url, json=body, headers=headers)
                status: int | None = response.status_code
                detail = f"HTTP {status}"
            except httpx.HTTPError as error:
                status, detail = None, f"{type(error).__name__}: {error}"
            delivered = status is not None and 200 <= status < 300
            record(attempt + 1, status, "delivered" if delivered else "failed", detail)
            if delivered:
                return
            if attempt < len(delays):
                await anyio.sleep(delays[attempt])
