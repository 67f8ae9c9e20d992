"""How each emulated vendor speaks: auth, error format, request reading and response bodies."""

from __future__ import annotations

import json
import secrets
import string
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .._urls import is_public_host
from ._config import Timing
from ._specs import default
from ._state import CONTENT_POLICY_MESSAGE, Phase, SandboxTask

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


class Kie:
    name = "kie"
    submit_path = "/api/v1/jobs/createTask"
    states: Mapping[Phase, str] = {
        "queued": "waiting",
        "running": "generating",
        "completed": "success",
        "failed": "fail",
    }

    def error(self, status: int, message: str, *, retry_after: float | None = None) -> Reply:
        # kie answers errors as HTTP 200 with the code in the envelope.
        headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else None
        return Reply(200, {"code": status, "msg": message, "data": None}, headers)

    def invalid(self, field: str, message: str) -> Reply:
        return self.error(422, f"{field}: {message}")

    def order(self, body: Body) -> Order | Reply:
        data = body["input"]
        schema = "StoryboardInput" if body["model"] == "sora-2-pro-storyboard" else "Duration"
        seconds = float(
            data.get("n_frames")
            or default(self.name, schema, "n_frames" if schema == "StoryboardInput" else None)
        )
        size = SIZES[data.get("aspect_ratio") or default(self.name, "AspectRatio")]
        return Order(body["model"], seconds, size, body.get("callBackUrl"))

    def new_id(self, now: float) -> str:
        return uuid.uuid4().hex

    def created(self, task: SandboxTask) -> Body:
        return {"code": 200, "msg": "success", "data": {"taskId": task.id, "recordId": task.id}}

    def status(
        self, task: SandboxTask, phase: Phase, progress: int, timing: Timing, file_url: str
    ) -> Reply:
        if phase == "not_visible":
            return Reply(200, {"code": 422, "msg": "recordInfo is null", "data": None})
        return Reply(
            200,
            {
                "code": 200,
                "msg": "success",
                "data": self._task(task, phase, progress, timing, file_url),
            },
        )

    def _task(
        self, task: SandboxTask, phase: Phase, progress: int, timing: Timing, file_url: str
    ) -> Body:
        done = phase in ("completed", "failed")
        finished_ms = int(task.finished_at(timing) * 1000)
        return {
            "taskId": task.id,
            "model": task.model,
            "state": self.states[phase],
            "param": json.dumps(task.body, ensure_ascii=False),
            "resultJson": json.dumps({"resultUrls": [file_url], "resultWaterMarkUrls": [file_url]})
            if phase == "completed"
            else "",
            "failCode": "content_policy_violation" if phase == "failed" else None,
            "failMsg": task.fail_reason if phase == "failed" else None,
            "costTime": int(timing.run_seconds) if done else None,
            "createTime": int(task.created * 1000),
            "completeTime": finished_ms if done else None,
            "updateTime": finished_ms if done else int(task.created * 1000),
            "progress": progress,
        }

    def callback(self, task: SandboxTask, phase: Phase, timing: Timing, file_url: str) -> Body:
        ok = phase == "completed"
        return {
            "code": 200 if ok else 501,
            "msg": "Playground task completed successfully." if ok else "Playground task failed.",
            "data": self._task(task, phase, 100 if ok else 0, timing, file_url),
        }

    def credits(self, remaining: float, used: float) -> Body:
        return {"code": 200, "msg": "success", "data": remaining}


