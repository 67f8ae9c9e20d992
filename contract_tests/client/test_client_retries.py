"""Retries: reads retry on transient failures; a paid submit is repeated only when the
request provably created nothing."""

from __future__ import annotations

import httpx
import pytest
import respx
from sora_unified import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    Client,
    RateLimitError,
    ServerError,
    SubmissionUncertainError,
    VideoRequest,
)

from contract_tests.support.fakes import (
    BASE_URLS,
    KEY,
    RUNNING,
    SUBMIT_PATHS,
    TASK_IDS,
    FakeClock,
    created,
    status_body,
    status_path,
)
from contract_tests.support.mocking import strict_router, transport
from contract_tests.support.specs import NATIVE_VENDORS as VENDORS

REQUEST = {
    "kie": VideoRequest(prompt="p", seconds=10),
    "evolink": VideoRequest(prompt="p", seconds=4),
    "modelverse": VideoRequest(prompt="p", seconds=4),
}


def _rejection(vendor: str, status: int) -> httpx.Response:
    if vendor == "kie":
        return httpx.Response(status, json={"code": status, "msg": "busy"})
    return httpx.Response(
        status, json={"error": {"code": str(status), "message": "busy", "type": "t"}}
    )


def _submit(
    vendor: str, side_effect: list[object], **client_args: object
) -> tuple[respx.Route, object, FakeClock]:
    clock = FakeClock()
    with strict_router(BASE_URLS[vendor]) as router:
        route = router.post(SUBMIT_PATHS[vendor], name="submit").mock(side_effect=side_effect)
        client = Client(
            vendor, api_key=KEY, transport=transport(router), clock=clock, **client_args
        )  # type: ignore[arg-type]
        try:
            outcome: object = client.submit(REQUEST[vendor])
        except Exception as error:  # returned for the assertions
            outcome = error
    return route, outcome, clock


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("read timed out"),
        httpx.RemoteProtocolError("peer closed"),
        httpx.ReadError("reset"),
        httpx.WriteTimeout("w"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_no_resubmit_after_an_ambiguous_failure(vendor: str, failure: Exception) -> None:
    route, outcome, clock = _submit(vendor, [failure, httpx.Response(200, json=created(vendor))])
    assert isinstance(outcome, SubmissionUncertainError)
    assert "may exist and cost credits" in str(outcome) and "not resubmitted" in str(outcome)
    assert route.call_count == 1
    assert clock.sleeps == []
    route.calls.assert_called_once()


@pytest.mark.parametrize("vendor", VENDORS)
def test_gateway_page_after_submit_is_uncertain(vendor: str) -> None:
    page = httpx.Response(
        502, content=b"<html>502 Bad Gateway</html>", headers={"Content-Type": "text/html"}
    )
    route, outcome, _ = _submit(vendor, [page, httpx.Response(200, json=created(vendor))])
    assert isinstance(outcome, SubmissionUncertainError) and route.call_count == 1


@pytest.mark.parametrize("vendor", VENDORS)
def test_success_without_task_id_or_with_broken_body_is_uncertain(vendor: str) -> None:
    for response in (
        httpx.Response(200, json={"unexpected": True}),
        httpx.Response(200, content=b'{"data": {"taskId": "ab'),
    ):
        route, outcome, _ = _submit(vendor, [response])
        assert isinstance(outcome, SubmissionUncertainError) and route.call_count == 1


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("refused"), httpx.ConnectTimeout("slow connect")],
    ids=lambda e: type(e).__name__,
)
def test_submit_retried_when_the_request_never_left(vendor: str, failure: Exception) -> None:
    route, outcome, clock = _submit(vendor, [failure, httpx.Response(200, json=created(vendor))])
    assert getattr(outcome, "id", None) == TASK_IDS[vendor]
    assert route.call_count == 2 and len(clock.sleeps) == 1


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize("status", [429, 500, 503])
def test_submit_retried_after_a_vendor_refusal(vendor: str, status: int) -> None:
    route, outcome, _ = _submit(
        vendor, [_rejection(vendor, status), httpx.Response(200, json=created(vendor))]
    )
    assert getattr(outcome, "id", None) == TASK_IDS[vendor] and route.call_count == 2


