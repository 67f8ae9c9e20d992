"""evolink.ai: `POST /v1/videos/generations`, `GET /v1/tasks/{id}`, errors as `{error: {...}}`.

Model: sora-2-pro-preview (text-to-video, or image-to-video with one image). Quality
standard is 720p and high is 1080p; orientation landscape is 16:9 and portrait 9:16.
"""

from __future__ import annotations

from typing import Any

from evolink_client.api.account import get_credits
from evolink_client.api.tasks import get_task_detail
from evolink_client.api.videos import create_video_generation
from evolink_client.models import VideoGenerationRequest
from evolink_client.types import UNSET

from .._api_errors import error_object_error
from .._capabilities import Plan
from .._http import HttpCall, HttpReply
from .._status import (
    from_unix_s,
    is_content_policy,
    map_status,
    progress,
    string_list,
    text_or_none,
)
from ..errors import APIError
from ..types import Orientation, Quality, Status, Video, VideoRequest
from .base import CallbackSigning, malformed, mapping

STATES: dict[str, Status] = {
    "pending": "queued",
    "processing": "in_progress",
    "completed": "completed",
    "failed": "failed",
    "cancelled": "failed",  # callbacks fire on cancel although the status enum omits it
}
ASPECT_RATIOS: dict[Orientation, str] = {"landscape": "16:9", "portrait": "9:16"}
QUALITY: dict[Quality, str] = {"standard": "720p", "high": "1080p"}
CONTENT_POLICY_CODES = frozenset({"content_policy_violation"})


class EvolinkAdapter:
    name = "evolink"
    default_base_url = "https://api.evolink.ai"
    api_key_env = "EVOLINK_API_KEY"
    base_url_env = "EVOLINK_BASE_URL"
    callback_signing: CallbackSigning | None = None  # no signature scheme is documented
    result_link_hours: int | None = 24

    def auth_headers(self, api_key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {api_key}"}

    def choose_model(self, request: VideoRequest) -> str:
        return request.model or "sora-2-pro-preview"

    def submit_call(self, plan: Plan) -> HttpCall:
        request = plan.request
        body = VideoGenerationRequest(
            model="sora-2-pro-preview",
            prompt=request.prompt,
            aspect_ratio=ASPECT_RATIOS[plan.orientation] if plan.orientation else UNSET,  # type: ignore[arg-type]
            duration=plan.seconds,  # type: ignore[arg-type]
            quality=QUALITY[plan.quality] if plan.quality else UNSET,  # type: ignore[arg-type]
            image_urls=[request.image_url] if request.image_url else UNSET,
            callback_url=request.callback_url or UNSET,
        )
        kwargs = create_video_generation._get_kwargs(body=body)
        return HttpCall("submit", "POST", kwargs["url"], json=kwargs["json"], creates_task=True)

    def task_id_from_submit(self, body: Any) -> str | None:
        task_id = mapping(body).get("id")
        return task_id if isinstance(task_id, str) and task_id else None

    def status_call(self, task_id: str) -> HttpCall:
        kwargs = get_task_detail._get_kwargs(task_id=task_id)
        return HttpCall("status", "GET", kwargs["url"])

    def credits_call(self) -> HttpCall:
        return HttpCall("credits", "GET", get_credits._get_kwargs()["url"])

    def parse_credits(self, body: Any) -> float:
        data = mapping(mapping(body).get("data"))
        for owner in ("user", "token"):
            value = mapping(data.get(owner)).get("remaining_credits")
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
        raise malformed(self.name, "credits response", body)

    def error_from_reply(self, call: HttpCall, reply: HttpReply) -> APIError | None:
        return error_object_error(self.name, reply)

    def callback_task_id(self, body: Any) -> str | None:
        return text_or_none(mapping(body).get("id"))

    def parse_status(self, body: Any, *, task_id: str | None = None) -> Video:
        if not isinstance(body, dict):
            raise malformed(self.name, "task detail", body)
        state = body.get("status")
        status = map_status(self.name, state, STATES)
        error = mapping(body.get("error"))
        code = text_or_none(error.get("code"))
        if state == "cancelled" and code is None:
            code = "request_cancelled"
        message = text_or_none(error.get("message"))
        duration = mapping(body.get("task_info")).get("video_duration")
        return Video(
            vendor=self.name,
            task_id=str(body.get("id") or task_id or ""),
            status=status,
            progress=progress(body.get("progress"), status),
            video_urls=string_list(body.get("results")),
            error_code=code,
            error_message=message,
            content_policy_violation=code in CONTENT_POLICY_CODES or is_content_policy(message),
            created_at=from_unix_s(body.get("created")),
            seconds=float(duration) if isinstance(duration, int | float) else None,
            model=text_or_none(body.get("model")),
            vendor_status=text_or_none(state),
            raw=body,
        )


ADAPTER = EvolinkAdapter()
