"""The sandbox's result clips: real MP4s of the requested length and frame size, made once."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import imageio_ffmpeg  # type: ignore[import-untyped]
import pytest
from sora_unified.sandbox import _media


def _probe(path: Path) -> tuple[float, str, list[str]]:
    """Duration, frame size and stream kinds, as ffmpeg reads the file."""
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    # `-i` alone prints what it read and exits 1 (no output named): the report is on stderr.
    report = subprocess.run(
        [ffmpeg, "-hide_banner", "-i", str(path)], capture_output=True, text=True, check=False
    ).stderr
    hours, minutes, seconds = re.search(r"Duration: (\d+):(\d+):([\d.]+)", report).groups()  # type: ignore[union-attr]
    size = re.search(r"Video: h264.*?, (\d+x\d+)", report).group(1)  # type: ignore[union-attr]
    kinds = re.findall(r"Stream #\d+:\d+.*?: (Video|Audio)", report)
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds), size, kinds


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(_media, "_cache_dir", tmp_path / "clips")
    return tmp_path / "clips"


@pytest.mark.parametrize(
    ("seconds", "size"), [(10, "1280x720"), (4, "720x1280"), (2.5, "1280x720")]
)
def test_a_clip_has_the_length_and_size_asked_for(
    empty_cache: Path, seconds: float, size: str
) -> None:
    made = _media.clip(seconds, size)
    duration, found_size, kinds = _probe(made)
    assert found_size == size and kinds == ["Video", "Audio"]
    assert seconds <= duration < seconds + 0.1
    assert made.read_bytes()[4:8] == b"ftyp"


def test_whole_seconds_are_joined_from_one_encoded_second(
    empty_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long, short = _media.clip(15, "1280x720"), _media.clip(8, "1280x720")
    units = sorted(path.name for path in empty_cache.glob("*unit*"))
    assert units == [f"clip-{_media.ENCODING}-unit-1280x720.mp4"]
    assert long.stat().st_size > short.stat().st_size

    def no_encoder(*arguments: str) -> None:
        raise AssertionError(f"a cached clip was made again: ffmpeg {arguments}")

    monkeypatch.setattr(_media, "_ffmpeg", no_encoder)
    assert _media.clip(15, "1280x720") == long  # cached: served without running ffmpeg
    assert not list(empty_cache.glob(".*.part.*")), "a partial file was left behind"


def test_a_size_that_is_not_width_x_height_is_refused(empty_cache: Path) -> None:
    with pytest.raises(ValueError, match="WIDTHxHEIGHT"):
        _media.clip(4, "720p")
