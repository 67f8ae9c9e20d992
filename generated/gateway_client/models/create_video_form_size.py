from typing import Literal

CreateVideoFormSize = Literal["1280x720", "720x1280"]

CREATE_VIDEO_FORM_SIZE_VALUES: set[CreateVideoFormSize] = {
    "1280x720",
    "720x1280",
}


def check_create_video_form_size(value: str) -> CreateVideoFormSize:
    if value in CREATE_VIDEO_FORM_SIZE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CREATE_VIDEO_FORM_SIZE_VALUES!r}"
    )
