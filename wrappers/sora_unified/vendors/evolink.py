"""evolink.ai: `POST /v1/videos/generations`, `GET /v1/tasks/{id}`, errors as `{error: {...}}`.

Model choice when the request names none: a remix uses sora-2-pro-remix; 4, 8 or 12 s use
sora-2-preview (sora-2-pro-preview when a quality is asked for); 25 s or a quality uses
sora-2-pro; anything else sora-2 (10 or 15 s, 10 by default). Quality on sora-2-pro-preview is
720p (standard) or 1080p (high); orientation landscape is 16:9 and portrait 9:16. sora-2 and
sora-2-pro remove the watermark unless told otherwise (at a higher price: the vendor's
default).
"""

from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any

from evolink_client.api.account import get_credits
from evolink_client.api.tasks import get_task_detail
from evolink_client.api.videos import create_video_generation
from evolink_client.models import (
    Sora2ProRemixRequest,
    Sora2ProRequest,
    Sora2Request,
    SoraPreviewRequest,
    SoraProPreviewRequest,
)
from evolink_client.types import UNSET

from .._api_errors import envelope_error, error_object_error
from .._capabilities import Plan
from .._images import LocalImage
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
from ..errors import APIError
from ..types import AnyRequest, Cost, Orientation, Quality, Status, Video, VideoRequest
from .base import (
    CallbackSigning,
    ImageTransport,
    LinkedResults,
    NoFreshLinks,
    link_in,
    malformed,
    mapping,
    multipart_parts,
    no_model,
    reported_cost,
    with_vendor_options,
)

STATES: dict[str, Status] = {
    "pending": "queued",
    "processing": "in_progress",
    "completed": "completed",
    "failed": "failed",
    "cancelled": "failed",  # callbacks fire on cancel although the status enum omits it
}
ASPECT_RATIOS: dict[Orientation, str] = {"landscape": "16:9", "portrait": "9:16"}
PREVIEW_QUALITY: dict[Quality, str] = {"standard": "720p", "high": "1080p"}
PREVIEW_SECONDS = (4, 8, 12)  # the preview models' lengths; sora-2 and sora-2-pro have others
CONTENT_POLICY_CODES = frozenset({"content_policy_violation"})
BODIES: dict[str, Any] = {
    "sora-2-pro-preview": SoraProPreviewRequest,
    "sora-2-preview": SoraPreviewRequest,
    "sora-2": Sora2Request,
    "sora-2-pro": Sora2ProRequest,
    "sora-2-pro-remix": Sora2ProRemixRequest,
}


def _unset(value: Any) -> Any:
    return UNSET if value is None else value


class EvolinkAdapter(LinkedResults, NoFreshLinks):
    name = "evolink"
    default_base_url = "https://api.evolink.ai"
    api_key_env = "EVOLINK_API_KEY"
    documented_rate_limits: Mapping[str, RateLimit] = {}  # none documented
    base_url_env = "EVOLINK_BASE_URL"
    callback_signing: CallbackSigning | None = None  # no signature scheme is documented
    result_link_hours: int | None = 24
    image_transport: ImageTransport = "upload"
    default_files_base_url: str | None = "https://files-api.evolink.ai"
    files_base_url_env: str | None = "EVOLINK_FILES_BASE_URL"

    def upload_call(self, image: LocalImage, files_base_url: str) -> HttpCall:
        # The file host's client is needed only for a local image: imported with the adapter it
        # would add ~10 ms to every Client(...).
        from evolink_files_client.api.files import upload_file_stream
        from evolink_files_client.models import StreamUploadRequest
        from evolink_files_client.types import File

        upload = File(payload=BytesIO(image.data), file_name=image.name, mime_type=image.mime_type)
        kwargs = upload_file_stream._get_kwargs(body=StreamUploadRequest(file=upload))
        parts = multipart_parts(kwargs["files"])
        return HttpCall("upload", "POST", files_base_url + kwargs["url"], files=parts)

    def uploaded_url(self, body: Any) -> str | None:
        return link_in(body, ("data", "file_url"))

    def auth_headers(self, api_key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {api_key}"}

    def choose_model(self, request: AnyRequest) -> str:
        if request.model is not None:
            return request.model
        if not isinstance(request, VideoRequest):
            raise no_model(self.name, request, "characters or watermark removal")
        if request.remix_of is not None:
            return "sora-2-pro-remix"
        if request.seconds in PREVIEW_SECONDS:
            return "sora-2-preview" if request.quality is None else "sora-2-pro-preview"
        if request.quality is not None or request.seconds == 25:
            return "sora-2-pro"
        return "sora-2"

    def _fields(self, plan: Plan) -> dict[str, Any]:
        request = plan.request
        assert isinstance(request, VideoRequest)  # evolink sells videos only
        model = plan.model.model
        fields: dict[str, Any] = {
            "model": model,
            "prompt": request.prompt,
            "aspect_ratio": ASPECT_RATIOS[plan.orientation] if plan.orientation else UNSET,
            "duration": plan.seconds,
            "callback_url": _unset(request.callback_url),
        }
        if model != "sora-2-pro-remix":
            fields["image_urls"] = [request.image_url] if request.image_url else UNSET
        if model == "sora-2-pro-preview":
            fields["quality"] = PREVIEW_QUALITY[plan.quality] if plan.quality else UNSET
        if model == "sora-2-pro":
            fields["quality"] = _unset(plan.quality)
        if model in ("sora-2", "sora-2-pro", "sora-2-pro-remix"):
            fields["remove_watermark"] = _unset(request.remove_watermark)
        if model == "sora-2-pro-remix":
            fields["base_video_task_id"] = request.remix_of
        return fields

    def submit_call(self, plan: Plan) -> HttpCall:
        body_class = BODIES[plan.model.model]
        body = body_class(**self._fields(plan))
        kwargs = create_video_generation._get_kwargs(body=body)
        json = with_vendor_options(kwargs["json"], plan, body_class)
        return HttpCall("submit", "POST", kwargs["url"], json=json, creates_task=True)

    def task_id_from_submit(self, body: Any) -> str | None:
        task_id = mapping(body).get("id")
        return task_id if isinstance(task_id, str) and task_id else None

    def submit_cost(self, body: Any) -> Cost | None:
        return _usage_cost(body)

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
        if call.operation == "upload":
            return envelope_error(self.name, reply) or error_object_error(self.name, reply)
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
            seconds=float(duration)
            if isinstance(duration, int) and not isinstance(duration, bool)
            else None,
            model=text_or_none(body.get("model")),
            vendor_status=text_or_none(state),
            cost=_usage_cost(body),
            raw=body,
        )


def _usage_cost(body: Any) -> Cost | None:
    """`usage.credits_reserved`, on the create answer ("estimated credits to be consumed") and,
    per evolink's own MCP server, on the task ("credits charged for this task")."""
    usage = mapping(mapping(body).get("usage"))
    return reported_cost("evolink", usage.get("credits_reserved"), "evolink usage.credits_reserved")


ADAPTER = EvolinkAdapter()
