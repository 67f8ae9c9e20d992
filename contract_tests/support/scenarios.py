"""Every scenario a cassette records, and how to run one through sora_unified.

Three kinds of source produce cassettes through the same recorder:
- "sandbox": the local emulator (faults injected as the scenario says), or a live vendor when
  a real base URL and key are given (`make record`);
- "documented": a scripted server answering with the error bodies the vendors document, for
  codes no emulator can be made to produce on demand.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sora_unified import Character, Client, Shot, SoraError, VideoRequest
from sora_unified._wire import HttpCall
from sora_unified.sandbox import Fault

from contract_tests.support.fakes import mp4_bytes
from contract_tests.support.specs import create_operation, load_spec, resolve

# A first-frame image the vendor can fetch; set it when recording against a live vendor.
IMAGE = os.environ.get("SORA_UNIFIED_TEST_IMAGE_URL", "https://example.com/first-frame.png")
Responder = Callable[[httpx.Request], httpx.Response]


ACTIONS = (
    "generate",
    "submit",
    "retrieve",
    "credits",
    "submit-raw",
    "remix",
    "character",
    "character-from-task",
    "remove-watermark",
    "download",
)
# Actions whose first (or only) paid request is described by `request`.
WITH_REQUEST = ("generate", "submit", "remix", "character-from-task", "download")


@dataclass(frozen=True)
class Scenario:
    """One recorded conversation. `action` says what the client does:

    generate    submit `request`, wait until the task ends
    submit      submit `request`, read the task once
    retrieve    read task `task` (an id the vendor does not know, for the not-found answer)
    credits     read the remaining credits
    submit-raw  send `raw` as the create body (a body sora_unified would refuse locally)
    remix       generate `request`, then remix it with `extra` (Client.remix), and wait
    character   create_character from a clip, `extra` (Client.create_character)
    character-from-task  generate `request`, then cut a character from it with `extra`
    remove-watermark  remove_watermark with `extra`, and wait
    download    generate `request`, then download the result (retries included)

    `live` scenarios are re-recorded against the real vendor by the scheduled drift job:
    the happy paths (which cost credits) and the error paths that cost nothing.
    """

    vendor: str
    name: str
    description: str
    action: str
    request: VideoRequest | None = None
    source: str = "sandbox"  # or "documented"
    faults: tuple[Fault, ...] = ()
    responder: Responder | None = field(default=None, compare=False)
    max_retries: int = 3
    raw: dict[str, Any] | None = None
    task: str | None = None
    api_key: str | None = None  # a deliberately wrong key, for the authentication answer
    live: bool = False
    extra: dict[str, Any] | None = None  # the remix, character or watermark-removal arguments

    def __post_init__(self) -> None:
        assert self.action in ACTIONS, self.action
        assert (self.request is not None) == (self.action in WITH_REQUEST), self.name


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
        "remix_of",
    ):
        value = getattr(request, name)
        if value not in (None, ""):
            data[name] = value
    if request.shots is not None:
        data["shots"] = [{"scene": shot.scene, "seconds": shot.seconds} for shot in request.shots]
    if request.characters is not None:
        data["characters"] = list(request.characters)
    if request.vendor_options is not None:
        data["vendor_options"] = dict(request.vendor_options)
    return data


def request_from_dict(data: dict[str, Any]) -> VideoRequest:
    values = dict(data)
    if "shots" in values:
        values["shots"] = tuple(Shot(item["scene"], item["seconds"]) for item in values["shots"])
    return VideoRequest(**values)


def outcome(run: Callable[[], Any]) -> dict[str, Any]:
    """What a scenario ended with: the final video's facts, the credits, or the error's."""
    try:
        result = run()
    except SoraError as error:
        message = getattr(error, "message", str(error))
        if error.task is not None:  # task ids differ on every recording; the outcome does not
            message = message.replace(error.task.id, "<task id>")
        failure: dict[str, Any] = {"error": type(error).__name__, "message": message}
        for name in ("status_code", "code", "retryable", "content_policy_violation"):
            if hasattr(error, name):
                failure[name] = getattr(error, name)
        return failure
    if isinstance(result, float):
        return {"credits": "a number >= 0" if result >= 0 else result}
    if isinstance(result, Character):
        # Ids differ on every recording; that there is one (and a handle) does not.
        return {"character": "an id", "username": result.username is not None}
    if isinstance(result, dict):
        return {"accepted": result}
    if isinstance(result, bytes):  # a downloaded video: what matters is that it is whole
        return {"downloaded": len(result), "mp4": result[4:8] == b"ftyp"}
    return {
        "status": result.status,
        "progress": result.progress,
        "model": result.model,
        "seconds": result.seconds,
        "size": result.size,
        "results": len(result.video_urls),
        "watermarked_results": len(result.watermarked_urls),
    }


def run_scenario(
    action: str,
    client: Client,
    *,
    request: VideoRequest | None = None,
    raw: dict[str, Any] | None = None,
    task: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    def run() -> Any:
        options = dict(extra or {})
        if action == "credits":
            return client.credits()
        if action == "character":
            return client.create_character(timeout=3600, **options)
        if action == "remove-watermark":
            return client.wait(client.remove_watermark(**options), timeout=3600)
        if action in ("remix", "character-from-task"):
            assert request is not None
            source = client.wait(client.submit(request), timeout=3600).task
            if action == "remix":
                return client.wait(client.remix(source, **options), timeout=3600)
            return client.create_character(task=source, timeout=3600, **options)
        if action == "retrieve":
            return client.retrieve(f"{client.vendor}:{task}")
        if action == "submit-raw":
            return client._request(raw_submit_call(client.vendor, raw or {}))
        assert request is not None
        if action == "download":
            video = client.wait(client.submit(request), timeout=3600)
            with tempfile.TemporaryDirectory() as folder:
                return client.download(video, Path(folder) / "video.mp4").read_bytes()
        created = client.submit(request)
        return (
            client.wait(created, timeout=3600) if action == "generate" else client.retrieve(created)
        )

    return outcome(run)


def raw_submit_call(vendor: str, raw: dict[str, Any]) -> HttpCall:
    """`raw` sent as the create body, in the media type the spec's create operation takes."""
    path, _, create = create_operation(vendor)
    if "multipart/form-data" in create["requestBody"]["content"]:
        parts = [(name, (None, str(value).encode(), "text/plain")) for name, value in raw.items()]
        return HttpCall("submit", "POST", path, files=parts, creates_task=True)
    return HttpCall("submit", "POST", path, json=raw, creates_task=True)


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


