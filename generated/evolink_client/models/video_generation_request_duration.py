from typing import Literal

VideoGenerationRequestDuration = Literal[4, 8, 12]

VIDEO_GENERATION_REQUEST_DURATION_VALUES: set[VideoGenerationRequestDuration] = {
    4,
    8,
    12,
}


def check_video_generation_request_duration(
    value: int,
) -> VideoGenerationRequestDuration:
    if value in VIDEO_GENERATION_REQUEST_DURATION_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {VIDEO_GENERATION_REQUEST_DURATION_VALUES!r}"
    )
