"""Saving a result: stream to a temporary file beside the target, check, rename atomically.

Result links point at the vendor's file host, so downloads go through a client that never
carries the API key. A JSON or HTML error body is never saved as a video, and an expired
link is reported as such.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from .errors import DownloadError, LinkExpiredError
from .types import Task, Video

EXPIRED_STATUSES = frozenset({403, 404, 410})
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
REFUSED_CONTENT_TYPES = ("application/json", "text/", "application/xml", "application/problem")


def result_url(video: Video) -> str:
    url = video.url
    if url is None:
        state = f"status {video.status}" if video.status != "completed" else "no result URL"
        raise DownloadError(
            f"{video.vendor} task {video.task_id} has nothing to download ({state})",
            url="",
            task=video.task,
        )
    return url


def check_response(
    status: int,
    headers: Mapping[str, str],
    *,
    url: str,
    max_bytes: int | None,
    link_hours: int | None,
    task: Task,
) -> None:
    """Refuse a response that is not the video, before a byte is written."""
    if status in EXPIRED_STATUSES:
        lifetime = f" ({task.vendor} keeps result links about {link_hours} h)" if link_hours else ""
        raise LinkExpiredError(
            f"result link answered HTTP {status}: it has most likely expired{lifetime}."
            " Downloading again will not help; the video has to be generated again",
            url=url,
            status_code=status,
            task=task,
        )
    if status >= 400:
        raise DownloadError(
            f"result link answered HTTP {status}",
            url=url,
            status_code=status,
            retryable=status in RETRYABLE_STATUSES or status >= 500,
            task=task,
        )
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type.startswith(REFUSED_CONTENT_TYPES):
        raise DownloadError(
            f"result link answered {content_type} instead of a video; nothing was saved",
            url=url,
            status_code=status,
            task=task,
        )
    length = headers.get("content-length")
    if max_bytes is not None and length and length.isdigit() and int(length) > max_bytes:
        raise DownloadError(
            f"result is {int(length)} bytes, over the max_bytes cap of {max_bytes}",
            url=url,
            status_code=status,
            task=task,
        )


class PartFile:
    """A temporary file beside `target`, renamed over it on success and removed on failure."""

    def __init__(
        self, target: Path, *, url: str, max_bytes: int | None, expected: int | None, task: Task
    ) -> None:
        self.target = target
        self.url = url
        self.max_bytes = max_bytes
        self.expected = expected
        self.task = task
        self.written = 0
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=target.parent
        )
        self.path = Path(name)
        self.file = os.fdopen(handle, "wb")

    def write(self, chunk: bytes) -> None:
        self.written += len(chunk)
        if self.max_bytes is not None and self.written > self.max_bytes:
            raise DownloadError(
                f"result is over the max_bytes cap of {self.max_bytes}; nothing was saved",
                url=self.url,
                task=self.task,
            )
        self.file.write(chunk)

    def __enter__(self) -> PartFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.file.close()
        if exc_type is None and self.expected is not None and self.written != self.expected:
            self.path.unlink(missing_ok=True)
            raise DownloadError(
                f"download ended after {self.written} of {self.expected} bytes",
                url=self.url,
                retryable=True,
                task=self.task,
            )
        if exc_type is None and self.written == 0:
            self.path.unlink(missing_ok=True)
            raise DownloadError("result link answered an empty body", url=self.url, task=self.task)
        if exc_type is None:
            # mkstemp creates the file private (0600); give it the permissions of a normal file.
            os.chmod(self.path, 0o666 & ~_umask())
            os.replace(self.path, self.target)
        else:
            self.path.unlink(missing_ok=True)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def expected_length(headers: Mapping[str, str]) -> int | None:
    length = headers.get("content-length")
    encoded = headers.get("content-encoding", "identity").lower() not in ("", "identity")
    return int(length) if length and length.isdigit() and not encoded else None
