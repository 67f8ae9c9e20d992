from typing import Literal

Seconds = Literal["12", "4", "8"]

SECONDS_VALUES: set[Seconds] = {
    "12",
    "4",
    "8",
}


def check_seconds(value: str) -> Seconds:
    if value in SECONDS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SECONDS_VALUES!r}")
