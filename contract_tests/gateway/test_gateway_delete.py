"""A delete takes the video away entirely: its row, the file kept for `/content` and a first
frame waiting for its submit; another tenant's delete takes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
from sora_unified.sandbox import Fault

from contract_tests.support.gateway_world import World, wait_until
from contract_tests.support.images import png


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    made = World(tmp_path, "evolink")
    yield made
    made.close()


def _files(tmp_path: Path, video_id: str) -> list[str]:
    folder = tmp_path / "gateway.sqlite3.files"
    return sorted(p.name for p in folder.glob(f"{video_id}*"))


def test_a_deleted_videos_kept_file_is_gone(world: World, tmp_path: Path) -> None:
    video = world.alice.videos.create_and_poll(prompt="a corgi", seconds="10")
    assert world.alice.videos.download_content(video.id).read()[4:8] == b"ftyp"
    assert _files(tmp_path, video.id) == [f"{video.id}.mp4"]
    with pytest.raises(openai.NotFoundError):
        world.bob.videos.delete(video.id)
    assert _files(tmp_path, video.id) == [f"{video.id}.mp4"]  # Bob took nothing
    assert world.alice.videos.delete(video.id).deleted
    assert _files(tmp_path, video.id) == []
    with pytest.raises(openai.NotFoundError):
        world.alice.videos.download_content(video.id)


def test_a_video_deleted_at_once_leaves_no_first_frame_and_no_file(tmp_path: Path) -> None:
    made = World(tmp_path, "modelverse-openai")
    try:
        video = made.alice.videos.create(
            prompt="a corgi",
            seconds="4",
            size="720x1280",
            input_reference=("frame.png", png(720, 1280), "image/png"),
        )
        assert made.alice.videos.delete(video.id).deleted
        wait_until(lambda: _files(tmp_path, video.id) == [], what="the first frame to go")
        assert made.alice.videos.list().data == []
    finally:
        made.close()


def test_a_video_deleted_before_any_worker_took_it_loses_its_first_frame_at_once(
    tmp_path: Path,
) -> None:
    """With the only submit slot busy (a slow vendor), a second video waits unclaimed; deleting
    it removes its first frame in the same request: no worker will ever come for it."""
    slow = Fault(kind="slow", vendor="modelverse-openai", endpoint="submit", delay=3.0)
    made = World(tmp_path, "modelverse-openai", faults=(slow,), submit_slots=1)
    try:
        made.alice.videos.create(prompt="first", seconds="4", size="720x1280")
        wait_until(
            lambda: made.sandbox.state.request_count("modelverse-openai", "submit") >= 1,
            what="the first submit to reach the vendor",
        )
        waiting = made.alice.videos.create(
            prompt="second",
            seconds="4",
            size="720x1280",
            input_reference=("frame.png", png(720, 1280), "image/png"),
        )
        assert _files(tmp_path, waiting.id) == [f"{waiting.id}.input"]
        assert made.alice.videos.delete(waiting.id).deleted
        assert _files(tmp_path, waiting.id) == []
    finally:
        made.close()
