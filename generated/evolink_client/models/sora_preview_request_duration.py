from typing import Literal

SoraPreviewRequestDuration = Literal[4, 8, 12]

SORA_PREVIEW_REQUEST_DURATION_VALUES: set[SoraPreviewRequestDuration] = {
    4,
    8,
    12,
}


def check_sora_preview_request_duration(value: int) -> SoraPreviewRequestDuration:
    if value in SORA_PREVIEW_REQUEST_DURATION_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SORA_PREVIEW_REQUEST_DURATION_VALUES!r}"
    )
