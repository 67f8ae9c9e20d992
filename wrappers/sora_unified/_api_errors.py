"""Build the right `APIError` subclass from what a vendor answered.

Adapters decide a response's effective status (kie puts it in the body of an HTTP 200) and
vendor code; this module picks the class, so every vendor maps codes the same way.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from ._constants import BODY_EXCERPT_CHARS
from ._wire import HttpReply
from .errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    FeatureDisabledError,
    InsufficientCreditsError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ServiceUnavailableError,
)

CLASS_BY_STATUS: Mapping[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: InsufficientCreditsError,
    403: PermissionDeniedError,
    404: NotFoundError,
    408: ServerError,
    413: BadRequestError,
    422: BadRequestError,
    429: RateLimitError,
    433: RateLimitError,  # kie: the sub-key's usage cap; retrying does not help (see below)
    455: ServiceUnavailableError,
    503: ServiceUnavailableError,
    505: FeatureDisabledError,
}
# Retryability that differs from the class default.
RETRYABLE_OVERRIDES: Mapping[int, bool] = {433: False, 501: False}
REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-trace-id")
_RETRY_HINT = re.compile(r"retry after (\d+(?:\.\d+)?) ?s", re.IGNORECASE)


def class_for_status(status: int) -> type[APIError]:
    if status in CLASS_BY_STATUS:
        return CLASS_BY_STATUS[status]
    if status >= 500:
        return ServerError
    return APIError


def excerpt(content: bytes | str) -> str:
    """A short single-line quote of a body, for messages about unexpected responses."""
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
    text = " ".join(text.split())
    if not text:
        return "<empty body>"
    return text if len(text) <= BODY_EXCERPT_CHARS else text[:BODY_EXCERPT_CHARS] + "..."


def _usable(seconds: float) -> float | None:
    """A hint worth following: finite and not negative (else fall back to backoff)."""
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def retry_after(headers: Mapping[str, str], hint: str | None = None) -> float | None:
    """Seconds from Retry-After (seconds or an HTTP date) or a "retry after N seconds" hint;
    None when absent, negative, not a number or not a date."""
    value = headers.get("retry-after")
    if value:
        value = value.strip()
        try:
            return _usable(float(value))
        except ValueError:
            pass
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            when = None
        if when is not None:
            if when.tzinfo is None:  # "-0000" gives a naive datetime; the date is in UTC
                when = when.replace(tzinfo=UTC)
            return max(0.0, (when - datetime.now(UTC)).total_seconds())
    if hint and (match := _RETRY_HINT.search(hint)):
        return _usable(float(match.group(1)))
    return None


def request_id(headers: Mapping[str, str], body: Any = None) -> str | None:
    if isinstance(body, Mapping):
        value = body.get("request_id")
        if isinstance(value, str) and value:
            return value
    for name in REQUEST_ID_HEADERS:
        if headers.get(name):
            return headers[name]
    return None


def api_error(
    vendor: str,
    reply: HttpReply,
    *,
    status: int,
    message: str,
    code: str | None = None,
    from_vendor: bool = True,
    cls: type[APIError] | None = None,
    hint: str | None = None,
) -> APIError:
    """An APIError for an error response. `status` is the effective status (kie's body code).

    `from_vendor` says the body was the vendor's own error envelope: the vendor itself saw and
    rejected the request, so a refused submit created no task.
    """
    error_class = cls or class_for_status(status)
    error = error_class(
        message,
        vendor=vendor,
        status_code=reply.status_code,
        code=code if code is not None else (str(status) if status != reply.status_code else None),
        request_id=request_id(reply.headers, reply.json_or_none()),
        body=excerpt(reply.content),
        retryable=RETRYABLE_OVERRIDES.get(status),
        retry_after=retry_after(reply.headers, hint),
    )
    error.from_vendor = from_vendor
    return error


def error_object_error(
    vendor: str, reply: HttpReply, *, class_by_code: Mapping[str, type[APIError]] | None = None
) -> APIError | None:
    """The error of a non-2xx reply in the OpenAI-style `{"error": {code, message, type, ...}}`
    envelope (evolink, modelverse); None for a 2xx reply.

    `error.code` may be a string or the integer HTTP status (evolink documents both);
    `class_by_code` overrides the class a vendor code's HTTP status would give.
    """
    body = reply.json_or_none()
    if reply.status_code < 400:
        return _refusal_in_success(vendor, reply, body, class_by_code)
    detail = body.get("error") if isinstance(body, Mapping) else None
    if not isinstance(detail, Mapping):
        return unexpected_body_error(vendor, reply)
    return _error_object(vendor, reply, detail, reply.status_code, class_by_code)


# What an error object's string `code` (else its `type`) means when the status line does not
# say (a 2xx answer that carries only an error envelope). Sources: vendor-facts 2.4 and 3.x.
STATUS_BY_ERROR_WORD: Mapping[str, int] = {
    "invalid_request_error": 400,
    "invalid_request": 400,
    "authentication_error": 401,
    "unauthorized": 401,
    "auth_error": 401,
    "insufficient_quota": 402,
    "insufficient_quota_error": 402,
    "permission_error": 403,
    "forbidden": 403,
    "model_access_denied": 403,
    "not_found_error": 404,
    "timeout": 408,
    "request_too_large_error": 413,
    "rate_limit_error": 429,
    "rate_limit_exceeded": 429,
    "rate_limit": 429,
    "internal_error": 500,
    "internal_server_error": 500,
    "api_error": 500,
    "upstream_error": 502,
    "service_unavailable_error": 503,
    "gateway_timeout_error": 504,
}
# Keys an error envelope may carry beside `error`; any other key means a real answer (an
# evolink task carries its failure in `error` next to `id` and `status`).
_ENVELOPE_KEYS = frozenset({"error", "request_id"})


def _refusal_in_success(
    vendor: str,
    reply: HttpReply,
    body: Any,
    class_by_code: Mapping[str, type[APIError]] | None,
) -> APIError | None:
    """A 2xx answer that is nothing but an error envelope is the vendor's refusal whatever the
    status line says (a modelverse quota refusal is seen under 200); None for a real answer."""
    if not isinstance(body, Mapping) or not set(body) <= _ENVELOPE_KEYS:
        return None
    detail = body.get("error")
    if not isinstance(detail, Mapping) or not any(
        detail.get(key) not in (None, "") for key in ("code", "message", "type")
    ):
        return None
    code = detail.get("code")
    status = 0
    if isinstance(code, int) and not isinstance(code, bool) and 400 <= code <= 599:
        status = code
    for word in (code, detail.get("type")):
        if not status and isinstance(word, str):
            status = STATUS_BY_ERROR_WORD.get(word, 0)
    return _error_object(vendor, reply, detail, status or 400, class_by_code)


def _error_object(
    vendor: str,
    reply: HttpReply,
    detail: Mapping[str, Any],
    status: int,
    class_by_code: Mapping[str, type[APIError]] | None,
) -> APIError:
    code = detail.get("code")
    code_text = str(code) if code not in (None, "") else None
    hint = detail.get("fallback_suggestion")
    return api_error(
        vendor,
        reply,
        status=status,
        code=code_text,
        message=str(detail.get("message") or detail.get("type") or "error"),
        cls=(class_by_code or {}).get(code_text or ""),
        hint=hint if isinstance(hint, str) else None,
    )


def envelope_error(vendor: str, reply: HttpReply) -> APIError | None:
    """The error in a `{"success": false, "code", "msg"}` envelope (the file hosts), under any
    HTTP status; None when the body is not such an envelope."""
    body = reply.json_or_none()
    if not isinstance(body, Mapping) or body.get("success") is not False:
        return None
    code = body.get("code")
    status = code if isinstance(code, int) and not isinstance(code, bool) and code >= 400 else 0
    return api_error(
        vendor,
        reply,
        status=status or max(reply.status_code, 400),
        code=str(code) if code is not None else None,
        message=str(body.get("msg") or body.get("message") or "upload refused"),
    )


def unexpected_body_error(vendor: str, reply: HttpReply) -> APIError:
    """An error status whose body is not the vendor's envelope (an HTML page, empty, truncated)."""
    content_type = reply.headers.get("content-type", "unknown content type").split(";")[0]
    return api_error(
        vendor,
        reply,
        status=reply.status_code,
        message=f"unexpected {content_type} response: {excerpt(reply.content)}",
        from_vendor=False,
    )
