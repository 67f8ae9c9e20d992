from typing import Literal

DownloadVideoContentVariant = Literal["spritesheet", "thumbnail", "video"]

DOWNLOAD_VIDEO_CONTENT_VARIANT_VALUES: set[DownloadVideoContentVariant] = {
    "spritesheet",
    "thumbnail",
    "video",
}


def check_download_video_content_variant(value: str) -> DownloadVideoContentVariant:
    if value in DOWNLOAD_VIDEO_CONTENT_VARIANT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {DOWNLOAD_VIDEO_CONTENT_VARIANT_VALUES!r}"
    )
