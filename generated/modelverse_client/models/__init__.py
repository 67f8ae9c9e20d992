"""Contains all the data models used in inputs/outputs"""

from .duration import Duration
from .error_detail import ErrorDetail
from .error_response import ErrorResponse
from .image_to_video_input import ImageToVideoInput
from .image_to_video_parameters import ImageToVideoParameters
from .image_to_video_request import ImageToVideoRequest
from .size import Size
from .submit_output import SubmitOutput
from .submit_task_response import SubmitTaskResponse
from .task_output import TaskOutput
from .task_status_response import TaskStatusResponse
from .task_usage import TaskUsage
from .text_to_video_input import TextToVideoInput
from .text_to_video_parameters import TextToVideoParameters
from .text_to_video_request import TextToVideoRequest

__all__ = (
    "Duration",
    "ErrorDetail",
    "ErrorResponse",
    "ImageToVideoInput",
    "ImageToVideoParameters",
    "ImageToVideoRequest",
    "Size",
    "SubmitOutput",
    "SubmitTaskResponse",
    "TaskOutput",
    "TaskStatusResponse",
    "TaskUsage",
    "TextToVideoInput",
    "TextToVideoParameters",
    "TextToVideoRequest",
)
