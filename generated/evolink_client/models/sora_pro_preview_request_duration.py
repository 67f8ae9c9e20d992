from typing import Literal

SoraProPreviewRequestDuration = Literal[4, 8, 12]

SORA_PRO_PREVIEW_REQUEST_DURATION_VALUES: set[SoraProPreviewRequestDuration] = {
    4,
    8,
    12,
}


def check_sora_pro_preview_request_duration(
    value: int,
) -> SoraProPreviewRequestDuration:
    if value in SORA_PRO_PREVIEW_REQUEST_DURATION_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SORA_PRO_PREVIEW_REQUEST_DURATION_VALUES!r}"
    )
