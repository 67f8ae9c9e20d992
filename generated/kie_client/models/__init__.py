"""Contains all the data models used in inputs/outputs"""

from .aspect_ratio import AspectRatio
from .create_task_data import CreateTaskData
from .create_task_response import CreateTaskResponse
from .credit_response import CreditResponse
from .download_url_request import DownloadUrlRequest
from .download_url_response import DownloadUrlResponse
from .duration import Duration
from .error_response import ErrorResponse
from .image_to_video_input import ImageToVideoInput
from .image_to_video_request import ImageToVideoRequest
from .pro_image_to_video_input import ProImageToVideoInput
from .pro_image_to_video_input_size import ProImageToVideoInputSize
from .pro_image_to_video_request import ProImageToVideoRequest
from .pro_text_to_video_input import ProTextToVideoInput
from .pro_text_to_video_input_size import ProTextToVideoInputSize
from .pro_text_to_video_request import ProTextToVideoRequest
from .record_info import RecordInfo
from .record_info_response import RecordInfoResponse
from .storyboard_input import StoryboardInput
from .storyboard_input_n_frames import StoryboardInputNFrames
from .storyboard_request import StoryboardRequest
from .storyboard_shot import StoryboardShot
from .task_callback import TaskCallback
from .task_callback_data import TaskCallbackData
from .task_param import TaskParam
from .task_param_input import TaskParamInput
from .task_result import TaskResult
from .text_to_video_input import TextToVideoInput
from .text_to_video_request import TextToVideoRequest
from .upload_method import UploadMethod

__all__ = (
    "AspectRatio",
    "CreateTaskData",
    "CreateTaskResponse",
    "CreditResponse",
    "DownloadUrlRequest",
    "DownloadUrlResponse",
    "Duration",
    "ErrorResponse",
    "ImageToVideoInput",
    "ImageToVideoRequest",
    "ProImageToVideoInput",
    "ProImageToVideoInputSize",
    "ProImageToVideoRequest",
    "ProTextToVideoInput",
    "ProTextToVideoInputSize",
    "ProTextToVideoRequest",
    "RecordInfo",
    "RecordInfoResponse",
    "StoryboardInput",
    "StoryboardInputNFrames",
    "StoryboardRequest",
    "StoryboardShot",
    "TaskCallback",
    "TaskCallbackData",
    "TaskParam",
    "TaskParamInput",
    "TaskResult",
    "TextToVideoInput",
    "TextToVideoRequest",
    "UploadMethod",
)
