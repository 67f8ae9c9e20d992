from typing import Literal

Sora2ProRequestDuration = Literal[15, 25]

SORA_2_PRO_REQUEST_DURATION_VALUES: set[Sora2ProRequestDuration] = {
    15,
    25,
}


def check_sora_2_pro_request_duration(value: int) -> Sora2ProRequestDuration:
    if value in SORA_2_PRO_REQUEST_DURATION_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SORA_2_PRO_REQUEST_DURATION_VALUES!r}"
    )
