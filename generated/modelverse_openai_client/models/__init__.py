"""Contains all the data models used in inputs/outputs"""

from .create_video_request import CreateVideoRequest
from .error_detail import ErrorDetail
from .error_response import ErrorResponse
from .remix_video_request import RemixVideoRequest
from .seconds import Seconds
from .size import Size
from .video_error import VideoError
from .video_resource import VideoResource

__all__ = (
    "CreateVideoRequest",
    "ErrorDetail",
    "ErrorResponse",
    "RemixVideoRequest",
    "Seconds",
    "Size",
    "VideoError",
    "VideoResource",
)
