"""An application's own video code: what the tests in tests/ check."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sora_unified import Client, VideoRequest, parse_callback
from sora_unified.errors import (
    CallbackVerificationError,
    GenerationFailedError,
    SubmissionUncertainError,
)


@dataclass(frozen=True)
class Stored:
    """What became of one prompt: "stored" (path set), "refused" (content policy), "failed",
    or "uncertain" (the submit may have been paid: look before trying again)."""

    outcome: str
    path: Path | None = None
    detail: str = ""


def make_video(client: Client, prompt: str, folder: Path) -> Stored:
    """Generate one video and keep it in `folder`, named after the prompt."""
    name = re.sub(r"[^a-z0-9]+", "-", prompt.lower()).strip("-")[:40] or "video"
    path = folder / f"{name}.mp4"
    try:
        client.generate(VideoRequest(prompt=prompt), out=path)
    except SubmissionUncertainError as error:
        return Stored("uncertain", detail=str(error))  # never submitted again by us
    except GenerationFailedError as error:
        refused = error.video.content_policy_violation
        return Stored("refused" if refused else "failed", detail=str(error))
    return Stored("stored", path=path)


def callback_app(on_finished: Callable[[str, str], None]) -> Callable[..., Iterable[bytes]]:
    """A WSGI endpoint for kie's callbacks: verified with the webhook key, then
    `on_finished(task_id, status)`; a forged or stale callback gets 401."""

    def app(environ: dict[str, object], start_response: Callable[..., object]) -> list[bytes]:
        stream = environ["wsgi.input"]
        body = stream.read(int(str(environ.get("CONTENT_LENGTH") or 0)))  # type: ignore[attr-defined]
        headers = {
            key[5:].replace("_", "-"): str(value)
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        try:
            video = parse_callback("kie", body, headers, secret=os.environ["KIE_WEBHOOK_HMAC_KEY"])
        except CallbackVerificationError:
            start_response("401 Unauthorized", [("Content-Type", "text/plain")])
            return [b"bad signature"]
        on_finished(video.task_id, video.status)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    return app
