"""`sora_gateway`: code written against OpenAI's Videos API, on the kit's sandbox."""

from __future__ import annotations

import openai
import pytest
from sora_unified.testing import GatewayKit

from contract_tests.support.mp4 import read_mp4


def _client(gateway: GatewayKit, **options: object) -> openai.OpenAI:
    return openai.OpenAI(**gateway.openai_options(**options), max_retries=0)


def test_openai_code_makes_a_video_through_the_gateway(sora_gateway, sora_sandbox, tmp_path):
    assert isinstance(sora_gateway, GatewayKit)
    assert sora_gateway.base_url == sora_gateway.url + "/v1"
    with _client(sora_gateway) as client:
        video = client.videos.create_and_poll(model="sora-2", prompt="a corgi", seconds="10")
        assert video.status == "completed"
        content = client.videos.download_content(video.id)
        path = tmp_path / "v.mp4"
        content.write_to_file(path)
    assert read_mp4(path.read_bytes()).seconds == pytest.approx(10, abs=0.5)
    assert sora_sandbox.submits("kie") == 1  # what the gateway paid for, counted by the sandbox


def test_the_other_tenant_does_not_see_the_first_ones_video(sora_gateway):
    with _client(sora_gateway) as mine, _client(sora_gateway, other_tenant=True) as theirs:
        video = mine.videos.create(model="sora-2", prompt="a corgi", seconds="10")
        with pytest.raises(openai.NotFoundError):
            theirs.videos.retrieve(video.id)
        assert [v.id for v in theirs.videos.list()] == []


@pytest.mark.parametrize("sora_vendor", ["modelverse"])
def test_the_gateway_fronts_sora_vendor(sora_gateway, sora_sandbox, sora_vendor):
    assert sora_gateway.vendor == "modelverse"
    with _client(sora_gateway) as client:
        video = client.videos.create_and_poll(model="sora-2", prompt="a corgi", seconds="4")
    assert video.status == "completed"
    assert (sora_sandbox.submits("modelverse"), sora_sandbox.submits("kie")) == (1, 0)


def test_a_rate_limited_vendor_submit_is_retried_by_the_gateway(sora_gateway, sora_sandbox):
    sora_sandbox.fail_next("submit", "rate_limit")
    with _client(sora_gateway) as client:
        video = client.videos.create_and_poll(model="sora-2", prompt="a corgi", seconds="10")
    assert video.status == "completed"
    assert sora_sandbox.submits() == 1


def test_the_gateway_keys_never_show(sora_gateway):
    assert sora_gateway.api_key not in repr(sora_gateway)
    assert sora_gateway.other_api_key not in repr(sora_gateway)