def test_kie_refusal_in_an_http_200_envelope_is_retried() -> None:
    route, outcome, _ = _submit(
        "kie",
        [
            httpx.Response(200, json={"code": 455, "msg": "maintenance"}),
            httpx.Response(200, json=created("kie")),
        ],
    )
    assert getattr(outcome, "id", None) == TASK_IDS["kie"] and route.call_count == 2


def test_kie_455_status_is_retried() -> None:
    route, outcome, _ = _submit(
        "kie",
        [
            httpx.Response(455, json={"code": 455, "msg": "maintenance"}),
            httpx.Response(200, json=created("kie")),
        ],
    )
    assert getattr(outcome, "id", None) == TASK_IDS["kie"] and route.call_count == 2


def test_submit_not_retried_on_client_errors() -> None:
    route, outcome, _ = _submit(
        "kie",
        [
            httpx.Response(200, json={"code": 401, "msg": "no"}),
            httpx.Response(200, json=created("kie")),
        ],
    )
    assert isinstance(outcome, AuthenticationError) and route.call_count == 1


def test_submit_gives_up_after_max_retries_with_the_refusal() -> None:
    route, outcome, clock = _submit("evolink", [_rejection("evolink", 429)] * 3, max_retries=2)
    assert isinstance(outcome, RateLimitError) and route.call_count == 3 and len(clock.sleeps) == 2


def test_connect_errors_exhausted_raise_connection_error() -> None:
    route, outcome, _ = _submit("kie", [httpx.ConnectError("refused")] * 2, max_retries=1)
    assert (
        type(outcome) is APIConnectionError
        and outcome.request_sent is False
        and route.call_count == 2
    )


def _retrieve(
    vendor: str, side_effect: list[object], **client_args: object
) -> tuple[respx.Route, object, FakeClock]:
    clock = FakeClock()
    with strict_router(BASE_URLS[vendor]) as router:
        route = router.get(status_path(vendor), name="status").mock(side_effect=side_effect)
        client = Client(
            vendor, api_key=KEY, transport=transport(router), clock=clock, **client_args
        )  # type: ignore[arg-type]
        try:
            outcome: object = client.retrieve(f"{vendor}:{TASK_IDS[vendor]}")
        except Exception as error:
            outcome = error
    return route, outcome, clock


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("t"),
        httpx.ConnectError("c"),
        httpx.RemoteProtocolError("p"),
        httpx.Response(408),
        httpx.Response(502, text="<html>"),
    ],
    ids=lambda e: type(e).__name__ if isinstance(e, Exception) else f"HTTP{e.status_code}",
)
def test_status_reads_retry_transient_failures(vendor: str, failure: object) -> None:
    ok = httpx.Response(200, json=status_body(vendor, RUNNING[vendor], progress=5))
    route, outcome, clock = _retrieve(vendor, [failure, ok])
    assert getattr(outcome, "status", None) == "in_progress" and route.call_count == 2
    assert 0 < clock.sleeps[0] <= 0.5


def test_backoff_grows_and_is_capped() -> None:
    route, outcome, clock = _retrieve(
        "evolink", [httpx.Response(500, json={"error": {"code": 500}})] * 7, max_retries=6
    )
    assert isinstance(outcome, ServerError) and route.call_count == 7
    ceilings = [0.5, 1, 2, 4, 8, 8]
    assert all(
        ceiling / 2 <= sleep <= ceiling
        for sleep, ceiling in zip(clock.sleeps, ceilings, strict=True)
    )


def test_retry_after_is_honoured_and_capped() -> None:
    limited = httpx.Response(429, json={"error": {"code": 429}}, headers={"Retry-After": "3"})
    too_long = httpx.Response(429, json={"error": {"code": 429}}, headers={"Retry-After": "3600"})
    ok = httpx.Response(200, json=status_body("evolink", "processing"))
    _, outcome, clock = _retrieve("evolink", [limited, too_long, ok])
    assert getattr(outcome, "status", None) == "in_progress"
    assert clock.sleeps == [3.0, 60.0]


def test_timeout_is_reported_as_api_timeout() -> None:
    _, outcome, _ = _retrieve("modelverse", [httpx.ReadTimeout("t")] * 2, max_retries=1)
    assert isinstance(outcome, APITimeoutError) and "timed out" in str(outcome)
