"""Every error sora_unified raises, in one tree.

    SoraError
    ├── ConfigurationError          missing key, unknown vendor, bad client settings
    ├── ValidationError             the request was refused locally, before any HTTP request
    │   └── UnsupportedFeatureError the vendor/model does not offer a feature at all
    ├── APIError                    the vendor (or something in front of it) answered with an error
    │   ├── BadRequestError         the vendor rejected the request (400, 413, 422)
    │   ├── AuthenticationError     401
    │   ├── PermissionDeniedError   403, or the key may not use this model
    │   ├── InsufficientCreditsError 402
    │   ├── NotFoundError           404
    │   ├── RateLimitError          429 (and kie 433); carries retry_after
    │   ├── ServiceUnavailableError kie 455 maintenance, 503
    │   ├── ServerError             500, 502, 504, 408 and any other 5xx such as 520
    │   └── FeatureDisabledError    kie 505
    ├── APIConnectionError          the request did not get an answer
    │   └── APITimeoutError
    ├── SubmissionUncertainError    a paid submit may or may not have created a task
    ├── SubmitCancelledError        submit's before_send declined: nothing was sent
    │   ├── BudgetExceededError     the Budget has too little left for the request's price
    │   └── PriceUnknownError       no price is published, so a Budget cannot hold the request
    ├── GenerationFailedError       the task ended failed (vendor code, message, content policy)
    ├── WaitTimeoutError            wait() gave up; carries the last Video seen
    ├── DownloadError               the result could not be saved
    │   └── LinkExpiredError        the result link has expired
    └── CallbackVerificationError   a callback's signature or timestamp is not acceptable

Every `APIError` carries the vendor, HTTP status, vendor code, message, request id (where the
vendor gives one), `retryable` (whether sending the same request again can help) and
`retry_after` (the vendor's Retry-After hint in seconds, if any). Every error raised after a
task exists carries it as `task`. Messages never contain an API key: every error leaves the
client through one exit point that redacts it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .types import Task, Video

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BudgetExceededError",
    "CallbackVerificationError",
    "ConfigurationError",
    "DownloadError",
    "FeatureDisabledError",
    "GenerationFailedError",
    "InsufficientCreditsError",
    "LinkExpiredError",
    "NotFoundError",
    "PermissionDeniedError",
    "PriceUnknownError",
    "RateLimitError",
    "ServerError",
    "ServiceUnavailableError",
    "SoraError",
    "SubmissionUncertainError",
    "SubmitCancelledError",
    "UnsupportedFeatureError",
    "ValidationError",
    "WaitTimeoutError",
]


class SoraError(Exception):
    """Root of every error raised by sora_unified.

    `task` is set whenever the error concerns a task the vendor already created, so its id is
    never lost (resume it with `Client.wait(task)` or `Task.parse(str(task))`).
    """

    task: Task | None = None

    def __init__(self, message: str, *, task: Task | None = None) -> None:
        super().__init__(message)
        self.message = message
        if task is not None:
            self.task = task

    def __str__(self) -> str:
        if self.task is not None and str(self.task) not in self.message:
            return f"{self.message} (task {self.task})"
        return self.message


class ConfigurationError(SoraError):
    """The client cannot be built as asked (no key, unknown vendor, bad setting)."""


class ValidationError(SoraError, ValueError):
    """A request the chosen vendor and model cannot serve; raised before any HTTP request."""

    def __init__(
        self,
        message: str,
        *,
        vendor: str,
        model: str | None,
        field: str,
        value: Any,
        allowed: str,
    ) -> None:
        super().__init__(message)
        self.vendor = vendor
        self.model = model
        self.field = field
        self.value = value
        self.allowed = allowed


class UnsupportedFeatureError(ValidationError):
    """The vendor or model does not offer this feature at all."""


class APIError(SoraError):
    """The vendor answered with an error (in the HTTP status or, for kie, in the body)."""

    retryable: bool = False
    # True when the body was the vendor's own error envelope (the vendor saw and refused the
    # request); False for gateway pages, empty or truncated bodies.
    from_vendor: bool = True

    def __init__(
        self,
        message: str,
        *,
        vendor: str,
        status_code: int | None,
        code: str | None = None,
        request_id: str | None = None,
        body: str | None = None,
        retryable: bool | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.vendor = vendor
        self.status_code = status_code
        self.code = code
        self.request_id = request_id
        self.body = body
        self.retry_after = retry_after
        if retryable is not None:
            self.retryable = retryable

    def __str__(self) -> str:
        parts = [f"{self.vendor}:"]
        if self.status_code is not None:
            parts.append(f"HTTP {self.status_code}")
        if self.code is not None and self.code != str(self.status_code):
            parts.append(f"code {self.code}")
        text = " ".join(parts) + f" - {super().__str__()}"
        if self.request_id:
            text += f" [request id {self.request_id}]"
        return text


class BadRequestError(APIError):
    """The vendor rejected the request (400, 413, 422)."""


class AuthenticationError(APIError):
    """The key is missing, invalid or expired (401)."""


class PermissionDeniedError(APIError):
    """The key may not do this, e.g. use this model (403)."""


class InsufficientCreditsError(APIError):
    """The account has too few credits (402)."""


class NotFoundError(APIError):
    """The task or endpoint does not exist (404)."""


class RateLimitError(APIError):
    """Too many requests (429). `retry_after` is the vendor's hint in seconds, if any."""

    retryable = True


