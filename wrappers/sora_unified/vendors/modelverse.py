"""modelverse.cn: native task API (`/v1/tasks/submit`, `/v1/tasks/status`), bare-key auth.

Model choice: an image uses openai/sora-2/image-to-video (its `first_frame_url` may be a URL
or Base64 data), otherwise openai/sora-2/text-to-video. No callbacks and no credits endpoint
are documented.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from modelverse_client.api.tasks import get_task_status, submit_task
from modelverse_client.models import (
    ImageToVideoInput,
    ImageToVideoParameters,
    ImageToVideoRequest,
    TextToVideoInput,
    TextToVideoParameters,
    TextToVideoRequest,
)
from modelverse_client.types import UNSET

from .._api_errors import error_object_error
from .._capabilities import Plan
from .._limits import RateLimit
from .._status import (
    from_unix_s,
    is_content_policy,
    map_status,
    progress,
    string_list,
    text_or_none,
)
from .._wire import HttpCall, HttpReply
from ..errors import APIError, PermissionDeniedError, UnsupportedFeatureError
from ..types import AnyRequest, Status, Video, VideoRequest
from .base import (
    CallbackSigning,
    ImageTransport,
    LinkedResults,
    NoFreshLinks,
    NoReportedCost,
    NoUploads,
    malformed,
    mapping,
    no_model,
)

STATES: dict[str, Status] = {
    "Pending": "queued",
    "Running": "in_progress",
    "Success": "completed",
    "Failure": "failed",
    "Expired": "failed",  # reported by other ModelVerse models
}
# Codes whose HTTP status (400) would name the wrong class.
CLASS_BY_CODE: dict[str, type[APIError]] = {"model_error": PermissionDeniedError}


class ModelverseAdapter(LinkedResults, NoFreshLinks, NoUploads, NoReportedCost):
    name = "modelverse"
    default_base_url = "https://api.modelverse.cn"
    api_key_env = "MODELVERSE_API_KEY"
    documented_rate_limits: Mapping[str, RateLimit] = {}  # none documented
    base_url_env = "MODELVERSE_BASE_URL"
    callback_signing: CallbackSigning | None = None
    result_link_hours: int | None = None
    # first_frame_url "may be a URL or Base64": a local image travels as a data: URL.
    image_transport: ImageTransport = "data-url"

    def auth_headers(self, api_key: str) -> dict[str, str]:
        return {"Authorization": api_key}  # the task pages send the bare key, no "Bearer"

    def choose_model(self, request: AnyRequest) -> str:
        if request.model is not None:
            return request.model
        if not isinstance(request, VideoRequest):
            raise no_model(self.name, request, "characters or watermark removal")
        if request.has_first_frame:
            return "openai/sora-2/image-to-video"
        return "openai/sora-2/text-to-video"

    def submit_call(self, plan: Plan) -> HttpCall:
        request = plan.request
        assert isinstance(request, VideoRequest)  # modelverse sells videos only
        size: Any = plan.size or UNSET
        duration: Any = plan.seconds
        body: TextToVideoRequest | ImageToVideoRequest
        if plan.model.model == "openai/sora-2/image-to-video":
            body = ImageToVideoRequest(
                model="openai/sora-2/image-to-video",
                input_=ImageToVideoInput(
                    # Required by the capability table, which has checked the request.
                    first_frame_url=cast(str, request.image_url),
                    prompt=request.prompt or UNSET,
                ),
                parameters=ImageToVideoParameters(size=size, duration=duration),
            )
        else:
            body = TextToVideoRequest(
                model="openai/sora-2/text-to-video",
                input_=TextToVideoInput(prompt=request.prompt),
                parameters=TextToVideoParameters(size=size, duration=duration),
            )
        kwargs = submit_task._get_kwargs(body=body)
        return HttpCall("submit", "POST", kwargs["url"], json=kwargs["json"], creates_task=True)

    def task_id_from_submit(self, body: Any) -> str | None:
        task_id = mapping(mapping(body).get("output")).get("task_id")
        return task_id if isinstance(task_id, str) and task_id else None

    def status_call(self, task_id: str) -> HttpCall:
        kwargs = get_task_status._get_kwargs(task_id=task_id)
        return HttpCall("status", "GET", kwargs["url"], params=kwargs["params"])

    def credits_call(self) -> HttpCall:
        raise UnsupportedFeatureError(
            "modelverse documents no credits endpoint; check the balance in its console",
            vendor=self.name,
            model=None,
            field="credits",
            value=None,
            allowed="kie or evolink",
        )

    def parse_credits(self, body: Any) -> float:
        raise malformed(self.name, "credits response", body)

    def error_from_reply(self, call: HttpCall, reply: HttpReply) -> APIError | None:
        return error_object_error(self.name, reply, class_by_code=CLASS_BY_CODE)

    def callback_task_id(self, body: Any) -> str | None:
        return text_or_none(mapping(mapping(body).get("output")).get("task_id"))

    def parse_status(self, body: Any, *, task_id: str | None = None) -> Video:
        output = mapping(body).get("output") if isinstance(body, dict) else None
        if not isinstance(output, dict):
            raise malformed(self.name, "task status", body)
        state = output.get("task_status")
        status = map_status(self.name, state, STATES)
        message = text_or_none(output.get("error_message"))
        code = "Expired" if state == "Expired" else None
        return Video(
            vendor=self.name,
            task_id=str(output.get("task_id") or task_id or ""),
            status=status,
            progress=progress(output.get("progress"), status),
            video_urls=string_list(output.get("urls")),
            error_code=code,
            error_message=message,
            content_policy_violation=status == "failed" and is_content_policy(message),
            created_at=from_unix_s(output.get("submit_time")),
            completed_at=from_unix_s(output.get("finish_time")),
            vendor_status=text_or_none(state),
            raw=body,
        )


ADAPTER = ModelverseAdapter()
