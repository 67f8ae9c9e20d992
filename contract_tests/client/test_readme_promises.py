"""The README's Safety section, promise by promise, for Client and AsyncClient alike.

Each test is named after the promise it guards and fails when the promise breaks. Faults are
served by a strict mock transport; waits run on a fake clock.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from sora_unified import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    DownloadError,
    GenerationFailedError,
    LinkExpiredError,
    NotFoundError,
    RateLimitError,
    ServerError,
    SoraError,
    SubmissionUncertainError,
    VideoRequest,
    WaitTimeoutError,
)
from sora_unified._constants import MAX_RETRY_AFTER_SECONDS, MAX_RETRY_DELAY_SECONDS

from contract_tests.support.fakes import (
    BASE_URLS,
    DONE,
    FAILED,
    KEY,
    MP4,
    RUNNING,
    SUBMIT_PATHS,
    TASK_IDS,
    VIDEO_URL,
    FakeClock,
    created,
    status_body,
    status_path,
)
from contract_tests.support.mocking import FLAVOURS, strict_router
from contract_tests.support.mocking import run_client as run
from contract_tests.support.specs import NATIVE_VENDORS as VENDORS

REQUEST = {
    "kie": VideoRequest(prompt="p", seconds=10),
    "evolink": VideoRequest(prompt="p", seconds=4),
    "modelverse": VideoRequest(prompt="p", seconds=4),
}


def _submit_route(router: respx.Router, vendor: str, *responses: Any) -> respx.Route:
    route = router.post(BASE_URLS[vendor] + SUBMIT_PATHS[vendor], name="submit")
    route.mock(side_effect=list(responses) or [httpx.Response(200, json=created(vendor))])
    return route


def _status_route(router: respx.Router, vendor: str, *responses: Any) -> respx.Route:
    route = router.get(BASE_URLS[vendor] + status_path(vendor), name="status")
    route.mock(side_effect=list(responses))
    return route


# -- "A paid job is never submitted twice by accident." ----------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("read timed out"),
        httpx.RemoteProtocolError("server disconnected"),
        httpx.Response(502, html="<html>502 Bad Gateway</html>"),
        httpx.Response(200, json={"no": "task id"}),
    ],
    ids=["read-timeout", "dropped-connection", "gateway-page", "success-without-task-id"],
)
def test_an_ambiguous_submit_is_uncertain_and_never_resubmitted(
    flavour: str, vendor: str, failure: Any
) -> None:
    with strict_router() as router:
        submit = _submit_route(router, vendor, failure, httpx.Response(200, json=created(vendor)))
        outcome = run(flavour, vendor, router, lambda client: client.submit(REQUEST[vendor]))
    assert isinstance(outcome, SubmissionUncertainError)
    assert submit.call_count == 1


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize(
    "refusal",
    [httpx.ConnectError("refused"), 429, 503, 500],
    ids=["never-connected", "429", "503", "500"],
)
def test_a_submit_is_retried_only_when_it_provably_created_nothing(
    flavour: str, vendor: str, refusal: Any
) -> None:
    if isinstance(refusal, int):
        body = (
            {"code": refusal, "msg": "busy"}
            if vendor == "kie"
            else {"error": {"code": str(refusal), "message": "busy", "type": "t"}}
        )
        refusal = httpx.Response(refusal, json=body)
    with strict_router() as router:
        submit = _submit_route(router, vendor, refusal, httpx.Response(200, json=created(vendor)))
        outcome = run(flavour, vendor, router, lambda client: client.submit(REQUEST[vendor]))
    assert getattr(outcome, "id", None) == TASK_IDS[vendor], outcome
    assert submit.call_count == 2


# -- "A task id the vendor returned is never lost: any error after submit carries .task" --


def _after_submit(vendor: str, kind: str) -> tuple[list[Any], list[Any]]:
    """(status answers, file answers) that end a generate() in the error `kind`."""
    done = httpx.Response(200, json=status_body(vendor, DONE[vendor], urls=[VIDEO_URL]))
    refusal = (
        httpx.Response(200, json={"code": 401, "msg": "Unauthorized"})
        if vendor == "kie"
        else httpx.Response(401, json={"error": {"code": "auth", "message": "no", "type": "t"}})
    )
    return {
        "status-api-error": ([refusal], []),
        "status-not-json": ([httpx.Response(200, content=b"{truncated")] * 4, []),
        "status-connection": ([httpx.ConnectError("down")] * 4, []),
        "generation-failed": (
            [httpx.Response(200, json=status_body(vendor, FAILED[vendor], error=("x", "no")))],
            [],
        ),
        "wait-timeout": (
            [httpx.Response(200, json=status_body(vendor, RUNNING[vendor], progress=5))] * 400,
            [],
        ),
        "download-error": ([done], [httpx.Response(500)] * 4),
        "link-expired": ([done], [httpx.Response(403, text="AccessDenied")]),
    }[kind]


KINDS = {
    "status-api-error": AuthenticationError,
    "status-not-json": APIError,
    "status-connection": APIConnectionError,
    "generation-failed": GenerationFailedError,
    "wait-timeout": WaitTimeoutError,
    "download-error": DownloadError,
    "link-expired": LinkExpiredError,
}


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_error_after_submit_carries_the_task(
    flavour: str, vendor: str, kind: str, tmp_path: Path
) -> None:
    statuses, files = _after_submit(vendor, kind)
    with strict_router() as router:
        _submit_route(router, vendor)
        _status_route(router, vendor, *statuses)
        if files:
            router.get(VIDEO_URL, name="file").mock(side_effect=files)
        if kind == "link-expired" and vendor == "kie":
            # kie renews an expired link once; here the fresh link has expired as well.
            fresh = VIDEO_URL.replace("result.mp4", "fresh.mp4")
            router.post(BASE_URLS["kie"] + "/api/v1/common/download-url").respond(
                json={"code": 200, "msg": "success", "data": fresh}
            )
            router.get(fresh).respond(403, text="AccessDenied")
        outcome = run(
            flavour,
            vendor,
            router,
            lambda client: client.generate(REQUEST[vendor], out=tmp_path / "v.mp4", timeout=600),
        )
    assert isinstance(outcome, KINDS[kind]), outcome
    assert outcome.task is not None and outcome.task.id == TASK_IDS[vendor]
    assert str(outcome.task) in str(outcome)
    assert not (tmp_path / "v.mp4").exists()


# -- "Status reads, credits and downloads retry with capped exponential backoff and jitter,
#     honouring Retry-After." --------------------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_status_reads_back_off_exponentially_with_jitter_up_to_a_cap(flavour: str) -> None:
    clock = FakeClock()
    with strict_router() as router:
        failures = [httpx.Response(500, json={"error": {"code": "x", "message": "m"}})] * 9
        ok = httpx.Response(200, json=status_body("evolink", RUNNING["evolink"], progress=1))
        _status_route(router, "evolink", *failures, ok)
        outcome = run(
            flavour,
            "evolink",
            router,
            lambda client: client.retrieve(f"evolink:{TASK_IDS['evolink']}"),
            clock,
            max_retries=9,
        )
    assert outcome.status == "in_progress"
    sleeps = clock.sleeps
    assert len(sleeps) == 9
    ceilings = [min(MAX_RETRY_DELAY_SECONDS, 0.5 * 2**attempt) for attempt in range(9)]
    assert all(c / 2 <= s <= c for s, c in zip(sleeps, ceilings, strict=True)), sleeps
    assert max(sleeps) <= MAX_RETRY_DELAY_SECONDS
    assert len(set(sleeps)) == len(sleeps)  # jitter: no two waits alike


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_credits_are_retried(flavour: str) -> None:
    with strict_router() as router:
        route = router.get(BASE_URLS["kie"] + "/api/v1/chat/credit").mock(
            side_effect=[
                httpx.ConnectError("down"),
                httpx.Response(200, json={"code": 455, "msg": "maintenance"}),
                httpx.Response(200, json={"code": 200, "msg": "success", "data": 12}),
            ]
        )
        outcome = run(flavour, "kie", router, lambda client: client.credits())
    assert outcome == 12 and route.call_count == 3


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize(
    ("hint", "expected"),
    [("7", 7.0), ("1000", MAX_RETRY_AFTER_SECONDS)],
    ids=["honoured", "capped"],
)
def test_retry_after_is_honoured_and_capped(flavour: str, hint: str, expected: float) -> None:
    clock = FakeClock()
    limited = httpx.Response(
        429, json={"error": {"code": 429, "message": "slow"}}, headers={"Retry-After": hint}
    )
    with strict_router() as router:
        ok = httpx.Response(200, json=status_body("evolink", RUNNING["evolink"], progress=1))
        _status_route(router, "evolink", limited, ok)
        run(
            flavour,
            "evolink",
            router,
            lambda client: client.retrieve(f"evolink:{TASK_IDS['evolink']}"),
            clock,
        )
    assert clock.sleeps == [expected]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_downloads_are_retried_and_never_regenerate(flavour: str, tmp_path: Path) -> None:
    done = httpx.Response(200, json=status_body("kie", DONE["kie"], urls=[VIDEO_URL]))
    with strict_router() as router:
        submit = _submit_route(router, "kie")
        _status_route(router, "kie", done)
        files = router.get(VIDEO_URL).mock(
            side_effect=[
                httpx.ReadError("reset"),
                httpx.Response(503),
                httpx.Response(200, content=MP4, headers={"Content-Type": "video/mp4"}),
            ]
        )
        run(flavour, "kie", router, lambda c: c.generate(REQUEST["kie"], out=tmp_path / "v.mp4"))
    assert (tmp_path / "v.mp4").read_bytes() == MP4
    assert files.call_count == 3 and submit.call_count == 1


# -- "API keys never appear in logs, exception messages or reprs (the vendor's echo is
#     redacted), and result downloads go through a client that never carries the key." -----


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_the_key_never_travels_to_the_file_host(flavour: str, tmp_path: Path) -> None:
    done = httpx.Response(200, json=status_body("evolink", DONE["evolink"], urls=[VIDEO_URL]))
    with strict_router() as router:
        _submit_route(router, "evolink")
        _status_route(router, "evolink", done)
        files = router.get(VIDEO_URL).respond(content=MP4, headers={"Content-Type": "video/mp4"})
        run(
            flavour,
            "evolink",
            router,
            lambda c: c.generate(REQUEST["evolink"], out=tmp_path / "v.mp4"),
        )
    headers = files.calls.last.request.headers
    assert "authorization" not in headers and KEY not in str(headers)


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("vendor", VENDORS)
def test_a_key_echoed_by_the_vendor_is_redacted(flavour: str, vendor: str) -> None:
    body = (
        {"code": 404, "msg": f"no task for key {KEY}"}
        if vendor == "kie"
        else {"error": {"code": "404", "message": f"no task for key {KEY}", "type": "t"}}
    )
    with strict_router() as router:
        _status_route(router, vendor, httpx.Response(404, json=body))
        outcome = run(flavour, vendor, router, lambda c: c.retrieve(f"{vendor}:{TASK_IDS[vendor]}"))
    assert isinstance(outcome, NotFoundError)
    for text in (
        str(outcome),
        repr(outcome),
        outcome.message,
        outcome.body or "",
        *map(str, outcome.args),
    ):
        assert KEY not in text


# -- "Downloads stream to a temporary file beside the target and are renamed atomically; a
#     JSON or HTML error body is never saved as .mp4; an expired link is LinkExpiredError." --


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_failed_download_leaves_the_previous_file_untouched(flavour: str, tmp_path: Path) -> None:
    target = tmp_path / "v.mp4"
    target.write_bytes(b"the previous video")
    done = httpx.Response(200, json=status_body("kie", DONE["kie"], urls=[VIDEO_URL]))
    with strict_router() as router:
        _submit_route(router, "kie")
        _status_route(router, "kie", done)
        router.get(VIDEO_URL).respond(json={"code": 404, "msg": "gone"})
        outcome = run(flavour, "kie", router, lambda c: c.generate(REQUEST["kie"], out=target))
    assert isinstance(outcome, DownloadError)
    assert target.read_bytes() == b"the previous video"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.mp4"]


def test_the_promises_cover_every_error_class_after_submit() -> None:
    """Every error class that can end a generate() after submit is exercised above."""
    after_submit = {
        APIError,
        APIConnectionError,
        GenerationFailedError,
        WaitTimeoutError,
        DownloadError,
        LinkExpiredError,
        RateLimitError,
        ServerError,
    }
    exercised = set(KINDS.values())
    assert {cls for cls in after_submit if any(issubclass(k, cls) for k in exercised)} >= (
        after_submit - {RateLimitError, ServerError}
    )
    assert math.isfinite(MAX_RETRY_DELAY_SECONDS) and issubclass(
        SubmissionUncertainError, SoraError
    )
