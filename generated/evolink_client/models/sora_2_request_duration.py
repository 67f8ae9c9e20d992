from typing import Literal

Sora2RequestDuration = Literal[10, 15]

SORA_2_REQUEST_DURATION_VALUES: set[Sora2RequestDuration] = {
    10,
    15,
}


def check_sora_2_request_duration(value: int) -> Sora2RequestDuration:
    if value in SORA_2_REQUEST_DURATION_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SORA_2_REQUEST_DURATION_VALUES!r}"
    )
