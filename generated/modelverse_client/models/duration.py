from typing import Literal

Duration = Literal[4, 8, 12]

DURATION_VALUES: set[Duration] = {
    4,
    8,
    12,
}


def check_duration(value: int) -> Duration:
    if value in DURATION_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {DURATION_VALUES!r}")
