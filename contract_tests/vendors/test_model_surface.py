"""The model surface end to end against the sandbox: remixes, characters (from a clip and cut
from a task, then cast), watermark removal and vendor options, sync and async, with the
refusals that must happen before any HTTP request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest
from sora_unified import (
    APIError,
    AsyncClient,
    Character,
    Client,
    Task,
    UnsupportedFeatureError,
    ValidationError,
    Video,
    VideoRequest,
    capabilities,
)
from sora_unified.sandbox import SANDBOX_KEY, Sandbox, Timing

from contract_tests.support.fakes import FakeClock, Refusing
from contract_tests.support.mp4 import read_mp4

TIMING = Timing(queue_seconds=2, run_seconds=5, not_visible_seconds=1, link_ttl_seconds=3600)
CLIP = "https://example.com/clips/orange-cat.mp4"
SORA_LINK = "https://sora.chatgpt.com/p/s_68e8e7c5a3c48191b5d1d2a1b0e4c6f7"


@pytest.fixture
def sandbox_timing() -> Timing:
    """The shared `sandbox` and `clock` fixtures (conftest.py), on this module's timing."""
    return TIMING


def _offline(vendor: str) -> tuple[Client, Refusing]:
    transport = Refusing()
    return Client(vendor, api_key="sk-test", transport=transport, max_retries=0), transport


# -- remix ------------------------------------------------------------------------------------


def test_a_remix_runs_end_to_end(
    sandbox: Sandbox, clock: FakeClock, tmp_path: Path, client_factory: Any
) -> None:
    client = client_factory("evolink", sandbox=sandbox)
    original = client.generate(VideoRequest(prompt="a cat on a piano"), out=tmp_path / "a.mp4")
    source = client.retrieve(original.task)
    remix = client.remix(source.task, "the cat now plays a violin", orientation="portrait")
    assert remix.model == "sora-2-pro-remix"
    stored = sandbox.state.task("evolink", remix.id)
    assert stored is not None and stored.body["base_video_task_id"] == source.task_id
    video = client.wait(remix)
    clip = read_mp4(client.download(video, tmp_path / "remix.mp4").read_bytes())
    # sora-2-pro-remix's documented default length, in the orientation asked for.
    assert clip.seconds == pytest.approx(15, abs=0.3)
    assert (clip.width, clip.height) == (720, 1280)


def test_a_remix_async(sandbox: Sandbox, clock: FakeClock, tmp_path: Path) -> None:
    async def run() -> Video:
        async with AsyncClient(
            "evolink", api_key=SANDBOX_KEY, base_url=sandbox.base_url("evolink"), clock=clock
        ) as client:
            first = await client.submit(VideoRequest(prompt="a cat", seconds=10))
            await client.wait(first)
            remix = await client.remix(first, "at night", seconds=25)
            return await client.wait(remix)

    video = anyio.run(run)
    assert video.status == "completed" and video.model == "sora-2-pro-remix"
    assert video.seconds == 25


def test_the_vendor_refuses_a_remix_of_a_task_its_remix_model_does_not_take(
    sandbox: Sandbox, clock: FakeClock, client_factory: Any
) -> None:
    """Given only an id (no model known locally), the remix is sent; the vendor's refusal of
    a sora-2-preview source comes back as its own error naming the field."""
    client = client_factory("evolink", sandbox=sandbox)
    preview = client.submit(VideoRequest(prompt="a cat", seconds=4))
    assert preview.model == "sora-2-preview"
    with pytest.raises(APIError, match="base_video_task_id"):
        client.remix(f"evolink:{preview.id}", "at night")


