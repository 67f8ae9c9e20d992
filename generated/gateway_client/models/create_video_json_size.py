from typing import Literal

CreateVideoJsonSize = Literal["1280x720", "720x1280"]

CREATE_VIDEO_JSON_SIZE_VALUES: set[CreateVideoJsonSize] = {
    "1280x720",
    "720x1280",
}


def check_create_video_json_size(value: str) -> CreateVideoJsonSize:
    if value in CREATE_VIDEO_JSON_SIZE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CREATE_VIDEO_JSON_SIZE_VALUES!r}"
    )
