"""Contains all the data models used in inputs/outputs"""

from .base_64_upload_request import Base64UploadRequest
from .base_64_upload_request_mime_type import Base64UploadRequestMimeType
from .error_detail import ErrorDetail
from .error_object_response import ErrorObjectResponse
from .failed_upload_response import FailedUploadResponse
from .stream_upload_request import StreamUploadRequest
from .upload_response import UploadResponse
from .uploaded_file import UploadedFile
from .url_upload_request import UrlUploadRequest

__all__ = (
    "Base64UploadRequest",
    "Base64UploadRequestMimeType",
    "ErrorDetail",
    "ErrorObjectResponse",
    "FailedUploadResponse",
    "StreamUploadRequest",
    "UploadResponse",
    "UploadedFile",
    "UrlUploadRequest",
)
