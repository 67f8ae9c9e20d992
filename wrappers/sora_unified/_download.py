"""Saving a result: check the target, stream to a temporary file beside it, check the bytes,
rename atomically.

Result links point at the vendor's file host, so downloads go through a client that never
carries the API key. Nothing but a whole video is ever kept: the headers are checked first
(an error status, a JSON/XML/HTML type), the first bytes as they arrive (a video starts with
its container's signature), and the finished file before the rename (`_video_file`). The
temporary `.part` file is removed on every failure path, and an existing file at the target
is replaced only by a complete download.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from ._api_errors import excerpt, retry_after
from ._video_file import NotAWholeVideo, check_whole_video, looks_like_a_video
from ._wire import HttpCall, HttpReply
from .errors import DownloadError, LinkExpiredError, SoraError, ValidationError
from .types import Task, Video

if TYPE_CHECKING:
    from .vendors.base import VendorAdapter

logger = logging.getLogger("sora_unified")

EXPIRED_STATUSES = frozenset({403, 404, 410})
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
_TEXT_TYPES = ("application/json", "text/", "application/xml", "application/problem")
_SNIFF_BYTES = 8


def result_url(video: Video) -> str:
    url = video.url
    if url is None:
        if video.status != "completed":
            state = f"status {video.status}"
        elif video.watermark_removal and video.watermarked_urls:
            state = "no watermark-free result, although watermark removal was asked for"
        else:
            state = "no result URL"
        raise DownloadError(
            f"{video.vendor} task {video.task_id} has nothing to download ({state})",
            url="",
            task=video.task,
        )
    return url


def check_output_path(path: str | Path, field: str = "out") -> Path:
    """The target as a Path, or ValidationError when a download could never be saved there:
    the target is a directory, a folder on the way is a file, or the nearest existing folder
    is not writable. Missing folders are created when the download is saved."""
    target = Path(path)

    def refuse(why: str) -> ValidationError:
        return ValidationError(
            f"{field} {str(target)!r} cannot receive the video: {why}",
            vendor="any",
            model=None,
            field=field,
            value=str(target),
            allowed="a file path in a writable folder",
        )

    if target.is_dir():
        raise refuse("it is a directory")
    ancestor = target.parent
    while not ancestor.exists():
        if ancestor.is_symlink():
            raise refuse(f"{str(ancestor)!r} is a broken link")
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise refuse(f"{str(ancestor)!r} is a file, not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise refuse(f"the folder {str(ancestor)!r} is not writable")
    return target


def _is_text(content_type: str) -> bool:
    return content_type.startswith(_TEXT_TYPES) or content_type.endswith(("+json", "+xml"))


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
            f"result link answered HTTP {status}: it has most likely expired{lifetime}",
            url=url,
            status_code=status,
            task=task,
        )
    if status >= 400 or status < 200:
        retryable = status in RETRYABLE_STATUSES or status >= 500
        raise DownloadError(
            f"result link answered HTTP {status}",
            url=url,
            status_code=status,
            retryable=retryable,
            task=task,
            retry_after=retry_after(headers) if retryable else None,
        )
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if _is_text(content_type):
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


def is_keyed(adapter: VendorAdapter, url: str, base_url: str) -> bool:
    """Whether `url` is the vendor's own content endpoint, fetched with the key. Only the
    API's own origin gets the key; a redirect elsewhere loses it (httpx drops
    Authorization on a cross-origin redirect)."""
    if not adapter.results_need_key:
        return False
    target, api = httpx.URL(url), httpx.URL(base_url)
    return (target.scheme, target.host, target.port) == (api.scheme, api.host, api.port)


def keyed_refusal(
    adapter: VendorAdapter,
    url: str,
    status: int,
    *,
    headers: Mapping[str, str],
    content: bytes,
    task: Task,
) -> DownloadError:
    """The content endpoint's refusal in the vendor's words; retryable when the vendor
    says the video is not ready yet (or is busy)."""
    reply = HttpReply(status, headers, content)
    error = adapter.error_from_reply(HttpCall("download", "GET", url), reply)
    retryable = error.retryable if error is not None else status >= 500
    return DownloadError(
        f"{adapter.name} answered the download with HTTP {status}: {error or excerpt(content)}",
        url=url,
        status_code=status,
        retryable=retryable,
        task=task,
        retry_after=error.retry_after if error is not None else None,
    )


def transport_failure(error: httpx.HTTPError, url: str, task: Task) -> DownloadError:
    """A transport failure while downloading: worth another try, except a redirect loop."""
    retryable = not isinstance(error, httpx.TooManyRedirects)
    return DownloadError(
        f"download failed: {type(error).__name__}: {error}",
        url=url,
        retryable=retryable,
        task=task,
    )


def fresh_link(adapter: VendorAdapter, expired: LinkExpiredError, body: Any) -> str:
    """The fresh link in the vendor's answer; the expired error again when there is none."""
    link = adapter.parse_fresh_link(body)
    if link is None:
        refusal = SoraError(f"no link in the answer: {excerpt(str(body))}")
        raise refresh_failed(adapter.name, expired, refusal)
    logger.info("%s: the result link had expired; downloading a fresh one", adapter.name)
    return link


