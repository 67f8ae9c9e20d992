"""How each emulated vendor speaks: error format, request reading and response bodies.

Error bodies are the spec's own documented examples for each status (each vendor's own 401
wording and shape, say), with the message replaced where the sandbox has something more
specific to say. Authentication forms come from the specs' securitySchemes (`_specs`).
"""

from __future__ import annotations

import json
import re
import secrets
import string
import uuid
from collections.abc import Callable, Mapping
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .._capabilities import capabilities
from .._prices import priced_quality, prices
from .._urls import is_public_host
from ._config import SandboxConfig, Timing
from ._specs import documented_errors, path_parameter_pattern, referenced_models, variant_default
from ._state import Phase, SandboxTask

Body = dict[str, Any]
SIZES = {"landscape": "1280x720", "portrait": "720x1280"}
RATIO_SIZES = {"16:9": "1280x720", "9:16": "720x1280"}


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: Any
    headers: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Order:
    """What a valid submit asks for."""

    model: str
    seconds: float
    size: str
    callback_url: str | None
    kind: str = "video"
    extra: Mapping[str, Any] = field(default_factory=dict)
    # What sets the price besides model and length (the price table's terms).
    quality: str | None = None
    remove_watermark: bool | None = None


# evolink's preview models name quality by resolution; the price table by tier.
PREVIEW_QUALITIES = {"720p": "standard", "1080p": "high"}


def _default_or_none(default: Callable[[str, str], Any], model: str, name: str) -> Any:
    try:
        return default(model, name)
    except KeyError:
        return None


def charge(vendor: str, order: Order, config: SandboxConfig) -> float:
    """What a task costs in the sandbox: the price table's figure for its model, length,
    quality and watermark choice (times `charge_factor`), or `unpriced_charge`."""
    seconds = int(order.seconds)
    quality = order.quality if order.quality in ("standard", "high") else None
    try:
        caps = capabilities().model(vendor, order.model)
    except KeyError:
        return config.unpriced_charge
    if caps.kind in ("video", "remix"):
        quality = priced_quality(caps, seconds, quality)  # type: ignore[arg-type]
    row = prices().find(vendor, order.model, seconds, quality, order.remove_watermark)  # type: ignore[arg-type]
    amount = row.for_video(seconds)[0]
    return config.unpriced_charge if amount is None else round(amount * config.charge_factor, 6)


CHARACTER_REMARK = "insert this username directly into your prompt.(@character_user_name)."
# The sandbox's own choice for a watermark removal: the source video's length and shape are
# not in the request (it is a sora.chatgpt.com link the sandbox does not fetch).
WATERMARK_REMOVAL_RESULT = (10.0, "1280x720")
# Looks a task up by id among the requester's own tasks (remixes, characters cut from tasks).
Lookup = Callable[[str], SandboxTask | None]


def _retry_headers(retry_after: float | None) -> dict[str, str] | None:
    return {"Retry-After": f"{retry_after:g}"} if retry_after is not None else None


