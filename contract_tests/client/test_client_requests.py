"""What Client sends for every model, checked against the specs, and the local checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import respx
from sora_unified import (
    Client,
    Shot,
    Task,
    UnsupportedFeatureError,
    ValidationError,
    VideoRequest,
)

from contract_tests.support.fakes import (
    BASE_URLS,
    DONE,
    KEY,
    MP4,
    RUNNING,
    SUBMIT_PATHS,
    TASK_IDS,
    VIDEO_URL,
    FakeClock,
    created,
    status_body,
    status_path,
)
from contract_tests.support.mocking import strict_router, transport
from contract_tests.support.specs import request_schema_pointer, schema_errors

IMAGE = "https://example.com/first-frame.png"
CREATE_OPERATION = {
    "kie": "createTask",
    "evolink": "createVideoGeneration",
    "modelverse": "submitTask",
}
AUTH = {"kie": f"Bearer {KEY}", "evolink": f"Bearer {KEY}", "modelverse": KEY}
STORYBOARD = (Shot("a kitten wakes up", 5), Shot("the kitten stretches", 7.5))

HAPPY = [
    (
        "kie",
        VideoRequest(prompt="a corgi surfing", seconds=10, orientation="landscape"),
        "sora-2-pro-text-to-video",
        {"input": {"prompt": "a corgi surfing", "aspect_ratio": "landscape", "n_frames": "10"}},
    ),
    (
        "kie",
        VideoRequest(prompt="p", seconds=15, quality="standard", remove_watermark=True),
        "sora-2-pro-text-to-video",
        {"input": {"prompt": "p", "n_frames": "15", "size": "standard", "remove_watermark": True}},
    ),
    (
        "kie",
        VideoRequest(prompt="p", image_url=IMAGE, size="720x1280"),
        "sora-2-image-to-video",
        {
            "input": {
                "prompt": "p",
                "image_urls": [IMAGE],
                "aspect_ratio": "portrait",
                "n_frames": "10",
            }
        },
    ),
    (
        "kie",
        VideoRequest(
            prompt="p", image_url=IMAGE, quality="high", callback_url="https://cb.example.com/k"
        ),
        "sora-2-pro-image-to-video",
        {"callBackUrl": "https://cb.example.com/k", "input": {"size": "high"}},
    ),
    (
        "kie",
        VideoRequest(prompt="p", model="sora-2-text-to-video", seconds=15),
        "sora-2-text-to-video",
        {"input": {"prompt": "p", "n_frames": "15"}},
    ),
    (
        "kie",
        VideoRequest(shots=STORYBOARD, image_url=IMAGE),
        "sora-2-pro-storyboard",
        {
            "input": {
                "n_frames": "15",
                "aspect_ratio": "landscape",
                "image_urls": [IMAGE],
                "shots": [
                    {"Scene": "a kitten wakes up", "duration": 5},
                    {"Scene": "the kitten stretches", "duration": 7.5},
                ],
            }
        },
    ),
    (
        "evolink",
        VideoRequest(
            prompt="a cat playing piano", seconds=8, orientation="portrait", quality="high"
        ),
        "sora-2-pro-preview",
        {
            "prompt": "a cat playing piano",
            "duration": 8,
            "aspect_ratio": "9:16",
            "quality": "1080p",
        },
    ),
    (
        "evolink",
        VideoRequest(prompt="p", image_url=IMAGE, callback_url="https://hooks.example.com/v"),
        "sora-2",
        {"duration": 10, "image_urls": [IMAGE], "callback_url": "https://hooks.example.com/v"},
    ),
    (
        "evolink",
        VideoRequest(prompt="p", seconds=12, orientation="landscape"),
        "sora-2-preview",
        {"duration": 12, "aspect_ratio": "16:9"},
    ),
    (
        "evolink",
        VideoRequest(prompt="p", seconds=25, remove_watermark=False),
        "sora-2-pro",
        {"duration": 25, "remove_watermark": False},
    ),
    (
        "evolink",
        VideoRequest(prompt="p", quality="high"),
        "sora-2-pro",
        {"duration": 15, "quality": "high"},
    ),
    (
        "modelverse",
        VideoRequest(prompt="A beautiful girl is dancing", seconds=12, size="1280x720"),
        "openai/sora-2/text-to-video",
        {
            "input": {"prompt": "A beautiful girl is dancing"},
            "parameters": {"size": "1280x720", "duration": 12},
        },
    ),
    (
        "modelverse",
        VideoRequest(image_url="data:image/png;base64,iVBORw0KGgo="),
        "openai/sora-2/image-to-video",
        {
            "input": {"first_frame_url": "data:image/png;base64,iVBORw0KGgo="},
            "parameters": {"duration": 4},
        },
    ),
]


def _subset(expected: Any, actual: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            k in actual and _subset(v, actual[k]) for k, v in expected.items()
        )
    return bool(expected == actual)


@pytest.mark.parametrize(("vendor", "request_", "model", "expected"), HAPPY)
def test_generate_end_to_end(
    vendor: str, request_: VideoRequest, model: str, expected: dict[str, Any], tmp_path: Path
) -> None:
    clock = FakeClock()
    with strict_router() as router:
        submit = router.post(BASE_URLS[vendor] + SUBMIT_PATHS[vendor], name="submit").respond(
            json=created(vendor)
        )
        router.get(BASE_URLS[vendor] + status_path(vendor), name="status").mock(
            side_effect=[
                respx.MockResponse(json=status_body(vendor, RUNNING[vendor], progress=40)),
                respx.MockResponse(json=status_body(vendor, DONE[vendor], urls=[VIDEO_URL])),
            ]
        )
        file = router.get(VIDEO_URL, name="file").respond(
            content=MP4, headers={"Content-Type": "video/mp4"}
        )
        client = Client(vendor, api_key=KEY, transport=transport(router), clock=clock)
        events: list[tuple[str, int]] = []
        video = client.generate(
            request_,
            out=tmp_path / "v.mp4",
            on_progress=lambda v: events.append((v.status, v.progress)),
        )

    body = json.loads(submit.calls.last.request.content)
    assert body["model"] == model
    assert _subset(expected, body), body
    assert (
        schema_errors(vendor, request_schema_pointer(vendor, CREATE_OPERATION[vendor]), body) == []
    )
    assert submit.calls.last.request.headers["Authorization"] == AUTH[vendor]
    assert (
        "Authorization" not in file.calls.last.request.headers
    )  # the key never goes to the file host
    assert submit.call_count == 1
    running_progress = 0 if vendor == "modelverse" else 40  # modelverse reports no progress
    assert events == [("in_progress", running_progress), ("completed", 100)]
    assert video.status == "completed" and video.url == VIDEO_URL
    assert video.task_id == TASK_IDS[vendor] and video.model
    assert video.seconds is not None and video.seconds > 0
    assert (tmp_path / "v.mp4").read_bytes() == MP4
    assert clock.sleeps == [2.5]


def test_request_body_parses_into_generated_model() -> None:
    from kie_client.models import StoryboardRequest

    with strict_router(BASE_URLS["kie"]) as router:
        submit = router.post(SUBMIT_PATHS["kie"]).respond(json=created("kie"))
        Client("kie", api_key=KEY, transport=transport(router)).submit(
            VideoRequest(shots=STORYBOARD, image_url=IMAGE, seconds=25)
        )
    body = json.loads(submit.calls.last.request.content)
    assert StoryboardRequest.from_dict(body).to_dict() == body


def test_task_round_trips_through_a_string() -> None:
    task = Task(vendor="evolink", id="task-unified-1-x", model="sora-2-pro-preview")
    assert str(task) == "evolink:task-unified-1-x"
    assert Task.parse(str(task)) == Task(vendor="evolink", id="task-unified-1-x")
    for bad in ("nope", "openai:x", "kie:"):
        with pytest.raises(Exception, match="vendor:id"):
            Task.parse(bad)


INVALID = [
    (
        "evolink",
        VideoRequest(prompt="p", seconds=5),
        ValidationError,
        "evolink sora-2 offers seconds 10, 15; got 5",
    ),
    (
        "evolink",
        VideoRequest(prompt="p", seconds=25, quality="high"),
        ValidationError,
        "evolink sora-2-pro offers quality standard at 25 s; got 'high'",
    ),
    (
        "kie",
        VideoRequest(prompt="p", seconds=4),
        ValidationError,
        "kie sora-2-pro-text-to-video offers seconds 10, 15; got 4",
    ),
    (
        "modelverse",
        VideoRequest(prompt="p", quality="high"),
        ValidationError,
        "offers quality standard; got 'high'",
    ),
    (
        "kie",
        VideoRequest(prompt="x" * 10001),
        ValidationError,
        "kie sora-2-pro-text-to-video offers prompts of at most 10,000 characters; got 'xxx",
    ),
    (
        "evolink",
        VideoRequest(prompt="x" * 5001, seconds=4),
        ValidationError,
        "evolink sora-2-preview offers prompts of at most 5,000 characters; got 'xx",
    ),
    (
        "evolink",
        VideoRequest(prompt="x" * 1001),
        ValidationError,
        "evolink sora-2 offers prompts of at most 1,000 characters; got 'xx",
    ),
    ("kie", VideoRequest(prompt=""), ValidationError, "a non-empty prompt"),
    ("kie", VideoRequest(shots=(Shot("a", 10), Shot("b", 10))), ValidationError, "image_url"),
    (
        "kie",
        VideoRequest(shots=(Shot("a", 10), Shot("b", 10)), image_url=IMAGE, seconds=15),
        ValidationError,
        "offers shots that fit the chosen length of 15 s; got 20 s in all",
    ),
    (
        "kie",
        VideoRequest(shots=tuple(Shot("a", 3) for _ in range(9)), image_url=IMAGE),
        ValidationError,
        "offers shots lasting at most 25 s in all; got 27 s",
    ),
    (
        "kie",
        VideoRequest(shots=tuple(Shot("a", 1) for _ in range(11)), image_url=IMAGE),
        ValidationError,
        "1 to 10 shots",
    ),
    (
        "kie",
        VideoRequest(shots=(Shot("a", 16),), image_url=IMAGE),
        ValidationError,
        "offers 0.1 to 15 seconds a shot; got shots[0].seconds 16",
    ),
    (
        "kie",
        VideoRequest(prompt="p", shots=(Shot("a", 5),), image_url=IMAGE),
        UnsupportedFeatureError,
        "prompt",
    ),
    (
        "evolink",
        VideoRequest(prompt="p", shots=(Shot("a", 4),)),
        UnsupportedFeatureError,
        "storyboard",
    ),
    (
        "evolink",
        VideoRequest(prompt="p", seconds=4, remove_watermark=True),
        UnsupportedFeatureError,
        "watermark removal",
    ),
    (
        "modelverse",
        VideoRequest(prompt="p", callback_url="https://a.example.com/cb"),
        UnsupportedFeatureError,
        "callback",
    ),
    (
        "evolink",
        VideoRequest(prompt="p", callback_url="http://a.example.com/cb"),
        ValidationError,
        "offers absolute https callback URLs only; got callback_url",
    ),
    (
        "evolink",
        VideoRequest(prompt="p", callback_url="https://127.0.0.1/cb"),
        ValidationError,
        "callbacks to public hosts only (no loopback or private addresses)",
    ),
    (
        "evolink",
        VideoRequest(prompt="p", callback_url="https://192.168.1.10/cb"),
        ValidationError,
        "callbacks to public hosts only (no loopback or private addresses)",
    ),
    (
        "evolink",
        VideoRequest(prompt="p", callback_url="https://[::1]/cb"),
        ValidationError,
        "callbacks to public hosts only (no loopback or private addresses)",
    ),
    (
        "evolink",
        VideoRequest(prompt="p", callback_url="https://a.example.com/" + "x" * 2048),
        ValidationError,
        "callback URLs of at most 2,048 characters",
    ),
    (
        "kie",
        VideoRequest(prompt="p", image_url="ftp://example.com/a.png"),
        ValidationError,
        "absolute http(s)",
    ),
    ("kie", VideoRequest(prompt="p", model="sora-3"), ValidationError, "kie offers models"),
    (
        "modelverse",
        VideoRequest(prompt="p", model="openai/sora-2/image-to-video"),
        ValidationError,
        "image_url",
    ),
]


@pytest.mark.parametrize(("vendor", "request_", "error", "text"), INVALID)
def test_invalid_requests_fail_before_any_http_request(
    vendor: str, request_: VideoRequest, error: type[Exception], text: str
) -> None:
    with strict_router(BASE_URLS[vendor]) as router:  # no routes: any request would fail loudly
        client = Client(vendor, api_key=KEY, transport=transport(router))
        with pytest.raises(error) as caught:
            client.submit(request_)
    assert text in str(caught.value)
    assert caught.value.vendor == vendor and caught.value.field  # type: ignore[attr-defined]
    assert len(router.calls) == 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"prompt": "p", "seconds": 0}, "seconds"),
        ({"prompt": "p", "seconds": True}, "seconds"),
        ({"prompt": "p", "orientation": "square"}, "orientation"),
        ({"prompt": "p", "size": "1920x1080"}, "size"),
        ({"prompt": "p", "size": "1280x720", "orientation": "landscape"}, "size"),
        ({"prompt": "p", "quality": "ultra"}, "quality"),
        ({"prompt": "p", "shots": ()}, "shots"),
        ({"prompt": 3}, "prompt"),
    ],
)
def test_video_request_refuses_nonsense(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        VideoRequest(**kwargs)
    assert caught.value.field == field


def test_shot_refuses_nonsense() -> None:
    for scene, seconds in (("", 1), ("a", 0), ("a", float("nan"))):
        with pytest.raises(ValidationError):
            Shot(scene, seconds)


def test_video_request_is_immutable() -> None:
    request = VideoRequest(prompt="p", shots=[Shot("a", 1)])  # type: ignore[arg-type]
    assert isinstance(request.shots, tuple)
    with pytest.raises(AttributeError):
        request.prompt = "q"  # type: ignore[misc]


@pytest.mark.parametrize("vendor", ["kie", "evolink", "modelverse"])
def test_the_adapter_sends_the_key_in_a_form_the_spec_allows(vendor: str) -> None:
    from sora_unified.vendors import load_adapter

    from contract_tests.support.specs import auth_forms, form_of

    headers = load_adapter(vendor).auth_headers("sk-some-key")
    assert form_of(headers) in auth_forms(vendor), headers
