from typing import Literal

Duration = Literal["10", "15"]

DURATION_VALUES: set[Duration] = {
    "10",
    "15",
}


def check_duration(value: str) -> Duration:
    if value in DURATION_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {DURATION_VALUES!r}")