class Kie:
    name = "kie"
    submit_path = "/api/v1/jobs/createTask"
    status_query = "taskId"
    states: Mapping[Phase, str] = {
        "queued": "waiting",
        "running": "generating",
        "completed": "success",
        "failed": "fail",
    }
    # kie's own failure words (its callback pages' failure example), not evolink's.
    fail_code = "500"

    def __init__(self, config: SandboxConfig) -> None:
        self.form = config.kie_error_form

    def http_status(self, code: int) -> int:
        """The HTTP status an error with body code `code` travels with in this form."""
        if self.form == "http" or (self.form == "mixed" and code == 429):
            return code
        return 200

    def error(
        self, status: int, message: str | None = None, *, retry_after: float | None = None
    ) -> Reply:
        documented = documented_errors(self.name).get(status, {})
        body = {"code": status, "msg": message or documented.get("msg") or "error", "data": None}
        return Reply(self.http_status(status), body, _retry_headers(retry_after))

    def unauthorized(self) -> Reply:
        return self.error(401)

    def invalid(self, field: str, message: str) -> Reply:
        return self.error(422, f"{field}: {message}")

    def missing_task_id(self) -> Reply:
        return self.error(400, documented_errors(self.name)[400]["msg"])

    def malformed_task_id(self, task_id: str) -> Reply | None:
        return None  # kie documents no format: an unknown id is simply not found

    def not_found(self) -> Reply:
        return self.error(404, "Task not found")

    def precheck(self, body: Any, config: SandboxConfig) -> tuple[Any, Reply | None]:
        return body, None

    def _default(self, model: str, field: str) -> Any:
        return variant_default(self.name, self.submit_path, model, f"input.{field}")

    def order(self, body: Body, config: SandboxConfig, lookup: Lookup) -> Order | Reply:
        data, model = body["input"], body["model"]
        callback = body.get("callBackUrl")
        if model in ("sora-2-characters", "sora-2-characters-pro"):
            return self._character(model, data, callback, lookup)
        if model == "sora-watermark-remover":
            seconds, size = WATERMARK_REMOVAL_RESULT
            return Order(model, seconds, size, callback)
        n_frames = data.get("n_frames") or self._default(model, "n_frames")
        size = SIZES[data.get("aspect_ratio") or self._default(model, "aspect_ratio")]
        quality = data.get("size") or _default_or_none(self._default, model, "size")
        watermark = data.get("remove_watermark")
        return Order(
            model, float(n_frames), size, callback, quality=quality, remove_watermark=watermark
        )

    def _character(
        self, model: str, data: Body, callback: str | None, lookup: Lookup
    ) -> Order | Reply:
        extra: dict[str, Any] = {"character_id": f"ch_{uuid.uuid4().hex[:12]}"}
        if model == "sora-2-characters-pro":
            source = lookup(data["origin_task_id"])
            allowed = referenced_models(self.name, self.submit_path, model, "input.origin_task_id")
            if (
                source is None
                or source.kind != "video"
                or (allowed and source.model not in allowed)
            ):
                return self.invalid("input.origin_task_id", "no video task with this id")
            end = float(data["timestamps"].split(",")[1])
            if end > source.seconds + 1e-9:
                return self.invalid(
                    "input.timestamps",
                    f"{data['timestamps']} runs past the {source.seconds:g} s source video",
                )
            extra["character_user_name"] = (
                data.get("character_user_name") or f"cameo{uuid.uuid4().hex[:6]}"
            )
        return Order(model, 0.0, "", callback, kind="character", extra=extra)

    def new_id(self, now: float) -> str:
        return uuid.uuid4().hex  # real kie ids are 32 hex characters

    def created(self, task: SandboxTask) -> Body:
        # Real answers carry an undocumented recordId equal to the taskId.
        return {"code": 200, "msg": "success", "data": {"taskId": task.id, "recordId": task.id}}

    def status(
        self, task: SandboxTask, phase: Phase, progress: int, timing: Timing, base_url: str
    ) -> Reply:
        if phase == "not_visible":
            body = {"code": 422, "msg": "recordInfo is null", "data": None}
            return Reply(self.http_status(422), body)
        data = self._task(task, phase, progress, timing, base_url)
        return Reply(200, {"code": 200, "msg": "success", "data": data})

    def _task(
        self, task: SandboxTask, phase: Phase, progress: int, timing: Timing, base_url: str
    ) -> Body:
        done = phase in ("completed", "failed")
        finished_ms = int(task.finished_at(timing) * 1000)
        url = task.file_url(base_url)
        if task.kind == "character" and "character_user_name" in task.extra:
            result = self._character_object(task)  # with the handle: the example's spelling
        elif task.kind == "character":
            result = {"character_id": task.extra["character_id"]}  # the page text's spelling
        else:
            result = {"resultUrls": [url], "resultWaterMarkUrls": [url]}
        return {
            "taskId": task.id,
            "model": task.model,
            "state": self.states[phase],
            "param": json.dumps(task.body, ensure_ascii=False),
            "resultJson": json.dumps(result) if phase == "completed" else "",
            "failCode": self.fail_code if phase == "failed" else None,
            "failMsg": task.fail_reason if phase == "failed" else None,
            "costTime": int(timing.run_seconds) if done else None,
            "createTime": int(task.created * 1000),
            "completeTime": finished_ms if done else None,
            "updateTime": finished_ms if done else int(task.created * 1000),
            "progress": progress,
        }

    @staticmethod
    def _character_object(task: SandboxTask) -> Body:
        character = {
            "character_id": task.extra["character_id"],
            "character_user_name": task.extra.get("character_user_name"),
            "remark": CHARACTER_REMARK,
        }
        return {"resultObject": character}

    def callback(self, task: SandboxTask, phase: Phase, timing: Timing, base_url: str) -> Body:
        ok = phase == "completed"
        data = self._task(task, phase, 100 if ok else 0, timing, base_url)
        if ok and task.kind == "character":
            # The market page's callback example nests the character under resultObject.
            data["resultJson"] = json.dumps(self._character_object(task))
        if ok:  # "present on successful callbacks"; recordInfo answers carry no credit field
            data["creditsConsumed"] = task.extra.get("charged", 0.0)
        return {
            "code": 200 if ok else 501,
            "msg": "Playground task completed successfully." if ok else "Playground task failed.",
            "data": data,
        }

    def credits(self, remaining: float, used: float) -> Body:
        return {"code": 200, "msg": "success", "data": remaining}


