"""kie.ai: Market jobs API (`createTask`, `recordInfo`), errors in a `{code, msg, data}` envelope.

Model choice when the request names none: a storyboard (`shots`) uses sora-2-pro-storyboard;
an image uses sora-2-image-to-video, or sora-2-pro-image-to-video when a quality is asked for
(only pro models take one); otherwise sora-2-pro-text-to-video. A character comes from
sora-2-characters (from a clip) or sora-2-characters-pro (from a task); watermark removal is
sora-watermark-remover. The stable models are chosen by name.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import lru_cache
from io import BytesIO
from types import MappingProxyType
from typing import Any

from kie_client.api.account import get_account_credits, get_download_url
from kie_client.api.jobs import create_task, get_task_details
from kie_client.models import (
    CharactersInput,
    CharactersProInput,
    CharactersProRequest,
    CharactersRequest,
    DownloadUrlRequest,
    ImageToVideoInput,
    ImageToVideoRequest,
    ImageToVideoStableInput,
    ImageToVideoStableRequest,
    ProImageToVideoInput,
    ProImageToVideoRequest,
    ProTextToVideoInput,
    ProTextToVideoRequest,
    StoryboardInput,
    StoryboardRequest,
    StoryboardShot,
    TextToVideoInput,
    TextToVideoRequest,
    TextToVideoStableInput,
    TextToVideoStableRequest,
    WatermarkRemoverInput,
    WatermarkRemoverRequest,
)
from kie_client.types import UNSET

from .._api_errors import api_error, unexpected_body_error
from .._capabilities import Plan
from .._images import LocalImage
from .._limits import RateLimit
from .._status import (
    from_unix_ms,
    is_content_policy,
    map_status,
    progress,
    string_list,
    text_or_none,
)
from .._urls import split_http_url
from .._wire import HttpCall, HttpReply
from ..errors import APIError
from ..types import (
    SIZE_BY_ORIENTATION,
    AnyRequest,
    CharacterRequest,
    Cost,
    Status,
    Video,
    VideoRequest,
    WatermarkRemovalRequest,
)
from .base import (
    CallbackSigning,
    ImageTransport,
    LinkedResults,
    NoReportedCost,
    json_body_reply,
    link_in,
    malformed,
    mapping,
    multipart_parts,
    reported_cost,
    with_vendor_options,
)

# Where callbacks say what a task consumed: the newest schema's name, then older examples'.
# Real recordInfo answers carry neither; a failed task's callback says 0.
COST_FIELDS = ("creditsConsumed", "consumeCredits")

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


def _unset(value: Any) -> Any:
    return UNSET if value is None else value


def _json_text(value: Any) -> Mapping[str, Any]:
    """kie sends JSON inside strings (`param`, `resultJson`); "" while running."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.strip():
        return _decoded_object(value)
    return {}


@lru_cache(maxsize=1024)
def _decoded_object(text: str) -> Mapping[str, Any]:
    """A task's `param` is the same text on every poll: decoded once, shared read-only."""
    try:
        decoded = json.loads(text)
    except (ValueError, RecursionError):
        return MappingProxyType({})
    return MappingProxyType(decoded if isinstance(decoded, dict) else {})


def _message(body: dict[str, Any]) -> str:
    # Pages disagree on `msg` versus `message`; real responses use `msg`.
    text = body.get("msg") or body.get("message")
    return str(text) if text else ""


