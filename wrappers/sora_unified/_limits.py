"""How fast and how much at once a client may call a vendor.

Two separate bounds, both shared code (adapters only state the numbers their vendor documents):

- requests in flight per client (`max_concurrency`): a queue in front of the connection pool,
  which is sized to match. httpx's default pool under thousands of queued requests opens a
  connection per request and defeats keep-alive; a bounded queue keeps it linear.
- requests started per time window (`RateLimit`): kie documents 20 new generations per 10 s per
  account and 10 status reads per second per key. The limiter is shared by every client of one
  process that uses the same vendor, host and key, since the vendor counts per key, not per
  client object.

The limiter reserves a start time instead of sleeping under a lock, so the same object serves
threads and event loops; the caller sleeps on its own (injectable) clock.
"""

from __future__ import annotations

import hashlib
import queue
import threading
import weakref
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ConfigurationError

__all__ = [
    "DEFAULT_MAX_CONCURRENCY",
    "RATE_LIMITED_CALLS",
    "AsyncSlots",
    "RateLimit",
    "RateLimiter",
    "ThreadSlots",
    "check_max_concurrency",
    "check_rate_limits",
    "shared_limiter",
]

# The kinds of call a limit can name: paid creations (submits, remixes...), status reads.
RATE_LIMITED_CALLS = ("submit", "status")
# Enough to keep a vendor busy from one machine; 1,000 jobs stay linear with it (bench/).
DEFAULT_MAX_CONCURRENCY = 20


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most `requests` starts in any window of `per_seconds`."""

    requests: int
    per_seconds: float

    def __post_init__(self) -> None:
        count, seconds = self.requests, self.per_seconds
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ConfigurationError(
                f"RateLimit.requests must be a whole number >= 1; got {count!r}"
            )
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not seconds > 0:
            raise ConfigurationError(
                f"RateLimit.per_seconds must be a number > 0; got {self.per_seconds!r}"
            )


class RateLimiter:
    """A sliding window of reserved start times, one window per kind of call."""

    def __init__(self, limits: Mapping[str, RateLimit]) -> None:
        self._limits = dict(limits)
        self._starts: dict[str, deque[float]] = {kind: deque() for kind in self._limits}
        self._lock = threading.Lock()

    @property
    def limits(self) -> dict[str, RateLimit]:
        return dict(self._limits)

    def reserve(self, kind: str, now: float) -> float:
        """Book the next start for `kind` at or after `now`; return how long to wait for it."""
        limit = self._limits.get(kind)
        if limit is None:
            return 0.0
        with self._lock:
            starts = self._starts[kind]
            start = now
            if len(starts) >= limit.requests:
                # The start `requests` places back must have left the window.
                start = max(now, starts[-limit.requests] + limit.per_seconds)
            starts.append(start)
            while len(starts) > limit.requests:
                starts.popleft()
            return start - now


_shared: dict[tuple[str, str, str, tuple[tuple[str, RateLimit], ...]], RateLimiter] = {}
_shared_lock = threading.Lock()


def shared_limiter(
    vendor: str, base_url: str, api_key: str, limits: Mapping[str, RateLimit]
) -> RateLimiter:
    """The process-wide limiter for one vendor account (the key is kept only as a digest)."""
    digest = hashlib.sha256(api_key.encode()).hexdigest()
    identity = (vendor, base_url, digest, tuple(sorted(limits.items())))
    with _shared_lock:
        limiter = _shared.get(identity)
        if limiter is None:
            limiter = _shared[identity] = RateLimiter(limits)
        return limiter


def check_max_concurrency(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(f"max_concurrency must be a whole number >= 1; got {value!r}")
    return value


def check_rate_limits(value: object) -> dict[str, RateLimit] | None:
    """None: the vendor's documented limits; a mapping (empty: none at all) replaces them."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ConfigurationError(
            "rate_limits must be a mapping such as {'submit': RateLimit(20, 10.0)}, or None for"
            f" the vendor's documented limits; got {value!r}"
        )
    checked: dict[str, RateLimit] = {}
    for kind, limit in value.items():
        if kind not in RATE_LIMITED_CALLS:
            raise ConfigurationError(
                f"rate_limits key {kind!r} is not one of {', '.join(RATE_LIMITED_CALLS)}"
            )
        if not isinstance(limit, RateLimit):
            raise ConfigurationError(f"rate_limits[{kind!r}] must be a RateLimit; got {limit!r}")
        checked[kind] = limit
    return checked


class ThreadSlots:
    """`with slots:` admits `size` threads at once. Tokens in a C-level queue: threading's
    Semaphore (a Condition in Python) costs five times as much, on every request."""

    def __init__(self, size: int) -> None:
        self._tokens: queue.SimpleQueue[None] = queue.SimpleQueue()
        for _ in range(size):
            self._tokens.put(None)

    def __enter__(self) -> None:
        self._tokens.get()

    def __exit__(self, *exc_info: object) -> None:
        self._tokens.put(None)


class AsyncSlots:
    """`async with slots:` admits `size` at once. The semaphore is made per running event loop
    on first use (an asyncio primitive belongs to one loop; `asyncio.run` twice is two loops),
    so constructing a client needs no loop and the sync client never imports asyncio."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._per_loop: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()

    async def __aenter__(self) -> None:
        import asyncio

        loop = asyncio.get_running_loop()
        semaphore = self._per_loop.get(loop)
        if semaphore is None:
            semaphore = self._per_loop[loop] = asyncio.Semaphore(self._size)
        await semaphore.acquire()

    async def __aexit__(self, *exc_info: object) -> None:
        import asyncio

        self._per_loop[asyncio.get_running_loop()].release()


class OnceLock:
    """Guards making something once (the download client) when threads share a client."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(self, *exc_info: object) -> None:
        self._lock.release()


class AsyncOnceLock:
    """`OnceLock`'s twin for one event loop: code with no `await` inside runs without
    interruption there, so there is nothing to lock; the pair keeps both clients one text."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: object) -> None:
        return None
