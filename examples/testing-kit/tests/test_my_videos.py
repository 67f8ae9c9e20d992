"""Tests of my_videos against the vendors, without paying: sora-unified[testing]'s fixtures."""

from __future__ import annotations

import httpx
import pytest
from my_videos import callback_app, make_video
from sora_unified import Client, VideoRequest
from sora_unified.sandbox import Timing
from sora_unified.testing import mock_vendor


def test_a_video_is_made_and_stored(sora_client, sora_sandbox, tmp_path):
    stored = make_video(sora_client, "A corgi surfing", tmp_path)
    assert stored.outcome == "stored"
    assert stored.path == tmp_path / "a-corgi-surfing.mp4"
    assert stored.path.stat().st_size > 0
    assert sora_sandbox.submits() == 1


@pytest.mark.parametrize("sora_vendor", ["kie", "evolink", "modelverse"])
def test_every_vendor(sora_client, sora_sandbox, sora_vendor, tmp_path):
    assert make_video(sora_client, "a corgi", tmp_path).outcome == "stored"
    assert sora_sandbox.submits(sora_vendor) == 1


@pytest.mark.sora_sandbox(timing=Timing(queue_seconds=60, run_seconds=240))
def test_a_slow_vendor_costs_no_real_time(sora_client, sora_sandbox, tmp_path):
    assert make_video(sora_client, "a corgi", tmp_path).outcome == "stored"
    assert sum(sora_sandbox.clock.sleeps) >= 300  # five minutes, on the fake clock


def test_a_rate_limit_is_retried_and_paid_once(sora_client, sora_sandbox, tmp_path):
    sora_sandbox.fail_next("submit", "rate_limit")
    assert make_video(sora_client, "a corgi", tmp_path).outcome == "stored"
    assert sora_sandbox.requests("kie", "submit") == 2
    assert sora_sandbox.submits() == 1


def test_an_uncertain_submit_is_reported_and_never_sent_twice(sora_client, sora_sandbox, tmp_path):
    sora_sandbox.fail_next("submit", "drop_after")  # the vendor made the task; the answer was lost
    stored = make_video(sora_client, "a corgi", tmp_path)
    assert stored.outcome == "uncertain"
    assert sora_sandbox.submits() == 1
    assert sora_sandbox.requests("kie", "submit") == 1


def test_a_content_policy_refusal(sora_client, sora_sandbox, tmp_path):
    sora_sandbox.fail_next("submit", "fail_generation")
    stored = make_video(sora_client, "a corgi", tmp_path)
    assert stored.outcome == "refused"
    assert list(tmp_path.iterdir()) == []


def test_the_callback_handler_takes_signed_callbacks_and_refuses_forged_ones(
    sora_client, sora_sandbox, monkeypatch
):
    monkeypatch.setenv("KIE_WEBHOOK_HMAC_KEY", sora_sandbox.kie_hmac_key)
    finished = []
    transport = httpx.WSGITransport(app=callback_app(lambda task, status: finished.append(task)))
    task = sora_client.submit(VideoRequest(prompt="a corgi"))
    url = "http://my-app.test/hooks/kie"

    assert sora_sandbox.send_callback(task, url, transport=transport).status_code == 200
    assert finished == [task.id]
    forged = sora_sandbox.send_callback(task, url, forged=True, transport=transport)
    assert forged.status_code == 401
    assert finished == [task.id]


def test_without_any_server(tmp_path):
    with mock_vendor("kie") as kie, Client("kie", api_key="test-key") as client:
        assert make_video(client, "a corgi", tmp_path).outcome == "stored"
    assert kie.submits == 1


def test_code_written_for_openai(sora_gateway, sora_sandbox):
    openai = pytest.importorskip("openai")
    client = openai.OpenAI(**sora_gateway.openai_options())
    video = client.videos.create_and_poll(model="sora-2", prompt="a corgi", seconds="10")
    assert video.status == "completed"
    assert sora_sandbox.submits() == 1
