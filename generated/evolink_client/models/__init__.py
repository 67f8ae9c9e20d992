"""Contains all the data models used in inputs/outputs"""

from .credits_data import CreditsData
from .credits_response import CreditsResponse
from .error_detail import ErrorDetail
from .error_response import ErrorResponse
from .task_detail_response import TaskDetailResponse
from .task_error import TaskError
from .task_info import TaskInfo
from .token_credits import TokenCredits
from .usage import Usage
from .user_credits import UserCredits
from .video_generation_request import VideoGenerationRequest
from .video_generation_request_aspect_ratio import VideoGenerationRequestAspectRatio
from .video_generation_request_duration import VideoGenerationRequestDuration
from .video_generation_request_quality import VideoGenerationRequestQuality
from .video_generation_response import VideoGenerationResponse

__all__ = (
    "CreditsData",
    "CreditsResponse",
    "ErrorDetail",
    "ErrorResponse",
    "TaskDetailResponse",
    "TaskError",
    "TaskInfo",
    "TokenCredits",
    "Usage",
    "UserCredits",
    "VideoGenerationRequest",
    "VideoGenerationRequestAspectRatio",
    "VideoGenerationRequestDuration",
    "VideoGenerationRequestQuality",
    "VideoGenerationResponse",
)
