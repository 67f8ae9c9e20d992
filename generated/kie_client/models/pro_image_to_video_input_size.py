from typing import Literal

ProImageToVideoInputSize = Literal["high", "standard"]

PRO_IMAGE_TO_VIDEO_INPUT_SIZE_VALUES: set[ProImageToVideoInputSize] = {
    "high",
    "standard",
}


def check_pro_image_to_video_input_size(value: str) -> ProImageToVideoInputSize:
    if value in PRO_IMAGE_TO_VIDEO_INPUT_SIZE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {PRO_IMAGE_TO_VIDEO_INPUT_SIZE_VALUES!r}"
    )