def modelverse_openai_error(status: int, kind: str, code: str, message: str) -> Responder:
    """The OpenAI-compatible API answers the same table in OpenAI's envelope (no request_id
    beside it; `param` carries the request's UUID, as the spec's examples show)."""
    body = {
        "error": {
            "message": message,
            "type": kind,
            "param": "6217f8ed-396d-434a-9b78-96775c0d2f99",
            "code": code,
        }
    }
    return lambda request: _json(status, body)


def modelverse_openai_not_ready_then_video(checks: int) -> Responder:
    """A job that reads completed while `/content` still answers the page's not-ready error
    `checks` times (the file is still being stored), then the bytes."""
    job = {
        "id": "video_68ec9d4d-4bc0-4e4b-8e1b-3d5a2b1c0f11",
        "object": "video",
        "model": "sora-2",
        "progress": 0,
        "created_at": 1712697600,
        "size": "720x1280",
        "seconds": "4",
    }
    example = _documented_answer(
        "modelverse-openai", "/v1/videos/{video_id}/content", "get", 400, "notReady"
    )
    asked = {"content": 0}

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return _json(200, {**job, "status": "queued"})
        if not request.url.path.endswith("/content"):
            return _json(200, {**job, "status": "completed", "progress": 100})
        asked["content"] += 1
        if asked["content"] <= checks:
            return _json(400, example)
        return httpx.Response(200, content=mp4_bytes(64), headers={"content-type": "video/mp4"})

    return answer