def test_remix_refusals_come_before_any_request() -> None:
    kie, sent = _offline("kie")
    with pytest.raises(UnsupportedFeatureError, match="kie offers no remix") as caught:
        kie.remix("kie:26278f7a6d23157b48d04e0083322046", "at night")
    assert caught.value.field == "remix"
    evolink, sent_evolink = _offline("evolink")
    made_with_preview = Task(vendor="evolink", id="task-unified-1-abc", model="sora-2-preview")
    with pytest.raises(ValidationError, match="remixes tasks of sora-2, sora-2-pro"):
        evolink.remix(made_with_preview, "at night")
    with pytest.raises(ValidationError, match="offers seconds 15, 25; got 4"):
        evolink.remix("evolink:task-unified-1-abc", "at night", seconds=4)
    with pytest.raises(
        ValidationError, match=r"remixes of evolink videos only \(their ids start task-unified-\)"
    ):
        evolink.submit(VideoRequest(prompt="p", remix_of="abc", model="sora-2-pro-remix"))
    with pytest.raises(ValidationError, match="prompts of at most 2,000"):
        evolink.remix("evolink:task-unified-1-abc", "x" * 2001)
    assert sent.sent == [] and sent_evolink.sent == []


# -- characters -------------------------------------------------------------------------------


def test_a_character_from_a_clip_is_cast_in_a_video(
    sandbox: Sandbox, clock: FakeClock, tmp_path: Path, client_factory: Any
) -> None:
    client = client_factory("kie", sandbox=sandbox)
    character = client.create_character(video_url=CLIP, prompt="a cheerful orange cat")
    assert isinstance(character, Character) and character.id
    assert character.username is None  # a clip character gets no handle
    assert character.task.vendor == "kie" and character.task.model == "sora-2-characters"
    request = VideoRequest(prompt="the cat surfs", characters=[character.id])
    video = client.generate(request, out=tmp_path / "cast.mp4")
    stored = sandbox.state.task("kie", video.task_id)
    assert stored is not None and stored.body["input"]["character_id_list"] == [character.id]


def test_a_character_cut_from_a_task_has_the_handle_asked_for(
    sandbox: Sandbox, clock: FakeClock, tmp_path: Path, client_factory: Any
) -> None:
    client = client_factory("kie", sandbox=sandbox)
    source = client.submit(VideoRequest(prompt="an orange cat waves", seconds=10))
    client.wait(source)
    character = client.create_character(
        task=source, start=2.5, end=5.0, name="orangecat", prompt="the orange cat"
    )
    assert character.username == "orangecat"
    assert character.task.model == "sora-2-characters-pro"
    stored = sandbox.state.task("kie", character.task.id)
    assert stored is not None and stored.body["input"]["timestamps"] == "2.5,5"
    assert client.retrieve(character.task).character == Character(
        id=character.id, username="orangecat", task=client.retrieve(character.task).task
    )


def test_a_character_past_the_end_of_its_source_video_is_the_vendors_refusal(
    sandbox: Sandbox, clock: FakeClock, client_factory: Any
) -> None:
    client = client_factory("kie", sandbox=sandbox)
    source = client.submit(VideoRequest(prompt="a cat", seconds=10))
    client.wait(source)
    with pytest.raises(APIError, match="timestamps"):
        client.create_character(task=source, start=8.0, end=11.0, prompt="the cat")


def test_a_character_async(sandbox: Sandbox, clock: FakeClock) -> None:
    async def run() -> Character:
        async with AsyncClient(
            "kie", api_key=SANDBOX_KEY, base_url=sandbox.base_url("kie"), clock=clock
        ) as client:
            return await client.create_character(video_url=CLIP)

    assert anyio.run(run).id


def test_character_refusals_come_before_any_request() -> None:
    kie, sent = _offline("kie")
    with pytest.raises(ValidationError, match="an end 1 to 4 s after the start"):
        kie.create_character(task="kie:26278f7a", start=1.0, end=6.0, prompt="p")
    with pytest.raises(ValidationError, match="a non-empty prompt"):
        kie.create_character(task="kie:26278f7a", start=1.0, end=2.0)
    with pytest.raises(UnsupportedFeatureError, match="does not offer name"):
        kie.create_character(video_url=CLIP, name="cat")
    with pytest.raises(ValidationError, match="video_url must be given, or else task"):
        kie.create_character(video_url=CLIP, task="kie:26278f7a")
    with pytest.raises(ValidationError, match="at most 5 characters"):
        kie.submit(VideoRequest(prompt="p", characters=[f"ch_{i}" for i in range(6)]))
    with pytest.raises(UnsupportedFeatureError, match="does not offer characters"):
        kie.submit(VideoRequest(prompt="p", model="sora-2-text-to-video", characters=["ch_1"]))
    evolink, sent_evolink = _offline("evolink")
    with pytest.raises(UnsupportedFeatureError, match="evolink sells no model for characters"):
        evolink.create_character(video_url=CLIP)
    assert sent.sent == [] and sent_evolink.sent == []


