"""kie.ai: Market jobs API (`createTask`, `recordInfo`), errors in a `{code, msg, data}` envelope.

Model choice: a storyboard (`shots`) uses sora-2-pro-storyboard; an image uses
sora-2-image-to-video, or sora-2-pro-image-to-video when a quality is asked for (only pro
models take one); otherwise sora-2-pro-text-to-video. `VideoRequest.model` overrides.
"""

from __future__ import annotations

import json
from typing import Any

from kie_client.api.account import get_account_credits
from kie_client.api.jobs import create_task, get_task_details
from kie_client.models import (
    ImageToVideoInput,
    ImageToVideoRequest,
    ProImageToVideoInput,
    ProImageToVideoRequest,
    ProTextToVideoInput,
    ProTextToVideoRequest,
    StoryboardInput,
    StoryboardRequest,
    StoryboardShot,
    TextToVideoInput,
    TextToVideoRequest,
)
from kie_client.types import UNSET

from .._api_errors import api_error, unexpected_body_error
from .._capabilities import Plan
from .._http import HttpCall, HttpReply
from .._status import (
    from_unix_ms,
    is_content_policy,
    map_status,
    progress,
    string_list,
    text_or_none,
)
from ..errors import APIError
from ..types import SIZE_BY_ORIENTATION, Status, Video, VideoRequest
from .base import CallbackSigning, json_body_reply, malformed, mapping

STATES: dict[str, Status] = {
    "waiting": "queued",
    "queuing": "queued",
    "generating": "in_progress",
    "success": "completed",
    "fail": "failed",
}
SUCCESS = 200
SIZES_BY_ASPECT_RATIO: dict[str, str] = {str(k): str(v) for k, v in SIZE_BY_ORIENTATION.items()}
NOT_YET_VISIBLE = (422, "recordinfo is null")
RequestBody = (
    TextToVideoRequest
    | ImageToVideoRequest
    | ProTextToVideoRequest
    | ProImageToVideoRequest
    | StoryboardRequest
)


def _unset(value: Any) -> Any:
    return UNSET if value is None else value


