"""Faults scripted for the next calls (`Sandbox.fail_next`): each answers one call, then is gone.

Configured faults (`SandboxConfig.faults`) describe a sandbox's standing behaviour; a scripted
fault is one test's "the next submit is rate limited", set while the sandbox serves. The test
thread adds them, the server's thread takes them: both under one lock, so a fault is never
taken twice or lost between the two.
"""

from __future__ import annotations

import threading

from ._config import Fault


class FaultScript:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[Fault] = []

    def add(self, fault: Fault, times: int = 1) -> None:
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise ValueError(f"times must be a whole number of calls, at least 1; got {times!r}")
        with self._lock:
            self._pending.extend([fault] * times)

    def take(self, vendor: str, endpoint: str) -> Fault | None:
        """The first scripted fault for this call, removed from the script (None: none)."""
        with self._lock:
            for index, fault in enumerate(self._pending):
                if fault.vendor in ("*", vendor) and fault.endpoint in ("*", endpoint):
                    return self._pending.pop(index)
        return None

    def pending(self) -> tuple[Fault, ...]:
        with self._lock:
            return tuple(self._pending)

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()
