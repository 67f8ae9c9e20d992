from typing import Literal

Sora2ProRequestQuality = Literal["high", "standard"]

SORA_2_PRO_REQUEST_QUALITY_VALUES: set[Sora2ProRequestQuality] = {
    "high",
    "standard",
}


def check_sora_2_pro_request_quality(value: str) -> Sora2ProRequestQuality:
    if value in SORA_2_PRO_REQUEST_QUALITY_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SORA_2_PRO_REQUEST_QUALITY_VALUES!r}"
    )