def _character(result: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """A character task's id and handle, in any of the three documented spellings."""
    inner = mapping(result.get("resultObject"))
    for value in (
        result.get("character_id"),
        result.get("character_id_list"),
        inner.get("character_id"),
    ):
        ids = string_list(value)
        if ids:
            return ids[0], text_or_none(inner.get("character_user_name"))
    return None, None


def _video_input(
    plan: Plan, *, images: bool, quality: bool, watermark: bool, characters: bool
) -> dict[str, Any]:
    request = plan.request
    assert isinstance(request, VideoRequest)
    fields: dict[str, Any] = {
        "prompt": request.prompt,
        "aspect_ratio": _unset(plan.orientation),
        "n_frames": str(plan.seconds),
    }
    if images:
        fields["image_urls"] = [request.image_url] if request.image_url else []
    if quality:
        fields["size"] = _unset(plan.quality)
    if watermark:
        fields["remove_watermark"] = _unset(request.remove_watermark)
    if characters:
        fields["character_id_list"] = list(request.characters) if request.characters else UNSET
    return fields


def _storyboard(plan: Plan) -> dict[str, Any]:
    request = plan.request
    assert isinstance(request, VideoRequest)
    return {
        "shots": [StoryboardShot(scene=s.scene, duration=s.seconds) for s in request.shots or ()],
        "n_frames": str(plan.seconds),
        "image_urls": [request.image_url] if request.image_url else [],
        # Required by this model; the vendor's own default is landscape.
        "aspect_ratio": plan.orientation or "landscape",
    }


def _character_input(plan: Plan) -> dict[str, Any]:
    request = plan.request
    assert isinstance(request, CharacterRequest)
    fields: dict[str, Any] = {
        "character_prompt": request.prompt or UNSET,
        "safety_instruction": _unset(request.safety_instruction),
    }
    if plan.model.character_source == "clip":
        fields["character_file_url"] = [request.video_url]
    else:
        fields["origin_task_id"] = request.task
        fields["timestamps"] = f"{request.start:g},{request.end:g}"
        fields["character_user_name"] = _unset(request.name)
    return fields


def _watermark_input(plan: Plan) -> dict[str, Any]:
    request = plan.request
    assert isinstance(request, WatermarkRemovalRequest)
    return {"video_url": request.video_url}


# model: (request class, input class, input fields)
BodyParts = tuple[Any, Any, Callable[[Plan], dict[str, Any]]]
BODIES: dict[str, BodyParts] = {
    "sora-2-text-to-video": (
        TextToVideoRequest,
        TextToVideoInput,
        lambda p: _video_input(p, images=False, quality=False, watermark=True, characters=False),
    ),
    "sora-2-image-to-video": (
        ImageToVideoRequest,
        ImageToVideoInput,
        lambda p: _video_input(p, images=True, quality=False, watermark=True, characters=True),
    ),
    "sora-2-pro-text-to-video": (
        ProTextToVideoRequest,
        ProTextToVideoInput,
        lambda p: _video_input(p, images=False, quality=True, watermark=True, characters=True),
    ),
    "sora-2-pro-image-to-video": (
        ProImageToVideoRequest,
        ProImageToVideoInput,
        lambda p: _video_input(p, images=True, quality=True, watermark=True, characters=True),
    ),
    "sora-2-pro-storyboard": (StoryboardRequest, StoryboardInput, _storyboard),
    "sora-2-text-to-video-stable": (
        TextToVideoStableRequest,
        TextToVideoStableInput,
        lambda p: _video_input(p, images=False, quality=False, watermark=False, characters=False),
    ),
    "sora-2-image-to-video-stable": (
        ImageToVideoStableRequest,
        ImageToVideoStableInput,
        lambda p: _video_input(p, images=True, quality=False, watermark=False, characters=False),
    ),
    "sora-2-characters": (CharactersRequest, CharactersInput, _character_input),
    "sora-2-characters-pro": (CharactersProRequest, CharactersProInput, _character_input),
    "sora-watermark-remover": (WatermarkRemoverRequest, WatermarkRemoverInput, _watermark_input),
}


# Uploads go to one folder, named by content hash: the same image uploaded twice is one file.
UPLOAD_PATH = "sora-unified"


class KieAdapter(LinkedResults, NoReportedCost):
    name = "kie"
    default_base_url = "https://api.kie.ai"
    api_key_env = "KIE_API_KEY"
    # docs.kie.ai: "Up to 20 new generation requests per 10 seconds" per account; status reads
    # "每个API密钥每秒10次请求" (10 per second per key).
    documented_rate_limits: Mapping[str, RateLimit] = {
        "submit": RateLimit(20, 10.0),
        "status": RateLimit(10, 1.0),
    }
    base_url_env = "KIE_BASE_URL"
    callback_signing = CallbackSigning("X-Webhook-Timestamp", "X-Webhook-Signature")
    result_link_hours: int | None = 24
    image_transport: ImageTransport = "upload"
    default_files_base_url: str | None = "https://kieai.redpandaai.co"
    files_base_url_env: str | None = "KIE_FILES_BASE_URL"

    def upload_call(self, image: LocalImage, files_base_url: str) -> HttpCall:
        # The file host's client is needed only for a local image: imported with the adapter it
        # would add ~10 ms to every Client(...).
        from kie_files_client.api.files import upload_file_stream
        from kie_files_client.models import StreamUploadRequest
        from kie_files_client.types import File

        upload = File(payload=BytesIO(image.data), file_name=image.name, mime_type=image.mime_type)
        body = StreamUploadRequest(file=upload, upload_path=UPLOAD_PATH, file_name=image.name)
        kwargs = upload_file_stream._get_kwargs(body=body)
        parts = multipart_parts(kwargs["files"])
        return HttpCall("upload", "POST", files_base_url + kwargs["url"], files=parts)

    def uploaded_url(self, body: Any) -> str | None:
        # Two documented shapes: both carry downloadUrl, the quickstart's also fileUrl.
        return link_in(body, ("data", "downloadUrl"), ("data", "fileUrl"))

    def auth_headers(self, api_key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {api_key}"}

    def choose_model(self, request: AnyRequest) -> str:
        if request.model is not None:
            return request.model
        if isinstance(request, CharacterRequest):
            return "sora-2-characters" if request.video_url is not None else "sora-2-characters-pro"
        if isinstance(request, WatermarkRemovalRequest):
            return "sora-watermark-remover"
        if request.shots is not None:
            return "sora-2-pro-storyboard"
        if request.has_first_frame:
            return "sora-2-pro-image-to-video" if request.quality else "sora-2-image-to-video"
        return "sora-2-pro-text-to-video"

    def submit_call(self, plan: Plan) -> HttpCall:
        request_class, input_class, fields = BODIES[plan.model.model]
        body = request_class(
            model=plan.model.model,
            call_back_url=_unset(plan.request.callback_url),
            input_=input_class(**fields(plan)),
        )
        kwargs = create_task._get_kwargs(body=body)
        json = with_vendor_options(kwargs["json"], plan, request_class)
        return HttpCall("submit", "POST", kwargs["url"], json=json, creates_task=True)

    def task_id_from_submit(self, body: Any) -> str | None:
        task_id = mapping(mapping(body).get("data")).get("taskId")
        return task_id if isinstance(task_id, str) and task_id else None

    def status_call(self, task_id: str) -> HttpCall:
        kwargs = get_task_details._get_kwargs(task_id=task_id)
        return HttpCall("status", "GET", kwargs["url"], params=kwargs["params"])

    def fresh_link_call(self, url: str) -> HttpCall | None:
        # kie renews the links of files it generated (valid 20 minutes) on request.
        kwargs = get_download_url._get_kwargs(body=DownloadUrlRequest(url=url))
        return HttpCall("fresh link", "POST", kwargs["url"], json=kwargs["json"])

    def parse_fresh_link(self, body: Any) -> str | None:
        link = mapping(body).get("data")
        return link if isinstance(link, str) and split_http_url(link) is not None else None

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
        character_id, character_name = _character(result) if result else (None, None)
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
            character_id=character_id,
            character_name=character_name,
            cost=_consumed(data),
            raw=body,
        )


def _consumed(data: Mapping[str, Any]) -> Cost | None:
    for name in COST_FIELDS:
        cost = reported_cost("kie", data.get(name), f"kie {name}")
        if cost is not None:
            return cost
    return None


ADAPTER = KieAdapter()
