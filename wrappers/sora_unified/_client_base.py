"""What `Client` and `AsyncClient` share: configuration, auth, limits, the budget's charges and
the one exit. The decisions a request meets on its way live in the modules named after them
(`_planning`, `_image_uploads`, `_retry`, `_tasks`, `_download`, `_wait`); the two clients
(one text, see `_async_client`) only perform the I/O between them."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from ._budget import Budget, Charges
from ._capabilities import Plan
from ._clock import Clock, SystemClock
from ._config import resolve_config
from ._exit import ClientExit
from ._http import bound_by_deadlines, shared_ssl_context
from ._limits import (
    DEFAULT_MAX_CONCURRENCY,
    RateLimit,
    RateLimiter,
    check_max_concurrency,
    check_rate_limits,
    shared_limiter,
)
from ._planning import plan_request
from ._pool import linear_pools
from ._redact import install_log_filter
from ._retry import RetryPolicy
from ._version import __version__
from ._wait import check_poll_interval
from ._wire import HttpCall
from .errors import ConfigurationError, SubmitCancelledError
from .types import AnyRequest, Task

__all__ = ["REFUSAL_BYTES", "BaseClient", "BeforeSend", "announce", "tune_own_transport"]

logger = logging.getLogger("sora_unified")

# An error answer from a content endpoint is read this far, for its message.
REFUSAL_BYTES = 64 * 1024

BeforeSend = Callable[[], bool]


def announce(before_send: BeforeSend | None) -> None:
    """The last word before a paid request leaves; False keeps it from leaving."""
    if before_send is not None and before_send() is False:
        raise SubmitCancelledError("before_send declined the submit: nothing was sent")


class HeaderAuth(httpx.Auth):
    """Adds the vendor's auth header per request, so the key is not in the client's headers."""

    def __init__(self, headers: dict[str, str]) -> None:
        self._headers = headers

    def auth_flow(self, request: httpx.Request) -> Any:
        request.headers.update(self._headers)
        yield request

    def __repr__(self) -> str:
        return "HeaderAuth(<redacted>)"


def tune_own_transport(client: httpx.Client | httpx.AsyncClient) -> None:
    """What a client built on httpx's own transport gets: whole-request deadlines and a
    connection pool whose bookkeeping stays linear (see _http and _pool)."""
    bound_by_deadlines(client)
    linear_pools(client)


class BaseClient:
    def __init__(
        self,
        vendor: str,
        *,
        api_key: str | None,
        base_url: str | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        clock: Clock | None,
        files_base_url: str | None = None,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        rate_limits: Mapping[str, RateLimit] | None = None,
        budget: Budget | None = None,
        poll_interval: float | None = None,
    ) -> None:
        self._max_concurrency = check_max_concurrency(max_concurrency)
        self._poll_interval = check_poll_interval(poll_interval)
        chosen_limits = check_rate_limits(rate_limits)
        self._config = resolve_config(
            vendor,
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            files_base_url=files_base_url,
        )
        self._adapter = self._config.adapter
        if budget is not None and budget.vendor != self._adapter.name:
            raise ConfigurationError(
                f"budget is for {budget.vendor} ({budget.unit}); this client is {vendor}'s"
            )
        self._charges = Charges(budget)
        self._policy = RetryPolicy(self._config.max_retries)
        self._clock: Clock = clock or SystemClock()
        self._auth_headers = self._adapter.auth_headers(self._config.api_key)
        self._auth = HeaderAuth(self._auth_headers)
        self._headers = {"User-Agent": f"sora-unified/{__version__}"}
        self._log_filter = install_log_filter(self._config.api_key)
        limits = self._adapter.documented_rate_limits if chosen_limits is None else chosen_limits
        self._limiter: RateLimiter | None = None
        if limits and clock is None:
            self._limiter = shared_limiter(self.vendor, self.base_url, self._config.api_key, limits)
        elif limits:  # an injected clock keeps its own time: its limiter cannot be shared
            self._limiter = RateLimiter(limits)

    def _http_options(self) -> dict[str, Any]:
        # The pool matches the requests allowed in flight: every request finds a connection
        # to reuse instead of queueing inside httpcore (see _limits).
        pool = httpx.Limits(
            max_connections=self._max_concurrency,
            max_keepalive_connections=self._max_concurrency,
        )
        return {"timeout": self._config.timeout, "verify": shared_ssl_context(), "limits": pool}

    def _rate_delay(self, call: HttpCall) -> float:
        """How long to wait before starting `call` under the vendor's rate limits."""
        if self._limiter is None:
            return 0.0
        kind = "submit" if call.creates_task else "status" if call.operation == "status" else ""
        return self._limiter.reserve(kind, self._clock.monotonic()) if kind else 0.0

    @property
    def max_concurrency(self) -> int:
        """Requests this client has in flight at most (the rest wait their turn)."""
        return self._max_concurrency

    @property
    def poll_interval(self) -> float | None:
        """Seconds between two polls of `wait`; None: the schedule (2.5 s, then slower)."""
        return self._poll_interval

    @property
    def rate_limits(self) -> dict[str, RateLimit]:
        """The client-side rate limits in force ("submit", "status"); empty when none."""
        return {} if self._limiter is None else self._limiter.limits

    @property
    def vendor(self) -> str:
        return self._adapter.name

    @property
    def base_url(self) -> str:
        return self._config.base_url

    @property
    def budget(self) -> Budget | None:
        """The budget every submit reserves its price in, if one was given."""
        return self._charges.budget

    def __repr__(self) -> str:
        return f"{type(self).__name__}(vendor={self.vendor!r}, base_url={self.base_url!r})"

    def _exit(self, *, task: Task | None = None, submitting: bool = False) -> ClientExit:
        """Everything raised inside leaves as a scrubbed SoraError carrying `task`."""
        return ClientExit(self.vendor, self._config.api_key, task, submitting)

    def _plan(self, request: AnyRequest) -> Plan:
        plan = plan_request(self._adapter, request)
        logger.debug("%s: submitting %s (%d s)", self.vendor, plan.model.model, plan.seconds)
        return plan
