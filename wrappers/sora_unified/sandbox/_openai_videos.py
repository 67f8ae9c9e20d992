"""ModelVerse's OpenAI-compatible video API, on the same prefix as its native task API
(`/modelverse/v1/videos...`, as both live on api.modelverse.cn), checked against
`specs/modelverse_openai.yaml`.

Tasks are recorded under the vendor name `modelverse-openai`. Their bytes come from
`/v1/videos/{id}/content` with the key; before completion that answers the page's 400 "task is
not completed yet, current status: Pending". Errors are OpenAI's envelope with the documented
examples of the spec.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from .._images import load_image
from ..errors import ValidationError
from ._config import Fault, SandboxConfig
from ._media import clip
from ._specs import first_error, request_pointer, strip_unknown_fields
from ._state import CONTENT_POLICY_MESSAGE, Phase, SandboxState, SandboxTask
from ._vendors import OpenAIVideos, Order, Reply, charge

VENDOR = "modelverse-openai"
SPEC = "modelverse_openai"
CREATE_PATH = "/v1/videos"
REMIX_PATH = "/v1/videos/{video_id}/remix"
STATUS_WORDS: dict[Phase, str] = {
    "not_visible": "queued",
    "queued": "queued",
    "running": "in_progress",
    "completed": "completed",
    "failed": "failed",
}
# What the content endpoint names a job that is not done (the native API's words, as the page's
# example "current status: Pending" shows).
NATIVE_WORDS: dict[Phase, str] = {
    "not_visible": "Pending",
    "queued": "Pending",
    "running": "Running",
    "failed": "Failure",
    "completed": "Success",
}
# OpenAI's refusal of a first frame whose pixels differ from the video's size.
WRONG_IMAGE_SIZE = "Inpaint image must match the requested width and height"


class Refused(Exception):
    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.body)
        self.reply = reply


class OpenAIVideosHost:
    """The handlers; `handle(kind)` gives each endpoint as (request, key, fault) -> Reply or a
    Response (the video's bytes)."""

    def __init__(
        self,
        config: SandboxConfig,
        state: SandboxState,
        now: Callable[[], float],
        ignored: Callable[[str, str], None] | None,
    ) -> None:
        self.config = config
        self.state = state
        self.now = now
        self.emulator = OpenAIVideos()
        self._ignored = ignored

    def handle(
        self, kind: str
    ) -> Callable[[Request, str, Fault | None], Awaitable[Reply | Response]]:
        method = {
            "submit": self.create,
            "status": self.retrieve,
            "download": self.content,
            "remix": self.remix,
        }[kind]

        async def run(request: Request, key: str, fault: Fault | None) -> Reply | Response:
            try:
                return await method(request, key, fault)
            except Refused as refused:
                return refused.reply

        return run

    # -- reading requests --------------------------------------------------------------------

    def _check(self, path: str, body: dict[str, Any], media_type: str) -> None:
        if self._ignored is not None:
            for field in strip_unknown_fields(SPEC, path, body, media_type):
                self._ignored(VENDOR, field)
        problem = first_error(SPEC, path, body, request_pointer(path, media_type))
        if problem is not None:
            raise Refused(self.emulator.invalid(*problem))

    async def _json_object(self, request: Request) -> dict[str, Any]:
        try:
            body = json.loads(await request.body())
        except (ValueError, RecursionError):
            raise Refused(self.emulator.invalid("body", "not valid JSON")) from None
        if not isinstance(body, dict):
            raise Refused(self.emulator.invalid("body", "must be an object"))
        return body

    async def _create_body(self, request: Request) -> tuple[dict[str, Any], bytes | None]:
        """The create fields and the first frame's bytes: multipart (the page's form), or JSON
        (OpenAI also takes it; the page is silent)."""
        if request.headers.get("content-type", "").startswith("application/json"):
            return await self._json_object(request), None
        try:
            form = await request.form()
        except Exception:  # any unreadable form is the client's error, never a 500
            raise Refused(self.emulator.invalid("body", "not multipart/form-data")) from None
        fields: dict[str, Any] = {}
        image = None
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                if name != "input_reference":
                    raise Refused(self.emulator.invalid(name, "is not a file field"))
                image = await value.read()
                fields[name] = "<file>"
            else:
                fields[name] = value
        return fields, image

    def _job(self, task: SandboxTask) -> dict[str, Any]:
        now, timing = self.now(), self.config.timing
        phase = task.phase(now, timing)
        job: dict[str, Any] = {
            "id": task.id,
            "object": "video",
            "model": "sora-2",
            "status": STATUS_WORDS[phase],
            "progress": task.progress(now, timing),
            "created_at": int(task.created),
            "size": task.size,
            "seconds": f"{task.seconds:g}",
        }
        if phase in ("completed", "failed"):
            job["completed_at"] = int(task.finished_at(timing))
        if phase == "failed":
            job["error"] = {"code": "moderation_blocked", "message": task.fail_reason}
        if "remixed_from_video_id" in task.extra:
            job["remixed_from_video_id"] = task.extra["remixed_from_video_id"]
        return job

    def _new_task(
        self,
        request: Request,
        key: str,
        fault: Fault | None,
        *,
        seconds: float,
        size: str,
        body: dict[str, Any],
        extra: dict[str, Any],
    ) -> SandboxTask:
        task = SandboxTask(
            vendor=VENDOR,
            id=f"video_{secrets.token_hex(16)}",
            key=key,
            model="sora-2",
            created=self.now(),
            seconds=seconds,
            size=size,
            body=body,
            fail_reason=(fault.message or CONTENT_POLICY_MESSAGE)
            if fault is not None and fault.kind == "fail_generation"
            else None,
            base_url=str(request.base_url).rstrip("/"),
            extra=extra,
        )
        model = "sora-2-remix" if "remixed_from_video_id" in extra else "sora-2"
        cost = charge(VENDOR, Order(model, seconds, size, None), self.config)
        task.extra["charged"] = cost
        self.state.add_task(task, cost)
        return task

    def _own_task(self, request: Request, key: str) -> SandboxTask:
        video_id = request.path_params["video_id"]
        task = self.state.task(VENDOR, video_id)
        if task is None or task.key != key:
            # ModelVerse documents no 404: an unknown id is a parameter error (its table).
            raise Refused(self.emulator.invalid("video_id", f"video {video_id} not found"))
        return task

    # -- endpoints ---------------------------------------------------------------------------

    async def create(self, request: Request, key: str, fault: Fault | None) -> Reply:
        fields, image = await self._create_body(request)
        media = "multipart/form-data"
        self._check(CREATE_PATH, fields, media)
        seconds, duration = fields.get("seconds"), fields.get("duration")
        length = seconds or duration or "4"
        size = fields.get("size") or "720x1280"
        if image is not None:
            try:
                frame = load_image(image)
            except ValidationError as error:
                raise Refused(self.emulator.invalid("input_reference", str(error))) from None
            if f"{frame.width}x{frame.height}" != size:
                raise Refused(self.emulator.invalid("input_reference", WRONG_IMAGE_SIZE))
        task = self._new_task(
            request, key, fault, seconds=float(length), size=size, body=fields, extra={}
        )
        return Reply(200, self._job(task))

    async def retrieve(self, request: Request, key: str, fault: Fault | None) -> Reply:
        return Reply(200, self._job(self._own_task(request, key)))

    async def content(self, request: Request, key: str, fault: Fault | None) -> Reply | Response:
        task = self._own_task(request, key)
        phase = task.phase(self.now(), self.config.timing)
        if phase != "completed":
            message = f"task is not completed yet, current status: {NATIVE_WORDS[phase]}"
            return Reply(400, {"error": {"message": message, "type": "invalid_request_error"}})
        path = await anyio.to_thread.run_sync(clip, task.seconds, task.size)
        return FileResponse(path, media_type="video/mp4")

    async def remix(self, request: Request, key: str, fault: Fault | None) -> Reply:
        body = await self._json_object(request)
        self._check(REMIX_PATH, body, "application/json")
        source = self._own_task(request, key)
        if source.phase(self.now(), self.config.timing) != "completed":
            raise Refused(self.emulator.invalid("video_id", "only a completed video is remixed"))
        task = self._new_task(
            request,
            key,
            fault,
            seconds=source.seconds,
            size=source.size,
            body=body,
            extra={"remixed_from_video_id": source.id},
        )
        return Reply(200, self._job(task))
