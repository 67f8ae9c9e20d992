"""Expired result links: kie's are renewed once through its download-url API (a fresh link
valid 20 minutes); `LinkExpiredError` only when that fails too. Other vendors offer no
renewal: their expired links fail at once, with no extra request."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from sora_unified import AsyncClient, LinkExpiredError, VideoRequest
from sora_unified.cli import main
from sora_unified.sandbox import SANDBOX_KEY, Fault, Sandbox, SandboxConfig, Timing

from contract_tests.support.fakes import FakeClock
from contract_tests.support.mp4 import read_mp4

TIMING = Timing(queue_seconds=2, run_seconds=5, not_visible_seconds=1, link_ttl_seconds=3600)
FRESH_LINK_SECONDS = 20 * 60
FAULTY = (Fault(kind="server_error", vendor="kie", endpoint="fresh_link"),)


def _sandbox(clock: FakeClock, faults: tuple[Fault, ...] = ()) -> Sandbox:
    return Sandbox(SandboxConfig(timing=TIMING, faults=faults), clock=clock)


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """The shared `sandbox` and `clock` fixtures (conftest.py), on this module's timing."""
    return SandboxConfig(timing=TIMING)


def test_an_expired_kie_link_is_renewed_once(
    sandbox: Sandbox, clock: FakeClock, tmp_path: Path, client_factory: Any
) -> None:
    client = client_factory("kie", sandbox=sandbox, max_retries=1)
    video = client.wait(client.submit(VideoRequest(prompt="a corgi", seconds=10)))
    clock.now += TIMING.link_ttl_seconds + 1
    saved = client.download(video, tmp_path / "late.mp4")
    assert read_mp4(saved.read_bytes()).seconds == pytest.approx(10, abs=0.3)
    assert sandbox.state.request_count("kie", "fresh_link") == 1


def test_a_fresh_link_lasts_twenty_minutes_and_cannot_be_stretched(
    sandbox: Sandbox, clock: FakeClock, tmp_path: Path, client_factory: Any
) -> None:
    client = client_factory("kie", sandbox=sandbox, max_retries=1)
    video = client.wait(client.submit(VideoRequest(prompt="a corgi", seconds=10)))
    clock.now += TIMING.link_ttl_seconds + 1
    call = client._adapter.fresh_link_call(video.url or "")
    assert call is not None
    fresh = client._adapter.parse_fresh_link(client._request(call))
    assert fresh is not None
    stretched = fresh.replace("expires=", "expires=9")
    assert httpx.get(stretched).status_code == 403  # an edited expiry is refused
    # The client, handed such a link, renews it properly.
    assert client.download(replace(video, video_urls=(stretched,)), tmp_path / "a.mp4")
    assert sandbox.state.request_count("kie", "fresh_link") == 2
    assert httpx.get(fresh).status_code == 200
    clock.now += FRESH_LINK_SECONDS + 1
    assert httpx.get(fresh).status_code == 403  # the fresh link itself has expired by now


def test_a_failed_renewal_is_the_expired_error(
    clock: FakeClock, tmp_path: Path, client_factory: Any
) -> None:
    with _sandbox(clock, FAULTY) as sandbox:
        client = client_factory("kie", sandbox=sandbox, max_retries=1)
        video = client.wait(client.submit(VideoRequest(prompt="a corgi", seconds=10)))
        clock.now += TIMING.link_ttl_seconds + 1
        with pytest.raises(LinkExpiredError, match="fresh link failed too") as caught:
            client.download(video, tmp_path / "late.mp4")
    assert caught.value.task is not None and caught.value.task.id == video.task_id
    assert caught.value.status_code == 403
    assert not (tmp_path / "late.mp4").exists()


def test_an_expired_kie_link_is_renewed_async(
    sandbox: Sandbox, clock: FakeClock, tmp_path: Path
) -> None:
    async def run() -> Path:
        async with AsyncClient(
            "kie", api_key=SANDBOX_KEY, base_url=sandbox.base_url("kie"), clock=clock
        ) as client:
            video = await client.wait(await client.submit(VideoRequest(prompt="a", seconds=10)))
            clock.now += TIMING.link_ttl_seconds + 1
            return await client.download(video, tmp_path / "late.mp4")

    assert anyio.run(run).stat().st_size > 1000
    assert sandbox.state.request_count("kie", "fresh_link") == 1


@pytest.mark.parametrize("vendor", ["evolink", "modelverse"])
def test_vendors_without_renewal_fail_at_once(
    vendor: str, sandbox: Sandbox, clock: FakeClock, tmp_path: Path, client_factory: Any
) -> None:
    client = client_factory(vendor, sandbox=sandbox, max_retries=1)
    video = client.wait(client.submit(VideoRequest(prompt="a corgi", seconds=4)))
    clock.now += TIMING.link_ttl_seconds + 1
    with pytest.raises(LinkExpiredError) as caught:
        client.download(video, tmp_path / "late.mp4")
    assert "fresh link" not in str(caught.value)
    assert sandbox.state.request_count("kie", "fresh_link") == 0


def test_the_cli_download_renews_an_expired_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Links that expire the moment the task completes: `download TASK` still saves it."""
    monkeypatch.setattr("sora_unified._client_base.SystemClock", FakeClock)
    config = tmp_path / "sandbox.json"
    timing = {"queue_seconds": 0, "run_seconds": 0, "not_visible_seconds": 0}
    config.write_text(json.dumps({"timing": {**timing, "link_ttl_seconds": 0}}))
    monkeypatch.setenv("SORA_UNIFIED_SANDBOX_CONFIG", str(config))
    monkeypatch.chdir(tmp_path)
    assert main(["generate", "a corgi", "--vendor", "kie", "--no-wait", "--sandbox"]) == 0
    task = capsys.readouterr().out.strip()
    assert main(["wait", task, "--sandbox"]) == 0
    capsys.readouterr()
    assert main(["download", task, "--out", "late.mp4", "--sandbox", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["bytes"] == (tmp_path / "late.mp4").stat().st_size
