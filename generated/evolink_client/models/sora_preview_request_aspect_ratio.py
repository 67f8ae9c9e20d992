from typing import Literal

SoraPreviewRequestAspectRatio = Literal["1280x720", "16:9", "720x1280", "9:16"]

SORA_PREVIEW_REQUEST_ASPECT_RATIO_VALUES: set[SoraPreviewRequestAspectRatio] = {
    "1280x720",
    "16:9",
    "720x1280",
    "9:16",
}


def check_sora_preview_request_aspect_ratio(
    value: str,
) -> SoraPreviewRequestAspectRatio:
    if value in SORA_PREVIEW_REQUEST_ASPECT_RATIO_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SORA_PREVIEW_REQUEST_ASPECT_RATIO_VALUES!r}"
    )
