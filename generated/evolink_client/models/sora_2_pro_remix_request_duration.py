from typing import Literal

Sora2ProRemixRequestDuration = Literal[15, 25]

SORA_2_PRO_REMIX_REQUEST_DURATION_VALUES: set[Sora2ProRemixRequestDuration] = {
    15,
    25,
}


def check_sora_2_pro_remix_request_duration(value: int) -> Sora2ProRemixRequestDuration:
    if value in SORA_2_PRO_REMIX_REQUEST_DURATION_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SORA_2_PRO_REMIX_REQUEST_DURATION_VALUES!r}"
    )
