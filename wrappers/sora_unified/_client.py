"""`Client` and `AsyncClient`: one vocabulary over every vendor adapter.

Both share `_BaseClient`, which holds every decision (model choice, checks, error mapping,
retry policy, status merging, what leaves as an error); the two subclasses only perform I/O,
sync or async.

Every public method leaves through `_BaseClient._exit`: whatever goes wrong comes out as a
`SoraError` (a submit's unforeseen failure after sending as `SubmissionUncertainError`), with
the API key scrubbed from it and, once a task exists, the task attached.
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import httpx

from . import __version__
from ._api_errors import excerpt
from ._budget import Budget, SubmitHold
from ._capabilities import Plan, capabilities, check_request
from ._clock import Clock, SystemClock
from ._config import DEFAULT_TIMEOUT, resolve_config
from ._constants import (
    DEFAULT_DOWNLOAD_TIMEOUT_SECONDS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_WAIT_TIMEOUT_SECONDS,
    DOWNLOAD_CHUNK_BYTES,
)
from ._download import PartFile, check_output_path, check_response, expected_length, result_url
from ._http import (
    HttpCall,
    HttpReply,
    bound_by_deadlines,
    deadline,
    send,
    send_async,
    shared_ssl_context,
)
from ._limits import (
    DEFAULT_MAX_CONCURRENCY,
    AsyncSlots,
    RateLimit,
    RateLimiter,
    ThreadSlots,
    check_max_concurrency,
    check_rate_limits,
    shared_limiter,
)
from ._pool import linear_pools
from ._prices import Estimate, estimate_plan
from ._redact import install_log_filter, redact_value, scrub_error
from ._retry import RetryPolicy, uncertain_submission
from ._wait import WaitTracker, finish
from .errors import (
    APIConnectionError,
    APIError,
    ConfigurationError,
    DownloadError,
    LinkExpiredError,
    SoraError,
    SubmissionUncertainError,
    SubmitCancelledError,
    UnsupportedFeatureError,
    ValidationError,
)
from .types import (
    AnyRequest,
    Character,
    CharacterRequest,
    Cost,
    Orientation,
    Size,
    Task,
    VendorOptionsArg,
    Video,
    VideoRequest,
    WatermarkRemovalRequest,
)
from .vendors import load_adapter
from .vendors.base import VendorAdapter

__all__ = [
    "AsyncClient",
    "Client",
    "estimate",
    "plan_request",
    "remix_request",
    "validate_request",
]

logger = logging.getLogger("sora_unified")
ProgressCallback = Callable[[Video], Any]
# What bad data or a misbehaving peer can make Python raise anywhere (a value that does not
# fit, JSON nested too deep, a file system refusal, an httpx failure no boundary foresaw).
# An AssertionError is not among them: it is a broken invariant (or a test double's verdict).
UNFORESEEN = (
    ArithmeticError,
    AttributeError,
    LookupError,
    OSError,
    RecursionError,
    TypeError,
    ValueError,
    httpx.HTTPError,
)


# An error answer from a content endpoint is read this far, for its message.
REFUSAL_BYTES = 64 * 1024


BeforeSend = Callable[[], bool]


def _announce(before_send: BeforeSend | None) -> None:
    """The last word before a paid request leaves; False keeps it from leaving."""
    if before_send is not None and before_send() is False:
        raise SubmitCancelledError("before_send declined the submit: nothing was sent")


def plan_request(adapter: VendorAdapter, request: AnyRequest) -> Plan:
    """The checked plan for `request` on this vendor (its model chosen, defaults filled), or
    ValidationError / UnsupportedFeatureError; no request is made."""
    if not isinstance(request, VideoRequest | CharacterRequest | WatermarkRemovalRequest):
        raise TypeError(
            "submit() takes a VideoRequest, CharacterRequest or WatermarkRemovalRequest;"
            f" got {type(request).__name__}"
        )
    model = adapter.choose_model(request)
    try:
        caps = capabilities().model(adapter.name, model)
    except KeyError:
        allowed = ", ".join(m.model for m in capabilities().vendor(adapter.name))
        raise ValidationError(
            f"{adapter.name} offers models {allowed}; got {model!r}",
            vendor=adapter.name,
            model=model,
            field="model",
            value=model,
            allowed=allowed,
        ) from None
    return check_request(request, caps)


def validate_request(vendor: str, request: AnyRequest) -> str:
    """Check `request` for `vendor` exactly as `submit` would, with no key and no request,
    and return the model it would use. Raises ValidationError (naming the field, value and
    what is allowed) or UnsupportedFeatureError. A local image is read and checked too."""
    return plan_request(load_adapter(vendor), request).model.model


def estimate(vendor: str, request: AnyRequest) -> Estimate:
    """What `request` would cost on `vendor`, with no key and no request: the model, length,
    quality and watermark choice it would be sent with, the price table's row for them, and
    notices where those differ from what the request said. The same checks as
    `validate_request` (ValidationError, UnsupportedFeatureError) come first."""
    return estimate_plan(plan_request(load_adapter(vendor), request))


@lru_cache(maxsize=256)
def _estimated_cost(request: AnyRequest, vendor: str, model: str) -> Cost | None:
    return estimate_plan(_planned(request, vendor, model)).cost()


def remix_request(vendor: str, source: Task, prompt: str, options: dict[str, Any]) -> VideoRequest:
    """The VideoRequest for a remix of `source` on `vendor`, refused (before any request) when
    the vendor, or the model the task was made with when known, cannot be remixed."""
    remixers = [m for m in capabilities().vendor(vendor) if m.kind == "remix"]
    chosen = options.pop("model", None)
    caps = next((m for m in remixers if chosen in (None, m.model)), None)
    if caps is None:
        offered = ", ".join(m.model for m in remixers) or "none"
        raise UnsupportedFeatureError(
            f"{vendor} offers no remix{f' with {chosen}' if chosen else ''}"
            f" (its remix models: {offered})",
            vendor=vendor,
            model=chosen,
            field="remix",
            value=str(source),
            allowed="a vendor with a remix model (see sora_unified.capabilities())",
        )
    if source.model is not None and source.model not in caps.remix_sources:
        raise ValidationError(
            f"{vendor} {caps.model} remixes tasks of {', '.join(caps.remix_sources)};"
            f" {source} was made with {source.model}",
            vendor=vendor,
            model=caps.model,
            field="task",
            value=str(source),
            allowed=", ".join(caps.remix_sources),
        )
    return VideoRequest(prompt=prompt, remix_of=source.id, model=caps.model, **options)


@lru_cache(maxsize=256)
def _planned(request: AnyRequest, vendor: str, model: str) -> Plan:
    """check_request, once per request: wait() reads the plan again on every poll. A local
    image was read and checked at submit; here it only counts as given. (Keyed by names: a
    capability entry hashes all its fields on every lookup.)"""
    return check_request(request, capabilities().model(vendor, model), read_images=False)


class _HeaderAuth(httpx.Auth):
    """Adds the vendor's auth header per request, so the key is not in the client's headers."""

    def __init__(self, headers: dict[str, str]) -> None:
        self._headers = headers

    def auth_flow(self, request: httpx.Request) -> Any:
        request.headers.update(self._headers)
        yield request

    def __repr__(self) -> str:
        return "_HeaderAuth(<redacted>)"


def _tune_own_transport(client: httpx.Client | httpx.AsyncClient) -> None:
    """What a client built on httpx's own transport gets: whole-request deadlines and a
    connection pool whose bookkeeping stays linear (see _http and _pool)."""
    bound_by_deadlines(client)
    linear_pools(client)


def _note_task(error: BaseException, task: Task) -> None:
    """A foreign exception (raised by the caller's own callback) keeps its type; it gets a
    note saying which paid task it interrupted."""
    note = f"sora-unified: task {task} was submitted; resume with: sora-unified wait {task}"
    if note not in getattr(error, "__notes__", ()):
        error.add_note(note)


class _Exit:
    """`_BaseClient._exit`: a class, not a generator, because every request passes through it."""

    __slots__ = ("_key", "_submitting", "_task", "_vendor")

    def __init__(self, vendor: str, key: str, task: Task | None, submitting: bool) -> None:
        self._vendor, self._key, self._task, self._submitting = vendor, key, task, submitting

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _: object
    ) -> Literal[False]:
        if isinstance(error, SoraError):
            if self._task is not None and error.task is None:
                error.task = self._task
            scrub_error(error, (self._key,))
            return False  # the same error goes on
        if isinstance(error, UNFORESEEN):
            detail = f"{type(error).__name__}: {error}"
            wrapped: SoraError
            if self._submitting:
                wrapped = uncertain_submission(self._vendor, SoraError(f"unexpected {detail}"))
            else:
                wrapped = SoraError(f"{self._vendor}: unexpected {detail}", task=self._task)
            raise scrub_error(wrapped, (self._key,)) from scrub_error(error, (self._key,))
        return False


class _BaseClient:
    def __init__(
        self,
        vendor: str,
        *,
        api_key: str | None,
        base_url: str | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        clock: Clock | None,
        files_base_url: str | None = None,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        rate_limits: Mapping[str, RateLimit] | None = None,
        budget: Budget | None = None,
    ) -> None:
        self._max_concurrency = check_max_concurrency(max_concurrency)
        chosen_limits = check_rate_limits(rate_limits)
        self._config = resolve_config(
            vendor,
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            files_base_url=files_base_url,
        )
        self._adapter = self._config.adapter
        if budget is not None and budget.vendor != self._adapter.name:
            raise ConfigurationError(
                f"budget is for {budget.vendor} ({budget.unit}); this client is {vendor}'s"
            )
        self._budget = budget
        # Reservations of tasks whose charge the vendor has not reported yet, by task id.
        self._holds: dict[str, SubmitHold] = {}
        self._policy = RetryPolicy(self._config.max_retries)
        self._clock: Clock = clock or SystemClock()
        self._auth_headers = self._adapter.auth_headers(self._config.api_key)
        self._auth = _HeaderAuth(self._auth_headers)
        self._headers = {"User-Agent": f"sora-unified/{__version__}"}
        self._log_filter = install_log_filter(self._config.api_key)
        limits = self._adapter.documented_rate_limits if chosen_limits is None else chosen_limits
        self._limiter: RateLimiter | None = None
        if limits and clock is None:
            self._limiter = shared_limiter(self.vendor, self.base_url, self._config.api_key, limits)
        elif limits:  # an injected clock keeps its own time: its limiter cannot be shared
            self._limiter = RateLimiter(limits)

    def _http_options(self) -> dict[str, Any]:
        # The pool matches the requests allowed in flight: every request finds a connection
        # to reuse instead of queueing inside httpcore (see _limits).
        pool = httpx.Limits(
            max_connections=self._max_concurrency,
            max_keepalive_connections=self._max_concurrency,
        )
        return {"timeout": self._config.timeout, "verify": shared_ssl_context(), "limits": pool}

    def _rate_delay(self, call: HttpCall) -> float:
        """How long to wait before starting `call` under the vendor's rate limits."""
        if self._limiter is None:
            return 0.0
        kind = "submit" if call.creates_task else "status" if call.operation == "status" else ""
        return self._limiter.reserve(kind, self._clock.monotonic()) if kind else 0.0

    @property
    def max_concurrency(self) -> int:
        """Requests this client has in flight at most (the rest wait their turn)."""
        return self._max_concurrency

    @property
    def rate_limits(self) -> dict[str, RateLimit]:
        """The client-side rate limits in force ("submit", "status"); empty when none."""
        return {} if self._limiter is None else self._limiter.limits

    @property
    def vendor(self) -> str:
        return self._adapter.name

    @property
    def base_url(self) -> str:
        return self._config.base_url

    def __repr__(self) -> str:
        return f"{type(self).__name__}(vendor={self.vendor!r}, base_url={self.base_url!r})"

    # -- the one exit ---------------------------------------------------------------------------

    def _exit(self, *, task: Task | None = None, submitting: bool = False) -> _Exit:
        """Everything raised inside leaves as a scrubbed SoraError carrying `task`.

        An exception sora_unified did not foresee becomes a SoraError saying so, or, while a
        paid submit is on the wire (`submitting`), a SubmissionUncertainError."""
        return _Exit(self.vendor, self._config.api_key, task, submitting)

    # -- decisions shared by both clients -----------------------------------------------------

    def _plan(self, request: AnyRequest) -> Plan:
        plan = plan_request(self._adapter, request)
        logger.debug("%s: submitting %s (%d s)", self.vendor, plan.model.model, plan.seconds)
        return plan

    @property
    def budget(self) -> Budget | None:
        """The budget every submit reserves its price in, if one was given."""
        return self._budget

    def _hold(self, plan: Plan) -> SubmitHold | None:
        """The plan's reservation in the budget (taken when the request may leave), or None
        without a budget. An unpriced plan is refused here, before any request."""
        if self._budget is None:
            return None
        return SubmitHold(self._budget, estimate_plan(plan))

    def _submit_ended(
        self, hold: SubmitHold | None, task: Task | None, error: Exception | None
    ) -> None:
        """A refusal before any task gives the reservation back; an uncertain submit keeps it;
        a task keeps it until the vendor's figure settles it."""
        if hold is None:
            return
        if task is None:
            refused = isinstance(error, SoraError) and error.task is None
            if refused and not isinstance(error, SubmissionUncertainError):
                hold.refused()
            return
        if hold.reservation is None:
            return
        if task.cost is not None:
            hold.reservation.settle(task.cost)
        else:
            self._holds[task.id] = hold

    def _settle(self, video: Video) -> None:
        hold = self._holds.get(video.task_id)
        if hold is None or hold.reservation is None:
            return
        if video.cost is not None and video.cost.source == "reported":
            hold.reservation.settle(video.cost)
            del self._holds[video.task_id]
        elif video.done:  # finished with no figure: the estimate stays the charge
            del self._holds[video.task_id]

    def _upload_call(self, plan: Plan) -> HttpCall | None:
        """The upload a local image needs before the submit (the vendor's file host), if any."""
        if plan.image is None or self._adapter.image_transport != "upload":
            return None
        assert self._config.files_base_url is not None
        return self._adapter.upload_call(plan.image, self._config.files_base_url)

    def _with_image(self, plan: Plan, uploaded: Any = None) -> Plan:
        """The plan with its local image turned into what the vendor takes: the uploaded file's
        link, or a data: URL (an inline image stays as it is). The orientation the image chose
        is written into the request, so re-planning it later gives the same video."""
        transport = self._adapter.image_transport
        if plan.image is None or transport == "inline":
            return plan
        if transport == "data-url":
            url = plan.image.data_url
        else:
            found = self._adapter.uploaded_url(uploaded)
            if found is None:
                raise APIError(
                    f"the file host accepted the image but sent no link: {excerpt(str(uploaded))}",
                    vendor=self.vendor,
                    status_code=200,
                )
            url = found
            logger.info("%s: uploaded %r to %s", self.vendor, plan.image, url)
        request = plan.request
        assert isinstance(request, VideoRequest)
        pinned = request.orientation or (None if request.size else plan.orientation)
        ready = replace(request, image=None, image_url=url, orientation=pinned)
        return replace(plan, request=ready, image=None)

    def _remix_request(
        self, task: Task | str, prompt: str, options: dict[str, Any]
    ) -> VideoRequest:
        return remix_request(self.vendor, self._coerce_task(task), prompt, options)

    def _character_request(
        self, task: Task | str | None, video_url: str | None, options: dict[str, Any]
    ) -> CharacterRequest:
        source = None if task is None else self._coerce_task(task).id
        return CharacterRequest(video_url=video_url, task=source, **options)

    def _character(self, task: Task, video: Video) -> Character:
        character = video.character
        if character is None:
            raise SoraError(f"{task} finished without a character id in its result", task=task)
        return replace(character, task=task)

    def _interpret(self, call: HttpCall, reply: HttpReply) -> Any:
        """The decoded body of a successful reply; raises the mapped error otherwise."""
        error = self._adapter.error_from_reply(call, reply)
        if error is not None:
            raise error
        try:
            return reply.json()
        except ValueError as reason:
            broken = APIError(
                f"{call.operation}: HTTP {reply.status_code} with a body that is not JSON"
                f" ({reason}): {excerpt(reply.content)}",
                vendor=self.vendor,
                status_code=reply.status_code,
                body=excerpt(reply.content),
                retryable=True,  # a truncated body is worth reading again (never a submit)
            )
            broken.from_vendor = False
            raise broken from None

    def _request_seconds(self, until: float | None) -> float:
        """One request's overall bound: the client's, or less when a wait's deadline (`until`,
        on the client's clock) is near."""
        bound = self._config.request_seconds
        return bound if until is None else max(0.0, min(bound, until - self._clock.monotonic()))

    def _retry_delay(
        self, call: HttpCall, error: SoraError, attempt: int, until: float | None
    ) -> float:
        """The policy's delay, or the error itself when a retry would end after `until`."""
        delay = self._policy.next_delay(self.vendor, call, error, attempt)
        if until is not None and self._clock.monotonic() + delay >= until:
            raise error
        return delay

    def _task(self, plan: Plan, body: Any) -> Task:
        task_id = self._adapter.task_id_from_submit(body)
        if task_id is None:
            raise uncertain_submission(
                self.vendor,
                SoraError(
                    f"the vendor accepted the request but sent no task id: {excerpt(str(body))}"
                ),
            )
        request = plan.request
        if isinstance(request, VideoRequest) and isinstance(request.image, bytes):
            # The task keeps what it needs to be read back, not the photo's bytes (sent inline).
            pinned = request.orientation or (None if request.size else plan.orientation)
            request = replace(request, image=None, orientation=pinned)
        task = Task(
            vendor=self.vendor,
            id=task_id,
            model=plan.model.model,
            request=request,
            cost=self._adapter.submit_cost(body),
        )
        logger.info("%s: created task %s", self.vendor, task)
        return task

    def _coerce_task(self, task: Task | str) -> Task:
        parsed = Task.parse(task) if isinstance(task, str) else task
        if not isinstance(parsed, Task):
            raise TypeError(f"expected a Task or a 'vendor:id' string; got {type(task).__name__}")
        if parsed.vendor != self.vendor:
            raise ConfigurationError(f"task {parsed} belongs to {parsed.vendor}, not {self.vendor}")
        return parsed

    def _video(self, task: Task, body: Any) -> Video:
        # A vendor may echo the key in any field (a failure message, a state word): the
        # Video leaves as clean as the errors do.
        video = redact_value(
            self._adapter.parse_status(body, task_id=task.id), (self._config.api_key,)
        )
        path = self._adapter.content_path(task.id) if video.status == "completed" else None
        if path is not None and not video.video_urls:  # fetched from the API, with the key
            video = replace(video, video_urls=(self.base_url.rstrip("/") + path,))
        if self._holds:
            self._settle(video)
        request = task.request
        cost = video.cost
        if request is not None and cost is None and task.model:  # not reported: the estimate
            cost = _estimated_cost(request, self.vendor, task.model)
        if not isinstance(request, VideoRequest):
            return video if cost is video.cost else replace(video, cost=cost)
        # What was asked for (and paid) is the length: vendors' own figures disagree with it
        # (evolink documents video_duration 9 for a 4 s request). Fill a missing size likewise.
        plan = _planned(request, self.vendor, task.model or "")
        wanted: dict[str, Any] = {
            "seconds": float(plan.seconds) if plan.seconds else video.seconds,
            "size": video.size or plan.size,
            "model": video.model or task.model,
            "watermark_removal": bool(request.remove_watermark),
            "cost": cost,
        }
        # Most polls already say all this: `replace` rebuilds all twenty fields (~15 us).
        changed = {name: value for name, value in wanted.items() if getattr(video, name) != value}
        return replace(video, **changed) if changed else video

    def _check_download(
        self, response: httpx.Response, url: str, max_bytes: int | None, task: Task
    ) -> None:
        check_response(
            response.status_code,
            response.headers,
            url=url,
            max_bytes=max_bytes,
            link_hours=self._adapter.result_link_hours,
            task=task,
        )

    def _keyed(self, url: str) -> bool:
        """Whether `url` is the vendor's own content endpoint, fetched with the key. Only the
        API's own origin gets the key; a redirect elsewhere loses it (httpx drops
        Authorization on a cross-origin redirect)."""
        if not self._adapter.results_need_key:
            return False
        target, api = httpx.URL(url), httpx.URL(self.base_url)
        return (target.scheme, target.host, target.port) == (api.scheme, api.host, api.port)

    def _keyed_refusal(
        self, url: str, status: int, headers: Mapping[str, str], content: bytes, task: Task
    ) -> DownloadError:
        """The content endpoint's refusal in the vendor's words; retryable when the vendor
        says the video is not ready yet (or is busy)."""
        reply = HttpReply(status, headers, content)
        error = self._adapter.error_from_reply(HttpCall("download", "GET", url), reply)
        retryable = error.retryable if error is not None else status >= 500
        return DownloadError(
            f"{self.vendor} answered the download with HTTP {status}: {error or excerpt(content)}",
            url=url,
            status_code=status,
            retryable=retryable,
            task=task,
            retry_after=error.retry_after if error is not None else None,
        )

    def _fresh_link(self, expired: LinkExpiredError, body: Any) -> str:
        """The fresh link in the vendor's answer; the expired error again when there is none."""
        link = self._adapter.parse_fresh_link(body)
        if link is None:
            refusal = SoraError(f"no link in the answer: {excerpt(str(body))}")
            raise self._refresh_failed(expired, refusal)
        logger.info("%s: the result link had expired; downloading a fresh one", self.vendor)
        return link

    def _refresh_failed(self, expired: LinkExpiredError, refusal: SoraError) -> LinkExpiredError:
        return LinkExpiredError(
            f"{expired}; asking {self.vendor} for a fresh link failed too: {refusal}",
            url=expired.url,
            status_code=expired.status_code,
            task=expired.task,
        )

    def _download_retry_delay(self, error: DownloadError, attempt: int) -> float:
        if not error.retryable or attempt >= self._policy.max_retries:
            raise error
        return self._policy.backoff(attempt, error)

    @staticmethod
    def _download_failure(error: httpx.HTTPError, url: str, task: Task) -> DownloadError:
        """A transport failure while downloading: worth another try, except a redirect loop."""
        retryable = not isinstance(error, httpx.TooManyRedirects)
        return DownloadError(
            f"download failed: {type(error).__name__}: {error}",
            url=url,
            retryable=retryable,
            task=task,
        )

    def _output(self, out: str | Path | None) -> Path | None:
        return None if out is None else check_output_path(out)


class Client(_BaseClient):
    """A synchronous client for one vendor.

    client = Client("kie")  # key from KIE_API_KEY
    video = client.generate(VideoRequest(prompt="a corgi surfing", seconds=10), out="corgi.mp4")
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
        )
        self._transport = transport
        self._http = httpx.Client(
            base_url=self.base_url,
            transport=transport,
            headers=self._headers,
            **self._http_options(),
        )
        if transport is None:
            _tune_own_transport(self._http)
        self._slots = ThreadSlots(self._max_concurrency)
        # Downloads have their own pool (the files client's) and their own turns.
        self._download_slots = ThreadSlots(self._max_concurrency)
        self._files_client: httpx.Client | None = None
        self._files_lock = threading.Lock()

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
                    _tune_own_transport(self._files_client)
            return self._files_client

    def _request(
        self, call: HttpCall, until: float | None = None, before_send: BeforeSend | None = None
    ) -> Any:
        attempt = 0
        while True:
            try:
                if delay := self._rate_delay(call):
                    self._clock.sleep(delay)
                seconds = self._request_seconds(until)
                with self._slots:
                    _announce(before_send)
                    reply = send(self._http, self.vendor, call, seconds, self._auth_headers)
                return self._interpret(call, reply)
            except SubmitCancelledError:
                raise
            except SoraError as error:
                delay = self._retry_delay(call, error, attempt, until)
            attempt += 1
            self._clock.sleep(delay)

    def submit(self, request: AnyRequest, *, before_send: BeforeSend | None = None) -> Task:
        """Check the request, then create the paid task once. Returns the Task to wait on.

        `before_send`, if given, is called right before the paid request leaves (after the
        local checks, any upload, and the wait for a rate-limit window and a connection slot):
        the moment to record that a submit is under way. Returning False cancels it
        (SubmitCancelledError; nothing was sent)."""
        plan = self._plan(request)
        hold = self._hold(plan)
        upload = self._upload_call(plan)
        with self._exit():  # an upload is free and retried; one that fails stops the submit
            plan = self._with_image(plan, None if upload is None else self._request(upload))
        call = self._adapter.submit_call(plan)
        announce = hold.before_send(before_send) if hold else before_send
        task = None
        try:
            with self._exit(submitting=True):
                task = self._task(plan, self._request(call, before_send=announce))
        except SoraError as error:
            self._submit_ended(hold, None, error)
            raise
        self._submit_ended(hold, task, None)
        return task

    def _retrieve(self, task: Task, until: float | None = None) -> Video:
        with self._exit(task=task):
            body = self._request(self._adapter.status_call(task.id), until)
            return self._video(task, body)

    def retrieve(self, task: Task | str) -> Video:
        return self._retrieve(self._coerce_task(task))

    def wait(
        self,
        task: Task | str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT_SECONDS,
        on_progress: ProgressCallback | None = None,
        raise_on_failure: bool = True,
    ) -> Video:
        """Poll until the task completes or fails, or `timeout` seconds pass (WaitTimeoutError).

        `timeout` bounds the whole wait, the polls' own requests included."""
        task = self._coerce_task(task)
        tracker = WaitTracker(task, timeout, self._clock)
        while True:
            try:
                video = self._retrieve(task, tracker.until)
            except APIConnectionError as error:
                if tracker.remaining() > 0:
                    raise
                raise tracker.timed_out(error) from error  # the wait ran out during a poll
            if tracker.changed(video) and on_progress is not None:
                on_progress(video)
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
                    keyed = self._keyed(url)
                    with (
                        self._download_slots,  # a turn first: waiting is not part of `timeout`
                        deadline(timeout),
                        self._files.stream(
                            "GET", url, auth=self._auth if keyed else None
                        ) as response,
                    ):
                        if keyed and response.status_code >= 400:
                            refusal = b""
                            for chunk in response.iter_bytes():
                                refusal += chunk
                                if len(refusal) > REFUSAL_BYTES:
                                    break
                            raise self._keyed_refusal(
                                url, response.status_code, response.headers, refusal, task
                            )
                        self._check_download(response, url, max_bytes, task)
                        with PartFile(
                            target,
                            url=url,
                            max_bytes=max_bytes,
                            expected=expected_length(response.headers),
                            task=task,
                        ) as part:
                            for chunk in response.iter_bytes(DOWNLOAD_CHUNK_BYTES):
                                part.write(chunk)
                    return target
                except httpx.HTTPError as error:
                    failure = self._download_failure(error, url, task)
                except LinkExpiredError as expired:
                    call = None if refreshed else self._adapter.fresh_link_call(url)
                    if call is None:
                        raise
                    url = self._fresh_link(expired, self._refresh(call, expired))
                    refreshed, attempt = True, 0
                    continue
                except DownloadError as error:
                    failure = error
                self._clock.sleep(self._download_retry_delay(failure, attempt))
                attempt += 1

    def _refresh(self, call: HttpCall, expired: LinkExpiredError) -> Any:
        try:
            return self._request(call)
        except SoraError as refusal:
            raise self._refresh_failed(expired, refusal) from refusal

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
        target = self._output(out)
        task = self.submit(request)
        try:
            video = self.wait(task, timeout=timeout, on_progress=on_progress)
            if target is not None:
                self.download(video, target)
        except SoraError as error:
            error.task = error.task or task
            raise
        except BaseException as error:  # the caller's callback, Ctrl-C: still say which task
            _note_task(error, task)
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
        return self.submit(self._remix_request(task, prompt, options), before_send=before_send)

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
        created = self.submit(self._character_request(task, video_url, options))
        video = self.wait(created, timeout=timeout)
        with self._exit(task=created):
            return self._character(created, video)

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
        self._http.close()
        if self._files_client is not None:
            self._files_client.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncClient(_BaseClient):
    """The asynchronous twin of `Client`, with the same constructor and methods."""

    def __init__(
        self,
        vendor: str,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        files_base_url: str | None = None,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        rate_limits: Mapping[str, RateLimit] | None = None,
        budget: Budget | None = None,
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
        )
        self._transport = transport
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            transport=transport,
            headers=self._headers,
            **self._http_options(),
        )
        if transport is None:
            _tune_own_transport(self._http)
        self._slots = AsyncSlots(self._max_concurrency)
        # Downloads have their own pool (the files client's) and their own turns.
        self._download_slots = AsyncSlots(self._max_concurrency)
        self._files_client: httpx.AsyncClient | None = None

    @property
    def _files(self) -> httpx.AsyncClient:
        """The download client, made on first use (see Client._files)."""
        if self._files_client is None:
            self._files_client = httpx.AsyncClient(
                transport=self._transport,
                headers=self._headers,
                follow_redirects=True,
                **self._http_options(),
            )
            if self._transport is None:
                _tune_own_transport(self._files_client)
        return self._files_client

    async def _request(
        self, call: HttpCall, until: float | None = None, before_send: BeforeSend | None = None
    ) -> Any:
        attempt = 0
        while True:
            try:
                if delay := self._rate_delay(call):
                    await self._clock.sleep_async(delay)
                seconds = self._request_seconds(until)
                async with self._slots:
                    _announce(before_send)
                    reply = await send_async(
                        self._http, self.vendor, call, seconds, self._auth_headers
                    )
                return self._interpret(call, reply)
            except SubmitCancelledError:
                raise
            except SoraError as error:
                delay = self._retry_delay(call, error, attempt, until)
            attempt += 1
            await self._clock.sleep_async(delay)

    async def submit(self, request: AnyRequest, *, before_send: BeforeSend | None = None) -> Task:
        """See Client.submit."""
        plan = self._plan(request)
        hold = self._hold(plan)
        upload = self._upload_call(plan)
        with self._exit():  # an upload is free and retried; one that fails stops the submit
            plan = self._with_image(plan, None if upload is None else await self._request(upload))
        call = self._adapter.submit_call(plan)
        announce = hold.before_send(before_send) if hold else before_send
        task = None
        try:
            with self._exit(submitting=True):
                task = self._task(plan, await self._request(call, before_send=announce))
        except SoraError as error:
            self._submit_ended(hold, None, error)
            raise
        self._submit_ended(hold, task, None)
        return task

    async def _retrieve(self, task: Task, until: float | None = None) -> Video:
        with self._exit(task=task):
            body = await self._request(self._adapter.status_call(task.id), until)
            return self._video(task, body)

    async def retrieve(self, task: Task | str) -> Video:
        return await self._retrieve(self._coerce_task(task))

    async def wait(
        self,
        task: Task | str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT_SECONDS,
        on_progress: ProgressCallback | None = None,
        raise_on_failure: bool = True,
    ) -> Video:
        task = self._coerce_task(task)
        tracker = WaitTracker(task, timeout, self._clock)
        while True:
            try:
                video = await self._retrieve(task, tracker.until)
            except APIConnectionError as error:
                if tracker.remaining() > 0:
                    raise
                raise tracker.timed_out(error) from error  # the wait ran out during a poll
            if tracker.changed(video) and on_progress is not None:
                outcome = on_progress(video)
                if inspect.isawaitable(outcome):
                    await outcome
            with self._exit(task=task):
                delay = tracker.next_delay(video)
                if delay is None:
                    return finish(video, raise_on_failure=raise_on_failure)
            await self._clock.sleep_async(delay)

    async def download(
        self,
        video: Video,
        path: str | Path,
        *,
        max_bytes: int | None = None,
        timeout: float = DEFAULT_DOWNLOAD_TIMEOUT_SECONDS,
    ) -> Path:
        task = video.task
        with self._exit(task=task):
            target = check_output_path(path, "path")
            url = result_url(video)
            attempt, refreshed = 0, False
            while True:
                try:
                    keyed = self._keyed(url)
                    # A turn first: waiting for it is not part of `timeout`.
                    async with self._download_slots:
                        with deadline(timeout):
                            async with self._files.stream(
                                "GET", url, auth=self._auth if keyed else None
                            ) as response:
                                if keyed and response.status_code >= 400:
                                    refusal = b""
                                    async for chunk in response.aiter_bytes():
                                        refusal += chunk
                                        if len(refusal) > REFUSAL_BYTES:
                                            break
                                    raise self._keyed_refusal(
                                        url, response.status_code, response.headers, refusal, task
                                    )
                                self._check_download(response, url, max_bytes, task)
                                with PartFile(
                                    target,
                                    url=url,
                                    max_bytes=max_bytes,
                                    expected=expected_length(response.headers),
                                    task=task,
                                ) as part:
                                    async for chunk in response.aiter_bytes(DOWNLOAD_CHUNK_BYTES):
                                        part.write(chunk)
                    return target
                except httpx.HTTPError as error:
                    failure = self._download_failure(error, url, task)
                except LinkExpiredError as expired:
                    call = None if refreshed else self._adapter.fresh_link_call(url)
                    if call is None:
                        raise
                    url = self._fresh_link(expired, await self._refresh(call, expired))
                    refreshed, attempt = True, 0
                    continue
                except DownloadError as error:
                    failure = error
                await self._clock.sleep_async(self._download_retry_delay(failure, attempt))
                attempt += 1

    async def _refresh(self, call: HttpCall, expired: LinkExpiredError) -> Any:
        try:
            return await self._request(call)
        except SoraError as refusal:
            raise self._refresh_failed(expired, refusal) from refusal

    async def generate(
        self,
        request: VideoRequest,
        *,
        out: str | Path | None = None,
        timeout: float = DEFAULT_WAIT_TIMEOUT_SECONDS,
        on_progress: ProgressCallback | Callable[[Video], Awaitable[Any]] | None = None,
    ) -> Video:
        target = self._output(out)
        task = await self.submit(request)
        try:
            video = await self.wait(task, timeout=timeout, on_progress=on_progress)
            if target is not None:
                await self.download(video, target)
        except SoraError as error:
            error.task = error.task or task
            raise
        except BaseException as error:
            _note_task(error, task)
            raise
        return video

    async def remix(
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
        options = {
            "seconds": seconds,
            "orientation": orientation,
            "size": size,
            "remove_watermark": remove_watermark,
            "callback_url": callback_url,
            "model": model,
            "vendor_options": vendor_options,
        }
        return await self.submit(
            self._remix_request(task, prompt, options), before_send=before_send
        )

    async def create_character(
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
        created = await self.submit(self._character_request(task, video_url, options))
        video = await self.wait(created, timeout=timeout)
        with self._exit(task=created):
            return self._character(created, video)

    async def remove_watermark(
        self,
        video_url: str,
        *,
        callback_url: str | None = None,
        model: str | None = None,
        vendor_options: VendorOptionsArg | None = None,
    ) -> Task:
        request = WatermarkRemovalRequest(
            video_url=video_url,
            callback_url=callback_url,
            model=model,
            vendor_options=vendor_options,
        )
        return await self.submit(request)

    async def credits(self) -> float:
        with self._exit():
            return self._adapter.parse_credits(await self._request(self._adapter.credits_call()))

    async def close(self) -> None:
        await self._http.aclose()
        if self._files_client is not None:
            await self._files_client.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
