"""kie's API as the sandbox speaks it (the shared parts are in `_emulation`)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from ._config import SandboxConfig, Timing
from ._emulation import (
    CHARACTER_REMARK,
    SIZES,
    WATERMARK_REMOVAL_RESULT,
    Body,
    Lookup,
    Order,
    Reply,
    default_or_none,
    retry_headers,
)
from ._specs import documented_errors, referenced_models, variant_default
from ._state import Phase, SandboxTask

__all__ = ["Kie"]


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
        return Reply(self.http_status(status), body, retry_headers(retry_after))

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
        quality = data.get("size") or default_or_none(self._default, model, "size")
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