# -- watermark removal ------------------------------------------------------------------------


def test_watermark_removal_is_waited_on_and_downloaded_like_any_video(
    sandbox: Sandbox, clock: FakeClock, tmp_path: Path, client_factory: Any
) -> None:
    client = client_factory("kie", sandbox=sandbox)
    task = client.remove_watermark(SORA_LINK)
    assert task.model == "sora-watermark-remover"
    video = client.wait(task)
    clip = read_mp4(client.download(video, tmp_path / "clean.mp4").read_bytes())
    assert clip.seconds > 0 and (clip.width, clip.height) == (1280, 720)


def test_watermark_removal_refusals_come_before_any_request() -> None:
    kie, sent = _offline("kie")
    with pytest.raises(
        ValidationError, match=r"published Sora links only \(https://sora.chatgpt.com/"
    ):
        kie.remove_watermark("https://example.com/p/s_1")
    with pytest.raises(ValidationError, match="URLs of at most 500 characters"):
        kie.remove_watermark(SORA_LINK + "x" * 500)
    with pytest.raises(UnsupportedFeatureError, match="create_character"):
        kie.submit(VideoRequest(prompt="p", model="sora-2-characters"))
    modelverse, sent_modelverse = _offline("modelverse")
    with pytest.raises(UnsupportedFeatureError, match="sells no model for"):
        modelverse.remove_watermark(SORA_LINK)
    assert sent.sent == [] and sent_modelverse.sent == []


# -- vendor options ---------------------------------------------------------------------------


def test_vendor_options_reach_the_vendor(
    sandbox: Sandbox, clock: FakeClock, client_factory: Any
) -> None:
    client = client_factory("kie", sandbox=sandbox)
    task = client.submit(
        VideoRequest(
            prompt="p",
            vendor_options={
                "input.upload_method": "oss",
                "progressCallBackUrl": "https://hooks.example.com/progress",
            },
        )
    )
    stored = sandbox.state.task("kie", task.id)
    assert stored is not None
    assert stored.body["input"]["upload_method"] == "oss"
    assert stored.body["progressCallBackUrl"] == "https://hooks.example.com/progress"


def test_vendor_options_are_checked_before_any_request() -> None:
    kie, sent = _offline("kie")
    with pytest.raises(ValidationError, match="'s3' or 'oss'; got 'gcs'") as caught:
        kie.submit(VideoRequest(prompt="p", vendor_options={"input.upload_method": "gcs"}))
    assert caught.value.field == "vendor_options['input.upload_method']"
    with pytest.raises(ValidationError, match=r"vendor options input\.upload_method"):
        kie.submit(VideoRequest(prompt="p", vendor_options={"input.n_frames": "25"}))
    with pytest.raises(ValidationError, match="an absolute http"):
        kie.submit(VideoRequest(prompt="p", vendor_options={"progressCallBackUrl": "nope"}))
    with pytest.raises(
        ValidationError, match=r"does not offer vendor options; got 'input\.upload_method'"
    ):
        kie.create_character(video_url=CLIP, vendor_options={"input.upload_method": "s3"})
    assert sent.sent == []


# -- the table --------------------------------------------------------------------------------


def test_every_model_kind_has_a_way_in_and_a_known_undescribed_model_is_refused() -> None:
    kinds = {m.kind for m in capabilities()}
    assert kinds == {"video", "remix", "character", "watermark_removal"}
    client, sent = _offline("evolink")
    with pytest.raises(UnsupportedFeatureError, match="sora-2-beta-max") as caught:
        client.submit(VideoRequest(prompt="p", model="sora-2-beta-max"))
    assert "known, but no field table" in str(caught.value)
    assert sent.sent == []
