"""Contains all the data models used in inputs/outputs"""

from .create_video_form import CreateVideoForm
from .create_video_form_size import CreateVideoFormSize
from .deleted_video import DeletedVideo
from .download_video_content_variant import DownloadVideoContentVariant
from .error_detail import ErrorDetail
from .error_response import ErrorResponse
from .list_videos_order import ListVideosOrder
from .remix_video_request import RemixVideoRequest
from .video_error import VideoError
from .video_list import VideoList
from .video_resource import VideoResource
from .video_resource_status import VideoResourceStatus

__all__ = (
    "CreateVideoForm",
    "CreateVideoFormSize",
    "DeletedVideo",
    "DownloadVideoContentVariant",
    "ErrorDetail",
    "ErrorResponse",
    "ListVideosOrder",
    "RemixVideoRequest",
    "VideoError",
    "VideoList",
    "VideoResource",
    "VideoResourceStatus",
)
