"""What the sandbox remembers: tasks and their lifecycle, and bookkeeping a test can read."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from ._config import Timing

Phase = Literal["not_visible", "queued", "running", "completed", "failed"]
CONTENT_POLICY_MESSAGE = "The request was rejected by content moderation: content policy violation"


@dataclass
class SandboxTask:
    vendor: str
    id: str
    key: str
    model: str
    created: float  # sandbox clock, seconds
    seconds: float
    size: str
    body: dict[str, Any]
    callback_url: str | None = None
    fail_reason: str | None = None
    callback_done: bool = False

    def elapsed(self, now: float) -> float:
        return max(0.0, now - self.created)

    def phase(self, now: float, timing: Timing) -> Phase:
        elapsed = self.elapsed(now)
        if self.vendor == "kie" and elapsed < timing.not_visible_seconds:
            return "not_visible"
        if elapsed < timing.queue_seconds:
            return "queued"
        if elapsed < timing.queue_seconds + timing.run_seconds:
            return "running"
        return "failed" if self.fail_reason else "completed"

    def progress(self, now: float, timing: Timing) -> int:
        phase = self.phase(now, timing)
        if phase == "completed":
            return 100
        if phase != "running" or timing.run_seconds <= 0:
            return 0
        share = (self.elapsed(now) - timing.queue_seconds) / timing.run_seconds
        return max(1, min(99, int(share * 100)))

    def finished_at(self, timing: Timing) -> float:
        return self.created + timing.queue_seconds + timing.run_seconds


@dataclass(frozen=True, slots=True)
class CallbackAttempt:
    vendor: str
    task_id: str
    url: str
    attempt: int
    status: int | None  # None when the receiver could not be reached
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class SandboxState:
    """Thread-safe bookkeeping a test can read, e.g. to prove nothing was submitted twice."""

    tasks: dict[tuple[str, str], SandboxTask] = field(default_factory=dict)
    requests: Counter[tuple[str, str]] = field(default_factory=Counter)
    created_per_key: Counter[tuple[str, str]] = field(default_factory=Counter)
    callbacks: list[CallbackAttempt] = field(default_factory=list)
    credits_used: dict[tuple[str, str], float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count_request(self, vendor: str, endpoint: str) -> int:
        with self.lock:
            self.requests[(vendor, endpoint)] += 1
            return self.requests[(vendor, endpoint)]

    def add_task(self, task: SandboxTask, cost: float) -> None:
        with self.lock:
            self.tasks[(task.vendor, task.id)] = task
            self.created_per_key[(task.vendor, task.key)] += 1
            self.credits_used[(task.vendor, task.key)] = (
                self.credits_used.get((task.vendor, task.key), 0.0) + cost
            )

    def task(self, vendor: str, task_id: str) -> SandboxTask | None:
        with self.lock:
            return self.tasks.get((vendor, task_id))

    def record_callback(self, attempt: CallbackAttempt) -> None:
        with self.lock:
            self.callbacks.append(attempt)

    def tasks_created(self, vendor: str, key: str | None = None) -> int:
        with self.lock:
            return sum(
                n for (v, k), n in self.created_per_key.items() if v == vendor and key in (None, k)
            )

    def request_count(self, vendor: str, endpoint: str) -> int:
        with self.lock:
            return self.requests[(vendor, endpoint)]
