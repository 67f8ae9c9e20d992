"""The plugin's fixtures as a user's tests use them: `sora_sandbox`, `sora_client`,
`sora_async_client`, `sora_vendor`, the marker, and the kit's observations and helpers."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sora_unified import AsyncClient, Client, VideoRequest, parse_callback
from sora_unified.errors import (
    CallbackVerificationError,
    GenerationFailedError,
    InsufficientCreditsError,
    RateLimitError,
    SubmissionUncertainError,
)
from sora_unified.sandbox import Timing
from sora_unified.testing import KIE_HMAC_KEY, FakeClock, SandboxKit

from contract_tests.support.gateway_world import wait_until
from contract_tests.support.loopback import Misbehaving, raw_head
from contract_tests.support.mp4 import read_mp4
from contract_tests.support.specs import VENDORS

PROMPT = VideoRequest(prompt="a corgi surfing")


def test_sora_client_makes_a_video_on_the_session_sandbox(sora_client, sora_sandbox, tmp_path):
    assert isinstance(sora_client, Client) and sora_client.vendor == "kie"
    video = sora_client.generate(PROMPT, out=tmp_path / "corgi.mp4")
    assert video.status == "completed"
    assert read_mp4((tmp_path / "corgi.mp4").read_bytes()).seconds == pytest.approx(10, abs=0.5)
    assert sora_sandbox.submits("kie") == sora_sandbox.submits() == 1
    assert sora_sandbox.task_ids("kie") == [video.task_id]


@pytest.mark.parametrize("sora_vendor", VENDORS)
def test_sora_vendor_parametrises_the_client(sora_client, sora_sandbox, sora_vendor, tmp_path):
    video = sora_client.generate(PROMPT, out=tmp_path / "v.mp4")
    assert (sora_client.vendor, video.vendor) == (sora_vendor, sora_vendor)
    assert sora_sandbox.submits(sora_vendor) == 1
    assert sora_sandbox.requests(sora_vendor, "submit") == 1
    assert sora_sandbox.requests(sora_vendor) >= 2  # the submit and at least one status read


@pytest.mark.parametrize("sora_vendor", ["kie", "modelverse-openai"])
def test_sora_async_client(sora_async_client, sora_sandbox, sora_vendor, tmp_path):
    assert isinstance(sora_async_client, AsyncClient)

    async def run() -> str:
        async with sora_async_client as client:
            video = await client.generate(PROMPT, out=tmp_path / "v.mp4")
        return video.status

    assert asyncio.run(run()) == "completed"
    assert sora_sandbox.submits(sora_vendor) == 1


@pytest.mark.sora_sandbox(timing=Timing(queue_seconds=120, run_seconds=600))
def test_the_fake_clock_lets_a_long_task_finish_without_waiting(sora_client, sora_sandbox):
    started = sora_sandbox.clock.time()
    video = sora_client.wait(sora_client.submit(PROMPT))
    assert video.status == "completed"
    assert sora_sandbox.clock.time() - started >= 720  # slept through, on the fake clock
    assert sum(sora_sandbox.clock.sleeps) >= 720
    assert sora_sandbox.config.timing.queue_seconds == 120


def test_the_next_test_gets_the_kit_default_timing_again(sora_sandbox):
    assert sora_sandbox.config.timing == Timing(
        queue_seconds=0, run_seconds=0, not_visible_seconds=0
    )
    assert sora_sandbox.clock.sleeps == []


@pytest.mark.sora_sandbox(credits=0)
def test_the_marker_sets_any_sandbox_setting(sora_client, sora_sandbox):
    with pytest.raises(InsufficientCreditsError):
        sora_client.submit(PROMPT)
    assert sora_sandbox.submits() == 0


def test_a_rate_limited_submit_is_retried_and_paid_once(sora_client, sora_sandbox):
    sora_sandbox.fail_next("submit", "rate_limit")
    assert sora_client.wait(sora_client.submit(PROMPT)).status == "completed"
    assert sora_sandbox.requests("kie", "submit") == 2
    assert sora_sandbox.submits() == 1


def test_an_uncertain_submit_is_not_sent_again(sora_client, sora_sandbox):
    sora_sandbox.fail_next("submit", "drop_after")
    with pytest.raises(SubmissionUncertainError):
        sora_client.submit(PROMPT)
    assert sora_sandbox.submits() == 1  # the vendor made (and charged) the task
    assert sora_sandbox.requests("kie", "submit") == 1


def test_a_content_policy_failure(sora_client, sora_sandbox):
    sora_sandbox.fail_next("submit", "fail_generation")
    with pytest.raises(GenerationFailedError) as failed:
        sora_client.generate(PROMPT)
    assert failed.value.video.content_policy_violation


def test_a_dropped_status_read_is_read_again(sora_client, sora_sandbox):
    sora_sandbox.fail_next("status", "drop_after")
    assert sora_client.wait(sora_client.submit(PROMPT)).status == "completed"
    assert sora_sandbox.requests("kie", "status") >= 2


def test_a_slow_submit_times_out_as_uncertain(sora_sandbox):
    sora_sandbox.fail_next("submit", "slow", delay=2.0)
    with sora_sandbox.client("kie", timeout=0.3) as client, pytest.raises(SubmissionUncertainError):
        client.submit(PROMPT)


def test_expired_links_are_renewed_by_kie(sora_client, sora_sandbox, tmp_path):
    video = sora_client.wait(sora_client.submit(PROMPT))
    sora_sandbox.expire_links()
    sora_client.download(video, tmp_path / "v.mp4")
    assert sora_sandbox.requests("kie", "fresh_link") == 1


def test_the_kit_clients_take_overrides(sora_sandbox):
    with sora_sandbox.client("evolink", max_retries=0) as client:
        sora_sandbox.fail_next("submit", "rate_limit")
        with pytest.raises(RateLimitError):
            client.submit(PROMPT)


def test_reset_names_an_unknown_setting(sora_sandbox):
    with pytest.raises(TypeError, match=r"unknown sandbox setting\(s\) credit; the settings are"):
        sora_sandbox.reset(credit=5)


# -- callbacks ------------------------------------------------------------------------------


def test_send_callback_signed_and_forged_to_a_handler(sora_client, sora_sandbox):
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        try:
            parse_callback("kie", request.content, request.headers, secret=KIE_HMAC_KEY)
        except CallbackVerificationError:
            return httpx.Response(401)
        return httpx.Response(204)

    task = sora_client.submit(PROMPT)
    transport = httpx.MockTransport(handler)
    url = "https://my-app.test/hooks/kie"
    assert sora_sandbox.send_callback(task, url, transport=transport).status_code == 204
    assert (
        sora_sandbox.send_callback(task, url, forged=True, transport=transport).status_code == 401
    )
    assert seen[0].url == url and seen[0].method == "POST"
    assert sora_sandbox.kie_hmac_key == KIE_HMAC_KEY


def test_send_callback_async_reaches_an_asgi_app(sora_client, sora_sandbox):
    received: list[bytes] = []

    async def app(scope, receive, send):
        message = await receive()
        received.append(message["body"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    task = sora_client.submit(PROMPT)
    answer = asyncio.run(
        sora_sandbox.send_callback_async(
            str(task), "http://app.test/hook", transport=httpx.ASGITransport(app=app)
        )
    )
    assert answer.status_code == 200
    assert parse_callback("kie", received[0]).task_id == task.id


@pytest.mark.parametrize("sora_vendor", ["evolink"])
def test_only_kie_callbacks_can_be_forged(sora_client, sora_sandbox, sora_vendor):
    task = sora_client.submit(PROMPT)
    body, headers = sora_sandbox.callback_message(task)
    assert parse_callback("evolink", body, headers).task_id == task.id
    with pytest.raises(ValueError, match="evolink does not sign its callbacks"):
        sora_sandbox.callback_message(task, forged=True)


def test_the_sandbox_calls_back_to_the_callback_url_and_the_kit_sees_it(sora_client, sora_sandbox):
    with Misbehaving(lambda request: [raw_head(200, {"Content-Length": "0"})]) as server:
        request = VideoRequest(prompt="a corgi", callback_url=f"{server.url}/hook")
        task = sora_client.submit(request)
        sora_client.wait(task)
        # the sandbox's sender runs on its server's thread, in real time
        wait_until(lambda: bool(sora_sandbox.callbacks), seconds=30, what="the callback")
    attempt = sora_sandbox.callbacks[0]
    assert (attempt.vendor, attempt.task_id, attempt.outcome) == ("kie", task.id, "delivered")
    assert parse_callback("kie", attempt.body, attempt.headers, secret=KIE_HMAC_KEY)


# -- the kit without pytest ---------------------------------------------------------------


def test_the_kit_is_a_context_manager_with_its_own_clock():
    clock = FakeClock(start=1_800_000_000)
    with SandboxKit(clock=clock) as kit:
        assert kit.url.startswith("http://127.0.0.1:")
        with kit.client("modelverse") as client:
            client.wait(client.submit(PROMPT))
        assert kit.submits("modelverse") == 1
    with pytest.raises(RuntimeError, match="not serving"):
        _ = kit.url