def refresh_failed(vendor: str, expired: LinkExpiredError, refusal: SoraError) -> LinkExpiredError:
    """The expired link's error, saying that asking for a fresh one failed too."""
    return LinkExpiredError(
        f"{expired}; asking {vendor} for a fresh link failed too: {refusal}",
        url=expired.url,
        status_code=expired.status_code,
        task=expired.task,
    )


class PartFile:
    """A temporary file beside `target`, renamed over it only when it holds a whole video, and
    removed on every other outcome."""

    def __init__(
        self, target: Path, *, url: str, max_bytes: int | None, expected: int | None, task: Task
    ) -> None:
        self.target = target
        self.url = url
        self.max_bytes = max_bytes
        self.expected = expected
        self.task = task
        self.written = 0
        self.head = b""
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".part", dir=target.parent
            )
        except OSError as error:
            raise self._error(f"cannot write beside {target}: {error}") from error
        self.path = Path(name)
        self.file = os.fdopen(handle, "wb")

    def _error(self, message: str, *, retryable: bool = False) -> DownloadError:
        return DownloadError(message, url=self.url, retryable=retryable, task=self.task)

    def write(self, chunk: bytes) -> None:
        self.written += len(chunk)
        if self.max_bytes is not None and self.written > self.max_bytes:
            raise self._error(
                f"result is over the max_bytes cap of {self.max_bytes}; nothing was saved"
            )
        if len(self.head) < _SNIFF_BYTES:
            self.head += chunk[: _SNIFF_BYTES - len(self.head)]
            if len(self.head) >= _SNIFF_BYTES and not looks_like_a_video(self.head):
                raise self._error("result link answered something that is not a video file")
        try:
            self.file.write(chunk)
        except OSError as error:
            raise self._error(f"cannot write {self.path}: {error}") from error

    def _finish(self) -> None:
        if self.expected is not None and self.written != self.expected:
            raise self._error(
                f"download ended after {self.written} of {self.expected} bytes", retryable=True
            )
        try:
            check_whole_video(self.path)
        except NotAWholeVideo as problem:
            raise self._error(
                f"result link did not deliver a whole video: {problem.reason}; nothing was saved",
                retryable=problem.truncated,
            ) from None
        # mkstemp creates the file private (0600); give it the permissions of a normal file.
        os.chmod(self.path, 0o666 & ~_umask())
        try:
            os.replace(self.path, self.target)
        except OSError as error:
            raise self._error(f"cannot save {self.target}: {error}") from error

    def __enter__(self) -> PartFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            self.file.close()
            if exc_type is None:
                self._finish()
        finally:
            self.path.unlink(missing_ok=True)  # gone already after a successful rename


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def expected_length(headers: Mapping[str, str]) -> int | None:
    length = headers.get("content-length")
    encoded = headers.get("content-encoding", "identity").lower() not in ("", "identity")
    return int(length) if length and length.isdigit() and not encoded else None
