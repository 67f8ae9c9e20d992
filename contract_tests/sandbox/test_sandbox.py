"""The sandbox: lifecycle per vendor, auth and validation in each vendor's format, faults,
real MP4 results, expiring links, callbacks and bookkeeping."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
import respx
from sora_unified import (
    APITimeoutError,
    AuthenticationError,
    Client,
    GenerationFailedError,
    InsufficientCreditsError,
    LinkExpiredError,
    PermissionDeniedError,
    Shot,
    SubmissionUncertainError,
    Video,
    VideoRequest,
    parse_callback,
)
from sora_unified.sandbox import SANDBOX_KEY, Fault, Sandbox, SandboxConfig, Timing

from contract_tests.support.fakes import FakeClock
from contract_tests.support.mocking import async_transport, strict_router
from contract_tests.support.mp4 import read_mp4
from contract_tests.support.specs import NATIVE_VENDORS as VENDORS
from contract_tests.support.specs import WIRE_FORMS, auth_forms, auth_header

TIMING = Timing(queue_seconds=5, run_seconds=10, not_visible_seconds=2, link_ttl_seconds=3600)
REQUESTS = {
    "kie": VideoRequest(prompt="a corgi surfing", seconds=10, orientation="portrait"),
    "evolink": VideoRequest(prompt="a cat playing piano", seconds=4, orientation="landscape"),
    "modelverse": VideoRequest(prompt="a girl dancing", seconds=4, size="1280x720"),
}
EXPECTED_SIZE = {"kie": (720, 1280), "evolink": (1280, 720), "modelverse": (1280, 720)}


@pytest.fixture
def sandbox_timing() -> Timing:
    """The shared `sandbox` and `clock` fixtures (conftest.py), on this module's timing."""
    return TIMING


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize("vendor", VENDORS)
def test_lifecycle_and_playable_result(
    vendor: str, flavour: str, sandbox: Sandbox, client_factory: Any, tmp_path: Path
) -> None:
    client = client_factory(vendor, flavour)
    seen: list[tuple[str, int, str | None]] = []

    def generate() -> Any:
        return client.generate(
            REQUESTS[vendor],
            out=tmp_path / "v.mp4",
            on_progress=lambda v: seen.append((v.status, v.progress, v.vendor_status)),
        )

    async def generate_async() -> Video:
        async with client:
            made: Video = await generate()
            return made

    video = generate() if flavour == "sync" else asyncio.run(generate_async())
    statuses = [status for status, _, _ in seen]
    assert statuses[0] == "queued" and statuses[-1] == "completed" and "in_progress" in statuses
    progresses = [p for s, p, _ in seen if s == "in_progress"]
    assert progresses == sorted(progresses)
    if vendor != "modelverse":  # modelverse reports no progress
        assert len(set(progresses)) > 1
    if vendor == "kie":
        assert seen[0][2] is None  # not visible yet: "recordInfo is null"
    info = read_mp4((tmp_path / "v.mp4").read_bytes())
    assert info.brand in ("isom", "mp42", "iso5") and info.seconds == pytest.approx(
        float(REQUESTS[vendor].seconds or 0), abs=0.3
    )
    assert (info.width, info.height) == EXPECTED_SIZE[vendor]
    assert sandbox.state.tasks_created(vendor, SANDBOX_KEY) == 1
    assert sandbox.state.request_count(vendor, "submit") == 1
    assert video.seconds == REQUESTS[vendor].seconds


def test_storyboard_length_follows_n_frames(
    sandbox: Sandbox, clock: FakeClock, tmp_path: Path, client_factory: Any
) -> None:
    request = VideoRequest(
        shots=(Shot("a", 4), Shot("b", 5)), image_url=f"{sandbox.url}/files/first-frame.png"
    )
    client_factory("kie", sandbox=sandbox).generate(request, out=tmp_path / "s.mp4")
    assert read_mp4((tmp_path / "s.mp4").read_bytes()).seconds == pytest.approx(10, abs=0.3)