class Evolink:
    name = "evolink"
    submit_path = "/v1/videos/generations"
    states: Mapping[Phase, str] = {
        "queued": "pending",
        "running": "processing",
        "completed": "completed",
        "failed": "failed",
    }
    types: Mapping[int, tuple[str, str]] = {
        400: ("invalid_request", "invalid_request_error"),
        401: ("unauthorized", "authentication_error"),
        402: ("insufficient_quota", "insufficient_quota"),
        404: ("not_found", "not_found_error"),
        429: ("rate_limit_exceeded", "rate_limit_error"),
        500: ("internal_error", "api_error"),
        502: ("upstream_error", "upstream_error"),
        503: ("service_unavailable", "service_unavailable_error"),
    }

    def error(
        self,
        status: int,
        message: str,
        *,
        retry_after: float | None = None,
        param: str | None = None,
    ) -> Reply:
        code, kind = self.types.get(status, ("error", "api_error"))
        detail: Body = {"code": code, "message": message, "type": kind}
        if param:
            detail["param"] = param
        if retry_after is not None:
            detail["fallback_suggestion"] = f"retry after {retry_after:g} seconds"
        return Reply(
            status,
            {"error": detail},
            {"Retry-After": f"{retry_after:g}"} if retry_after is not None else None,
        )

    def invalid(self, field: str, message: str) -> Reply:
        return self.error(400, f"{field}: {message}", param=field)

    def order(self, body: Body) -> Order | Reply:
        callback = body.get("callback_url")
        if callback and not is_public_host(urlsplit(callback).hostname or ""):
            return self.invalid("callback_url", "internal IP addresses are not allowed")
        request = "VideoGenerationRequest"
        ratio = body.get("aspect_ratio") or default(self.name, request, "aspect_ratio")
        seconds = body.get("duration") or default(self.name, request, "duration")
        return Order(body["model"], float(seconds), RATIO_SIZES[ratio], callback)

    def new_id(self, now: float) -> str:
        tail = "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(8))
        return f"task-unified-{int(now)}-{tail}"

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
            "usage": {
                "billing_rule": "per_second",
                "credits_reserved": task.seconds * 1.75,
                "user_group": "default",
            },
        }

    def _task(self, task: SandboxTask, phase: Phase, progress: int) -> Body:
        body: Body = {
            "created": int(task.created),
            "id": task.id,
            "model": task.model,
            "object": "video.generation.task",
            "progress": progress,
            "status": self.states[phase],
            "task_info": {"can_cancel": phase == "queued", "video_duration": int(task.seconds)},
            "type": "video",
        }
        return body

    def status(
        self, task: SandboxTask, phase: Phase, progress: int, timing: Timing, file_url: str
    ) -> Reply:
        body = self._task(task, phase, progress)
        if phase == "completed":
            body["results"] = [file_url]
        if phase == "failed":
            body["error"] = {
                "code": "content_policy_violation",
                "message": task.fail_reason,
                "type": "invalid_request_error",
            }
        return Reply(200, body)

    def callback(self, task: SandboxTask, phase: Phase, timing: Timing, file_url: str) -> Body:
        reply = self.status(task, phase, 100 if phase == "completed" else 0, timing, file_url)
        body: Body = reply.body
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


class Modelverse:
    name = "modelverse"
    submit_path = "/v1/tasks/submit"
    states: Mapping[Phase, str] = {
        "queued": "Pending",
        "running": "Running",
        "completed": "Success",
        "failed": "Failure",
    }
    codes: Mapping[int, tuple[str, str]] = {
        400: ("invalid_request_error", "param_error"),
        401: ("invalid_request_error", "auth_error"),
        403: ("permission_error", "forbidden"),
        429: ("rate_limit_error", "rate_limit"),
        500: ("internal_error", "internal_error"),
        503: ("internal_error", "model_server_error"),
    }

    def error(
        self, status: int, message: str, *, retry_after: float | None = None, param: str = ""
    ) -> Reply:
        kind, code = self.codes.get(status, ("internal_error", "internal_error"))
        body = {
            "error": {"message": message, "type": kind, "param": param, "code": code},
            "request_id": str(uuid.uuid4()),
        }
        return Reply(
            status, body, {"Retry-After": f"{retry_after:g}"} if retry_after is not None else None
        )

    def invalid(self, field: str, message: str) -> Reply:
        return self.error(400, f"Invalid param: {field}: {message}", param=field)

    def order(self, body: Body) -> Order | Reply:
        parameters = body.get("parameters", {})
        return Order(
            body["model"],
            float(parameters.get("duration") or default(self.name, "Duration")),
            parameters.get("size") or default(self.name, "Size"),
            None,
        )

    def new_id(self, now: float) -> str:
        return str(uuid.uuid4())

    def created(self, task: SandboxTask) -> Body:
        return {"output": {"task_id": task.id}, "request_id": str(uuid.uuid4())}

    def status(
        self, task: SandboxTask, phase: Phase, progress: int, timing: Timing, file_url: str
    ) -> Reply:
        output: Body = {
            "task_id": task.id,
            "task_status": self.states[phase],
            "submit_time": int(task.created),
        }
        if phase in ("completed", "failed"):
            output["finish_time"] = int(task.finished_at(timing))
        if phase == "completed":
            output["urls"] = [file_url]
        if phase == "failed":
            output["error_message"] = task.fail_reason
        usage = {"duration": int(timing.run_seconds)} if phase in ("completed", "failed") else None
        return Reply(200, {"output": output, "usage": usage, "request_id": ""})

    def callback(self, task: SandboxTask, phase: Phase, timing: Timing, file_url: str) -> Body:
        raise NotImplementedError("modelverse sends no callbacks")

    def credits(self, remaining: float, used: float) -> Body:
        raise NotImplementedError("modelverse has no credits endpoint")


EMULATORS: dict[str, Kie | Evolink | Modelverse] = {
    "kie": Kie(),
    "evolink": Evolink(),
    "modelverse": Modelverse(),
}
FAILED_GENERATION = CONTENT_POLICY_MESSAGE
