"""Reading a local image's format and pixel size from the files real tools write, and from
JPEG segments our own fixtures never had: every start-of-frame kind, the table markers that are
not frames, fill bytes, standalone markers, payloads full of 0xFF, broken lengths.

ffmpeg (the imageio-ffmpeg wheel, already a dependency) is the independent writer: what it
says it wrote is what `load_image` must read.
"""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import imageio_ffmpeg
import pytest
from sora_unified import ValidationError
from sora_unified._images import load_image

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
SIZES = [(1, 1), (123, 45), (720, 1280), (1920, 1080)]
WRITERS = {
    "jpeg": (".jpg", ["-c:v", "mjpeg", "-pix_fmt", "yuvj420p"]),
    "png": (".png", ["-c:v", "png"]),
    "gif": (".gif", ["-c:v", "gif"]),
    "webp-lossy": (".webp", ["-c:v", "libwebp", "-lossless", "0"]),
    "webp-lossless": (".webp", ["-c:v", "libwebp", "-lossless", "1"]),
    "webp-alpha": (
        ".webp",
        ["-vf", "format=yuva420p,colorchannelmixer=aa=0.5", "-c:v", "libwebp", "-lossless", "0"],
    ),
}
FORMAT = {"jpeg": "jpeg", "png": "png", "gif": "gif"}


def _written(tmp_path: Path, kind: str, width: int, height: int) -> Path:
    suffix, codec = WRITERS[kind]
    target = tmp_path / f"{kind}-{width}x{height}{suffix}"
    subprocess.run(
        [
            FFMPEG,
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"color=c=red:s={width}x{height}",
            "-frames:v",
            "1",
            *codec,
            str(target),
        ],
        check=True,
        timeout=60,
    )
    return target


@pytest.mark.subprocess
@pytest.mark.parametrize("kind", sorted(WRITERS))
@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_images_ffmpeg_writes_are_read_at_their_size(
    tmp_path: Path, kind: str, width: int, height: int
) -> None:
    image = load_image(_written(tmp_path, kind, width, height))
    assert (image.width, image.height) == (width, height)
    assert image.format == FORMAT.get(kind, "webp")


@pytest.mark.subprocess
def test_the_three_webp_forms_are_all_written(tmp_path: Path) -> None:
    """So the size test above covers VP8, VP8L and VP8X (the alpha file is the extended form)."""
    chunks = {
        kind: _written(tmp_path, kind, 123, 45).read_bytes()[12:16]
        for kind in ("webp-lossy", "webp-lossless", "webp-alpha")
    }
    assert chunks == {"webp-lossy": b"VP8 ", "webp-lossless": b"VP8L", "webp-alpha": b"VP8X"}


# -- JPEG segments, written by hand ----------------------------------------------------------


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _frame(marker: int, width: int, height: int) -> bytes:
    return _segment(marker, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00")


SOI, EOI = b"\xff\xd8", b"\xff\xd9"
APP0 = _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
FRAME_MARKERS = [m for m in range(0xC0, 0xD0) if m not in (0xC4, 0xC8, 0xCC)]


@pytest.mark.parametrize("marker", FRAME_MARKERS, ids=[f"SOF{m - 0xC0}" for m in FRAME_MARKERS])
def test_every_start_of_frame_kind_gives_the_size(marker: int) -> None:
    """Baseline, extended, progressive, lossless, hierarchical and arithmetic frames alike."""
    image = load_image(SOI + APP0 + _frame(marker, 640, 360) + EOI)
    assert (image.width, image.height) == (640, 360)


@pytest.mark.parametrize("marker", [0xC4, 0xC8, 0xCC, 0xDB, 0xDD, 0xFE, 0xE1, 0xEF])
def test_tables_and_comments_before_the_frame_are_skipped_by_their_length(marker: int) -> None:
    """DHT, JPG, DAC (in the C0-CF range but no frames), DQT, DRI, COM and APPn: a payload
    that looks like a frame header must not be read as one."""
    decoy = struct.pack(">BHHB", 8, 11, 22, 1) + b"\xff\xc0" + b"\x00" * 9
    data = SOI + APP0 + _segment(marker, decoy) + _frame(0xC0, 640, 360) + EOI
    image = load_image(data)
    assert (image.width, image.height) == (640, 360)


def test_fill_bytes_and_standalone_markers_before_the_frame() -> None:
    standalone = b"\xff\x01" + b"".join(bytes([0xFF, m]) for m in range(0xD0, 0xD8))
    data = SOI + b"\xff\xff\xff" + APP0 + standalone + b"\xff\xff" + _frame(0xC2, 99, 77) + EOI
    image = load_image(data)
    assert (image.width, image.height) == (99, 77)


def test_an_exif_block_full_of_marker_bytes_is_skipped_whole() -> None:
    exif = b"Exif\x00\x00" + (b"\xff\xc0\x00\x11\x08\x00\x10\x00\x20" * 200)
    data = SOI + _segment(0xE1, exif) + _frame(0xC0, 1280, 720) + EOI
    image = load_image(data)
    assert (image.width, image.height) == (1280, 720)


@pytest.mark.parametrize(
    "data",
    [
        SOI + b"\xff\xe0\x00\x01" + _frame(0xC0, 10, 10),  # a length below 2
        SOI + b"\xff\xe0\x00\x00" + _frame(0xC0, 10, 10),
        SOI + APP0 + b"\xff\xc0\x00\x11\x08\x00",  # a frame cut short
        SOI + APP0 + b"\x00\xc0" + _frame(0xC0, 10, 10)[2:],  # no marker where one must be
        SOI + APP0 + EOI,  # no frame at all
        SOI + APP0 + _frame(0xC0, 0, 10) + EOI,  # a zero width
        SOI + APP0 + _frame(0xC0, 10, 0) + EOI,
    ],
    ids=["length-1", "length-0", "cut-frame", "no-marker", "no-frame", "zero-width", "zero-height"],
)
def test_broken_jpegs_are_refused_naming_the_problem(data: bytes) -> None:
    with pytest.raises(ValidationError, match="pixel size cannot be read"):
        load_image(data)


def test_a_jpeg_read_from_a_path_is_the_same_as_from_bytes(tmp_path: Path) -> None:
    data = SOI + APP0 + _frame(0xC1, 321, 123) + EOI
    path = tmp_path / "frame.jpg"
    path.write_bytes(data)
    from_path, from_bytes = load_image(path), load_image(data)
    assert (
        (from_path.width, from_path.height, from_path.format)
        == (
            from_bytes.width,
            from_bytes.height,
            from_bytes.format,
        )
        == (321, 123, "jpeg")
    )
