"""modelverse.cn's OpenAI-compatible video API (`/v1/videos`), Bearer auth.

A vendor of its own (`Client("modelverse-openai")`) rather than an option of `modelverse`: its
task ids (`video_...`), status words, result download and remix differ from the native task
API, and a stored task string (`modelverse-openai:video_...`) must say which API can read it.
It shares the native API's host and key (`MODELVERSE_BASE_URL`, `MODELVERSE_API_KEY`).

Model choice: a remix uses the remix endpoint (`sora-2-remix` in the capability table; the job
keeps the source video's length and size), anything else `sora-2`. A local first frame travels
inline as the multipart `input_reference` file. The video's bytes come from
`/v1/videos/{id}/content` on the vendor's own host, with the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, cast

from modelverse_openai_client.api.videos import (
    create_video,
    download_video_content,
    get_video,
    remix_video,
)
from modelverse_openai_client.models import CreateVideoRequest, RemixVideoRequest
from modelverse_openai_client.models.seconds import Seconds
from modelverse_openai_client.types import UNSET, File

from .._api_errors import error_object_error
from .._capabilities import Plan
from .._limits import RateLimit
from .._status import (
    from_unix_s,
    is_content_policy,
    map_status,
    progress,
    text_or_none,
)
from .._wire import HttpCall, HttpReply
from ..errors import APIError, PermissionDeniedError, UnsupportedFeatureError
from ..types import AnyRequest, Status, Video, VideoRequest
from .base import (
    CallbackSigning,
    ImageTransport,
    NoFreshLinks,
    NoReportedCost,
    NoUploads,
    malformed,
    mapping,
    multipart_parts,
    no_model,
)

STATES: dict[str, Status] = {
    "queued": "queued",
    "in_progress": "in_progress",
    "completed": "completed",
    "failed": "failed",
}
CLASS_BY_CODE: dict[str, type[APIError]] = {"model_error": PermissionDeniedError}
# OpenAI's code for a job its moderation stopped.
CONTENT_POLICY_CODES = frozenset({"moderation_blocked", "sensitive_check_error"})
# The content endpoint's answer before the job completes ("... current status: Pending").
NOT_READY = "task is not completed yet"


class ModelverseOpenAIAdapter(NoFreshLinks, NoUploads, NoReportedCost):
    name = "modelverse-openai"
    default_base_url = "https://api.modelverse.cn"
    api_key_env = "MODELVERSE_API_KEY"
    documented_rate_limits: Mapping[str, RateLimit] = {}  # none documented
    base_url_env = "MODELVERSE_BASE_URL"
    callback_signing: CallbackSigning | None = None
    result_link_hours: int | None = None
    image_transport: ImageTransport = "inline"
    results_need_key = True

    def auth_headers(self, api_key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {api_key}"}

    def choose_model(self, request: AnyRequest) -> str:
        if request.model is not None:
            return request.model
        if not isinstance(request, VideoRequest):
            raise no_model(self.name, request, "characters or watermark removal")
        return "sora-2-remix" if request.remix_of is not None else "sora-2"

    def submit_call(self, plan: Plan) -> HttpCall:
        request = plan.request
        assert isinstance(request, VideoRequest)  # videos and remixes only
        if plan.model.kind == "remix":
            assert request.remix_of is not None  # checked against the capability table
            kwargs = remix_video._get_kwargs(
                video_id=request.remix_of, body=RemixVideoRequest(prompt=request.prompt)
            )
            return HttpCall("submit", "POST", kwargs["url"], json=kwargs["json"], creates_task=True)
        image = plan.image
        reference = (
            UNSET
            if image is None
            else File(payload=BytesIO(image.data), file_name=image.name, mime_type=image.mime_type)
        )
        body = CreateVideoRequest(
            model="sora-2",
            prompt=request.prompt,
            size=plan.size or UNSET,
            # The page's example sends `seconds` (its table says `duration`).
            seconds=cast(Seconds, str(plan.seconds)),
            input_reference=reference,
        )
        kwargs = create_video._get_kwargs(body=body)
        # Only the parts: the generated kwargs also pin a fixed multipart boundary header.
        parts = multipart_parts(kwargs["files"])
        return HttpCall("submit", "POST", kwargs["url"], files=parts, creates_task=True)

    def task_id_from_submit(self, body: Any) -> str | None:
        return text_or_none(mapping(body).get("id"))

    def status_call(self, task_id: str) -> HttpCall:
        kwargs = get_video._get_kwargs(video_id=task_id)
        return HttpCall("status", "GET", kwargs["url"])

    def content_path(self, task_id: str) -> str | None:
        return str(download_video_content._get_kwargs(video_id=task_id)["url"])

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
        error = error_object_error(self.name, reply, class_by_code=CLASS_BY_CODE)
        if error is not None and call.operation == "download" and NOT_READY in str(error):
            error.retryable = True  # the job is still running: the bytes come later
        return error

    def callback_task_id(self, body: Any) -> str | None:
        return text_or_none(mapping(body).get("id"))

    def parse_status(self, body: Any, *, task_id: str | None = None) -> Video:
        if not isinstance(body, dict) or not isinstance(body.get("id"), str):
            raise malformed(self.name, "video job", body)
        state = body.get("status")
        status = map_status(self.name, state, STATES)
        error = mapping(body.get("error"))
        code = text_or_none(error.get("code"))
        message = text_or_none(error.get("message"))
        seconds = text_or_none(body.get("seconds"))
        return Video(
            vendor=self.name,
            task_id=str(body.get("id") or task_id or ""),
            status=status,
            progress=progress(body.get("progress"), status),
            error_code=code,
            error_message=message,
            content_policy_violation=status == "failed"
            and (code in CONTENT_POLICY_CODES or is_content_policy(message)),
            created_at=from_unix_s(body.get("created_at")),
            completed_at=from_unix_s(body.get("completed_at")),
            seconds=float(seconds) if seconds and seconds.isdigit() else None,
            size=text_or_none(body.get("size")),
            model=text_or_none(body.get("model")),
            vendor_status=text_or_none(state),
            raw=body,
        )


ADAPTER = ModelverseOpenAIAdapter()
