from typing import Literal

AspectRatio = Literal["16:9", "9:16"]

ASPECT_RATIO_VALUES: set[AspectRatio] = {
    "16:9",
    "9:16",
}


def check_aspect_ratio(value: str) -> AspectRatio:
    if value in ASPECT_RATIO_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ASPECT_RATIO_VALUES!r}"
    )
