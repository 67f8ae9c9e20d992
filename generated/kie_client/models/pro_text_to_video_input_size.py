from typing import Literal

ProTextToVideoInputSize = Literal["high", "standard"]

PRO_TEXT_TO_VIDEO_INPUT_SIZE_VALUES: set[ProTextToVideoInputSize] = {
    "high",
    "standard",
}


def check_pro_text_to_video_input_size(value: str) -> ProTextToVideoInputSize:
    if value in PRO_TEXT_TO_VIDEO_INPUT_SIZE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {PRO_TEXT_TO_VIDEO_INPUT_SIZE_VALUES!r}"
    )
