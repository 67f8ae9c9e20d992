"""Every documented error code of every vendor maps to exactly one class, however it arrives."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sora_unified import (
    APIError,
    AuthenticationError,
    BadRequestError,
    Client,
    FeatureDisabledError,
    InsufficientCreditsError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ServiceUnavailableError,
    SoraError,
    SubmissionUncertainError,
    VideoRequest,
)

from contract_tests.support.fakes import BASE_URLS, KEY, TASK_IDS, status_path
from contract_tests.support.mocking import strict_router, transport

KIE_CODES: list[tuple[int, type[APIError], bool]] = [
    (400, BadRequestError, False),
    (401, AuthenticationError, False),
    (402, InsufficientCreditsError, False),
    (404, NotFoundError, False),
    (408, ServerError, True),
    (422, BadRequestError, False),
    (429, RateLimitError, True),
    (433, RateLimitError, False),
    (455, ServiceUnavailableError, True),
    (500, ServerError, True),
    (501, ServerError, False),
    (505, FeatureDisabledError, False),
    (599, ServerError, True),
    (418, APIError, False),
]
EVOLINK_CODES: list[tuple[int, Any, type[APIError], bool]] = [
    (400, "invalid_request", BadRequestError, False),
    (401, "unauthorized", AuthenticationError, False),
    (402, "insufficient_quota", InsufficientCreditsError, False),
    (403, "model_access_denied", PermissionDeniedError, False),
    (404, 404, NotFoundError, False),
    (413, 413, BadRequestError, False),
    (429, "rate_limit_exceeded", RateLimitError, True),
    (500, "internal_error", ServerError, True),
    (502, 502, ServerError, True),
    (503, 503, ServiceUnavailableError, True),
]
MODELVERSE_CODES: list[tuple[int, str, type[APIError], bool]] = [
    (400, "param_error", BadRequestError, False),
    (400, "invalid_messages", BadRequestError, False),
    (400, "sensitive_check_error", BadRequestError, False),
    (400, "websearch_error", BadRequestError, False),
    (400, "model_error", PermissionDeniedError, False),
    (400, "tokens_too_long", BadRequestError, False),
    (401, "auth_error", AuthenticationError, False),
    (403, "forbidden", PermissionDeniedError, False),
    (408, "timeout", ServerError, True),
    (429, "rate_limit", RateLimitError, True),
    (500, "internal_error", ServerError, True),
    (500, "model_server_error", ServerError, True),
    (504, "gateway_timeout_error", ServerError, True),
]


def _retrieve_error(vendor: str, response: httpx.Response) -> APIError:
    with strict_router(BASE_URLS[vendor]) as router:
        router.get(status_path(vendor)).mock(return_value=response)
        client = Client(vendor, api_key=KEY, transport=transport(router), max_retries=0)
        with pytest.raises(APIError) as caught:
            client.retrieve(f"{vendor}:{TASK_IDS[vendor]}")
    return caught.value


@pytest.mark.parametrize("as_http_status", [False, True], ids=["in-200-envelope", "as-http-status"])
@pytest.mark.parametrize(("code", "error_class", "retryable"), KIE_CODES)
def test_kie_codes(
    code: int, error_class: type[APIError], retryable: bool, as_http_status: bool
) -> None:
    status = code if as_http_status else 200
    error = _retrieve_error(
        "kie", httpx.Response(status, json={"code": code, "msg": f"message {code}"})
    )
    assert type(error) is error_class
    assert error.vendor == "kie" and error.status_code == status
    assert error.code == str(code)  # the body always carries the vendor code
    assert error.message == f"message {code}"
    assert error.retryable is retryable


def test_kie_message_key_variant_and_request_id() -> None:
    response = httpx.Response(
        200, json={"code": 402, "message": "credits low"}, headers={"X-Request-Id": "rq-9"}
    )
    error = _retrieve_error("kie", response)
    assert isinstance(error, InsufficientCreditsError)
    assert error.message == "credits low" and error.request_id == "rq-9"
    assert "rq-9" in str(error) and "kie" in str(error)


@pytest.mark.parametrize(("status", "code", "error_class", "retryable"), EVOLINK_CODES)
def test_evolink_codes(
    status: int, code: Any, error_class: type[APIError], retryable: bool
) -> None:
    body = {"error": {"code": code, "message": f"message {status}", "type": "some_error"}}
    error = _retrieve_error("evolink", httpx.Response(status, json=body))
    assert type(error) is error_class
    assert (error.status_code, error.code, error.message, error.retryable) == (
        status,
        str(code),
        f"message {status}",
        retryable,
    )


def test_evolink_fallback_suggestion_sets_retry_after() -> None:
    body = {
        "error": {
            "code": 429,
            "message": "slow down",
            "type": "rate_limit_error",
            "fallback_suggestion": "retry after 60 seconds",
        }
    }
    error = _retrieve_error("evolink", httpx.Response(429, json=body))
    assert isinstance(error, RateLimitError) and error.retry_after == 60


@pytest.mark.parametrize(("status", "code", "error_class", "retryable"), MODELVERSE_CODES)
def test_modelverse_codes(
    status: int, code: str, error_class: type[APIError], retryable: bool
) -> None:
    body = {
        "error": {"message": "m", "type": "t", "param": "", "code": code},
        "request_id": "req-7",
    }
    error = _retrieve_error("modelverse", httpx.Response(status, json=body))
    assert type(error) is error_class
    assert (error.status_code, error.code, error.retryable, error.request_id) == (
        status,
        code,
        retryable,
        "req-7",
    )


@pytest.mark.parametrize("vendor", ["kie", "evolink", "modelverse"])
@pytest.mark.parametrize(
    ("status", "content", "content_type", "error_class"),
    [
        (502, b"<html><body>Bad gateway</body></html>", "text/html", ServerError),
        (520, b"", "text/plain", ServerError),
        (455, b"<html>maintenance", "text/html", ServiceUnavailableError),
        (429, b'{"code": 42', "application/json", RateLimitError),
    ],
)
def test_unexpected_bodies_are_typed_errors_with_an_excerpt(
    vendor: str, status: int, content: bytes, content_type: str, error_class: type[APIError]
) -> None:
    error = _retrieve_error(
        vendor, httpx.Response(status, content=content, headers={"Content-Type": content_type})
    )
    assert type(error) is error_class
    assert error.status_code == status and error.from_vendor is False
    assert (error.body or "").startswith(content.decode()[:10] or "<empty body>")


@pytest.mark.parametrize("vendor", ["kie", "evolink", "modelverse"])
def test_truncated_success_body_is_an_api_error(vendor: str) -> None:
    error = _retrieve_error(vendor, httpx.Response(200, content=b'{"output": {"task_'))
    assert type(error) is APIError and "not JSON" in str(error)


def test_key_echoed_by_the_vendor_is_redacted() -> None:
    error = _retrieve_error(
        "kie", httpx.Response(401, json={"code": 401, "msg": f"invalid key {KEY}"})
    )
    assert KEY not in str(error) and KEY not in (error.body or "") and "[redacted]" in str(error)


def test_rate_limit_retry_after_header_seconds_and_date() -> None:
    error = _retrieve_error(
        "evolink", httpx.Response(429, json={"error": {"code": 429}}, headers={"Retry-After": "7"})
    )
    assert isinstance(error, RateLimitError) and error.retry_after == 7
    error = _retrieve_error(
        "evolink",
        httpx.Response(
            429,
            json={"error": {"code": 429}},
            headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"},
        ),
    )
    assert isinstance(error, RateLimitError) and error.retry_after == 0


# -- an exception sora_unified did not foresee ----------------------------------------------------


def _raising(request: httpx.Request) -> httpx.Response:
    # Not an httpx error: the boundary in _http lets it through, the client's one exit wraps it.
    raise ValueError(f"a transport bug while sending to {KEY}")


def test_an_unforeseen_error_during_a_submit_is_an_uncertain_submission() -> None:
    client = Client("kie", api_key=KEY, transport=httpx.MockTransport(_raising), max_retries=0)
    with pytest.raises(SubmissionUncertainError) as caught:
        client.submit(VideoRequest(prompt="a corgi", seconds=10))
    assert "ValueError" in str(caught.value) and KEY not in str(caught.value)
    assert KEY not in str(caught.value.__cause__)


def test_an_unforeseen_error_during_a_status_read_names_the_task() -> None:
    client = Client("kie", api_key=KEY, transport=httpx.MockTransport(_raising), max_retries=0)
    with pytest.raises(SoraError) as caught:
        client.retrieve(f"kie:{TASK_IDS['kie']}")
    assert not isinstance(caught.value, SubmissionUncertainError)
    assert caught.value.task is not None and caught.value.task.id == TASK_IDS["kie"]
    assert "unexpected ValueError" in str(caught.value) and KEY not in str(caught.value)
