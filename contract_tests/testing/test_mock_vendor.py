"""`mock_vendor`: each vendor from its documented examples, without a server or a socket."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest
from sora_unified import AsyncClient, Client, VideoRequest
from sora_unified.errors import (
    GenerationFailedError,
    RateLimitError,
    SubmissionUncertainError,
)
from sora_unified.testing import FakeClock, mock_vendor, sample_video

from contract_tests.support.mp4 import read_mp4
from contract_tests.support.specs import VENDORS

PROMPT = VideoRequest(prompt="a corgi surfing")


@pytest.fixture(autouse=True)
def _no_sockets(monkeypatch):
    """Prove the point: any socket opened during these tests fails them."""

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("mock_vendor opened a socket")

    monkeypatch.setattr(socket.socket, "connect", refused)


def _client(vendor: str, **options: object) -> Client:
    return Client(vendor, api_key="test-key-0123", clock=FakeClock(), **options)


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_plain_client_makes_a_video_from_the_documented_examples(vendor, tmp_path):
    with mock_vendor(vendor) as mock, _client(vendor) as client:
        video = client.generate(PROMPT, out=tmp_path / "v.mp4")
    assert video.status == "completed" and video.vendor == vendor
    assert (tmp_path / "v.mp4").read_bytes() == sample_video()
    assert mock.submits == 1 and mock.calls("submit") == 1
    assert mock.calls("status") >= 1 and mock.calls("download") == 1
    assert video.task_id in str(mock.submit_answer)  # the documented task, end to end


def test_the_sample_video_is_a_real_mp4():
    info = read_mp4(sample_video())
    assert info.brand and info.seconds == pytest.approx(1, abs=0.2)


@pytest.mark.parametrize("vendor", VENDORS)
def test_the_failed_outcome_is_the_documented_failure(vendor):
    with mock_vendor(vendor, outcome="failed"), _client(vendor) as client:
        with pytest.raises(GenerationFailedError) as failed:
            client.generate(PROMPT)
    assert failed.value.video.status == "failed"


def test_a_scripted_rate_limit_is_retried_with_the_vendors_error_format():
    with mock_vendor("kie") as mock, _client("kie") as client:
        mock.fail_next("submit", "rate_limit")
        client.wait(client.submit(PROMPT))
        assert mock.calls("submit") == 2 and mock.submits == 1
    with mock_vendor("evolink") as mock, _client("evolink", max_retries=0) as client:
        mock.fail_next("submit", "rate_limit")
        with pytest.raises(RateLimitError) as limited:
            client.submit(PROMPT)
        assert limited.value.status_code == 429
        assert limited.value.retry_after == 1


def test_a_submit_dropped_after_the_vendor_acted_is_uncertain_and_paid_once():
    with mock_vendor("modelverse") as mock, _client("modelverse") as client:
        mock.fail_next("submit", "drop_after")
        with pytest.raises(SubmissionUncertainError):
            client.submit(PROMPT)
        assert mock.calls("submit") == 1 and mock.submits == 1


def test_a_submit_dropped_before_is_retried():
    with mock_vendor("kie") as mock, _client("kie") as client:
        mock.fail_next("submit", "drop_before")
        client.submit(PROMPT)
        assert mock.calls("submit") == 2 and mock.submits == 1


def test_a_failed_download_is_retried(tmp_path):
    with mock_vendor("evolink") as mock, _client("evolink") as client:
        mock.fail_next("download", "server_error")
        client.generate(PROMPT, out=tmp_path / "v.mp4")
        assert mock.calls("download") == 2


def test_an_unmocked_request_fails_loudly():
    with mock_vendor("kie"), httpx.Client() as http, pytest.raises(Exception, match="not mocked"):
        http.get("https://api.evolink.ai/v1/credits")


def test_a_transport_instead_of_patching(tmp_path):
    mock = mock_vendor("evolink")
    with _client("evolink", transport=mock.transport()) as client:
        assert client.credits() > 0
    assert mock.calls("credits") == 1

    async def run() -> str:
        async with AsyncClient(
            "evolink", api_key="test-key-0123", transport=mock.async_transport(), clock=FakeClock()
        ) as client:
            return (await client.wait(await client.submit(PROMPT))).status

    assert asyncio.run(run()) == "completed"


def test_the_base_url_follows_the_clients_environment(monkeypatch):
    monkeypatch.setenv("KIE_BASE_URL", "https://kie.internal.test")
    mock = mock_vendor("kie")
    assert mock.base_url == "https://kie.internal.test"
    with mock, _client("kie") as client:
        client.submit(PROMPT)
    assert mock.submits == 1


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mock_vendor("sora"), "unknown vendor 'sora'; mock_vendor knows kie, evolink"),
        (lambda: mock_vendor("kie", outcome="done"), 'outcome must be "completed" or "failed"'),
        (lambda: mock_vendor("kie").fail_next("submitt", "rate_limit"), "endpoint must be one of"),
        (lambda: mock_vendor("kie").fail_next("submit", "slow"), "kind must be one of rate_limit"),
        (lambda: mock_vendor("kie").fail_next("submit", "rate_limit", times=0), "whole number"),
    ],
)
def test_mistakes_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
