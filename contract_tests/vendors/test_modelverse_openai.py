"""ModelVerse's OpenAI-compatible API (`Client("modelverse-openai")`): create with a local
first frame inline, poll, download from `/content` with the key (never to another host),
a not-ready `/content` retried, and remix through the unified `remix()`."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sora_unified import Client, DownloadError, ValidationError, VideoRequest
from sora_unified.sandbox import Sandbox, SandboxConfig, Timing

from contract_tests.support.fakes import FakeClock
from contract_tests.support.images import png
from contract_tests.support.mp4 import read_mp4

VENDOR = "modelverse-openai"
KEY = "sk-mv-0123456789"
TIMING = Timing(queue_seconds=2, run_seconds=5, not_visible_seconds=0)


def test_end_to_end_with_a_local_frame_and_a_remix(tmp_path: Path) -> None:
    clock = FakeClock()
    with Sandbox(SandboxConfig(timing=TIMING), clock=clock) as sandbox:
        client = Client(VENDOR, **sandbox.client_options(VENDOR), clock=clock)
        task = client.submit(VideoRequest(prompt="she smiles", image=png(1280, 720), seconds=8))
        assert task.id.startswith("video_") and task.request.image is None  # type: ignore[union-attr]
        video = client.wait(task)
        assert (video.status, video.size, video.seconds) == ("completed", "1280x720", 8.0)
        saved = client.download(video, tmp_path / "a.mp4")
        assert read_mp4(saved.read_bytes()).seconds == pytest.approx(8, abs=0.3)
        remix = client.remix(task, "now in the rain")
        assert remix.model == "sora-2-remix"
        again = client.wait(remix)
        assert (again.status, again.seconds, again.size) == ("completed", 8.0, "1280x720")
        assert again.raw["remixed_from_video_id"] == task.id


def test_refusals_before_any_request() -> None:
    sent: list[httpx.Request] = []
    client = Client(
        VENDOR,
        api_key=KEY,
        transport=httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(500)),
    )
    with pytest.raises(ValidationError, match="local image"):
        client.submit(VideoRequest(prompt="p", image_url="https://example.com/f.png"))
    with pytest.raises(ValidationError, match="exactly 720x1280"):
        client.submit(VideoRequest(prompt="p", image=png(1000, 1000), orientation="portrait"))
    with pytest.raises(ValidationError, match="a remix keeps its source"):
        client.remix("modelverse-openai:video_abc", "p", seconds=8)
    assert sent == []


def _completed(task_id: str) -> dict[str, object]:
    return {
        "id": task_id,
        "object": "video",
        "status": "completed",
        "progress": 100,
        "size": "720x1280",
        "seconds": "4",
    }


def test_the_key_goes_to_the_api_host_only_and_never_follows_a_redirect(tmp_path: Path) -> None:
    seen: list[tuple[str, str | None]] = []
    mp4 = tmp_path / "clip.mp4"

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.host, request.headers.get("authorization")))
        if request.url.host == "api.modelverse.cn" and request.url.path.endswith("/content"):
            return httpx.Response(302, headers={"location": "https://cdn.example.test/v.mp4"})
        if request.url.host == "cdn.example.test":
            return httpx.Response(
                200, content=b"not a video", headers={"content-type": "video/mp4"}
            )
        return httpx.Response(200, json=_completed("video_1"))

    client = Client(VENDOR, api_key=KEY, transport=httpx.MockTransport(handler), max_retries=0)
    video = client.wait("modelverse-openai:video_1")
    assert video.url == "https://api.modelverse.cn/v1/videos/video_1/content"
    with pytest.raises(DownloadError):
        client.download(video, mp4)
    assert ("api.modelverse.cn", f"Bearer {KEY}") in seen
    assert ("cdn.example.test", None) in seen, "the key followed the redirect"


def test_content_not_ready_is_retried_then_saved(tmp_path: Path) -> None:
    clock = FakeClock()
    answers = iter(
        [
            httpx.Response(
                400,
                json={
                    "error": {
                        "message": "task is not completed yet, current status: Pending",
                        "type": "invalid_request_error",
                    }
                },
            ),
        ]
    )

    with Sandbox(SandboxConfig(timing=TIMING), clock=clock) as sandbox:
        inner = httpx.HTTPTransport()

        class FirstNotReady(httpx.BaseTransport):
            def handle_request(self, request: httpx.Request) -> httpx.Response:
                if request.url.path.endswith("/content"):
                    answer = next(answers, None)
                    if answer is not None:
                        return answer
                return inner.handle_request(request)

        client = Client(
            VENDOR, **sandbox.client_options(VENDOR), clock=clock, transport=FirstNotReady()
        )
        video = client.wait(client.submit(VideoRequest(prompt="p")))
        saved = client.download(video, tmp_path / "late.mp4")
        assert saved.stat().st_size > 0
        assert clock.sleeps, "the not-ready answer was waited out on the clock"


def test_a_not_ready_answer_that_persists_is_a_retryable_download_error(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/content"):
            return httpx.Response(
                400,
                json={
                    "error": {
                        "message": "task is not completed yet, current status: Running",
                        "type": "invalid_request_error",
                    }
                },
            )
        return httpx.Response(200, json=_completed("video_2"))

    clock = FakeClock()
    client = Client(
        VENDOR, api_key=KEY, transport=httpx.MockTransport(handler), max_retries=1, clock=clock
    )
    video = client.wait("modelverse-openai:video_2")
    with pytest.raises(DownloadError, match="not completed yet") as caught:
        client.download(video, tmp_path / "x.mp4")
    assert caught.value.retryable and KEY not in str(caught.value)
    assert not (tmp_path / "x.mp4").exists()