@pytest.mark.parametrize("vendor", VENDORS)
def test_wrong_key_gets_the_vendor_error(vendor: str, sandbox: Sandbox, clock: FakeClock) -> None:
    client = Client(vendor, api_key="wrong", base_url=sandbox.base_url(vendor), clock=clock)
    with pytest.raises(AuthenticationError):
        client.submit(REQUESTS[vendor])
    assert sandbox.state.tasks_created(vendor) == 0


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize("form", sorted(WIRE_FORMS))
def test_sandbox_accepts_exactly_the_auth_forms_of_the_spec(
    vendor: str, form: str, sandbox: Sandbox, clock: FakeClock, client_factory: Any
) -> None:
    client = client_factory(vendor, sandbox=sandbox)
    call = client._adapter.submit_call(client._plan(REQUESTS[vendor]))
    response = httpx.post(
        sandbox.base_url(vendor) + call.path, json=call.json, headers=auth_header(form, SANDBOX_KEY)
    )
    refused = response.json().get("code") == 401 if vendor == "kie" else response.status_code == 401
    assert refused is (form not in auth_forms(vendor)), response.text
    assert sandbox.state.tasks_created(vendor) == (0 if refused else 1)


@pytest.mark.parametrize(
    ("vendor", "path", "body", "status", "check"),
    [
        (
            "kie",
            "/api/v1/jobs/createTask",
            {"model": "sora-2-pro-text-to-video", "input": {"prompt": "p", "n_frames": 10}},
            200,
            lambda b: b["code"] == 422 and "n_frames" in b["msg"],
        ),
        (
            "kie",
            "/api/v1/jobs/createTask",
            {
                "model": "sora-2-pro-storyboard",
                "input": {
                    "shots": [{"Scene": "a", "duration": 9}, {"Scene": "b", "duration": 9}],
                    "n_frames": "15",
                    "image_urls": ["https://example.com/a.png"],
                    "aspect_ratio": "landscape",
                },
            },
            200,
            lambda b: b["code"] == 422 and "more than n_frames" in b["msg"],
        ),
        (
            "evolink",
            "/v1/videos/generations",
            {"model": "sora-2-pro-preview", "prompt": "p", "duration": 10},
            400,
            lambda b: b["error"]["code"] == "invalid_request" and b["error"]["param"] == "duration",
        ),
        (
            "evolink",
            "/v1/videos/generations",
            {"model": "sora-2-pro-preview", "prompt": "p", "callback_url": "https://10.0.0.1/cb"},
            400,
            lambda b: "internal IP" in b["error"]["message"],
        ),
        (
            "modelverse",
            "/v1/tasks/submit",
            {"model": "openai/sora-2/text-to-video", "input": {}},
            400,
            lambda b: b["error"]["code"] == "param_error",
        ),
    ],
)
def test_invalid_requests_get_the_vendor_error(
    sandbox: Sandbox, vendor: str, path: str, body: dict[str, object], status: int, check: object
) -> None:
    auth = SANDBOX_KEY if vendor == "modelverse" else f"Bearer {SANDBOX_KEY}"
    response = httpx.post(
        sandbox.base_url(vendor) + path, json=body, headers={"Authorization": auth}
    )
    assert response.status_code == status
    assert check(response.json())  # type: ignore[operator]
    assert sandbox.state.tasks_created(vendor) == 0


def _faulty(clock: FakeClock, *faults: Fault, **timing: float) -> Sandbox:
    return Sandbox(
        SandboxConfig(
            timing=Timing(
                **({"queue_seconds": 0, "run_seconds": 1, "not_visible_seconds": 0} | timing)
            ),
            faults=faults,
            unknown_fields="reject",
        ),
        clock=clock,
    )


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize("kind", ["rate_limit", "unavailable", "server_error", "drop_before"])
def test_transient_submit_faults(
    vendor: str, kind: str, clock: FakeClock, client_factory: Any
) -> None:
    with _faulty(clock, Fault(kind=kind, vendor=vendor, endpoint="submit", nth=(1,))) as sandbox:  # type: ignore[arg-type]
        client = client_factory(vendor, sandbox=sandbox)
        if kind == "drop_before":
            # The client cannot tell a drop before from one after: it must not resubmit.
            with pytest.raises(SubmissionUncertainError):
                client.submit(REQUESTS[vendor])
            assert sandbox.state.tasks_created(vendor) == 0
        else:
            task = client.submit(REQUESTS[vendor])
            assert task.id and sandbox.state.request_count(vendor, "submit") == 2
            assert sandbox.state.tasks_created(vendor) == 1


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize("kind", ["drop_after", "bad_gateway"])
def test_ambiguous_submit_faults_never_double_submit(
    vendor: str, kind: str, clock: FakeClock, client_factory: Any
) -> None:
    with _faulty(clock, Fault(kind=kind, vendor=vendor, endpoint="submit", nth=(1,))) as sandbox:  # type: ignore[arg-type]
        with pytest.raises(SubmissionUncertainError):
            client_factory(vendor, sandbox=sandbox).submit(REQUESTS[vendor])
        assert sandbox.state.request_count(vendor, "submit") == 1
        assert sandbox.state.tasks_created(vendor) == (1 if kind == "drop_after" else 0)


