from typing import Literal

SoraProPreviewRequestQuality = Literal["1080p", "720p"]

SORA_PRO_PREVIEW_REQUEST_QUALITY_VALUES: set[SoraProPreviewRequestQuality] = {
    "1080p",
    "720p",
}


def check_sora_pro_preview_request_quality(value: str) -> SoraProPreviewRequestQuality:
    if value in SORA_PRO_PREVIEW_REQUEST_QUALITY_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SORA_PRO_PREVIEW_REQUEST_QUALITY_VALUES!r}"
    )