def _documented_answer(vendor: str, path: str, method: str, status: int, example: str) -> Any:
    response = load_spec(vendor)["paths"][path][method]["responses"][str(status)]
    return resolve(vendor, response)["content"]["application/json"]["examples"][example]["value"]


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
            "kie",
            "happy-sora-2-text-to-video-stable",
            VideoRequest(
                prompt="a professor at the blackboard",
                model="sora-2-text-to-video-stable",
                seconds=15,
                vendor_options={"input.upload_method": "oss"},
            ),
        ),
        (
            "kie",
            "happy-sora-2-image-to-video-stable",
            VideoRequest(
                prompt="the kitten turns its head",
                image_url=IMAGE,
                model="sora-2-image-to-video-stable",
                orientation="portrait",
            ),
        ),
        (
            "evolink",
            "happy-sora-2-pro-preview-text",
            VideoRequest(
                prompt="A cat playing piano",
                seconds=8,
                orientation="landscape",
                quality="high",
                model="sora-2-pro-preview",
            ),
        ),
        (
            "evolink",
            "happy-sora-2-pro-preview-image",
            VideoRequest(
                prompt="The cat starts to play",
                image_url=IMAGE,
                seconds=4,
                orientation="portrait",
                model="sora-2-pro-preview",
            ),
        ),
        (
            "evolink",
            "happy-sora-2-preview",
            VideoRequest(prompt="A cat playing piano", seconds=8, orientation="landscape"),
        ),
        (
            "evolink",
            "happy-sora-2",
            VideoRequest(prompt="A cat playing piano", seconds=15, remove_watermark=False),
        ),
        (
            "evolink",
            "happy-sora-2-pro",
            VideoRequest(prompt="A cat playing piano", seconds=25, quality="standard"),
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
        (
            "modelverse-openai",
            "happy-sora-2",
            VideoRequest(
                prompt="She turns around and smiles, then slowly walks out of the frame.",
                seconds=8,
                size="1280x720",
            ),
        ),
    ]
    scenarios = [
        Scenario(
            vendor,
            name,
            f"{vendor}: submit, poll until completed, result URLs",
            "generate",
            request,
            live=True,
        )
        for vendor, name, request in happy
    ]
    scenarios += _free_errors()
    named = {(vendor, name): request for vendor, name, request in happy}
    # Each happy path has its failure twin; the vendor's default model's is named plainly.
    plain = {
        "happy-sora-2-pro-text-to-video",
        "happy-sora-2-pro-preview-text",
        "happy-text-to-video",
    }
    failures = [
        (
            vendor,
            "failed-content-policy" if name in plain else name.replace("happy-", "failed-", 1),
            named[(vendor, name)],
        )
        for vendor, name, _ in happy
    ]
    for vendor, name, request in failures:
        scenarios.append(
            Scenario(
                vendor,
                name,
                f"{vendor}: the task ends failed for content policy",
                "generate",
                request,
                faults=(FAIL,),
            )
        )
    scenarios += _two_step()
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
    evolink_request = VideoRequest(
        prompt="A cat playing piano", seconds=4, model="sora-2-pro-preview"
    )
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
        scenarios.append(
            Scenario(
                "modelverse-openai",
                f"error-{status}-{code.replace('_', '-')}",
                f"modelverse-openai: createVideo answers HTTP {status} {code}",
                "submit",
                CHEAP_REQUEST["modelverse-openai"],
                source="documented",
                responder=modelverse_openai_error(status, kind, code, message),
                max_retries=0,
            )
        )
    scenarios.append(
        Scenario(
            "modelverse-openai",
            "content-not-ready-then-video",
            "modelverse-openai: /content answers 'task is not completed yet' twice, then the"
            " bytes: a retried not-ready, not a failure",
            "download",
            CHEAP_REQUEST["modelverse-openai"],
            source="documented",
            responder=modelverse_openai_not_ready_then_video(checks=2),
        )
    )
    return scenarios


SORA_LINK = "https://sora.chatgpt.com/p/s_68e8e7c5a3c48191b5d1d2a1b0e4c6f7"
CLIP = "https://example.com/character-clip.mp4"
SECOND_SUBMIT_FAILS = Fault(kind="fail_generation", endpoint="submit", nth=(2,))


