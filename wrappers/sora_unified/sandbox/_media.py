"""Real, playable MP4 clips whose length and frame size follow the request.

The clip is a moving test pattern with a tone, encoded by the ffmpeg binary that the
imageio-ffmpeg wheel ships (H.264 + AAC, fast start). Clips are cached per length and size.
They are encoded small (a low-quality test pattern, ~45 KB a second at 1280x720) because every
sandbox download sends, receives, writes and checks the whole file: a batch of 200 ten-second
jobs moved 300 MB at the old quality, 90 MB now.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
from pathlib import Path

_lock = threading.Lock()
_cache_dir = Path(tempfile.gettempdir()) / "sora-unified-sandbox-clips"
FRAME_RATE = 12
# Part of the cache's file names: clips encoded with other settings are never served again.
ENCODING = "v2"


def clip(seconds: float, size: str) -> Path:
    """Path of an MP4 of `seconds` seconds at `size` ("1280x720"), made on first request."""
    width, _, height = size.partition("x")
    if not (width.isdigit() and height.isdigit()):
        raise ValueError(f"size must be WIDTHxHEIGHT; got {size!r}")
    target = _cache_dir / f"clip-{ENCODING}-{seconds:g}s-{width}x{height}.mp4"
    with _lock:
        if not target.exists():
            _cache_dir.mkdir(parents=True, exist_ok=True)
            _encode(seconds, f"{width}x{height}", target)
    return target


def _encode(seconds: float, size: str, target: Path) -> None:
    import imageio_ffmpeg  # type: ignore[import-untyped]

    # A unique name per writer: several processes (test workers, CLI runs) share the cache.
    partial = target.with_name(f".{target.stem}.{os.getpid()}.{threading.get_ident()}.part.mp4")
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-hide_banner",
        "-loglevel",
        "error",
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
        # veryfast compresses the pattern three times better than ultrafast (once per clip)
        "-preset",
        "veryfast",
        "-crf",
        "45",
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
    ]
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603 - fixed argv
    partial.replace(target)
