"""A gateway video as OpenAI's `video` object.

Every field is a real value, as openai-python's strict validation expects: `size` and `seconds`
are what was planned at create (the model's default length when none was asked, a remix's its
source's) until the vendor reports its own, and the status never goes back (the store keeps the
highest one answered).
"""

from __future__ import annotations

from typing import Any

from ..types import Video
from ._store import VideoRow

__all__ = ["OPENAI_DEFAULT_SIZE", "live_status", "video_object"]

OPENAI_DEFAULT_SIZE = "720x1280"
STATUS_BY_STATE = {
    "pending": "queued",
    "submitting": "queued",
    "submitted": "in_progress",
    "completed": "completed",
    "failed": "failed",
    "uncertain": "failed",
}


def live_status(row: VideoRow, video: Video | None) -> str:
    """The status the ledger and (while the task runs) the vendor say, before monotony."""
    if row.record.state == "submitted" and video is not None:
        return video.status
    return STATUS_BY_STATE.get(row.record.state, "in_progress")


def video_object(row: VideoRow, status: str, video: Video | None = None) -> dict[str, Any]:
    record = row.record
    facts = record.fields
    seconds = (video.seconds if video is not None else None) or facts.get("seconds") or 0
    size = (video.size if video is not None else None) or facts.get("size") or OPENAI_DEFAULT_SIZE
    progress = 100 if status == "completed" else int((video.progress if video else 0) or 0)
    error = None
    if status == "failed":
        error = {
            "code": record.error_code or (video.error_code if video else None) or "failed",
            "message": record.error or (video.error_message if video else None) or "failed",
        }
    completed_at = facts.get("completed_at") if status in ("completed", "failed") else None
    return {
        "id": record.custom_id,
        "object": "video",
        "model": facts.get("model", "sora-2"),
        "status": status,
        "progress": max(0, min(progress, 100)),
        "created_at": int(row.created_at),
        "completed_at": completed_at,
        # The gateway keeps the file and refreshes vendor links itself: nothing expires.
        "expires_at": None,
        "prompt": facts.get("prompt"),
        "remixed_from_video_id": facts.get("remixed_from"),
        "seconds": str(int(seconds)),
        "size": str(size),
        "error": error,
    }