class ServiceUnavailableError(APIError):
    """The service is down for maintenance (kie 455) or temporarily unavailable (503)."""

    retryable = True


class ServerError(APIError):
    """The vendor or a gateway in front of it failed (5xx, 408)."""

    retryable = True


class FeatureDisabledError(APIError):
    """The vendor has disabled the requested feature (kie 505)."""


class APIConnectionError(SoraError):
    """No answer: the connection failed or was dropped.

    `request_sent` is False only when the request provably never left this machine (the
    connection could not be opened), which is what makes retrying a paid submit safe.
    """

    def __init__(
        self, message: str, *, vendor: str, request_sent: bool = True, task: Task | None = None
    ) -> None:
        super().__init__(message, task=task)
        self.vendor = vendor
        self.request_sent = request_sent


class APITimeoutError(APIConnectionError):
    """No answer within the client's timeout."""


class SubmissionUncertainError(SoraError):
    """A submit was sent but its outcome is unknown: a task may exist and cost credits.

    sora_unified never resubmits on its own after this. Check the vendor's dashboard or task
    list before submitting again.
    """

    def __init__(self, message: str, *, vendor: str) -> None:
        super().__init__(message)
        self.vendor = vendor


class SubmitCancelledError(SoraError):
    """`submit(..., before_send=...)` returned False: the paid request was not sent (a batch's
    budget was reached between its check and the moment the request could leave)."""


class BudgetExceededError(SubmitCancelledError):
    """A `Budget` has too little left for this request's price: nothing was sent."""


class PriceUnknownError(SubmitCancelledError):
    """A budget cannot hold a request whose price no source publishes: nothing was sent.
    Name a model with a published price (`sora_unified.prices()`), or give the budget an
    `assumed_prices` entry for it."""


class GenerationFailedError(SoraError):
    """The task ended failed. `video` is the final state with the vendor's code and message."""

    def __init__(self, video: Video) -> None:
        reason = video.error_message or "no reason given"
        code = f" ({video.error_code})" if video.error_code else ""
        policy = " [content policy]" if video.content_policy_violation else ""
        super().__init__(
            f"{video.vendor} task {video.task_id} failed{code}: {reason}{policy}", task=video.task
        )
        self.video = video
        self.vendor = video.vendor
        self.code = video.error_code
        self.content_policy_violation = video.content_policy_violation


class WaitTimeoutError(SoraError):
    """wait() reached its deadline; `video` is the last state seen, if any (the task keeps
    running)."""

    def __init__(self, message: str, *, video: Video | None, task: Task) -> None:
        super().__init__(message, task=task)
        self.video = video


class DownloadError(SoraError):
    """The result could not be downloaded or saved. Downloading again never regenerates."""

    def __init__(
        self,
        message: str,
        *,
        url: str,
        status_code: int | None = None,
        retryable: bool = False,
        task: Task | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, task=task)
        self.url = url
        self.status_code = status_code
        self.retryable = retryable
        self.retry_after = retry_after


class LinkExpiredError(DownloadError):
    """The result link has expired (kie and evolink keep them about 24 hours)."""


class CallbackVerificationError(SoraError):
    """A callback was refused: bad or missing signature, or a timestamp outside the window."""
