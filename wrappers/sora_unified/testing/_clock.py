"""A clock for tests: time moves only when something sleeps on it (or a test moves it)."""

from __future__ import annotations

import threading
import time

import anyio


class FakeClock:
    """Time that moves only when the code under test sleeps (`wait` between polls, a retry's
    back-off) or a test calls `advance`: a wait for a video of minutes returns at once.

    Thread-safe: the sandbox serving on its own thread and the client under test read one
    clock, so a task's queue and run seconds pass exactly when the client sleeps through them.
    `time()` starts at the real time (timestamps stay plausible, and a signed callback passes
    a handler's freshness check); `resync()` brings it back there."""

    def __init__(self, start: float | None = None) -> None:
        self._lock = threading.Lock()
        self._now = time.time() if start is None else float(start)
        self._monotonic = 0.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        with self._lock:
            return self._monotonic

    def resync(self) -> None:
        """Set `time()` to the real time again (the kit does before each test); `monotonic()`
        never goes back, and the sleeps are forgotten."""
        with self._lock:
            self._now = time.time()
            self.sleeps.clear()

    def advance(self, seconds: float) -> None:
        """Move time forward by `seconds` without anyone sleeping (a link expiring, say)."""
        if not seconds >= 0:  # also refuses NaN
            raise ValueError(f"seconds must be a number >= 0; got {seconds!r}")
        with self._lock:
            self._now += seconds
            self._monotonic += seconds

    def sleep(self, seconds: float) -> None:
        if not seconds >= 0:
            raise ValueError(f"seconds must be a number >= 0; got {seconds!r}")
        with self._lock:
            self.sleeps.append(seconds)
            self._now += seconds
            self._monotonic += seconds

    async def sleep_async(self, seconds: float) -> None:
        self.sleep(seconds)
        # A real await point, as a sleep is one: other tasks of the loop run meanwhile.
        await anyio.sleep(0)
