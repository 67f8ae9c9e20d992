"""Contains all the data models used in inputs/outputs"""

from .aspect_ratio import AspectRatio
from .characters_input import CharactersInput
from .characters_pro_input import CharactersProInput
from .characters_pro_request import CharactersProRequest
from .characters_request import CharactersRequest
from .create_task_data import CreateTaskData
from .create_task_response import CreateTaskResponse
from .credit_response import CreditResponse
from .download_url_request import DownloadUrlRequest
from .download_url_response import DownloadUrlResponse
from .duration import Duration
from .error_response import ErrorResponse
from .image_to_video_input import ImageToVideoInput
from .image_to_video_request import ImageToVideoRequest
from .image_to_video_stable_input import ImageToVideoStableInput
from .image_to_video_stable_request import ImageToVideoStableRequest
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
from .task_param import TaskParam
from .task_param_input import TaskParamInput
from .text_to_video_input import TextToVideoInput
from .text_to_video_request import TextToVideoRequest
from .text_to_video_stable_input import TextToVideoStableInput
from .text_to_video_stable_request import TextToVideoStableRequest
from .upload_method import UploadMethod
from .video_result import VideoResult
from .watermark_remover_input import WatermarkRemoverInput
from .watermark_remover_request import WatermarkRemoverRequest

__all__ = (
    "AspectRatio",
    "CharactersInput",
    "CharactersProInput",
    "CharactersProRequest",
    "CharactersRequest",
    "CreateTaskData",
    "CreateTaskResponse",
    "CreditResponse",
    "DownloadUrlRequest",
    "DownloadUrlResponse",
    "Duration",
    "ErrorResponse",
    "ImageToVideoInput",
    "ImageToVideoRequest",
    "ImageToVideoStableInput",
    "ImageToVideoStableRequest",
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
    "TaskParam",
    "TaskParamInput",
    "TextToVideoInput",
    "TextToVideoRequest",
    "TextToVideoStableInput",
    "TextToVideoStableRequest",
    "UploadMethod",
    "VideoResult",
    "WatermarkRemoverInput",
    "WatermarkRemoverRequest",
)