class _ErrorObjectVendor:
    """Vendors answering errors as `{"error": {...}}` under the HTTP status."""

    name = ""

    def error(
        self,
        status: int,
        message: str | None = None,
        *,
        retry_after: float | None = None,
        code: str | None = None,
        param: str | None = None,
    ) -> Reply:
        documented = deepcopy(documented_errors(self.name).get(status, {"error": {}}))
        detail = documented["error"]
        if message is not None:
            detail["message"] = message
        if code is not None:
            detail["code"] = code
        if param is not None:
            detail["param"] = param
        detail.setdefault("message", "error")
        return Reply(status, documented, _retry_headers(retry_after))

    def unauthorized(self) -> Reply:
        return self.error(401)


class Evolink(_ErrorObjectVendor):
    name = "evolink"
    submit_path = "/v1/videos/generations"
    states: Mapping[Phase, str] = {
        "queued": "pending",
        "running": "processing",
        "completed": "completed",
        "failed": "failed",
    }
    task_prefix = "task-unified-"

    def invalid(self, field: str, message: str) -> Reply:
        return self.error(400, f"{field}: {message}", param=field)

    def missing_task_id(self) -> Reply:
        return self.invalid("task_id", "is required")

    def malformed_task_id(self, task_id: str) -> Reply | None:
        pattern = path_parameter_pattern(self.name, "/v1/tasks/{task_id}", "task_id")
        if pattern is None or re.search(pattern, task_id):
            return None
        return self.error(
            400,
            f"Invalid task ID format, must start with '{self.task_prefix}'",
            code="invalid_task_id",
        )

    def not_found(self) -> Reply:
        return self.error(404, "Task not found")

    def precheck(self, body: Any, config: SandboxConfig) -> tuple[Any, Reply | None]:
        """evolink's callback rule (public HTTPS hosts only) as the sandbox applies it: refused
        by default, as the vendor does; with `evolink_private_callbacks` a loopback or private
        host is accepted, over plain http too, as local receivers are. Returns the body the
        schema should check (a private http URL checked as its https twin) and a refusal."""
        callback = body.get("callback_url") if isinstance(body, dict) else None
        if not isinstance(callback, str) or is_public_host(urlsplit(callback).hostname or ""):
            return body, None
        if not config.evolink_private_callbacks:
            return body, self.invalid(
                "callback_url",
                "internal IP addresses are not allowed (evolink's rule; the sandbox setting"
                " evolink_private_callbacks allows loopback for local development)",
            )
        if callback.startswith("http://"):
            return {**body, "callback_url": "https://" + callback[len("http://") :]}, None
        return body, None

    def order(self, body: Body, config: SandboxConfig, lookup: Lookup) -> Order | Reply:
        model, callback = body["model"], body.get("callback_url")

        def value(field: str) -> Any:
            return body.get(field) or variant_default(self.name, self.submit_path, model, field)

        if model == "sora-2-pro-remix":
            source = lookup(body["base_video_task_id"])
            if source is None:
                return self.error(404, "Task not found", param="base_video_task_id")
            allowed = referenced_models(self.name, self.submit_path, model, "base_video_task_id")
            if allowed and source.model not in allowed:
                return self.invalid(
                    "base_video_task_id",
                    "must be a video task ID generated or remixed by Sora2/Sora2Pro",
                )
        ratio = value("aspect_ratio")
        size = RATIO_SIZES.get(ratio, ratio)  # one revision spells the ratio as WxH
        quality = body.get("quality")
        watermark = body.get("remove_watermark")
        if watermark is None:
            watermark = _default_or_none(
                lambda m, f: variant_default(self.name, self.submit_path, m, f),
                model,
                "remove_watermark",
            )
        return Order(
            model,
            float(value("duration")),
            size,
            callback,
            quality=PREVIEW_QUALITIES.get(str(quality), quality),
            remove_watermark=watermark,
        )

    def new_id(self, now: float) -> str:
        tail = "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(8))
        return f"{self.task_prefix}{int(now)}-{tail}"

    def created(self, task: SandboxTask) -> Body:
        return {
            "created": int(task.created),
            "id": task.id,
            "model": task.model,
            "object": "video.generation.task",
            "progress": 0,
            "status": "pending",
            "task_info": {
                "can_cancel": True,
                "estimated_time": 300,
                "video_duration": int(task.seconds),
            },
            "type": "video",
            "usage": self._usage(task),
        }

    @staticmethod
    def _usage(task: SandboxTask) -> Body:
        # The pages' examples: per_second on sora-2-pro-preview's schema, per_call on the others.
        per_second = task.model == "sora-2-pro-preview"
        return {
            "billing_rule": "per_second" if per_second else "per_call",
            "credits_reserved": task.extra.get("charged", 0.0),
            "user_group": "default",
        }

    def status(
        self, task: SandboxTask, phase: Phase, progress: int, timing: Timing, base_url: str
    ) -> Reply:
        body: Body = {
            "created": int(task.created),
            "id": task.id,
            "model": task.model,
            "object": "video.generation.task",
            "progress": progress,
            "status": self.states[phase],
            "task_info": {"can_cancel": phase == "queued", "video_duration": int(task.seconds)},
            "type": "video",
            # evolink's MCP server documents usage on the task too ("credits charged").
            "usage": self._usage(task),
        }
        if phase == "completed":
            body["results"] = [task.file_url(base_url)]
        if phase == "failed":
            body["error"] = {
                "code": "content_policy_violation",
                "message": task.fail_reason,
                "type": "invalid_request_error",
            }
        return Reply(200, body)

    def callback(self, task: SandboxTask, phase: Phase, timing: Timing, base_url: str) -> Body:
        progress = 100 if phase == "completed" else 0
        body: Body = self.status(task, phase, progress, timing, base_url).body
        return body

    def credits(self, remaining: float, used: float) -> Body:
        return {
            "data": {
                "token": {
                    "remaining_credits": remaining,
                    "unlimited_credits": False,
                    "used_credits": used,
                },
                "user": {"remaining_credits": remaining, "used_credits": used},
            },
            "message": "",
            "success": True,
        }


