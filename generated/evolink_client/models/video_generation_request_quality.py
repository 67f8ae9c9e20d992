from typing import Literal

VideoGenerationRequestQuality = Literal["1080p", "720p"]

VIDEO_GENERATION_REQUEST_QUALITY_VALUES: set[VideoGenerationRequestQuality] = {
    "1080p",
    "720p",
}


def check_video_generation_request_quality(value: str) -> VideoGenerationRequestQuality:
    if value in VIDEO_GENERATION_REQUEST_QUALITY_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {VIDEO_GENERATION_REQUEST_QUALITY_VALUES!r}"
    )