def _two_step() -> list[Scenario]:
    """Remixes, characters and watermark removal: a happy path and a failure each (the paid
    task that fails is the one the scenario is about, the second submit when there are two)."""
    source = VideoRequest(prompt="A cat playing piano", seconds=10)
    cases = [
        (
            "evolink",
            "sora-2-pro-remix",
            "remix",
            source,
            {"prompt": "The cat now plays a violin", "seconds": 15, "remove_watermark": True},
        ),
        (
            "kie",
            "sora-2-characters",
            "character",
            None,
            {"video_url": CLIP, "prompt": "a cheerful orange cat", "safety_instruction": "be kind"},
        ),
        (
            "kie",
            "sora-2-characters-pro",
            "character-from-task",
            VideoRequest(prompt="an orange cat waves", seconds=10),
            {"start": 2.5, "end": 5.0, "prompt": "the orange cat", "name": "orangecat"},
        ),
        ("kie", "sora-watermark-remover", "remove-watermark", None, {"video_url": SORA_LINK}),
        (
            "modelverse-openai",
            "sora-2-remix",
            "remix",
            VideoRequest(prompt="A cat playing piano", seconds=8),
            {"prompt": "赛博朋克风格"},
        ),
    ]
    scenarios = []
    for vendor, model, action, request, extra in cases:
        two = action in ("remix", "character-from-task")
        scenarios += [
            Scenario(
                vendor,
                f"happy-{model}",
                f"{vendor}: {model}, from submit to its result",
                action,
                request,
                extra=extra,
                live=not two,
            ),
            Scenario(
                vendor,
                f"failed-{model}",
                f"{vendor}: the {model} task ends failed for content policy",
                action,
                request,
                extra=extra,
                faults=(SECOND_SUBMIT_FAILS if two else FAIL,),
            ),
        ]
    return scenarios


# Error answers any key can provoke without paying: the live drift job re-records these too.
UNKNOWN_TASK_IDS = {
    "kie": "0123456789abcdef0123456789abcdef",
    "evolink": "task-unified-1757169743-zzzzzzzz",
    "modelverse": "00000000-0000-4000-8000-000000000000",
    "modelverse-openai": "video_00000000-0000-4000-8000-000000000000",
}
INVALID_BODIES: dict[str, dict[str, Any]] = {
    "kie": {"model": "sora-2-pro-text-to-video", "input": {"prompt": "p", "n_frames": "7"}},
    "evolink": {"model": "sora-2-pro-preview", "prompt": "p", "duration": 7},
    "modelverse": {
        "model": "openai/sora-2/text-to-video",
        "input": {"prompt": "p"},
        "parameters": {"duration": 7},
    },
    "modelverse-openai": {"model": "sora-2", "prompt": "p", "seconds": "7"},
}
BAD_KEY = "invalid-key-for-drift-checks"
CHEAP_REQUEST = {
    "kie": VideoRequest(prompt="a corgi surfing", seconds=10),
    "evolink": VideoRequest(prompt="a corgi surfing", seconds=4, model="sora-2-pro-preview"),
    "modelverse": VideoRequest(prompt="a corgi surfing", seconds=4),
    "modelverse-openai": VideoRequest(prompt="a corgi surfing", seconds=4),
}


def _free_errors() -> list[Scenario]:
    scenarios = []
    for vendor in ("kie", "evolink", "modelverse", "modelverse-openai"):
        scenarios += [
            Scenario(
                vendor,
                "refused-bad-key",
                f"{vendor}: a submit with a key the vendor does not know is refused",
                "submit",
                CHEAP_REQUEST[vendor],
                api_key=BAD_KEY,
                max_retries=0,
                live=True,
            ),
            Scenario(
                vendor,
                "refused-unknown-task",
                f"{vendor}: reading a task id the vendor does not know",
                "retrieve",
                task=UNKNOWN_TASK_IDS[vendor],
                max_retries=0,
                live=True,
            ),
            Scenario(
                vendor,
                "refused-invalid-body",
                f"{vendor}: a create body with a duration no model offers is refused",
                "submit-raw",
                raw=INVALID_BODIES[vendor],
                max_retries=0,
                live=True,
            ),
        ]
        if not vendor.startswith("modelverse"):  # modelverse documents no credits endpoint
            scenarios.append(
                Scenario(
                    vendor,
                    "credits",
                    f"{vendor}: the remaining credits",
                    "credits",
                    max_retries=0,
                    live=True,
                )
            )
    return scenarios


SCENARIOS: dict[tuple[str, str], Scenario] = {(s.vendor, s.name): s for s in _scenarios()}
