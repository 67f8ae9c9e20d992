"""What commands print: text for people, or JSON Lines events with --json."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

from ._style import paint

if TYPE_CHECKING:
    from .._access_log import Request
    from .._prices import Estimate
    from ..types import Video


class Progress:
    """One status line with a bar, status and elapsed time, redrawn in place on a terminal."""

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream = stream
        self.label = label
        self.started = time.monotonic()
        self.live = stream.isatty()
        self.last = ""

    def update(self, status: str, percent: float | None) -> None:
        elapsed = time.monotonic() - self.started
        bar = ""
        if percent is not None:
            filled = int(max(0.0, min(100.0, percent)) / 5)
            bar = f"[{'#' * filled}{'.' * (20 - filled)}] {percent:3.0f}% "
        line = f"{self.label} {bar}{status} {elapsed:5.1f}s"
        if self.live:
            shown = line if status not in ("completed",) else paint(line, "done", self.stream)
            self.stream.write("\r\x1b[2K" + shown)
        elif line.split()[:-1] != self.last.split()[:-1]:
            self.stream.write(line + "\n")
        self.stream.flush()
        self.last = line

    def done(self) -> None:
        if self.live and self.last:
            self.stream.write("\n")
            self.stream.flush()


def video_dict(video: Video) -> dict[str, Any]:
    return {
        "vendor": video.vendor,
        "task": str(video.task),
        "status": video.status,
        "progress": video.progress,
        "model": video.model,
        "seconds": video.seconds,
        "size": video.size,
        "url": video.url,
        "video_urls": list(video.video_urls),
        "watermarked_urls": list(video.watermarked_urls),
        "error_code": video.error_code,
        "error_message": video.error_message,
        "content_policy_violation": video.content_policy_violation,
        "vendor_status": video.vendor_status,
        "created_at": video.created_at.isoformat() if video.created_at else None,
        "completed_at": video.completed_at.isoformat() if video.completed_at else None,
        "cost": video.cost.as_dict() if video.cost else None,
    }


def estimate_dict(estimate: Estimate) -> dict[str, Any]:
    return {
        "vendor": estimate.vendor,
        "model": estimate.model,
        "seconds": estimate.seconds or None,
        "quality": estimate.quality,
        "remove_watermark": estimate.remove_watermark,
        "price": estimate.amount,
        "unit": estimate.unit,
        "usd": estimate.usd,
        "source": estimate.price.source,
        "notices": list(estimate.notices),
    }


class Output:
    """Text for people, or with --json one JSON object per line: streaming commands emit
    events as they happen (`submitted` first, then `progress`, then `completed` or `error`),
    so a task id is on stdout the moment it exists."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def result(self, data: dict[str, Any], text: str) -> None:
        print(json.dumps(data, ensure_ascii=False) if self.as_json else text, flush=True)

    def event(self, name: str, data: dict[str, Any], text: str | None = None) -> None:
        if self.as_json:
            print(json.dumps({"event": name, **data}, ensure_ascii=False), flush=True)
        elif text is not None:
            print(text, file=sys.stderr, flush=True)

    @contextmanager
    def progress(self, label: str) -> Iterator[Progress | None]:
        if self.as_json:
            yield None
            return
        bar = Progress(sys.stderr, label)
        try:
            yield bar
        finally:
            bar.done()


def request_logger(output: Output) -> Callable[[Request], None]:
    """A server's access log on the command's output: a line to people (stderr), a
    `request` event with --json."""

    def write(request: Request) -> None:
        data = {
            "method": request.method,
            "path": request.path,
            "status": request.status,
            "ms": round(request.milliseconds, 1),
        }
        output.event("request", data, str(request))

    return write


def serve_until_interrupted(output: Output, data: dict[str, Any], text: str) -> int:
    """Announce a server (its URL first, for scripts reading stdout) and keep it up until
    Ctrl-C or SIGTERM."""
    output.result(data, text)
    sys.stdout.flush()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
