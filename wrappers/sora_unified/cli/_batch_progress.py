"""The batch's progress as it runs: per-status counts, rate and ETA on one line of stderr (in
place on a terminal), or JSON events on stdout."""

from __future__ import annotations

import asyncio
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from ._output import Output

__all__ = ["PROGRESS_SECONDS", "BatchProgress"]

PROGRESS_SECONDS = 0.5


class BatchProgress:
    """Per-status counts, rate and ETA on one line (stderr), or JSON events on stdout."""

    def __init__(
        self,
        output: Output,
        total: int,
        counts: Counter[str],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.output = output
        self.total = total
        self.counts = counts
        self.clock = clock
        self.started = clock()
        self.done_at_start = counts["completed"] + counts["failed"]
        self.live = sys.stderr.isatty()
        self.shown = ""

    def event(self, name: str, data: dict[str, Any]) -> None:
        if name == "invalid":
            self.total -= 1
        if name == "skipped_pending":  # the budget is spent: every queued job at once
            self.counts["pending"] -= data["count"]
            self.counts["skipped"] += data["count"]
            self.output.event(
                name, data, f"skipped: {data['count']} queued job(s) ({data['reason']})"
            )
            return
        moves = {
            "submitted": ("pending", "running"),
            "completed": ("running", "completed"),
            "failed": ("running", "failed"),
            "uncertain": ("pending", "uncertain"),
            "skipped": ("pending", "skipped"),
            "invalid": ("pending", "invalid"),
        }
        if name in moves:
            source, target = moves[name]
            if name == "failed" and "task" not in data:
                source = "pending"  # refused before a task existed
            self.counts[source] -= 1
            self.counts[target] += 1
        text = None
        if name in ("invalid", "uncertain", "failed", "fallback"):
            detail = data.get("error", "")
            text = f"{name}: {data['custom_id']} ({data.get('vendor')}): {detail}"
        self.output.event(name, data, text if not self.live else None)

    def line(self) -> str:
        finished = self.counts["completed"] + self.counts["failed"]
        elapsed = max(self.clock() - self.started, 1e-6)
        rate = (finished - self.done_at_start) / elapsed
        left = self.total - finished - self.counts["uncertain"] - self.counts["skipped"]
        eta = f"ETA {left / rate:.0f}s" if rate > 0 and left > 0 else ""
        shown = ", ".join(
            f"{self.counts[name]} {name}"
            for name in ("completed", "running", "pending", "failed", "uncertain", "skipped")
            if self.counts[name]
        )
        return f"batch {finished}/{self.total}: {shown} | {rate:.1f} jobs/s {eta}".rstrip()

    def render(self) -> None:
        """The line in place on a terminal; elsewhere a new line each time it changes."""
        text = self.line()
        if self.live:
            sys.stderr.write("\r\x1b[2K" + text)
        elif text != self.shown:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()
        self.shown = text

    async def show(self) -> None:
        if self.output.as_json:
            return
        while True:
            await asyncio.sleep(PROGRESS_SECONDS)
            self.render()

    def finish(self) -> None:
        """The last line says where the run ended, however close together its last jobs did."""
        if self.output.as_json:
            return
        self.render()
        if self.live:
            sys.stderr.write("\n")
