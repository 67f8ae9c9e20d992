"""Ctrl-C and SIGTERM while a paid submit is on the wire.

Interrupting the submit's request would leave nobody knowing whether the vendor created (and
charged for) a task. So while one is on the wire the first signal only takes note: the submit
is let answer, its request timeout at most, and the command then stops naming the task it made
(`SubmitGuard`, for the commands that submit one task; `GracefulStop` for `batch`, which also
sends nothing new). A second signal stops at once: what it cuts off may have created a task.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from types import FrameType, TracebackType
from typing import Any

from ._exit import Terminated
from ._output import Output

SIGNALS = (signal.SIGINT, signal.SIGTERM)
MAY_HAVE_CREATED_A_TASK = (
    "the submit was on the wire: the vendor may have created a task (and charged for it);"
    " check its task list before submitting again"
)


def interruption(signum: int) -> KeyboardInterrupt:
    """What a signal raises in the command: KeyboardInterrupt, Terminated for SIGTERM."""
    return Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


class SubmitGuard:
    """`with SubmitGuard(output) as guard: task = client.submit(..., before_send=guard.
    before_send)`, then `guard.stop_if_asked()` once the task is known (where an interruption
    names it)."""

    def __init__(self, output: Output) -> None:
        self.output = output
        self.on_the_wire = False
        self.asked: int | None = None  # the signal that asked to stop while on the wire
        self.previous: dict[int, Any] = {}

    def before_send(self) -> bool:
        # Called again before each retry of a refused submit: asked to stop by then (in the
        # backoff, say), the retry does not leave.
        if self.asked is not None:
            raise interruption(self.asked)
        self.on_the_wire = True
        return True

    def __enter__(self) -> SubmitGuard:
        if threading.current_thread() is threading.main_thread():
            self.previous = {signum: signal.signal(signum, self._on_signal) for signum in SIGNALS}
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for signum, previous in self.previous.items():
            signal.signal(signum, previous)
        self.on_the_wire = False

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if not self.on_the_wire:
            raise interruption(signum)  # nothing paid is under way
        if self.asked is not None:
            stopped = interruption(signum)
            stopped.resume_hint = MAY_HAVE_CREATED_A_TASK  # type: ignore[attr-defined]
            raise stopped
        self.asked = signum
        self.output.event(
            "stopping",
            {"signal": signal.Signals(signum).name},
            "sora-unified: stopping once the vendor answers the submit"
            " (again to stop at once: whether it created a task is then unknown)",
        )

    def stop_if_asked(self) -> None:
        if self.asked is not None:
            raise interruption(self.asked)


class GracefulStop:
    """Ctrl-C or SIGTERM while an event loop runs a batch: the first cancels `running` (the
    batch then sends nothing new and lets submits on the wire answer, so their tasks are
    recorded rather than left uncertain); a second stops it at once. The command ends as
    KeyboardInterrupt (Terminated for SIGTERM)."""

    def __init__(self, output: Output) -> None:
        self.output = output
        self.received: list[int] = []
        self.previous: dict[int, Any] = {}

    def install(self, running: asyncio.Task[Any]) -> None:
        loop = asyncio.get_running_loop()
        for signum in SIGNALS:
            previous = signal.getsignal(signum)
            try:
                loop.add_signal_handler(signum, self.on_signal, signum, running)
            except (RuntimeError, ValueError):  # not the main thread: signals stay as they were
                return
            self.previous[signum] = previous

    def remove(self) -> None:
        loop = asyncio.get_running_loop()
        for signum, previous in self.previous.items():
            loop.remove_signal_handler(signum)
            signal.signal(signum, previous)  # the command's own handlers (SIGTERM: Terminated)

    def on_signal(self, signum: int, running: asyncio.Task[Any]) -> None:
        self.received.append(signum)
        if len(self.received) > 1:
            raise interruption(signum)
        self.output.event(
            "stopping",
            {"signal": signal.Signals(signum).name},
            "sora-unified: stopping: nothing new is sent, submits on the wire are let answer"
            " (again to stop at once: those would be left uncertain)",
        )
        running.cancel()
