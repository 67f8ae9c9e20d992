"""Contains all the data models used in inputs/outputs"""

from .create_video_form import CreateVideoForm
from .create_video_form_size import CreateVideoFormSize
from .create_video_json import CreateVideoJson
from .create_video_json_input_reference import CreateVideoJsonInputReference
from .create_video_json_size import CreateVideoJsonSize
from .deleted_video import DeletedVideo
from .download_video_content_variant import DownloadVideoContentVariant
from .error_detail import ErrorDetail
from .error_response import ErrorResponse
from .health_response_200 import HealthResponse200
from .list_videos_order import ListVideosOrder
from .model import Model
from .model_list import ModelList
from .remix_video_request import RemixVideoRequest
from .video_error import VideoError
from .video_list import VideoList
from .video_resource import VideoResource
from .video_resource_status import VideoResourceStatus

__all__ = (
    "CreateVideoForm",
    "CreateVideoFormSize",
    "CreateVideoJson",
    "CreateVideoJsonInputReference",
    "CreateVideoJsonSize",
    "DeletedVideo",
    "DownloadVideoContentVariant",
    "ErrorDetail",
    "ErrorResponse",
    "HealthResponse200",
    "ListVideosOrder",
    "Model",
    "ModelList",
    "RemixVideoRequest",
    "VideoError",
    "VideoList",
    "VideoResource",
    "VideoResourceStatus",
)
