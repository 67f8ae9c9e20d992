"""Contains all the data models used in inputs/outputs"""

from .aspect_ratio import AspectRatio
from .credits_data import CreditsData
from .credits_response import CreditsResponse
from .error_detail import ErrorDetail
from .error_response import ErrorResponse
from .sora_2_pro_remix_request import Sora2ProRemixRequest
from .sora_2_pro_remix_request_duration import Sora2ProRemixRequestDuration
from .sora_2_pro_request import Sora2ProRequest
from .sora_2_pro_request_duration import Sora2ProRequestDuration
from .sora_2_pro_request_quality import Sora2ProRequestQuality
from .sora_2_request import Sora2Request
from .sora_2_request_duration import Sora2RequestDuration
from .sora_preview_request import SoraPreviewRequest
from .sora_preview_request_aspect_ratio import SoraPreviewRequestAspectRatio
from .sora_preview_request_duration import SoraPreviewRequestDuration
from .sora_pro_preview_request import SoraProPreviewRequest
from .sora_pro_preview_request_duration import SoraProPreviewRequestDuration
from .sora_pro_preview_request_quality import SoraProPreviewRequestQuality
from .task_detail_response import TaskDetailResponse
from .task_error import TaskError
from .task_info import TaskInfo
from .token_credits import TokenCredits
from .usage import Usage
from .user_credits import UserCredits
from .video_generation_response import VideoGenerationResponse

__all__ = (
    "AspectRatio",
    "CreditsData",
    "CreditsResponse",
    "ErrorDetail",
    "ErrorResponse",
    "Sora2ProRemixRequest",
    "Sora2ProRemixRequestDuration",
    "Sora2ProRequest",
    "Sora2ProRequestDuration",
    "Sora2ProRequestQuality",
    "Sora2Request",
    "Sora2RequestDuration",
    "SoraPreviewRequest",
    "SoraPreviewRequestAspectRatio",
    "SoraPreviewRequestDuration",
    "SoraProPreviewRequest",
    "SoraProPreviewRequestDuration",
    "SoraProPreviewRequestQuality",
    "TaskDetailResponse",
    "TaskError",
    "TaskInfo",
    "TokenCredits",
    "Usage",
    "UserCredits",
    "VideoGenerationResponse",
)
