"""Local first-frame images: read once, identified by their bytes (not their name), measured.

A `LocalImage` knows its format (PNG, JPEG, WebP or GIF, from the magic bytes), its pixel
size (from the header: PNG IHDR, JPEG SOFn, WebP VP8/VP8L/VP8X, GIF screen descriptor) and a
name derived from its content hash, so uploading the same image twice stores one file.
"""

from __future__ import annotations

import base64
import hashlib
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .errors import ValidationError

__all__ = ["ImageFormat", "LocalImage", "load_image"]

ImageFormat = Literal["png", "jpeg", "webp", "gif"]
MIME_TYPES: dict[ImageFormat, str] = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "gif": "image/gif",
}
SUFFIXES: dict[ImageFormat, str] = {"png": ".png", "jpeg": ".jpg", "webp": ".webp", "gif": ".gif"}
# Reading stops here: no vendor takes more than 10 MB, and a bigger file is refused by size.
MAX_READ_BYTES = 64 * 1024 * 1024
# JPEG start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) do not.
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


@dataclass(frozen=True, slots=True)
class LocalImage:
    data: bytes
    format: ImageFormat
    width: int
    height: int
    source: str  # the path, or "bytes", for messages

    @property
    def mime_type(self) -> str:
        return MIME_TYPES[self.format]

    @property
    def name(self) -> str:
        """A file name from the content hash: the same image always gets the same name."""
        digest = hashlib.sha256(self.data).hexdigest()[:24]
        return f"sora-unified-{digest}{SUFFIXES[self.format]}"

    @property
    def data_url(self) -> str:
        return f"data:{self.mime_type};base64,{base64.b64encode(self.data).decode('ascii')}"

    def __repr__(self) -> str:  # never the bytes
        return (
            f"LocalImage({self.source!r}, {self.format}, {self.width}x{self.height},"
            f" {len(self.data)} bytes)"
        )


def _refuse(source: str, problem: str) -> ValidationError:
    return ValidationError(
        f"image {source}: {problem}",
        vendor="any",
        model=None,
        field="image",
        value=source,
        allowed="a PNG, JPEG, WebP or GIF file (a path or its bytes)",
    )


def load_image(value: Path | bytes) -> LocalImage:
    """Read and identify a local image; ValidationError when it is missing or not an image."""
    if isinstance(value, Path):
        source = str(value)
        try:
            with value.open("rb") as handle:
                data = handle.read(MAX_READ_BYTES + 1)
        except OSError as error:
            raise _refuse(source, f"cannot be read ({error.strerror or error})") from None
    else:
        source, data = "bytes", bytes(value)
    found = _identify(data)
    if found is None:
        raise _refuse(source, "is not a PNG, JPEG, WebP or GIF image (by its first bytes)")
    image_format, size = found
    if size is None or min(size) <= 0:
        raise _refuse(source, f"is a {image_format.upper()} whose pixel size cannot be read")
    return LocalImage(data, image_format, size[0], size[1], source)


def _identify(data: bytes) -> tuple[ImageFormat, tuple[int, int] | None] | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", _png_size(data)
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg", _jpeg_size(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp", _webp_size(data)
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif", _gif_size(data)
    return None


def _png_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 4 <= len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        if marker == 0xFF:  # fill byte
            index += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            index += 2
            continue
        (length,) = struct.unpack(">H", data[index + 2 : index + 4])
        if marker in _SOF_MARKERS:
            if index + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return int(width), int(height)
        if length < 2:
            return None
        index += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return int(width & 0x3FFF), int(height & 0x3FFF)
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    return None


def _gif_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 10:
        return None
    width, height = struct.unpack("<HH", data[6:10])
    return int(width), int(height)