def _json_text(value: Any) -> dict[str, Any]:
    """kie sends JSON inside strings (`param`, `resultJson`); "" while running."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.strip():
        try:
            decoded = json.loads(value)
        except ValueError:
            return {}
        return decoded if isinstance(decoded, dict) else {}
    return {}


def _message(body: dict[str, Any]) -> str:
    # Pages disagree on `msg` versus `message`; real responses use `msg`.
    text = body.get("msg") or body.get("message")
    return str(text) if text else ""


class KieAdapter:
    name = "kie"
    default_base_url = "https://api.kie.ai"
    api_key_env = "KIE_API_KEY"
    base_url_env = "KIE_BASE_URL"
    callback_signing = CallbackSigning("X-Webhook-Timestamp", "X-Webhook-Signature")
    result_link_hours: int | None = 24

    def auth_headers(self, api_key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {api_key}"}

    def choose_model(self, request: VideoRequest) -> str:
        if request.model is not None:
            return request.model
        if request.shots is not None:
            return "sora-2-pro-storyboard"
        if request.image_url is not None:
            return "sora-2-pro-image-to-video" if request.quality else "sora-2-image-to-video"
        return "sora-2-pro-text-to-video"

    def _body(self, plan: Plan) -> RequestBody:
        request = plan.request
        model = plan.model.model
        common = {
            "aspect_ratio": _unset(plan.orientation),
            "n_frames": str(plan.seconds),
        }
        extras = {"remove_watermark": _unset(request.remove_watermark)}
        callback = _unset(request.callback_url)
        images = [request.image_url] if request.image_url else []
        if model == "sora-2-pro-storyboard":
            shots = [StoryboardShot(scene=s.scene, duration=s.seconds) for s in request.shots or ()]
            return StoryboardRequest(
                model="sora-2-pro-storyboard",
                call_back_url=callback,
                input_=StoryboardInput(
                    shots=shots,
                    n_frames=common["n_frames"],
                    image_urls=images,
                    # Required by this model; the vendor's own default is landscape.
                    aspect_ratio=plan.orientation or "landscape",
                ),
            )
        if model == "sora-2-pro-text-to-video":
            return ProTextToVideoRequest(
                model="sora-2-pro-text-to-video",
                call_back_url=callback,
                input_=ProTextToVideoInput(
                    prompt=request.prompt, size=_unset(plan.quality), **common, **extras
                ),
            )
        if model == "sora-2-pro-image-to-video":
            return ProImageToVideoRequest(
                model="sora-2-pro-image-to-video",
                call_back_url=callback,
                input_=ProImageToVideoInput(
                    prompt=request.prompt,
                    image_urls=images,
                    size=_unset(plan.quality),
                    **common,
                    **extras,
                ),
            )
        if model == "sora-2-image-to-video":
            return ImageToVideoRequest(
                model="sora-2-image-to-video",
                call_back_url=callback,
                input_=ImageToVideoInput(
                    prompt=request.prompt, image_urls=images, **common, **extras
                ),
            )
        return TextToVideoRequest(
            model="sora-2-text-to-video",
            call_back_url=callback,
            input_=TextToVideoInput(prompt=request.prompt, **common, **extras),
        )

    def submit_call(self, plan: Plan) -> HttpCall:
        kwargs = create_task._get_kwargs(body=self._body(plan))
        return HttpCall("submit", "POST", kwargs["url"], json=kwargs["json"], creates_task=True)

    def task_id_from_submit(self, body: Any) -> str | None:
        task_id = mapping(mapping(body).get("data")).get("taskId")
        return task_id if isinstance(task_id, str) and task_id else None

    def status_call(self, task_id: str) -> HttpCall:
        kwargs = get_task_details._get_kwargs(task_id=task_id)
        return HttpCall("status", "GET", kwargs["url"], params=kwargs["params"])

    def credits_call(self) -> HttpCall:
        kwargs = get_account_credits._get_kwargs()
        return HttpCall("credits", "GET", kwargs["url"])

    def parse_credits(self, body: Any) -> float:
        value = mapping(body).get("data")
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise malformed(self.name, "credits response", body)

    def error_from_reply(self, call: HttpCall, reply: HttpReply) -> APIError | None:
        body = reply.json_or_none()
        code = body.get("code") if isinstance(body, dict) else None
        if not isinstance(code, int) or isinstance(code, bool):
            return unexpected_body_error(self.name, reply) if reply.status_code >= 400 else None
        assert isinstance(body, dict)
        message = _message(body)
        if code == SUCCESS and reply.status_code < 400:
            return None
        if call.operation == "status" and (code, message.lower()) == NOT_YET_VISIBLE:
            return None  # right after creation the task is not visible yet: keep waiting
        # Errors come as HTTP 200 with the code in the body, or as that HTTP status.
        status = code if code != SUCCESS else reply.status_code
        return api_error(
            self.name, reply, status=status, code=str(code), message=message or "error"
        )

    def callback_task_id(self, body: Any) -> str | None:
        data = mapping(mapping(body).get("data"))
        # The webhook guide's sample code reads data.task_id; callback bodies carry data.taskId.
        task_id = data.get("taskId") or data.get("task_id")
        return str(task_id) if task_id else None

    def parse_status(self, body: Any, *, task_id: str | None = None) -> Video:
        if not isinstance(body, dict):
            raise malformed(self.name, "task status", body)
        data = body.get("data")
        if not isinstance(data, dict):
            # No task in the body: an error envelope, or (data null, or 422 "recordInfo is
            # null") a task created a moment ago and not visible yet.
            error = self.error_from_reply(HttpCall("status", "GET", ""), json_body_reply(body))
            if error is not None:
                raise error
            return Video(vendor=self.name, task_id=task_id or "", status="queued", raw=body)
        # With a task in `data` the envelope code only echoes its outcome (callbacks send 501
        # for a failed task), so the task's own state decides.
        state = data.get("state")
        status = map_status(self.name, state, STATES)
        result = _json_text(data.get("resultJson"))
        submitted = _json_text(data.get("param"))
        submitted_input = mapping(submitted.get("input"))
        fail_code = text_or_none(data.get("failCode"))
        fail_message = text_or_none(data.get("failMsg"))
        seconds = submitted_input.get("n_frames")
        orientation = submitted_input.get("aspect_ratio", "landscape" if submitted else None)
        return Video(
            vendor=self.name,
            task_id=str(data.get("taskId") or task_id or ""),
            status=status,
            progress=progress(data.get("progress"), status),
            video_urls=string_list(result.get("resultUrls")),
            watermarked_urls=string_list(result.get("resultWaterMarkUrls")),
            error_code=fail_code,
            error_message=fail_message,
            content_policy_violation=status == "failed"
            and is_content_policy(fail_code, fail_message),
            created_at=from_unix_ms(data.get("createTime")),
            completed_at=from_unix_ms(data.get("completeTime")),
            seconds=float(seconds) if isinstance(seconds, str) and seconds.isdigit() else None,
            size=SIZES_BY_ASPECT_RATIO.get(orientation) if isinstance(orientation, str) else None,
            model=text_or_none(data.get("model")),
            vendor_status=text_or_none(state),
            raw=body,
        )


ADAPTER = KieAdapter()
