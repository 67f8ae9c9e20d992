"""Just enough ISO-BMFF reading to check a result: brand, duration and video frame size."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl"}


@dataclass(frozen=True)
class Mp4Info:
    brand: str
    seconds: float
    width: int
    height: int


def _boxes(data: bytes, start: int = 0, end: int | None = None) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, box end) for each box between start and end."""
    end = len(data) if end is None else end
    offset = start
    while offset + 8 <= end:
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        header = 8
        if size == 1:
            size = struct.unpack(">Q", data[offset + 8 : offset + 16])[0]
            header = 16
        elif size == 0:
            size = end - offset
        if size < header:
            raise ValueError(f"bad box size at {offset}")
        yield kind, offset + header, offset + size
        offset += size


def read_mp4(data: bytes) -> Mp4Info:
    brand = ""
    seconds = 0.0
    width = height = 0

    def walk(start: int, end: int) -> None:
        nonlocal brand, seconds, width, height
        for kind, payload, box_end in _boxes(data, start, end):
            if kind == b"ftyp":
                brand = data[payload : payload + 4].decode("ascii")
            elif kind == b"mvhd":
                version = data[payload]
                if version == 1:
                    timescale, duration = struct.unpack(">IQ", data[payload + 20 : payload + 32])
                else:
                    timescale, duration = struct.unpack(">II", data[payload + 12 : payload + 20])
                seconds = duration / timescale
            elif kind == b"tkhd":
                w, h = struct.unpack(">II", data[box_end - 8 : box_end])
                if w and h:
                    width, height = w >> 16, h >> 16
            elif kind in CONTAINERS:
                walk(payload, box_end)

    walk(0, len(data))
    if not brand:
        raise ValueError("no ftyp box: not an ISO-BMFF file")
    return Mp4Info(brand, seconds, width, height)
