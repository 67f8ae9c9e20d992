"""Test doubles: a fake clock and minimal vendor payloads (shapes from the specs).

Where the vendors' docs and their real answers differ, the fakes take the documented form and
the sandbox the real one (kie: no `recordId` here, `recordId` there; `message` here, `msg`
there; `failCode: ""` on success here, `null` there; `resultJson` absent while running here,
`""` there; documented `task_<model>_<ms>` ids here, 32-hex ids there). A parser that only
works with one of them fails somewhere."""

from __future__ import annotations

import json
import struct
from typing import Any

import httpx

KEY = "sk-test-0123456789abcdef"
BASE_URLS = {
    "kie": "https://api.kie.ai",
    "evolink": "https://api.evolink.ai",
    "modelverse": "https://api.modelverse.cn",
    "modelverse-openai": "https://api.modelverse.cn",
}
STATUS_PATHS = {
    "kie": "/api/v1/jobs/recordInfo",
    "evolink": "/v1/tasks/{task_id}",
    "modelverse": "/v1/tasks/status",
    "modelverse-openai": "/v1/videos/{task_id}",
}
SUBMIT_PATHS = {
    "kie": "/api/v1/jobs/createTask",
    "evolink": "/v1/videos/generations",
    "modelverse": "/v1/tasks/submit",
    "modelverse-openai": "/v1/videos",
}
TASK_IDS = {
    "kie": "task_sora-2-pro-text-to-video_1765183463848",
    "evolink": "task-unified-1757169743-7cvnl5zw",
    "modelverse": "mv-task-1",
    "modelverse-openai": "video_456",
}
VIDEO_URL = "https://files.example.test/result.mp4"


# Sandbox settings (as a --sandbox settings file holds them) where every task finishes at once.
INSTANT_SETTINGS: dict[str, Any] = {
    "timing": {"queue_seconds": 0, "run_seconds": 0, "not_visible_seconds": 0}
}


class FakeClock:
    """Time that only moves when something sleeps; records every sleep."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start
        self.started = start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now - self.started

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds

    async def sleep_async(self, seconds: float) -> None:
        self.sleep(seconds)


def status_path(vendor: str, task_id: str | None = None) -> str:
    return STATUS_PATHS[vendor].format(task_id=task_id or TASK_IDS[vendor])


def created(vendor: str, task_id: str | None = None) -> dict[str, Any]:
    task_id = task_id or TASK_IDS[vendor]
    if vendor == "kie":
        return {"code": 200, "msg": "success", "data": {"taskId": task_id}}
    if vendor == "evolink":
        return {
            "id": task_id,
            "object": "video.generation.task",
            "status": "pending",
            "progress": 0,
        }
    if vendor == "modelverse-openai":
        return {"id": task_id, "object": "video", "model": "sora-2", "status": "queued"}
    return {"output": {"task_id": task_id}, "request_id": "req-1"}


def status_body(
    vendor: str,
    state: str,
    *,
    progress: int | None = None,
    urls: list[str] | None = None,
    error: tuple[str, str] | None = None,
    task_id: str | None = None,
) -> dict[str, Any]:
    """A status body in the vendor's own words (state is the vendor's state word)."""
    task_id = task_id or TASK_IDS[vendor]
    if vendor == "kie":
        data: dict[str, Any] = {
            "taskId": task_id,
            "model": "sora-2-pro-text-to-video",
            "state": state,
            "param": json.dumps(
                {"model": "sora-2-pro-text-to-video", "input": {"prompt": "x", "n_frames": "10"}}
            ),
            "failCode": error[0] if error else "",
            "failMsg": error[1] if error else "",
            "createTime": 1762852000000,
            "completeTime": 1762852143000 if state in ("success", "fail") else None,
            "progress": progress,
        }
        if urls:
            data["resultJson"] = json.dumps({"resultUrls": urls, "resultWaterMarkUrls": urls})
        return {"code": 200, "message": "success", "data": data}
    if vendor == "evolink":
        body: dict[str, Any] = {
            "id": task_id,
            "model": "sora-2-pro-preview",
            "object": "video.generation.task",
            "status": state,
            "progress": progress,
            "created": 1757169743,
            "type": "video",
        }
        if urls:
            body["results"] = urls
        if error:
            body["error"] = {"code": error[0], "message": error[1], "type": "invalid_request_error"}
        return body
    output: dict[str, Any] = {"task_id": task_id, "task_status": state, "submit_time": 1756959000}
    if urls:
        output["urls"] = urls
        output["finish_time"] = 1756959050
    if error:
        output["error_message"] = error[1]
    return {"output": output, "usage": {"duration": 4}, "request_id": ""}


RUNNING = {"kie": "generating", "evolink": "processing", "modelverse": "Running"}
QUEUED = {"kie": "waiting", "evolink": "pending", "modelverse": "Pending"}
DONE = {"kie": "success", "evolink": "completed", "modelverse": "Success"}
FAILED = {"kie": "fail", "evolink": "failed", "modelverse": "Failure"}


def box(kind: bytes, body: bytes = b"") -> bytes:
    """One ISO-BMFF box: 32-bit size, 4-character type, body."""
    return struct.pack(">I4s", 8 + len(body), kind) + body


def mp4_bytes(media: int = 256) -> bytes:
    """A minimal whole MP4: ftyp, moov (with an mvhd) and mdat, sizes adding up."""
    return (
        box(b"ftyp", b"isom" + b"\x00\x00\x02\x00" + b"isomiso2mp41")
        + box(b"moov", box(b"mvhd", bytes(100)))
        + box(b"mdat", bytes(media))
    )


MP4 = mp4_bytes()


class Refusing(httpx.BaseTransport):
    """A transport that records any request: refusals must come before one is sent."""

    def __init__(self) -> None:
        self.sent: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return httpx.Response(500)


def tasks_per_prompt(sandbox: Any, vendor: str | None = None) -> dict[str, int]:
    """How many tasks a sandbox made for each prompt (of `vendor`, or of all): a prompt made
    twice is a job paid twice."""
    found: dict[str, int] = {}
    with sandbox.state.lock:
        for (made_by, _), task in sandbox.state.tasks.items():
            if vendor in (None, made_by):
                prompt = task.body.get("input", task.body)["prompt"]
                found[prompt] = found.get(prompt, 0) + 1
    return found
