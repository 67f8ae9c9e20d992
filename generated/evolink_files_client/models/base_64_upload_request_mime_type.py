from typing import Literal

Base64UploadRequestMimeType = Literal[
    "image/gif", "image/jpeg", "image/png", "image/webp"
]

BASE_64_UPLOAD_REQUEST_MIME_TYPE_VALUES: set[Base64UploadRequestMimeType] = {
    "image/gif",
    "image/jpeg",
    "image/png",
    "image/webp",
}


def check_base_64_upload_request_mime_type(value: str) -> Base64UploadRequestMimeType:
    if value in BASE_64_UPLOAD_REQUEST_MIME_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {BASE_64_UPLOAD_REQUEST_MIME_TYPE_VALUES!r}"
    )
