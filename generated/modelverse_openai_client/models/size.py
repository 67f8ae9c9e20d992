from typing import Literal

Size = Literal["1280x720", "720x1280"]

SIZE_VALUES: set[Size] = {
    "1280x720",
    "720x1280",
}


def check_size(value: str) -> Size:
    if value in SIZE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SIZE_VALUES!r}")
