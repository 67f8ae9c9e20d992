"""download(): atomic writes, refused error bodies, expired links, retries, size cap."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
from sora_unified import AsyncClient, Client, DownloadError, LinkExpiredError, Video

from contract_tests.support.fakes import BASE_URLS, KEY, MP4, VIDEO_URL, FakeClock
from contract_tests.support.mocking import strict_router, transport

VIDEO = Video(vendor="kie", task_id="t1", status="completed", video_urls=(VIDEO_URL,))


def _download(
    tmp_path: Path, side_effect: list[object], video: Video = VIDEO, **kwargs: object
) -> tuple[object, FakeClock, int]:
    clock = FakeClock()
    with strict_router() as router:
        route = router.get(VIDEO_URL).mock(side_effect=side_effect)
        client = Client(video.vendor, api_key=KEY, transport=transport(router), clock=clock)
        try:
            outcome: object = client.download(video, tmp_path / "out" / "v.mp4", **kwargs)  # type: ignore[arg-type]
        except Exception as error:
            outcome = error
    return outcome, clock, route.call_count


def _leftovers(tmp_path: Path) -> list[str]:
    return (
        sorted(p.name for p in (tmp_path / "out").glob("*")) if (tmp_path / "out").exists() else []
    )


def test_saves_the_video_atomically(tmp_path: Path) -> None:
    outcome, _, calls = _download(
        tmp_path, [httpx.Response(200, content=MP4, headers={"Content-Type": "video/mp4"})]
    )
    assert outcome == tmp_path / "out" / "v.mp4" and calls == 1
    assert (tmp_path / "out" / "v.mp4").read_bytes() == MP4
    assert _leftovers(tmp_path) == ["v.mp4"]


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"code": 404, "msg": "not found"}', "application/json"),
        (b"<html>error</html>", "text/html; charset=utf-8"),
    ],
)
def test_error_bodies_are_never_saved_as_video(
    tmp_path: Path, content: bytes, content_type: str
) -> None:
    outcome, _, _ = _download(
        tmp_path, [httpx.Response(200, content=content, headers={"Content-Type": content_type})]
    )
    assert isinstance(outcome, DownloadError) and "instead of a video" in str(outcome)
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("status", [403, 404, 410])
def test_expired_link_is_named(tmp_path: Path, status: int) -> None:
    """evolink renews no links: the first expired answer is the error."""
    video = replace(VIDEO, vendor="evolink")
    outcome, _, calls = _download(tmp_path, [httpx.Response(status, text="AccessDenied")], video)
    assert (
        isinstance(outcome, LinkExpiredError)
        and "expired" in str(outcome)
        and "24 h" in str(outcome)
    )
    assert calls == 1 and outcome.task is not None and outcome.task.id == "t1"


FRESH_URL = "https://files.example.test/fresh.mp4?expires=1"
DOWNLOAD_URL_API = BASE_URLS["kie"] + "/api/v1/common/download-url"


@pytest.mark.parametrize(
    ("renewal", "fresh", "saved"),
    [
        (httpx.Response(200, json={"code": 200, "msg": "success", "data": FRESH_URL}), 200, True),
        (httpx.Response(200, json={"code": 200, "msg": "success", "data": FRESH_URL}), 403, False),
        (httpx.Response(200, json={"code": 422, "msg": "not a kie file"}), None, False),
        (httpx.Response(200, json={"code": 200, "msg": "success", "data": None}), None, False),
    ],
    ids=["renewed", "fresh-link-expired", "refused", "no-link"],
)
def test_an_expired_kie_link_is_renewed_once(
    tmp_path: Path, renewal: httpx.Response, fresh: int | None, saved: bool
) -> None:
    with strict_router() as router:
        router.get(VIDEO_URL).respond(403, text="AccessDenied")
        renew = router.post(DOWNLOAD_URL_API).mock(return_value=renewal)
        if fresh is not None:
            ok = {"content": MP4, "headers": {"Content-Type": "video/mp4"}}
            router.get(FRESH_URL).respond(fresh, **(ok if fresh == 200 else {}))
        client = Client("kie", api_key=KEY, transport=transport(router), clock=FakeClock())
        try:
            outcome: object = client.download(VIDEO, tmp_path / "v.mp4")
        except LinkExpiredError as error:
            outcome = error
    assert renew.call_count == 1
    assert json.loads(renew.calls[0].request.content) == {"url": VIDEO_URL}
    if saved:
        assert outcome == tmp_path / "v.mp4" and (tmp_path / "v.mp4").read_bytes() == MP4
    else:
        assert isinstance(outcome, LinkExpiredError) and outcome.task is not None
        assert not (tmp_path / "v.mp4").exists()
        if fresh is None:
            assert "fresh link failed too" in str(outcome)


def test_retries_the_download_only(tmp_path: Path) -> None:
    side_effect = [
        httpx.ReadError("reset"),
        httpx.Response(503),
        httpx.Response(200, content=MP4, headers={"Content-Type": "video/mp4"}),
    ]
    outcome, clock, calls = _download(tmp_path, side_effect)
    assert outcome == tmp_path / "out" / "v.mp4" and calls == 3 and len(clock.sleeps) == 2


def test_truncated_download_is_retried_then_reported(tmp_path: Path) -> None:
    short = httpx.Response(
        200,
        content=MP4[:100],
        headers={"Content-Type": "video/mp4", "Content-Length": str(len(MP4))},
    )
    outcome, _, calls = _download(tmp_path, [short] * 4)
    assert isinstance(outcome, DownloadError) and "100 of" in str(outcome) and calls == 4
    assert _leftovers(tmp_path) == []


def test_size_cap(tmp_path: Path) -> None:
    declared = httpx.Response(200, content=MP4, headers={"Content-Type": "video/mp4"})
    outcome, _, _ = _download(tmp_path, [declared], max_bytes=100)
    assert isinstance(outcome, DownloadError) and "max_bytes" in str(outcome)
    assert _leftovers(tmp_path) == []


def test_nothing_to_download(tmp_path: Path) -> None:
    client = Client("kie", api_key=KEY)
    with pytest.raises(DownloadError, match="nothing to download"):
        client.download(Video(vendor="kie", task_id="t", status="in_progress"), tmp_path / "x.mp4")


# -- more downloads than the client's max_concurrency ---------------------------------------------


class _SlowVideo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: ClassVar[dict[str, int]]
    lock: ClassVar[threading.Lock]

    def do_GET(self) -> None:
        with self.lock:
            self.state["now"] += 1
            self.state["most"] = max(self.state["most"], self.state["now"])
        time.sleep(0.15)  # a download takes a while; the pool's timeout is shorter
        self.send_response(200)
        self.send_header("Content-Type", "video/mp4")
        self.send_header("Content-Length", str(len(MP4)))
        self.end_headers()
        self.wfile.write(MP4)
        with self.lock:
            self.state["now"] -= 1

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def slow_host() -> Iterator[tuple[str, dict[str, int]]]:
    state = {"now": 0, "most": 0}
    handler = type("Handler", (_SlowVideo,), {"state": state, "lock": threading.Lock()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()


# A pool timeout shorter than one download: a download that queued inside the pool would fail.
TURNS = {"max_concurrency": 2, "max_retries": 0, "timeout": httpx.Timeout(10, pool=0.1)}


def test_downloads_beyond_max_concurrency_wait_their_turn_sync(
    tmp_path: Path, slow_host: tuple[str, dict[str, int]]
) -> None:
    url, state = slow_host
    video = replace(VIDEO, video_urls=(f"{url}/v.mp4",))
    saved: list[Path] = []
    with Client("kie", api_key=KEY, clock=FakeClock(), **TURNS) as client:  # type: ignore[arg-type]
        threads = [
            threading.Thread(
                target=lambda n=n: saved.append(client.download(video, tmp_path / f"{n}.mp4"))
            )
            for n in range(6)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert len(saved) == 6 and all(path.read_bytes() == MP4 for path in saved)
    assert state["most"] <= 2


def test_downloads_beyond_max_concurrency_wait_their_turn_async(
    tmp_path: Path, slow_host: tuple[str, dict[str, int]]
) -> None:
    url, state = slow_host
    video = replace(VIDEO, video_urls=(f"{url}/v.mp4",))

    async def all_of_them() -> list[Path]:
        client = AsyncClient("kie", api_key=KEY, clock=FakeClock(), **TURNS)  # type: ignore[arg-type]
        try:
            return list(
                await asyncio.gather(
                    *(client.download(video, tmp_path / f"{n}.mp4") for n in range(6))
                )
            )
        finally:
            await client.close()

    saved = asyncio.run(all_of_them())
    assert len(saved) == 6 and all(path.read_bytes() == MP4 for path in saved)
    assert state["most"] <= 2
