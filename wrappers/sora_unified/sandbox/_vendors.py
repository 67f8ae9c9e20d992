"""How each emulated vendor speaks: error format, request reading and response bodies.

Error bodies are the spec's own documented examples for each status (each vendor's own 401
wording and shape, say), with the message replaced where the sandbox has something more
specific to say. Authentication forms come from the specs' securitySchemes (`_specs`).
"""

from __future__ import annotations

import re
import secrets
import string
import uuid
from collections.abc import Mapping
from copy import deepcopy
from typing import Any
from urllib.parse import urlsplit

from .._urls import is_public_host
from ._config import SandboxConfig, Timing
from ._emulation import (
    PREVIEW_QUALITIES,
    RATIO_SIZES,
    Body,
    Lookup,
    Order,
    Reply,
    charge,
    default_or_none,
    retry_headers,
)
from ._kie import Kie
from ._specs import documented_errors, path_parameter_pattern, referenced_models, variant_default
from ._state import Phase, SandboxTask

__all__ = [
    "Emulator",
    "Emulators",
    "ErrorFormat",
    "Evolink",
    "Kie",
    "Modelverse",
    "OpenAIVideos",
    "Order",
    "Reply",
    "charge",
    "emulators",
]


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
        return Reply(status, documented, retry_headers(retry_after))

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
            watermark = default_or_none(
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


def error_reply(
    vendor: str, status: int, message: str, retry_after: float | None
) -> tuple[int, Any, dict[str, str]]:
    formats: dict[str, ErrorFormat] = {
        **emulators(SandboxConfig()),
        "modelverse-openai": OpenAIVideos(),
    }
    if vendor not in formats:
        raise ValueError(f"unknown vendor {vendor!r}; the sandbox has {', '.join(formats)}")
    reply = formats[vendor].error(status, message, retry_after=retry_after)
    return reply.status, reply.body, dict(reply.headers or {})
