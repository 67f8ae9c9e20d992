"""AsyncClient behaves as Client; logs are useful and never carry the key."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import anyio
import httpx
import pytest
import respx
from sora_unified import AsyncClient, Client, Shot, SubmissionUncertainError, VideoRequest

from contract_tests.support.fakes import (
    BASE_URLS,
    KEY,
    MP4,
    SUBMIT_PATHS,
    TASK_IDS,
    VIDEO_URL,
    FakeClock,
    created,
    status_body,
    status_path,
)
from contract_tests.support.mocking import async_transport, strict_router, transport

REQUEST = VideoRequest(
    shots=(Shot("a", 4), Shot("b", 4)),
    image_url="https://example.com/a.png",
    orientation="portrait",
)


def _routes(router: respx.Router) -> respx.Route:
    submit = router.post(BASE_URLS["kie"] + SUBMIT_PATHS["kie"]).respond(json=created("kie"))
    router.get(BASE_URLS["kie"] + status_path("kie")).mock(
        side_effect=[
            httpx.Response(200, json={"code": 422, "msg": "recordInfo is null", "data": None}),
            httpx.Response(200, json=status_body("kie", "generating", progress=50)),
            httpx.Response(200, json=status_body("kie", "success", urls=[VIDEO_URL])),
        ]
    )
    router.get(VIDEO_URL).respond(content=MP4, headers={"Content-Type": "video/mp4"})
    return submit


def test_async_generate_matches_sync(tmp_path: Path) -> None:
    results = {}
    for name in ("sync", "async"):
        clock = FakeClock()
        events: list[tuple[str, int]] = []
        with strict_router() as router:
            submit = _routes(router)
            if name == "sync":
                video = Client(
                    "kie", api_key=KEY, transport=transport(router), clock=clock
                ).generate(
                    REQUEST,
                    out=tmp_path / f"{name}.mp4",
                    on_progress=lambda v: events.append((v.status, v.progress)),
                )
            else:

                async def progress(v: object) -> None:
                    events.append((v.status, v.progress))  # type: ignore[attr-defined]

                async def run() -> object:
                    async with AsyncClient(
                        "kie", api_key=KEY, transport=async_transport(router), clock=clock
                    ) as client:
                        return await client.generate(
                            REQUEST, out=tmp_path / f"{name}.mp4", on_progress=progress
                        )

                video = anyio.run(run)  # type: ignore[assignment]
        results[name] = (video, events, clock.sleeps, json.loads(submit.calls.last.request.content))
    assert results["sync"] == results["async"]
    assert (tmp_path / "sync.mp4").read_bytes() == (tmp_path / "async.mp4").read_bytes()


def test_async_no_resubmit_after_read_timeout() -> None:
    async def run() -> None:
        with strict_router(BASE_URLS["evolink"]) as router:
            route = router.post(SUBMIT_PATHS["evolink"]).mock(
                side_effect=[httpx.ReadTimeout("t"), httpx.Response(200, json=created("evolink"))]
            )
            client = AsyncClient(
                "evolink", api_key=KEY, transport=async_transport(router), clock=FakeClock()
            )
            with pytest.raises(SubmissionUncertainError):
                await client.submit(VideoRequest(prompt="p"))
            assert route.call_count == 1
            route.side_effect = None
            route.return_value = httpx.Response(200, json=created("evolink"))
            assert (await client.submit(VideoRequest(prompt="p"))).id == TASK_IDS["evolink"]
            await client.close()

    anyio.run(run)


def test_async_credits() -> None:
    async def run() -> float:
        with strict_router(BASE_URLS["evolink"]) as router:
            router.get("/v1/credits").respond(
                json={"data": {"user": {"remaining_credits": 12.5}}, "success": True}
            )
            async with AsyncClient(
                "evolink", api_key=KEY, transport=async_transport(router)
            ) as client:
                return await client.credits()

    assert anyio.run(run) == 12.5


def test_debug_logs_every_request_and_retry_without_the_key(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG, logger="sora_unified")
    with strict_router(BASE_URLS["kie"]) as router:
        router.post(SUBMIT_PATHS["kie"]).mock(
            side_effect=[httpx.ConnectError("refused"), httpx.Response(200, json=created("kie"))]
        )
        router.get(status_path("kie")).respond(json={"code": 401, "msg": f"bad key {KEY}"})
        client = Client("kie", api_key=KEY, transport=transport(router), clock=FakeClock())
        task = client.submit(VideoRequest(prompt="p"))
        with pytest.raises(Exception) as caught:
            client.retrieve(task)
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "POST /api/v1/jobs/createTask -> ConnectError" in text
    assert "retrying submit" in text and "created task kie:" in text
    assert "GET /api/v1/jobs/recordInfo -> 200" in text
    assert KEY not in text and KEY not in str(caught.value) and KEY not in repr(caught.value)


def test_credits_for_each_vendor() -> None:
    from sora_unified import UnsupportedFeatureError

    with strict_router(BASE_URLS["kie"]) as router:
        router.get("/api/v1/chat/credit").respond(
            json={"code": 200, "msg": "success", "data": 812.5}
        )
        assert Client("kie", api_key=KEY, transport=transport(router)).credits() == 812.5
    with strict_router(BASE_URLS["modelverse"]) as router:
        with pytest.raises(UnsupportedFeatureError, match="no credits endpoint"):
            Client("modelverse", api_key=KEY, transport=transport(router)).credits()
        assert len(router.calls) == 0
