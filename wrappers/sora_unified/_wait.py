"""The polling plan for `wait`, shared by both clients: deadline, schedule, progress events."""

from __future__ import annotations

import inspect
import math
from collections.abc import Awaitable, Callable
from typing import Any

from ._clock import Clock
from ._constants import MIN_POLL_INTERVAL_SECONDS, POLL_SCHEDULE
from .errors import ConfigurationError, GenerationFailedError, WaitTimeoutError
from .types import Task, Video

# What `wait(on_progress=...)` calls with each changed Video: the async client also awaits
# what the callback returns when it is awaitable (an `async def` callback).
ProgressCallback = Callable[[Video], Any]
AsyncProgressCallback = Callable[[Video], Awaitable[Any] | Any]


def notify(on_progress: ProgressCallback | None, video: Video) -> None:
    if on_progress is not None:
        on_progress(video)


async def notify_async(on_progress: AsyncProgressCallback | None, video: Video) -> None:
    if on_progress is not None:
        outcome = on_progress(video)
        if inspect.isawaitable(outcome):
            await outcome


def check_poll_interval(value: object) -> float | None:
    """None: the schedule (2.5 s for the first 30 s, then 7.5 s, then 20 s); a number of seconds
    (at least MIN_POLL_INTERVAL_SECONDS) between every two polls instead."""
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < MIN_POLL_INTERVAL_SECONDS
    ):
        raise ConfigurationError(
            f"poll_interval must be a number of seconds >= {MIN_POLL_INTERVAL_SECONDS:g}, or None"
            f" for the schedule ({POLL_SCHEDULE[0][1]:g} s, then slower); got {value!r}"
        )
    return float(value)


def poll_interval(elapsed: float) -> float:
    for until, interval in POLL_SCHEDULE:
        if elapsed < until:
            return interval
    return POLL_SCHEDULE[-1][1]


class WaitTracker:
    def __init__(
        self, task: Task, timeout: float, clock: Clock, interval: float | None = None
    ) -> None:
        self.task = task
        self.timeout = timeout
        self.clock = clock
        self.interval = interval
        self.started = clock.monotonic()
        self.last: Video | None = None

    @property
    def until(self) -> float:
        """When the wait gives up, on its clock (each poll's own request ends by then too)."""
        return self.started + self.timeout

    def remaining(self) -> float:
        return max(0.0, self.until - self.clock.monotonic())

    def timed_out(self, cause: BaseException | None = None) -> WaitTimeoutError:
        last = self.last
        state = f"still {last.status} ({last.progress}%)" if last else "not seen yet"
        error = WaitTimeoutError(
            f"{self.task} {state} after {self.timeout:g} s; the task keeps running:"
            " wait again or check later",
            video=last,
            task=self.task,
        )
        error.__cause__ = cause
        return error

    def changed(self, video: Video) -> bool:
        """Record a poll; True when status or progress moved (the progress callback fires)."""
        last, self.last = self.last, video
        return last is None or (last.status, last.progress) != (video.status, video.progress)

    def next_delay(self, video: Video) -> float | None:
        """Seconds until the next poll, None when the task is done; raises at the deadline."""
        if video.done:
            return None
        elapsed = self.clock.monotonic() - self.started
        remaining = self.timeout - elapsed
        if remaining <= 0:
            raise self.timed_out()
        planned = poll_interval(elapsed) if self.interval is None else self.interval
        return max(MIN_POLL_INTERVAL_SECONDS, min(planned, remaining))


def finish(video: Video, *, raise_on_failure: bool) -> Video:
    if video.status == "failed" and raise_on_failure:
        raise GenerationFailedError(video)
    return video
