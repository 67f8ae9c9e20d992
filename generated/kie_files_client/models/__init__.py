"""Contains all the data models used in inputs/outputs"""

from .base_64_upload_request import Base64UploadRequest
from .error_response import ErrorResponse
from .stream_upload_request import StreamUploadRequest
from .upload_response import UploadResponse
from .url_upload_request import UrlUploadRequest

__all__ = (
    "Base64UploadRequest",
    "ErrorResponse",
    "StreamUploadRequest",
    "UploadResponse",
    "UrlUploadRequest",
)