def test_kie_maintenance_and_html_pages_on_status_are_retried(
    clock: FakeClock, tmp_path: Path, client_factory: Any
) -> None:
    faults = (
        Fault(kind="maintenance", vendor="kie", endpoint="status", nth=(1,)),
        Fault(kind="html_error", vendor="kie", endpoint="status", nth=(2,)),
    )
    with _faulty(clock, *faults) as sandbox:
        video = client_factory("kie", sandbox=sandbox).generate(REQUESTS["kie"])
        assert video.status == "completed"
        assert sandbox.state.request_count("kie", "status") >= 3


def test_download_faults_are_retried(clock: FakeClock, tmp_path: Path, client_factory: Any) -> None:
    with _faulty(
        clock,
        Fault(kind="server_error", endpoint="download", nth=(1,)),
        Fault(kind="drop_before", endpoint="download", nth=(2,)),
    ) as sandbox:
        client_factory("evolink", sandbox=sandbox).generate(
            REQUESTS["evolink"], out=tmp_path / "v.mp4"
        )
        assert sandbox.state.request_count("evolink", "download") == 3
        assert read_mp4((tmp_path / "v.mp4").read_bytes()).seconds > 3


def test_slow_response_times_out(clock: FakeClock, client_factory: Any) -> None:
    with _faulty(
        clock, Fault(kind="slow", vendor="evolink", endpoint="status", delay=0.5)
    ) as sandbox:
        client = client_factory("evolink", sandbox=sandbox, timeout=0.1, max_retries=0)
        task = client.submit(REQUESTS["evolink"])
        with pytest.raises(APITimeoutError):
            client.retrieve(task)


@pytest.mark.parametrize(
    ("vendor", "error"),
    [
        ("kie", InsufficientCreditsError),
        ("evolink", InsufficientCreditsError),
        ("modelverse", PermissionDeniedError),
    ],
)
def test_insufficient_credits(
    vendor: str, error: type[Exception], clock: FakeClock, client_factory: Any
) -> None:
    with _faulty(
        clock, Fault(kind="insufficient_credits", vendor=vendor, endpoint="submit")
    ) as sandbox:
        with pytest.raises(error):
            client_factory(vendor, sandbox=sandbox).submit(REQUESTS[vendor])
        assert sandbox.state.tasks_created(vendor) == 0


@pytest.mark.parametrize("vendor", VENDORS)
def test_failed_generation_with_content_policy(
    vendor: str, clock: FakeClock, client_factory: Any
) -> None:
    with _faulty(clock, Fault(kind="fail_generation", vendor=vendor, endpoint="submit")) as sandbox:
        with pytest.raises(GenerationFailedError) as caught:
            client_factory(vendor, sandbox=sandbox).generate(REQUESTS[vendor])
    assert caught.value.content_policy_violation and "content policy" in str(caught.value)


def test_result_links_expire(
    sandbox: Sandbox, clock: FakeClock, tmp_path: Path, client_factory: Any
) -> None:
    client = client_factory("modelverse", sandbox=sandbox)
    video = client.wait(client.submit(REQUESTS["modelverse"]))
    clock.now += TIMING.link_ttl_seconds + 1
    with pytest.raises(LinkExpiredError):
        client.download(video, tmp_path / "late.mp4")
    assert not (tmp_path / "late.mp4").exists()


def test_probability_faults_are_seeded(clock: FakeClock) -> None:
    config = SandboxConfig(
        timing=TIMING,
        faults=(Fault(kind="server_error", endpoint="credits", probability=0.5),),
        seed=7,
    )
    outcomes = []
    for _ in range(2):
        with Sandbox(config, clock=clock) as sandbox:
            auth = {"Authorization": f"Bearer {SANDBOX_KEY}"}
            outcomes.append(
                [
                    httpx.get(sandbox.base_url("evolink") + "/v1/credits", headers=auth).status_code
                    for _ in range(12)
                ]
            )
    assert outcomes[0] == outcomes[1] and set(outcomes[0]) == {200, 500}


def test_config_from_file(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    path.write_text(
        json.dumps(
            {
                "timing": {"run_seconds": 0.5},
                "faults": [{"kind": "rate_limit", "vendor": "kie", "nth": [1, 2]}],
                "kie_hmac_key": "k",
            }
        )
    )
    config = SandboxConfig.from_file(path)
    assert (
        config.timing.run_seconds == 0.5
        and config.faults[0].nth == (1, 2)
        and config.kie_hmac_key == "k"
    )
    with pytest.raises(ValueError, match="unknown sandbox setting"):
        SandboxConfig.from_mapping({"colour": "blue"})
    with pytest.raises(ValueError, match="fault kind"):
        Fault(kind="explode")  # type: ignore[arg-type]


def _wait_for(condition: object, clock: FakeClock) -> None:
    import time

    deadline = time.monotonic() + 60
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.01)


