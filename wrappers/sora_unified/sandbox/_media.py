"""Real, playable MP4 clips whose length and frame size follow the request.

The clip is a moving test pattern with a tone, encoded by the ffmpeg binary that the
imageio-ffmpeg wheel ships (H.264 + AAC, fast start). Clips are cached per length and size.
They are encoded small (a coarse test pattern, ~25 KB a second at 1280x720) because every
sandbox download sends, receives, writes and checks the whole file: a batch of 200 ten-second
jobs moved 300 MB at the first quality, 50 MB now.

A whole number of seconds is one encoded second of the pattern joined end to end (stream copy,
no re-encoding): making the eight lengths and sizes the vendors sell costs a tenth of encoding
each, on every fresh machine and in every test run that starts with an empty cache.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
from pathlib import Path

from .._file_lock import file_lock

_lock = threading.Lock()
_cache_dir = Path(tempfile.gettempdir()) / "sora-unified-sandbox-clips"
FRAME_RATE = 12
# Part of the cache's file names: clips encoded with other settings are never served again.
ENCODING = "v3"


def clip(seconds: float, size: str) -> Path:
    """Path of an MP4 of `seconds` seconds at `size` ("1280x720"), made on first request."""
    width, _, height = size.partition("x")
    if not (width.isdigit() and height.isdigit()):
        raise ValueError(f"size must be WIDTHxHEIGHT; got {size!r}")
    size = f"{width}x{height}"
    target = _cache_dir / f"clip-{ENCODING}-{seconds:g}s-{size}.mp4"
    if target.exists():
        return target
    _cache_dir.mkdir(parents=True, exist_ok=True)
    # One maker at a time on this machine: test workers and commands share the cache, and
    # without the file lock each would encode the same clip at once.
    with _lock, file_lock(_cache_dir / ".lock"):
        if not target.exists():
            if seconds >= 1 and float(seconds).is_integer():
                unit = _cache_dir / f"clip-{ENCODING}-unit-{size}.mp4"
                if not unit.exists():
                    _encode(1, size, unit)
                _join(unit, int(seconds), target)
            else:
                _encode(seconds, size, target)
    return target


def _partial(target: Path) -> Path:
    # A unique name per writer, renamed into place only when complete.
    return target.with_name(f".{target.stem}.{os.getpid()}.{threading.get_ident()}.part.mp4")


def _ffmpeg(*arguments: str) -> None:
    import imageio_ffmpeg  # type: ignore[import-untyped]

    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", *arguments]
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603 - fixed argv


def _encode(seconds: float, size: str, target: Path) -> None:
    partial = _partial(target)
    _ffmpeg(
        "-f",
        "lavfi",
        "-i",
        f"testsrc2=size={size}:rate={FRAME_RATE}:duration={seconds:g}",
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency=440:duration={seconds:g}",
        "-c:v",
        "libx264",
        # veryfast compresses the pattern three times better than ultrafast (once per clip), and
        # crf 51 (x264's coarsest) halves what crf 45 makes: a test pattern needs no detail
        "-preset",
        "veryfast",
        "-crf",
        "51",
        # a key frame every second: the one-second unit starts with one, so joins are clean
        "-g",
        str(FRAME_RATE),
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-b:a",
        "48k",
        "-t",
        f"{seconds:g}",
        "-movflags",
        "+faststart",
        "-y",
        str(partial),
    )
    partial.replace(target)


def _join(unit: Path, times: int, target: Path) -> None:
    """`times` copies of `unit` end to end, copied stream by stream (no re-encoding)."""
    partial = _partial(target)
    listing = partial.with_suffix(".txt")
    quoted = str(unit).replace("'", "'\\''")
    listing.write_text(f"file '{quoted}'\n" * times)
    try:
        _ffmpeg(
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            str(listing),
            "-c",
            "copy",
            "-movflags",
            "+faststart",
            "-y",
            str(partial),
        )
    finally:
        listing.unlink(missing_ok=True)
    partial.replace(target)
