from typing import Literal

VideoResourceStatus = Literal["completed", "failed", "in_progress", "queued"]

VIDEO_RESOURCE_STATUS_VALUES: set[VideoResourceStatus] = {
    "completed",
    "failed",
    "in_progress",
    "queued",
}


def check_video_resource_status(value: str) -> VideoResourceStatus:
    if value in VIDEO_RESOURCE_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {VIDEO_RESOURCE_STATUS_VALUES!r}"
    )
