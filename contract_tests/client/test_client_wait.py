"""wait(): status mapping for every documented state, deadline, progress events, schedule."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from sora_unified import (
    Client,
    GenerationFailedError,
    Video,
    VideoRequest,
    WaitTimeoutError,
    parse_status,
)

from contract_tests.support.fakes import (
    BASE_URLS,
    DONE,
    FAILED,
    KEY,
    QUEUED,
    RUNNING,
    TASK_IDS,
    VIDEO_URL,
    FakeClock,
    status_body,
    status_path,
)
from contract_tests.support.mocking import FLAVOURS, run_client, strict_router
from contract_tests.support.specs import load_spec

KNOWN_STATES = {
    "kie": (
        "TaskState",
        {
            "waiting": "queued",
            "queuing": "queued",
            "generating": "in_progress",
            "success": "completed",
            "fail": "failed",
        },
    ),
    "evolink": (
        "TaskStatus",
        {
            "pending": "queued",
            "processing": "in_progress",
            "completed": "completed",
            "failed": "failed",
            "cancelled": "failed",
        },
    ),
    "modelverse": (
        "TaskStatus",
        {
            "Pending": "queued",
            "Running": "in_progress",
            "Success": "completed",
            "Failure": "failed",
            "Expired": "failed",
        },
    ),
}


@pytest.mark.parametrize("vendor", ["kie", "evolink", "modelverse"])
def test_every_documented_state_is_mapped(vendor: str) -> None:
    schema_name, expected = KNOWN_STATES[vendor]
    documented = load_spec(vendor)["components"]["schemas"][schema_name]["x-known-values"]
    assert sorted(documented) == sorted(expected)
    for state, status in expected.items():
        assert parse_status(vendor, status_body(vendor, state)).status == status


@pytest.mark.parametrize("vendor", ["kie", "evolink", "modelverse"])
def test_unknown_state_is_in_progress_and_warned_once(
    vendor: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sora_unified._status._warned_states", set())  # fresh per process
    caplog.set_level(logging.WARNING, logger="sora_unified")
    state = f"brand-new-state-{vendor}"
    first = parse_status(vendor, status_body(vendor, state))
    second = parse_status(vendor, status_body(vendor, state))
    assert first.status == second.status == "in_progress" and first.vendor_status == state
    assert sum(state in record.getMessage() for record in caplog.records) == 1


def test_kie_quirks_parse() -> None:
    not_visible = parse_status("kie", {"code": 422, "msg": "recordInfo is null", "data": None})
    assert not_visible.status == "queued"
    assert parse_status("kie", {"code": 200, "msg": "success", "data": None}).status == "queued"
    body = status_body("kie", "success", urls=[VIDEO_URL])
    body["data"]["resultJson"] = (
        '{"resultUrls": ["https://a/clean.mp4"], "resultWaterMarkUrls": ["https://a/marked.mp4"]}'
    )
    video = parse_status("kie", body)
    assert video.video_urls == ("https://a/clean.mp4",) and video.watermarked_urls == (
        "https://a/marked.mp4",
    )
    assert video.url == "https://a/clean.mp4"
    assert video.created_at is not None and video.created_at.year == 2025  # milliseconds
    assert video.seconds == 10 and video.size == "1280x720"
    failed = parse_status(
        "kie", status_body("kie", "fail", error=("500", "Content violates our content policy"))
    )
    assert (
        failed.status == "failed" and failed.content_policy_violation and failed.error_code == "500"
    )


def test_times_in_seconds_for_evolink_and_modelverse() -> None:
    assert parse_status("evolink", status_body("evolink", "pending")).created_at.year == 2025  # type: ignore[union-attr]
    done = parse_status("modelverse", status_body("modelverse", "Success", urls=[VIDEO_URL]))
    assert (
        done.completed_at is not None
        and (done.completed_at - done.created_at).total_seconds() == 50
    )  # type: ignore[operator]


# -- wait() and generate() with either client, on answers scripted per vendor ------------------


def _wait_on(flavour: str, vendor: str, body: Any, clock: FakeClock, **wait: Any) -> Any:
    """`wait()` on the vendor's task while every status read answers `body`: its outcome."""
    task = f"{vendor}:{TASK_IDS[vendor]}"
    with strict_router(BASE_URLS[vendor]) as router:
        router.get(status_path(vendor)).respond(json=body)
        return run_client(flavour, vendor, router, lambda client: client.wait(task, **wait), clock)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_kie_wait_through_not_visible_window(flavour: str) -> None:
    clock = FakeClock()
    bodies = [
        {"code": 422, "msg": "recordInfo is null", "data": None},
        {"code": 200, "msg": "success", "data": None},
        status_body("kie", "waiting"),
        status_body("kie", "generating", progress=30),
        status_body("kie", "generating", progress=30),
        status_body("kie", "generating", progress=70),
        status_body("kie", "success", urls=[VIDEO_URL]),
    ]
    events: list[tuple[str, int]] = []
    with strict_router(BASE_URLS["kie"]) as router:
        router.get(status_path("kie")).mock(
            side_effect=[httpx.Response(200, json=b) for b in bodies]
        )
        video = run_client(
            flavour,
            "kie",
            router,
            lambda client: client.wait(
                f"kie:{TASK_IDS['kie']}",
                on_progress=lambda v: events.append((v.status, v.progress)),
            ),
            clock,
        )
    assert video.status == "completed"
    assert events == [("queued", 0), ("in_progress", 30), ("in_progress", 70), ("completed", 100)]
    assert clock.sleeps == [2.5] * 6


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_poll_schedule_slows_down_and_respects_the_deadline(flavour: str) -> None:
    clock = FakeClock()
    processing = status_body("evolink", "processing", progress=1)
    error = _wait_on(flavour, "evolink", processing, clock, timeout=200)

    # 2.5 s for the first 30 s, 7.5 s until two minutes, then 20 s, up to the deadline.
    assert clock.sleeps == [2.5] * 12 + [7.5] * 12 + [20.0] * 4
    assert isinstance(error, WaitTimeoutError)
    assert isinstance(error.video, Video) and error.video.status == "in_progress"
    assert str(error.task) == f"evolink:{TASK_IDS['evolink']}" and "keeps running" in str(error)


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("vendor", ["kie", "evolink", "modelverse"])
@pytest.mark.parametrize("raise_on_failure", [True, False])
def test_failed_task_raises_or_returns(flavour: str, vendor: str, raise_on_failure: bool) -> None:
    failed = status_body(
        vendor, FAILED[vendor], error=("content_policy_violation", "Prompt flagged by moderation")
    )
    with strict_router(BASE_URLS[vendor]) as router:
        router.get(status_path(vendor)).mock(
            side_effect=[
                httpx.Response(200, json=status_body(vendor, QUEUED[vendor])),
                httpx.Response(200, json=failed),
            ]
        )
        outcome = run_client(
            flavour,
            vendor,
            router,
            lambda client: client.wait(
                f"{vendor}:{TASK_IDS[vendor]}", raise_on_failure=raise_on_failure
            ),
        )
    if raise_on_failure:
        assert isinstance(outcome, GenerationFailedError)
        assert outcome.content_policy_violation
        assert outcome.task is not None and outcome.task.id == TASK_IDS[vendor]
        assert "moderation" in str(outcome)
    else:
        assert isinstance(outcome, Video)
        assert (
            outcome.status == "failed" and outcome.error_message == "Prompt flagged by moderation"
        )


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_wait_timeout_in_generate_keeps_the_task(flavour: str) -> None:
    with strict_router(BASE_URLS["modelverse"]) as router:
        router.post("/v1/tasks/submit").respond(
            json={"output": {"task_id": "mv-9"}, "request_id": "r"}
        )
        router.get("/v1/tasks/status").respond(
            json=status_body("modelverse", RUNNING["modelverse"], task_id="mv-9")
        )
        error = run_client(
            flavour,
            "modelverse",
            router,
            lambda client: client.generate(VideoRequest(prompt="p"), timeout=10),
        )
    assert isinstance(error, WaitTimeoutError)
    assert str(error.task) == "modelverse:mv-9"


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("vendor", ["kie", "evolink", "modelverse"])
def test_done_states_need_no_sleep(flavour: str, vendor: str) -> None:
    clock = FakeClock()
    video = _wait_on(flavour, vendor, status_body(vendor, DONE[vendor], urls=[VIDEO_URL]), clock)
    assert isinstance(video, Video) and video.url == VIDEO_URL
    assert clock.sleeps == []


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_last_sleep_is_cut_to_the_deadline(flavour: str) -> None:
    clock = FakeClock()
    error = _wait_on(flavour, "kie", status_body("kie", "generating"), clock, timeout=4)
    assert isinstance(error, WaitTimeoutError)
    assert clock.sleeps == [2.5, 1.5]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_requested_length_wins_over_evolinks_video_duration(flavour: str) -> None:
    done = status_body("evolink", "completed", urls=[VIDEO_URL])
    done["task_info"] = {"can_cancel": False, "video_duration": 9}  # the documented inconsistency
    assert parse_status("evolink", done).seconds == 9  # the raw figure, when nothing else is known
    with strict_router(BASE_URLS["evolink"]) as router:
        router.post("/v1/videos/generations").respond(
            json={"id": TASK_IDS["evolink"], "status": "pending"}
        )
        router.get(status_path("evolink")).respond(json=done)
        video = run_client(
            flavour,
            "evolink",
            router,
            lambda client: client.generate(VideoRequest(prompt="p", seconds=4)),
        )
    assert isinstance(video, Video) and video.seconds == 4


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_poll_interval_replaces_the_schedule_and_is_still_cut_to_the_deadline(
    flavour: str,
) -> None:
    clock = FakeClock()
    intervals: list[float | None] = []

    def wait(client: Any) -> Any:
        intervals.append(client.poll_interval)
        return client.wait(f"evolink:{TASK_IDS['evolink']}", timeout=1)

    with strict_router(BASE_URLS["evolink"]) as router:
        router.get(status_path("evolink")).respond(json=status_body("evolink", "processing"))
        error = run_client(flavour, "evolink", router, wait, clock, poll_interval=0.4)
    assert isinstance(error, WaitTimeoutError)
    assert intervals == [0.4]
    assert clock.sleeps == pytest.approx([0.4, 0.4, 0.2])


@pytest.mark.parametrize("value", [0, 0.05, -1, float("nan"), float("inf"), True, "2"])
def test_a_poll_interval_that_is_not_a_pace_is_refused_naming_it(value: object) -> None:
    from sora_unified import ConfigurationError

    with pytest.raises(ConfigurationError) as caught:
        Client("kie", api_key=KEY, poll_interval=value)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "poll_interval" in message and repr(value) in message and ">= 0.1" in message


def test_a_sandboxs_client_options_poll_at_a_pace_that_fits_its_timing() -> None:
    from sora_unified.sandbox import Sandbox, SandboxConfig, Timing

    def pace(timing: Timing) -> float:
        with Sandbox(SandboxConfig(timing=timing)) as sandbox:
            options = sandbox.client_options("kie")
            with Client("kie", **options) as client:
                return client.poll_interval or 0.0

    assert pace(Timing(queue_seconds=0, run_seconds=0, not_visible_seconds=0)) == 0.1
    assert pace(Timing(queue_seconds=1, run_seconds=3, not_visible_seconds=1)) == 1.0
    assert pace(Timing(queue_seconds=60, run_seconds=300)) == 2.5  # as on the vendor
