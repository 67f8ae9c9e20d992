"""`make demo`: one video through each vendor against the local sandbox, no key, no network.

kie makes a two-shot storyboard, evolink an image-to-video clip and modelverse a
text-to-video clip. Progress is shown as it happens; the MP4s land in out/.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import Client, Shot, Video, VideoRequest
from .cli import Progress
from .sandbox import SANDBOX_KEY, Sandbox


@dataclass(frozen=True)
class Row:
    vendor: str
    model: str
    task: str
    seconds: str
    size: str
    file: str
    bytes: str
    wall: str
    cost: str


def _jobs(image_url: str) -> list[tuple[str, VideoRequest]]:
    return [
        (
            "kie",
            VideoRequest(
                shots=(
                    Shot(
                        "A fluffy orange kitten in headphones sits by a small cake, warm light.",
                        7.5,
                    ),
                    Shot(
                        "The same kitten licks its lips, the cake is gone, it smiles contentedly.",
                        7.5,
                    ),
                ),
                image_url=image_url,
                orientation="landscape",
            ),
        ),
        (
            "evolink",
            VideoRequest(
                prompt="The cat starts to play the piano",
                image_url=image_url,
                seconds=8,
                orientation="portrait",
            ),
        ),
        (
            "modelverse",
            VideoRequest(prompt="A beautiful girl is dancing", seconds=4, size="720x1280"),
        ),
    ]


def _show(bar: Progress) -> Callable[[Video], None]:
    return lambda video: bar.update(video.status, video.progress)


def _table(rows: list[Row]) -> str:
    header = Row("vendor", "model", "task", "seconds", "size", "file", "bytes", "wall time", "cost")
    cells = [list(vars(r).values()) for r in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(out_dir: str = "out") -> int:
    folder = Path(out_dir)
    rows: list[Row] = []
    with Sandbox() as sandbox:
        print(f"sandbox serving kie, evolink and modelverse on {sandbox.url}\n", file=sys.stderr)
        for vendor, request in _jobs(f"{sandbox.url}/files/first-frame.png"):
            started = time.monotonic()
            with Client(vendor, api_key=SANDBOX_KEY, base_url=sandbox.base_url(vendor)) as client:
                task = client.submit(request)
                bar = Progress(sys.stderr, f"{vendor:<10} {task.model}")
                video = client.wait(task, on_progress=_show(bar))
                bar.update("downloading", 100)
                path = client.download(video, folder / f"{vendor}.mp4")
                bar.update(f"saved {path}", 100)
                bar.done()
            rows.append(
                Row(
                    vendor=vendor,
                    model=task.model or "",
                    task=str(task),
                    seconds=f"{video.seconds:g}" if video.seconds else "?",
                    size=video.size or "?",
                    file=str(path),
                    bytes=str(path.stat().st_size),
                    wall=f"{time.monotonic() - started:.1f}s",
                    cost=str(video.cost) if video.cost else "unknown",
                )
            )
    print()
    print(_table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