def test_kie_callback_is_signed_and_verifiable(clock: FakeClock, client_factory: Any) -> None:
    received: list[httpx.Request] = []
    router = respx.Router(assert_all_mocked=True)
    router.post("https://hooks.example.com/kie").mock(
        side_effect=lambda request: received.append(request) or httpx.Response(200)
    )
    config = SandboxConfig(
        timing=Timing(queue_seconds=0, run_seconds=1, not_visible_seconds=0),
        kie_hmac_key="hmac-secret",
        callback_transport=async_transport(router),
        callback_delivery="anywhere",
    )
    with Sandbox(config, clock=clock) as sandbox:
        client = client_factory("kie", sandbox=sandbox)
        client.submit(VideoRequest(prompt="p", callback_url="https://hooks.example.com/kie"))
        clock.now += 2
        _wait_for(lambda: received, clock)
    (request,) = received
    video = parse_callback(
        "kie", request.content, dict(request.headers), secret="hmac-secret", now=clock.now
    )
    assert video.status == "completed" and json.loads(request.content)["code"] == 200
    assert sandbox.state.callbacks[0].status == 200


@pytest.mark.parametrize(
    ("answers", "attempts"),
    [
        ([500, 502, 204], [500, 502, 204]),
        ([500, 502, 503, 200], [500, 502, 503, 200]),  # the documented third retry
        ([500, 500, 500, 500, 200], [500, 500, 500, 500]),  # and no fourth
    ],
    ids=["second-retry-succeeds", "third-retry-succeeds", "gives-up-after-three-retries"],
)
def test_evolink_callback_retries_three_times_after_1_2_4_seconds(
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    answers: list[int],
    attempts: list[int],
    client_factory: Any,
) -> None:
    slept: list[float] = []
    real_sleep = anyio.sleep

    async def record_sleep(seconds: float) -> None:
        if seconds >= 0.5:  # the retry delays; the delivery loop's own ticks are shorter
            slept.append(seconds)
            seconds = 0
        await real_sleep(seconds)

    monkeypatch.setattr("sora_unified.sandbox._app.anyio.sleep", record_sleep)
    router = respx.Router(assert_all_mocked=True)
    route = router.post("https://hooks.example.com/evolink").mock(
        side_effect=[httpx.Response(status) for status in answers]
    )
    config = SandboxConfig(
        timing=Timing(queue_seconds=0, run_seconds=1),
        callback_transport=async_transport(router),
        callback_delivery="anywhere",
    )
    with Sandbox(config, clock=clock) as sandbox:
        client_factory("evolink", sandbox=sandbox).submit(
            VideoRequest(prompt="p", callback_url="https://hooks.example.com/evolink")
        )
        clock.now += 2
        _wait_for(lambda: len(sandbox.state.callbacks) == len(attempts), clock)
        import time

        time.sleep(0.2)  # a fifth attempt would land now
    assert [a.status for a in sandbox.state.callbacks] == attempts
    assert route.call_count == len(attempts)
    assert slept == [1.0, 2.0, 4.0][: len(attempts) - 1]


def test_evolink_callback_retries_after_non_2xx(clock: FakeClock, client_factory: Any) -> None:
    with strict_router() as router:
        route = router.post("https://hooks.example.com/evolink").mock(
            side_effect=[httpx.Response(500), httpx.Response(502), httpx.Response(204)]
        )
        config = SandboxConfig(
            timing=Timing(queue_seconds=0, run_seconds=1),
            callback_retry_delays=(0.01, 0.02, 0.04),
            callback_transport=async_transport(router),
            callback_delivery="anywhere",
        )
        with Sandbox(config, clock=clock) as sandbox:
            client_factory("evolink", sandbox=sandbox).submit(
                VideoRequest(prompt="p", callback_url="https://hooks.example.com/evolink")
            )
            clock.now += 2
            _wait_for(lambda: route.call_count == 3, clock)
    assert [a.status for a in sandbox.state.callbacks] == [500, 502, 204]
    assert [a.attempt for a in sandbox.state.callbacks] == [1, 2, 3]
    body = json.loads(route.calls.last.request.content)
    assert body["status"] == "completed" and body["results"]
