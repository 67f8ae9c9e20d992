"""What the sandbox remembers: tasks and their lifecycle, and bookkeeping a test can read.

Tasks live in memory, and also in a SQLite file when the sandbox is given one
(`SandboxConfig(state=...)`, `sora-unified sandbox --state FILE`): a task created by one run
(say `generate --sandbox`, interrupted) is found by the next (`wait TASK --sandbox`), and by
any other process sharing the file. Times are wall-clock seconds, so a task finishes on
schedule across runs.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
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
    # Where the creating request reached the sandbox; result links are built on the URL the
    # sandbox is reached at now (a restarted sandbox has another port), this is the fallback.
    base_url: str = ""
    # What the task makes ("video", and from the model issue on "character", ...) and the
    # model-specific facts its answers need (a character id, the remixed task).
    kind: str = "video"
    extra: dict[str, Any] = field(default_factory=dict)

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

    def file_url(self, base_url: str | None = None) -> str:
        return f"{base_url or self.base_url}/files/{self.vendor}/{self.id}.mp4"


@dataclass(frozen=True, slots=True)
class CallbackAttempt:
    vendor: str
    task_id: str
    url: str
    attempt: int
    status: int | None  # None when no HTTP answer came back (or nothing was sent)
    headers: dict[str, str]
    body: dict[str, Any]
    # "delivered", "failed" (a non-2xx answer or no connection), "logged" (written to the
    # callback log) or "withheld" (the delivery policy kept it from leaving the machine).
    outcome: str = "delivered"
    detail: str = ""


class _TaskFile:
    """Tasks in a SQLite file shared by sandbox runs and processes."""

    def __init__(self, path: str) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        # A killed process loses nothing with WAL and NORMAL; only a power cut could, and an
        # emulator's tasks are not worth an fsync per task (it made creates 4x slower).
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS tasks"
            " (vendor TEXT, id TEXT, task TEXT NOT NULL, PRIMARY KEY (vendor, id))"
        )

    def save(self, task: SandboxTask) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO tasks (vendor, id, task) VALUES (?, ?, ?)",
            (task.vendor, task.id, json.dumps(dataclasses.asdict(task))),
        )

    def load(self, vendor: str, task_id: str) -> SandboxTask | None:
        row = self._db.execute(
            "SELECT task FROM tasks WHERE vendor = ? AND id = ?", (vendor, task_id)
        ).fetchone()
        return SandboxTask(**json.loads(row[0])) if row else None

    def close(self) -> None:
        self._db.close()


@dataclass
class SandboxState:
    """Thread-safe bookkeeping a test can read, e.g. to prove nothing was submitted twice."""

    tasks: dict[tuple[str, str], SandboxTask] = field(default_factory=dict)
    requests: Counter[tuple[str, str]] = field(default_factory=Counter)
    created_per_key: Counter[tuple[str, str]] = field(default_factory=Counter)
    callbacks: list[CallbackAttempt] = field(default_factory=list)
    credits_used: dict[tuple[str, str], float] = field(default_factory=dict)
    # Request fields the spec does not list, ignored under unknown_fields="ignore".
    ignored_fields: Counter[tuple[str, str]] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    path: str | None = None
    _file: _TaskFile | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.path is not None:
            self._file = _TaskFile(self.path)

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
            if self._file is not None:
                self._file.save(task)

    def task(self, vendor: str, task_id: str) -> SandboxTask | None:
        with self.lock:
            found = self.tasks.get((vendor, task_id))
            if found is None and self._file is not None:
                found = self._file.load(vendor, task_id)
                if found is not None:
                    self.tasks[(vendor, task_id)] = found
            return found

    def save(self, task: SandboxTask) -> None:
        """Persist a change to a task (its callback sent, say)."""
        with self.lock:
            if self._file is not None:
                self._file.save(task)

    def record_callback(self, attempt: CallbackAttempt) -> None:
        with self.lock:
            self.callbacks.append(attempt)

    def ignore_field(self, vendor: str, path: str) -> None:
        with self.lock:
            self.ignored_fields[(vendor, path)] += 1

    def tasks_created(self, vendor: str, key: str | None = None) -> int:
        with self.lock:
            return sum(
                n for (v, k), n in self.created_per_key.items() if v == vendor and key in (None, k)
            )

    def request_count(self, vendor: str, endpoint: str) -> int:
        with self.lock:
            return self.requests[(vendor, endpoint)]

    def clear(self) -> None:
        """Forget every task and count (the tasks in a state file stay there)."""
        with self.lock:
            self.tasks.clear()
            self.requests.clear()
            self.created_per_key.clear()
            self.callbacks.clear()
            self.credits_used.clear()
            self.ignored_fields.clear()

    def close(self) -> None:
        with self.lock:
            if self._file is not None:
                self._file.close()
                self._file = None
