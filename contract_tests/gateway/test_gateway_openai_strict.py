"""OpenAI's Videos API to the letter, checked by the pinned openai package in strict response
validation for every vendor: real `size` and `seconds` in every answer, a status that never goes
back, JSON and multipart where OpenAI takes them, and OpenAI's envelope for what is not served."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

openai = pytest.importorskip("openai", reason="make test installs the pinned openai package")

from sora_unified import capabilities  # noqa: E402
from sora_unified.gateway import DEFAULT_MODELS  # noqa: E402

from contract_tests.support.gateway_world import SECONDS, VENDORS, World, wait_until  # noqa: E402
from contract_tests.support.images import png  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
RANK = {"queued": 0, "in_progress": 1, "completed": 2, "failed": 2}
REMIX = ("evolink", "modelverse-openai")


@pytest.fixture(params=VENDORS)
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    made = World(tmp_path, request.param)
    yield made
    made.close()


def _default_seconds(vendor: str) -> str:
    model = DEFAULT_MODELS[vendor]["sora-2"][0]
    return str(capabilities().model(vendor, model).default_seconds)


def test_an_omitted_length_is_the_models_default_from_the_first_answer(world: World) -> None:
    created = world.alice.videos.create(prompt="a corgi")
    assert created.seconds == _default_seconds(world.vendor)
    assert created.size == "720x1280" and created.status == "queued"
    seen = [created.status]
    while seen[-1] not in ("completed", "failed"):
        video = world.alice.videos.retrieve(created.id)
        assert video.seconds and video.size  # real values at every step
        seen.append(video.status)
    assert seen[-1] == "completed"
    assert [RANK[s] for s in seen] == sorted(RANK[s] for s in seen), seen  # never backwards
    listed = world.alice.videos.list()
    assert [v.seconds for v in listed] == [_default_seconds(world.vendor)]


def test_a_landscape_first_frame_without_a_size_makes_a_landscape_video(world: World) -> None:
    frame = ("frame.png", io.BytesIO(png(1280, 720)), "image/png")
    created = world.alice.videos.create(
        prompt="she turns", seconds=SECONDS[world.vendor], input_reference=frame
    )
    assert created.size == "1280x720"
    assert world.alice.videos.poll(created.id).size == "1280x720"


def test_remixes_report_their_shape_in_json_and_multipart(world: World) -> None:
    source = world.alice.videos.create_and_poll(prompt="a cat", seconds=SECONDS[world.vendor])
    if world.vendor not in REMIX:
        with pytest.raises(openai.BadRequestError) as refused:
            world.alice.videos.remix(source.id, prompt="violin")
        assert refused.value.code == "unsupported_operation"
        return
    remixed = world.alice.videos.remix(source.id, prompt="the cat plays a violin")
    assert remixed.size and remixed.seconds and remixed.remixed_from_video_id == source.id
    with world.http() as http:
        form = http.post(f"/v1/videos/{source.id}/remix", files={"prompt": (None, "a hat")})
    assert form.status_code == 200, form.text
    for video_id in (remixed.id, form.json()["id"]):
        done = world.alice.videos.poll(video_id)
        assert done.status == "completed" and done.size and done.seconds
    assert len(list(world.alice.videos.list())) == 3


def test_models_and_what_is_not_served(world: World) -> None:
    names = [m.id for m in world.alice.models.list()]
    assert names[: len(DEFAULT_MODELS[world.vendor])] == list(DEFAULT_MODELS[world.vendor])
    assert all("/" in name for name in names[len(DEFAULT_MODELS[world.vendor]) :])
    assert world.alice.models.retrieve("sora-2").id == "sora-2"
    with pytest.raises(openai.NotFoundError):
        world.alice.models.retrieve("gpt-9")
    with pytest.raises(openai.BadRequestError) as edits:
        world.alice.videos.edit(prompt="x", video=("v.mp4", b"\0" * 16, "video/mp4"))
    assert edits.value.code == "unsupported_operation"
    with pytest.raises(openai.BadRequestError) as extensions:
        world.alice.videos.extend(prompt="x", seconds="4", video=("v.mp4", b"\0" * 16, "video/mp4"))
    assert extensions.value.code == "unsupported_operation"
    with pytest.raises(openai.BadRequestError):
        world.alice.videos.create_character(name="rex", video=("c.mp4", b"\0" * 16, "video/mp4"))
    with pytest.raises(openai.NotFoundError):
        world.alice.videos.get_character("char_123")


def test_a_status_never_goes_back_when_the_vendor_wavers(tmp_path: Path) -> None:
    """A status read the vendor cannot answer is answered from the ledger (`in_progress`, the
    task exists); when the vendor then says `queued`, the answer stays `in_progress`."""
    from sora_unified.sandbox import Fault, Timing

    wobble = Fault(kind="server_error", vendor="kie", endpoint="status", nth=(1,))
    slow_queue = Timing(queue_seconds=1.5, run_seconds=0.3, not_visible_seconds=0)
    world = World(tmp_path, "kie", faults=(wobble,), timing=slow_queue)
    try:
        created = world.alice.videos.create(prompt="x", seconds="10")
        wait_until(lambda: world.gateway.store.record(created.id).state == "submitted")  # type: ignore[union-attr]
        assert world.alice.videos.retrieve(created.id).status == "in_progress"  # vendor: 500
        assert world.alice.videos.retrieve(created.id).status == "in_progress"  # vendor: queued
        assert world.alice.videos.poll(created.id).status == "completed"
    finally:
        world.close()
