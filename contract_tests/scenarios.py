"""Every scenario a cassette records, and how to run one through sora_unified.

Three kinds of source produce cassettes through the same recorder:
- "sandbox": the local emulator (faults injected as the scenario says), or a live vendor when
  a real base URL and key are given (`make record`);
- "documented": a scripted server answering with the error bodies the vendors document, for
  codes no emulator can be made to produce on demand.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from sora_unified import Client, Shot, SoraError, VideoRequest
from sora_unified.sandbox import Fault

from contract_tests.specs import load_spec, resolve

# A first-frame image the vendor can fetch; set it when recording against a live vendor.
IMAGE = os.environ.get("SORA_UNIFIED_TEST_IMAGE_URL", "https://example.com/first-frame.png")
Responder = Callable[[httpx.Request], httpx.Response]


@dataclass(frozen=True)
class Scenario:
    vendor: str
    name: str
    description: str
    action: str  # "generate" (submit + wait) or "submit"
    request: VideoRequest
    source: str = "sandbox"  # or "documented"
    faults: tuple[Fault, ...] = ()
    responder: Responder | None = field(default=None, compare=False)
    max_retries: int = 3


def request_to_dict(request: VideoRequest) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in (
        "prompt",
        "image_url",
        "seconds",
        "orientation",
        "size",
        "quality",
        "remove_watermark",
        "callback_url",
        "model",
    ):
        value = getattr(request, name)
        if value not in (None, ""):
            data[name] = value
    if request.shots is not None:
        data["shots"] = [{"scene": shot.scene, "seconds": shot.seconds} for shot in request.shots]
    return data


def request_from_dict(data: dict[str, Any]) -> VideoRequest:
    values = dict(data)
    if "shots" in values:
        values["shots"] = tuple(Shot(item["scene"], item["seconds"]) for item in values["shots"])
    return VideoRequest(**values)


def outcome(run: Callable[[], Any]) -> dict[str, Any]:
    """What a scenario ended with: the final video's facts, or the error's."""
    try:
        video = run()
    except SoraError as error:
        result: dict[str, Any] = {
            "error": type(error).__name__,
            "message": getattr(error, "message", str(error)),
        }
        for name in ("status_code", "code", "retryable", "content_policy_violation"):
            if hasattr(error, name):
                result[name] = getattr(error, name)
        return result
    return {
        "status": video.status,
        "progress": video.progress,
        "model": video.model,
        "seconds": video.seconds,
        "size": video.size,
        "results": len(video.video_urls),
    }


def run_scenario(action: str, request: VideoRequest, client: Client) -> dict[str, Any]:
    def run() -> Any:
        task = client.submit(request)
        return client.wait(task, timeout=3600) if action == "generate" else client.retrieve(task)

    return outcome(run)


# -- documented responders ------------------------------------------------------------------


def _json(status: int, body: Any) -> httpx.Response:
    return httpx.Response(status, json=body)


def _documented_example(vendor: str, operation_path: str, status: int) -> Any:
    response = load_spec(vendor)["paths"][operation_path]["post"]["responses"][str(status)]
    return resolve(vendor, response)["content"]["application/json"]["example"]


def kie_error(code: int, *, as_http_status: bool) -> Responder:
    body = _documented_example("kie", "/api/v1/jobs/createTask", code)
    return lambda request: _json(code if as_http_status else 200, body)


def evolink_error(status: int) -> Responder:
    body = _documented_example("evolink", "/v1/videos/generations", status)
    return lambda request: _json(status, body)


def evolink_task_failure(code: str) -> Responder:
    task = {
        "id": "task-unified-1757169743-7cvnl5zw",
        "model": "sora-2-pro-preview",
        "object": "video.generation.task",
        "progress": 0,
    }
    failed = {
        **task,
        "status": "failed",
        "error": {
            "code": code,
            "message": f"Task failed: {code.replace('_', ' ')}",
            "type": "task_error",
        },
        "type": "video",
    }
    return lambda request: _json(
        200, {**task, "status": "pending"} if request.method == "POST" else failed
    )


# The ModelVerse error-code table (api_doc/common/error-code.md, api-key.md).
MODELVERSE_ERRORS: tuple[tuple[int, str, str, str], ...] = (
    (400, "invalid_request_error", "param_error", "Invalid param"),
    (400, "invalid_request_error", "invalid_messages", "Sensitive chat messages"),
    (400, "invalid_request_error", "sensitive_check_error", "Sensitive check error"),
    (400, "invalid_request_error", "websearch_error", "Web search error"),
    (400, "invalid_request_error", "model_error", "No permission to use the model"),
    (400, "invalid_request_error", "tokens_too_long", "Prompt tokens too long"),
    (401, "invalid_request_error", "auth_error", "Validate Certification failed"),
    (403, "permission_error", "forbidden", "Forbidden"),
    (408, "timeout", "timeout", "Request timeout, please try again later"),
    (429, "rate_limit_error", "rate_limit", "Rate limit exceeded, please try again later"),
    (500, "internal_error", "internal_error", "Internal Server Error"),
    (500, "internal_error", "model_server_error", "Request llm server Error"),
    (
        504,
        "timeout",
        "gateway_timeout_error",
        "Gateway timeout, please try again later or use stream api",
    ),
)


def modelverse_error(status: int, kind: str, code: str, message: str) -> Responder:
    body = {
        "error": {"message": message, "type": kind, "param": "", "code": code},
        "request_id": "c2ad1049-66a6-4640-b2b5-1711dc401092",
    }
    return lambda request: _json(status, body)


# -- the registry ---------------------------------------------------------------------------

KIE_CODES = (401, 402, 404, 422, 429, 433, 455, 500, 501, 505)
EVOLINK_STATUSES = (400, 401, 402, 403, 404, 413, 429, 500, 502, 503)
EVOLINK_TASK_FAILURES = tuple(
    load_spec("evolink")["components"]["schemas"]["TaskError"]["properties"]["code"][
        "x-known-values"
    ]
)
FAIL = Fault(kind="fail_generation", endpoint="submit")


def _scenarios() -> list[Scenario]:
    happy = [
        (
            "kie",
            "happy-sora-2-text-to-video",
            VideoRequest(
                prompt="a corgi surfing",
                model="sora-2-text-to-video",
                seconds=15,
                orientation="portrait",
            ),
        ),
        (
            "kie",
            "happy-sora-2-image-to-video",
            VideoRequest(
                prompt="the conductor raises the baton", image_url=IMAGE, remove_watermark=True
            ),
        ),
        (
            "kie",
            "happy-sora-2-pro-text-to-video",
            VideoRequest(
                prompt="一只快乐的小狗在花园里奔跑",
                seconds=10,
                quality="high",
                remove_watermark=True,
            ),
        ),
        (
            "kie",
            "happy-sora-2-pro-image-to-video",
            VideoRequest(
                prompt="the kitten blinks", image_url=IMAGE, quality="standard", seconds=15
            ),
        ),
        (
            "kie",
            "happy-sora-2-pro-storyboard",
            VideoRequest(
                shots=(
                    Shot("a kitten in headphones by a cake", 7.5),
                    Shot("the kitten licks its lips", 7.5),
                ),
                image_url=IMAGE,
            ),
        ),
        (
            "evolink",
            "happy-sora-2-pro-preview-text",
            VideoRequest(
                prompt="A cat playing piano", seconds=8, orientation="landscape", quality="high"
            ),
        ),
        (
            "evolink",
            "happy-sora-2-pro-preview-image",
            VideoRequest(
                prompt="The cat starts to play", image_url=IMAGE, seconds=4, orientation="portrait"
            ),
        ),
        (
            "modelverse",
            "happy-text-to-video",
            VideoRequest(prompt="A beautiful girl is dancing", seconds=4, size="720x1280"),
        ),
        (
            "modelverse",
            "happy-image-to-video",
            VideoRequest(prompt="she starts dancing", image_url=IMAGE, seconds=8, size="1280x720"),
        ),
    ]
    scenarios = [
        Scenario(
            vendor,
            name,
            f"{vendor}: submit, poll until completed, result URLs",
            "generate",
            request,
        )
        for vendor, name, request in happy
    ]
    for vendor, request in (
        ("kie", happy[2][2]),
        ("evolink", happy[5][2]),
        ("modelverse", happy[7][2]),
    ):
        scenarios.append(
            Scenario(
                vendor,
                "failed-content-policy",
                f"{vendor}: the task ends failed for content policy",
                "generate",
                request,
                faults=(FAIL,),
            )
        )
    kie_request = VideoRequest(prompt="a corgi surfing", seconds=10)
    for code in KIE_CODES:
        for as_http in (False, True):
            carrier = f"HTTP {code}" if as_http else "HTTP 200 envelope"
            scenarios.append(
                Scenario(
                    "kie",
                    f"error-{code}-{'http-status' if as_http else 'envelope'}",
                    f"kie: createTask answers code {code} as {carrier}",
                    "submit",
                    kie_request,
                    source="documented",
                    responder=kie_error(code, as_http_status=as_http),
                    max_retries=0,
                )
            )
    evolink_request = VideoRequest(prompt="A cat playing piano", seconds=4)
    for status in EVOLINK_STATUSES:
        scenarios.append(
            Scenario(
                "evolink",
                f"error-{status}",
                f"evolink: generations answers HTTP {status}",
                "submit",
                evolink_request,
                source="documented",
                responder=evolink_error(status),
                max_retries=0,
            )
        )
    for code in EVOLINK_TASK_FAILURES:
        scenarios.append(
            Scenario(
                "evolink",
                f"task-failed-{code.replace('_', '-')}",
                f"evolink: the task ends failed with {code}",
                "generate",
                evolink_request,
                source="documented",
                responder=evolink_task_failure(code),
            )
        )
    modelverse_request = VideoRequest(prompt="A beautiful girl is dancing", seconds=4)
    for status, kind, code, message in MODELVERSE_ERRORS:
        scenarios.append(
            Scenario(
                "modelverse",
                f"error-{status}-{code.replace('_', '-')}",
                f"modelverse: submit answers HTTP {status} {code}",
                "submit",
                modelverse_request,
                source="documented",
                responder=modelverse_error(status, kind, code, message),
                max_retries=0,
            )
        )
    return scenarios


SCENARIOS: dict[tuple[str, str], Scenario] = {(s.vendor, s.name): s for s in _scenarios()}
