"""Is this file a whole video? Checked on the bytes, before a download is kept.

A result link can answer 200 with anything: a JSON or XML error labelled
`application/octet-stream` or even `video/mp4`, an HTML page without a Content-Type, a third
of a file when the connection closed early, a gzip stream cut half-way. The headers cannot be
trusted, so the bytes are checked.

Sora results are ISO-BMFF (MP4): the file starts with a `ftyp` box (bytes 4-8), its top-level
boxes add up exactly to the file size (a box running past the end means the file was cut), and
a playable file has its `moov` (the index) and its media data (`mdat`, or `moof` fragments).
Another container would get its own recogniser here, next to `_iso_bmff_problem`.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

__all__ = ["NotAWholeVideo", "check_whole_video", "looks_like_a_video"]

_HEADER = struct.Struct(">I4s")
_LARGE = struct.Struct(">Q")
_MEDIA = {b"mdat", b"moof"}


class NotAWholeVideo(Exception):
    """Why the bytes are not a whole video; `truncated` when a download again may help."""

    def __init__(self, reason: str, *, truncated: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.truncated = truncated


def looks_like_a_video(head: bytes) -> bool:
    """Whether the first bytes can start a video (used to stop a wrong download early)."""
    return len(head) >= 8 and head[4:8] == b"ftyp"


def _describe(head: bytes) -> str:
    text = head.lstrip()[:1]
    if text in (b"{", b"["):
        return "a JSON document"
    if text == b"<":
        return "an HTML or XML document"
    if head[:2] == b"\x1f\x8b":
        return "gzip-compressed data"
    return "not an MP4 file"


def _iso_bmff_problem(handle: BinaryIO, size: int) -> NotAWholeVideo | None:
    offset, boxes = 0, set()
    while offset < size:
        handle.seek(offset)
        header = handle.read(16)
        if len(header) < 8:
            return NotAWholeVideo(
                f"the file ends inside a box header at byte {offset}", truncated=True
            )
        length, kind = _HEADER.unpack_from(header)
        header_length = 8
        if length == 1:
            if len(header) < 16:
                return NotAWholeVideo(
                    f"the file ends inside a box header at byte {offset}", truncated=True
                )
            (length,) = _LARGE.unpack_from(header, 8)
            header_length = 16
        elif length == 0:  # "extends to the end of the file"
            length = size - offset
        if length < header_length:
            return NotAWholeVideo(
                f"a box at byte {offset} declares an impossible size {length}", truncated=False
            )
        if offset + length > size:
            return NotAWholeVideo(
                f"the {kind.decode('latin-1')!r} box at byte {offset} runs past the end of the"
                f" file ({offset + length} of {size} bytes): the download was cut short",
                truncated=True,
            )
        boxes.add(kind)
        offset += length
    missing = [] if b"moov" in boxes else ["moov"]
    missing += [] if boxes & _MEDIA else ["mdat"]
    if missing:
        return NotAWholeVideo(
            f"the file has no {' and no '.join(missing)} box: it is incomplete", truncated=True
        )
    return None


def check_whole_video(path: Path) -> None:
    """Raise NotAWholeVideo unless `path` holds a complete video file."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(64)
        if not head:
            raise NotAWholeVideo("the body was empty", truncated=True)
        if not looks_like_a_video(head):
            raise NotAWholeVideo(f"the body is {_describe(head)}", truncated=False)
        problem = _iso_bmff_problem(handle, size)
    if problem is not None:
        raise problem