class Modelverse(_ErrorObjectVendor):
    name = "modelverse"
    submit_path = "/v1/tasks/submit"
    status_query = "task_id"
    states: Mapping[Phase, str] = {
        "queued": "Pending",
        "running": "Running",
        "completed": "Success",
        "failed": "Failure",
    }

    def error(
        self,
        status: int,
        message: str | None = None,
        *,
        retry_after: float | None = None,
        code: str | None = None,
        param: str | None = None,
    ) -> Reply:
        reply = super().error(status, message, retry_after=retry_after, code=code, param=param)
        return Reply(reply.status, {**reply.body, "request_id": str(uuid.uuid4())}, reply.headers)

    def invalid(self, field: str, message: str) -> Reply:
        return self.error(400, f"Invalid param: {field}: {message}", param=field)

    def missing_task_id(self) -> Reply:
        return self.invalid("task_id", "is required")

    def malformed_task_id(self, task_id: str) -> Reply | None:
        return None

    def not_found(self) -> Reply:
        # ModelVerse documents no 404: an unknown id is a parameter error in its table.
        return self.invalid("task_id", "task not found")

    def precheck(self, body: Any, config: SandboxConfig) -> tuple[Any, Reply | None]:
        return body, None

    def order(self, body: Body, config: SandboxConfig, lookup: Lookup) -> Order | Reply:
        parameters = body.get("parameters", {})
        model = body["model"]

        def value(field: str) -> Any:
            found = parameters.get(field)
            path = f"parameters.{field}"
            return found or variant_default(self.name, self.submit_path, model, path)

        return Order(model, float(value("duration")), value("size"), None)

    def new_id(self, now: float) -> str:
        return str(uuid.uuid4())

    def created(self, task: SandboxTask) -> Body:
        return {"output": {"task_id": task.id}, "request_id": str(uuid.uuid4())}

    def status(
        self, task: SandboxTask, phase: Phase, progress: int, timing: Timing, base_url: str
    ) -> Reply:
        output: Body = {
            "task_id": task.id,
            "task_status": self.states[phase],
            "submit_time": int(task.created),
        }
        if phase in ("completed", "failed"):
            output["finish_time"] = int(task.finished_at(timing))
        if phase == "completed":
            output["urls"] = [task.file_url(base_url)]
        if phase == "failed":
            output["error_message"] = task.fail_reason
        usage = {"duration": int(timing.run_seconds)} if phase in ("completed", "failed") else None
        return Reply(200, {"output": output, "usage": usage, "request_id": ""})

    def callback(self, task: SandboxTask, phase: Phase, timing: Timing, base_url: str) -> Body:
        raise NotImplementedError("modelverse sends no callbacks")

    def credits(self, remaining: float, used: float) -> Body:
        raise NotImplementedError("modelverse has no credits endpoint")


class OpenAIVideos(_ErrorObjectVendor):
    """ModelVerse's OpenAI-compatible API: OpenAI's error envelope, with the documented
    examples of specs/modelverse_openai.yaml (the endpoints are in `_openai_videos`)."""

    name = "modelverse-openai"

    def invalid(self, field: str, message: str) -> Reply:
        return self.error(400, f"Invalid param: {field}: {message}", code="param_error")


Emulator = Kie | Evolink | Modelverse
# Anything answering in a vendor's error format (the task APIs and ModelVerse's OpenAI one).
ErrorFormat = Kie | Evolink | Modelverse | OpenAIVideos
Emulators = Mapping[str, Emulator]


def emulators(config: SandboxConfig) -> dict[str, Emulator]:
    return {"kie": Kie(config), "evolink": Evolink(), "modelverse": Modelverse()}
