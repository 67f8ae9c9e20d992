# Generated from _async_client.py by tools/unasync.py (make generate): edit that file,
# not this one. make check-generated fails when the two disagree.
"""`Client`: one vendor's client, synchronous.

This text is the source of both clients: `tools/unasync.py` (run by `make generate`, checked by
`make check-generated`) writes the synchronous twin in `_sync_client.py` from it, renaming each
paired primitive (its RULES) and dropping the async keywords. Fix a bug here once, then
regenerate. Every public method leaves through `BaseClient._exit` (see `_exit`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from ._budget import Budget
from ._client_base import REFUSAL_BYTES, BaseClient, BeforeSend, announce, tune_own_transport
from ._clock import Clock
from ._config import DEFAULT_TIMEOUT
from ._constants import (
    DEFAULT_DOWNLOAD_TIMEOUT_SECONDS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_WAIT_TIMEOUT_SECONDS,
    DOWNLOAD_CHUNK_BYTES,
)
from ._download import (
    PartFile,
    check_output_path,
    check_response,
    expected_length,
    fresh_link,
    is_keyed,
    keyed_refusal,
    refresh_failed,
    result_url,
    transport_failure,
)
from ._exit import note_task
from ._http import deadline, send
from ._image_uploads import upload_call, with_image
from ._limits import DEFAULT_MAX_CONCURRENCY, OnceLock, RateLimit, ThreadSlots
from ._planning import character_request, remix_request
from ._retry import download_retry_delay, interpret, request_seconds, retry_delay
from ._tasks import character_of, coerce_task, merged_video, new_task
from ._wait import ProgressCallback, WaitTracker, finish, notify
from ._wire import HttpCall
from .errors import (
    APIConnectionError,
    DownloadError,
    LinkExpiredError,
    SoraError,
    SubmitCancelledError,
)
from .types import (
    AnyRequest,
    Character,
    Orientation,
    Size,
    Task,
    VendorOptionsArg,
    Video,
    VideoRequest,
    WatermarkRemovalRequest,
)

__all__ = ["Client"]


class Client(BaseClient):
    """One vendor's client (synchronous).

    client = Client("kie")  # key from KIE_API_KEY
    video = client.generate(VideoRequest(prompt="a corgi surfing"), out="corgi.mp4")
    """

    def __init__(
        self,
        vendor: str,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        transport: httpx.BaseTransport | None = None,
        clock: Clock | None = None,
        files_base_url: str | None = None,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        rate_limits: Mapping[str, RateLimit] | None = None,
        budget: Budget | None = None,
        poll_interval: float | None = None,
    ) -> None:
        super().__init__(
            vendor,
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            clock=clock,
            files_base_url=files_base_url,
            max_concurrency=max_concurrency,
            rate_limits=rate_limits,
            budget=budget,
            poll_interval=poll_interval,
        )
        self._transport = transport
        self._http = httpx.Client(
            base_url=self.base_url,
            transport=transport,
            headers=self._headers,
            **self._http_options(),
        )
        if transport is None:
            tune_own_transport(self._http)
        self._slots = ThreadSlots(self._max_concurrency)
        # Downloads have their own pool (the files client's) and their own turns.
        self._download_slots = ThreadSlots(self._max_concurrency)
        self._files_client: httpx.Client | None = None
        self._files_lock = OnceLock()

    @property
    def _files(self) -> httpx.Client:
        """The download client, made on first use (most clients never download). Result
        links are on other hosts: this client never carries the key."""
        with self._files_lock:
            if self._files_client is None:
                self._files_client = httpx.Client(
                    transport=self._transport,
                    headers=self._headers,
                    follow_redirects=True,
                    **self._http_options(),
                )
                if self._transport is None:
                    tune_own_transport(self._files_client)
            return self._files_client

    def _request(
        self, call: HttpCall, until: float | None = None, before_send: BeforeSend | None = None
    ) -> Any:
        attempt = 0
        while True:
            try:
                if delay := self._rate_delay(call):
                    self._clock.sleep(delay)
                seconds = request_seconds(self._config.request_seconds, until, self._clock)
                with self._slots:
                    announce(before_send)
                    reply = send(self._http, self.vendor, call, seconds, self._auth_headers)
                return interpret(self._adapter, call, reply)
            except SubmitCancelledError:
                raise
            except SoraError as error:
                delay = retry_delay(
                    self._policy, self.vendor, call, error, attempt, until=until, clock=self._clock
                )
            attempt += 1
            self._clock.sleep(delay)

    def submit(self, request: AnyRequest, *, before_send: BeforeSend | None = None) -> Task:
        """Check the request, then create the paid task once. Returns the Task to wait on.

        `before_send`, if given, is called right before the paid request leaves (after the
        local checks, any upload, and the wait for a rate-limit window and a connection slot):
        the moment to record that a submit is under way. Returning False cancels it
        (SubmitCancelledError; nothing was sent)."""
        plan = self._plan(request)
        hold = self._charges.hold(plan)
        upload = upload_call(self._adapter, plan, self._config.files_base_url)
        with self._exit():  # an upload is free and retried; one that fails stops the submit
            uploaded = None if upload is None else self._request(upload)
            plan = with_image(self._adapter, plan, uploaded)
        call = self._adapter.submit_call(plan)
        before = hold.before_send(before_send) if hold else before_send
        task = None
        try:
            with self._exit(submitting=True):
                task = new_task(self._adapter, plan, self._request(call, before_send=before))
        except SoraError as error:
            self._charges.submit_ended(hold, None, error)
            raise
        self._charges.submit_ended(hold, task, None)
        return task

    def _retrieve(self, task: Task, until: float | None = None) -> Video:
        with self._exit(task=task):
            body = self._request(self._adapter.status_call(task.id), until)
            video = merged_video(
                self._adapter, task, body, api_key=self._config.api_key, base_url=self.base_url
            )
            self._charges.settle(video)
            return video

    def retrieve(self, task: Task | str) -> Video:
        """The task's status now, as one Video (one status read, retried when it may be)."""
        return self._retrieve(coerce_task(task, self.vendor))

    def wait(
        self,
        task: Task | str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT_SECONDS,
        on_progress: ProgressCallback | None = None,
        raise_on_failure: bool = True,
    ) -> Video:
        """Poll until the task completes or fails, or `timeout` seconds pass (WaitTimeoutError).

        `timeout` bounds the whole wait, the polls' own requests included. `on_progress` is
        called with the Video whenever its status or progress changes."""
        task = coerce_task(task, self.vendor)
        tracker = WaitTracker(task, timeout, self._clock, self._poll_interval)
        while True:
            try:
                video = self._retrieve(task, tracker.until)
            except APIConnectionError as error:
                if tracker.remaining() > 0:
                    raise
                raise tracker.timed_out(error) from error  # the wait ran out during a poll
            if tracker.changed(video):
                notify(on_progress, video)
            with self._exit(task=task):
                delay = tracker.next_delay(video)
                if delay is None:
                    return finish(video, raise_on_failure=raise_on_failure)
            self._clock.sleep(delay)

    def download(
        self,
        video: Video,
        path: str | Path,
        *,
        max_bytes: int | None = None,
        timeout: float = DEFAULT_DOWNLOAD_TIMEOUT_SECONDS,
    ) -> Path:
        """Save the result to `path` (atomically, only a whole video); retries the download,
        never the generation. `timeout` bounds each attempt as a whole, from its turn: a client
        runs at most `max_concurrency` downloads at once, the rest wait (without timing out)."""
        task = video.task
        with self._exit(task=task):
            target = check_output_path(path, "path")
            url = result_url(video)
            attempt, refreshed = 0, False
            while True:
                try:
                    self._download_once(url, target, max_bytes, timeout, task)
                    return target
                except httpx.HTTPError as error:
                    failure = transport_failure(error, url, task)
                except LinkExpiredError as expired:
                    call = None if refreshed else self._adapter.fresh_link_call(url)
                    if call is None:
                        raise
                    url = fresh_link(self._adapter, expired, self._refresh(call, expired))
                    refreshed, attempt = True, 0
                    continue
                except DownloadError as error:
                    failure = error
                self._clock.sleep(download_retry_delay(self._policy, failure, attempt))
                attempt += 1

    def _download_once(
        self, url: str, target: Path, max_bytes: int | None, timeout: float, task: Task
    ) -> None:
        keyed = is_keyed(self._adapter, url, self.base_url)
        auth = self._auth if keyed else None
        # A turn first: waiting for it is not part of `timeout`.
        with self._download_slots:
            with deadline(timeout):
                with self._files.stream("GET", url, auth=auth) as response:
                    status, headers = response.status_code, response.headers
                    if keyed and status >= 400:
                        refusal = b""
                        for chunk in response.iter_bytes():
                            refusal += chunk
                            if len(refusal) > REFUSAL_BYTES:
                                break
                        raise keyed_refusal(
                            self._adapter, url, status, headers=headers, content=refusal, task=task
                        )
                    check_response(
                        status,
                        headers,
                        url=url,
                        max_bytes=max_bytes,
                        link_hours=self._adapter.result_link_hours,
                        task=task,
                    )
                    expected = expected_length(headers)
                    with PartFile(
                        target, url=url, max_bytes=max_bytes, expected=expected, task=task
                    ) as part:
                        for chunk in response.iter_bytes(DOWNLOAD_CHUNK_BYTES):
                            part.write(chunk)

    def _refresh(self, call: HttpCall, expired: LinkExpiredError) -> Any:
        try:
            return self._request(call)
        except SoraError as refusal:
            raise refresh_failed(self.vendor, expired, refusal) from refusal

    def generate(
        self,
        request: VideoRequest,
        *,
        out: str | Path | None = None,
        timeout: float = DEFAULT_WAIT_TIMEOUT_SECONDS,
        on_progress: ProgressCallback | None = None,
    ) -> Video:
        """submit + wait + download (when `out` is given). The output path is checked before
        anything is paid for; every error after submit carries `.task`."""
        target = None if out is None else check_output_path(out)
        task = self.submit(request)
        try:
            video = self.wait(task, timeout=timeout, on_progress=on_progress)
            if target is not None:
                self.download(video, target)
        except SoraError as error:
            error.task = error.task or task
            raise
        except BaseException as error:  # the caller's callback, Ctrl-C: still say which task
            note_task(error, task)
            raise
        return video

    def remix(
        self,
        task: Task | str,
        prompt: str,
        *,
        seconds: int | None = None,
        orientation: Orientation | None = None,
        size: Size | None = None,
        remove_watermark: bool | None = None,
        callback_url: str | None = None,
        model: str | None = None,
        vendor_options: VendorOptionsArg | None = None,
        before_send: BeforeSend | None = None,
    ) -> Task:
        """A new paid task: the video of `task`, remixed as `prompt` says (evolink's
        sora-2-pro-remix). UnsupportedFeatureError for a vendor without remix. `before_send`
        as for `submit`."""
        options = {
            "seconds": seconds,
            "orientation": orientation,
            "size": size,
            "remove_watermark": remove_watermark,
            "callback_url": callback_url,
            "model": model,
            "vendor_options": vendor_options,
        }
        request = remix_request(self.vendor, coerce_task(task, self.vendor), prompt, options)
        return self.submit(request, before_send=before_send)

    def create_character(
        self,
        *,
        video_url: str | None = None,
        task: Task | str | None = None,
        start: float | None = None,
        end: float | None = None,
        prompt: str = "",
        name: str | None = None,
        safety_instruction: str | None = None,
        callback_url: str | None = None,
        model: str | None = None,
        vendor_options: VendorOptionsArg | None = None,
        timeout: float = DEFAULT_WAIT_TIMEOUT_SECONDS,
    ) -> Character:
        """A character to cast later (VideoRequest(characters=[character.id])), from a 1-4 s
        clip (`video_url`) or cut from an earlier task's video between `start` and `end`.
        Submits the paid character task and waits for it."""
        options = {
            "start": start,
            "end": end,
            "prompt": prompt,
            "name": name,
            "safety_instruction": safety_instruction,
            "callback_url": callback_url,
            "model": model,
            "vendor_options": vendor_options,
        }
        source = None if task is None else coerce_task(task, self.vendor)
        created = self.submit(character_request(source, video_url, options))
        video = self.wait(created, timeout=timeout)
        with self._exit(task=created):
            return character_of(created, video)

    def remove_watermark(
        self,
        video_url: str,
        *,
        callback_url: str | None = None,
        model: str | None = None,
        vendor_options: VendorOptionsArg | None = None,
    ) -> Task:
        """A paid task removing the watermark from a published Sora video (kie's
        sora-watermark-remover): wait on it and download it like any video."""
        request = WatermarkRemovalRequest(
            video_url=video_url,
            callback_url=callback_url,
            model=model,
            vendor_options=vendor_options,
        )
        return self.submit(request)

    def credits(self) -> float:
        """Remaining credits (kie, evolink); UnsupportedFeatureError for modelverse."""
        with self._exit():
            return self._adapter.parse_credits(self._request(self._adapter.credits_call()))

    def close(self) -> None:
        """Close the connection pools (the API's and the downloads')."""
        self._http.close()
        if self._files_client is not None:
            self._files_client.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
