"""The ASGI app: kie, evolink and modelverse on their own paths under /kie, /evolink and
/modelverse, plus /files for results. Requests are checked against our specs."""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from ._callbacks import CallbackSender
from ._config import Fault, SandboxConfig
from ._links import LinkSigner
from ._media import clip
from ._openai_videos import OpenAIVideosHost
from ._script import FaultScript
from ._specs import api_key, first_error, strip_unknown_fields
from ._state import CONTENT_POLICY_MESSAGE, SandboxState, SandboxTask
from ._uploads import PATHS as UPLOAD_PATHS
from ._uploads import FileHosts, envelope
from ._vendors import Emulator, ErrorFormat, Kie, OpenAIVideos, Reply, charge, emulators

logger = logging.getLogger("sora_unified.sandbox")
TimeSource = Callable[[], float]
Handler = Callable[[Request, str, Fault | None], Awaitable[Reply | Response]]
# A 1x1 PNG for image-to-video demos: a real image the sandbox itself serves.
FIRST_FRAME_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
# The documented status each vendor answers a fault with.
FAULT_STATUS = {
    "rate_limit": {"kie": 429, "evolink": 429, "modelverse": 429, "modelverse-openai": 429},
    "maintenance": {"kie": 455, "evolink": 503, "modelverse": 500, "modelverse-openai": 500},
    "unavailable": {"kie": 455, "evolink": 503, "modelverse": 500, "modelverse-openai": 500},
    "server_error": {"kie": 500, "evolink": 500, "modelverse": 500, "modelverse-openai": 500},
    "insufficient_credits": {
        "kie": 402,
        "evolink": 402,
        "modelverse": 403,
        "modelverse-openai": 403,
    },
}
FAULT_CODES = {
    ("modelverse", 500, "maintenance"): "model_server_error",
    ("modelverse-openai", 500, "maintenance"): "model_server_error",
}
# The file hosts document 500 only (evolink's clients also see 429): the rest fall back to it.
UPLOAD_FAULT_STATUS = {
    "rate_limit": 429,
    "maintenance": 500,
    "unavailable": 500,
    "server_error": 500,
}


class DroppedResponse(Response):
    """Promise a body, send a fragment and stop: the server closes the connection mid-response."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-length", b"4096")],
            }
        )
        await send({"type": "http.response.body", "body": b'{"code": 200, "da', "more_body": False})


def _html(status: int) -> Response:
    page = f"<html><head><title>{status}</title></head><body><h1>{status} error</h1></body></html>"
    return Response(page, status_code=status, media_type="text/html")


class SandboxApp:
    def __init__(self, config: SandboxConfig, state: SandboxState, now: TimeSource) -> None:
        self.config = config
        self.state = state
        self.now = now
        self.rng = random.Random(config.seed)  # noqa: S311 - fault sampling, not crypto
        self.script = FaultScript()
        self.emulators = emulators(config)
        self.error_formats: dict[str, ErrorFormat] = {
            **self.emulators,
            "modelverse-openai": OpenAIVideos(),
        }
        self.callbacks = CallbackSender(config, state, now, self.emulators)
        self.links = LinkSigner()
        self.file_hosts = FileHosts(
            keys=self._keys,
            now=now,
            fetch_anywhere=config.url_uploads_anywhere,
            ignored=self._ignore_field if config.unknown_fields == "ignore" else None,
        )
        endpoint = self.endpoint
        routes = [
            Route("/", self.index),
            Route("/files/first-frame.png", self.first_frame),
            Route("/files/uploads/{vendor}/{path:path}", self.uploaded_file),
            *(
                Route(
                    f"/{vendor}-files{path}", self.upload_endpoint(vendor, mode), methods=["POST"]
                )
                for vendor, paths in UPLOAD_PATHS.items()
                for mode, path in paths.items()
            ),
            Route("/files/{vendor}/{task_id}.mp4", self.file),
            Route(
                "/kie/api/v1/jobs/createTask",
                endpoint("kie", "submit", self.submit),
                methods=["POST"],
            ),
            Route(
                "/kie/api/v1/jobs/recordInfo",
                endpoint("kie", "status", self.status),
                methods=["GET"],
            ),
            Route(
                "/kie/api/v1/chat/credit",
                endpoint("kie", "credits", self.credits),
                methods=["GET"],
            ),
            Route(
                "/kie/api/v1/common/download-url",
                endpoint("kie", "fresh_link", self.download_url),
                methods=["POST"],
            ),
            Route(
                "/evolink/v1/videos/generations",
                endpoint("evolink", "submit", self.submit),
                methods=["POST"],
            ),
            Route(
                "/evolink/v1/tasks/{task_id}",
                endpoint("evolink", "status", self.status),
                methods=["GET"],
            ),
            Route(
                "/evolink/v1/credits",
                endpoint("evolink", "credits", self.credits),
                methods=["GET"],
            ),
            *self._openai_routes(),
            Route(
                "/modelverse/v1/tasks/submit",
                endpoint("modelverse", "submit", self.submit),
                methods=["POST"],
            ),
            Route(
                "/modelverse/v1/tasks/status",
                endpoint("modelverse", "status", self.status),
                methods=["GET"],
            ),
        ]
        self.app = Starlette(
            routes=routes,
            lifespan=self.lifespan,
            exception_handlers={HTTPException: self.http_exception},
        )

    # -- plumbing shared by every vendor endpoint ---------------------------------------------

    def _fault(self, vendor: str, endpoint: str) -> Fault | None:
        call_number = self.state.count_request(vendor, endpoint)
        scripted = self.script.take(vendor, endpoint)
        if scripted is not None:
            return scripted
        for fault in self.config.faults:
            if fault.applies(vendor, endpoint, call_number, self.rng):
                return fault
        return None

    def _fault_reply(self, vendor: str, fault: Fault) -> Reply | Response | None:
        if fault.kind in ("bad_gateway", "html_error"):
            return _html(502 if fault.kind == "bad_gateway" else 500)
        if fault.kind not in FAULT_STATUS:
            return None
        status = FAULT_STATUS[fault.kind][vendor]
        emulator = self.error_formats[vendor]
        retry_after = (
            fault.retry_after
            if fault.kind in ("rate_limit", "maintenance", "unavailable")
            else None
        )
        if isinstance(emulator, Kie):
            return emulator.error(status, f"sandbox fault: {fault.kind}", retry_after=retry_after)
        code = FAULT_CODES.get((vendor, status, fault.kind))
        return emulator.error(
            status, f"sandbox fault: {fault.kind}", retry_after=retry_after, code=code
        )

    def reset(self, config: SandboxConfig) -> None:
        """Forget every task, count, upload and scripted fault, and behave as `config` says
        from the next request on (`Sandbox.reset`)."""
        if config.state != self.config.state or (
            config.callback_transport is not self.config.callback_transport
        ):
            raise ValueError(
                "state and callback_transport are fixed while the sandbox serves; start another"
                " sandbox to change them"
            )
        ignored = self._ignore_field if config.unknown_fields == "ignore" else None
        self.config = self.callbacks.config = self.openai_host.config = config
        self.openai_host._ignored = ignored
        self.file_hosts.reconfigure(fetch_anywhere=config.url_uploads_anywhere, ignored=ignored)
        kie = self.emulators["kie"]
        assert isinstance(kie, Kie)
        kie.form = config.kie_error_form
        self.rng.seed(config.seed)
        self.script.clear()
        self.state.clear()

    def _openai_routes(self) -> list[Route]:
        """ModelVerse's OpenAI-compatible API, beside its native one on the same host."""
        host = self.openai_host = OpenAIVideosHost(
            self.config,
            self.state,
            self.now,
            self._ignore_field if self.config.unknown_fields == "ignore" else None,
        )
        endpoint, vendor, base = self.endpoint, "modelverse-openai", "/modelverse/v1/videos"
        return [
            Route(base, endpoint(vendor, "submit", host.handle("submit")), methods=["POST"]),
            Route(
                f"{base}/{{video_id}}",
                endpoint(vendor, "status", host.handle("status")),
                methods=["GET"],
            ),
            Route(
                f"{base}/{{video_id}}/content",
                endpoint(vendor, "download", host.handle("download")),
                methods=["GET"],
            ),
            Route(
                f"{base}/{{video_id}}/remix",
                endpoint(vendor, "submit", host.handle("remix")),
                methods=["POST"],
            ),
        ]

    def _ignore_field(self, vendor: str, field: str) -> None:
        self.state.ignore_field(vendor, field)
        logger.info("sandbox %s: ignored the field %s, which the spec does not list", vendor, field)

    def upload_endpoint(self, vendor: str, mode: str) -> Callable[[Request], Awaitable[Response]]:
        """An upload to `vendor`'s file host, with the faults configured for "upload"."""
        handle = self.file_hosts.handler(vendor, mode)

        async def route(request: Request) -> Response:
            fault = self._fault(vendor, "upload")
            kind = fault.kind if fault is not None else None
            if kind == "drop_before":
                return DroppedResponse()
            if fault is not None and kind == "slow":
                await anyio.sleep(fault.delay)
            if kind in ("bad_gateway", "html_error"):
                return _html(502 if kind == "bad_gateway" else 500)
            if fault is not None and kind in UPLOAD_FAULT_STATUS:
                status = UPLOAD_FAULT_STATUS[kind]
                retry = {"Retry-After": f"{fault.retry_after:g}"} if status == 429 else None
                return envelope(status, f"sandbox fault: {kind}", retry)
            response = await handle(request)
            return DroppedResponse() if kind == "drop_after" else response

        return route

    def endpoint(
        self, vendor: str, endpoint: str, handler: Handler
    ) -> Callable[[Request], Awaitable[Response]]:
        emulator = self.error_formats[vendor]

        async def route(request: Request) -> Response:
            fault = self._fault(vendor, endpoint)
            if fault is not None and fault.kind == "drop_before":
                return DroppedResponse()
            if fault is not None and fault.kind == "slow":
                await anyio.sleep(fault.delay)
            key = api_key(vendor, request.headers)
            if key is None or key not in self._keys(vendor):
                return self._respond(emulator.unauthorized())
            if fault is not None and (injected := self._fault_reply(vendor, fault)) is not None:
                return injected if isinstance(injected, Response) else self._respond(injected)
            reply = await handler(request, key, fault)
            if fault is not None and fault.kind == "drop_after":
                return DroppedResponse()
            return reply if isinstance(reply, Response) else self._respond(reply)

        return route

    def _keys(self, vendor: str) -> frozenset[str]:
        """The keys a vendor accepts; ModelVerse's two APIs share their keys."""
        keys = self.config.api_keys
        found = keys.get(vendor)
        if found is None and vendor == "modelverse-openai":
            found = keys.get("modelverse")
        return frozenset(found or ())

    @staticmethod
    def _respond(reply: Reply) -> Response:
        return JSONResponse(reply.body, status_code=reply.status, headers=dict(reply.headers or {}))

    @staticmethod
    def _vendor(request: Request) -> str:
        return request.url.path.split("/")[1]

    @staticmethod
    def _base_url(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    async def _json_body(self, request: Request, emulator: Emulator) -> Any | Reply:
        """The request's JSON body, or the vendor's refusal of it (never a plain 500)."""
        raw = await request.body()
        try:
            return json.loads(raw)
        except RecursionError:
            return emulator.invalid("body", "JSON nested too deeply")
        except ValueError:  # includes UnicodeDecodeError
            return emulator.invalid("body", "not valid JSON")

    def _checked(self, vendor: str, path: str, body: Any) -> Reply | None:
        """Refuse a body the spec does not allow; fields it does not list are ignored (and
        counted) or refused, as configured."""
        emulator = self.emulators[vendor]
        if self.config.unknown_fields == "ignore" and isinstance(body, dict):
            for field in strip_unknown_fields(vendor, path, body):
                self._ignore_field(vendor, field)
        problem = first_error(vendor, path, body)
        return emulator.invalid(*problem) if problem is not None else None

    # -- vendor endpoints --------------------------------------------------------------------

    async def submit(self, request: Request, key: str, fault: Fault | None) -> Reply:
        vendor = self._vendor(request)
        emulator = self.emulators[vendor]
        body = await self._json_body(request, emulator)
        if isinstance(body, Reply):
            return body
        checked, refusal = emulator.precheck(body, self.config)
        refusal = refusal or self._checked(vendor, emulator.submit_path, checked)
        if refusal is not None:
            return refusal
        if checked is not body:  # the same unknown fields were stripped from the copy
            body = {key: value for key, value in body.items() if key in checked}

        def lookup(task_id: str) -> SandboxTask | None:
            found = self.state.task(vendor, task_id)
            return found if found is not None and found.key == key else None

        order = emulator.order(body, self.config, lookup)
        if isinstance(order, Reply):
            return order
        now = self.now()
        used = self.state.credits_used.get((vendor, key), 0.0)
        cost = charge(vendor, order, self.config)
        if vendor != "modelverse" and used + cost > self.config.credits:
            return emulator.error(402, "The current credits are insufficient")
        task = SandboxTask(
            vendor=vendor,
            id=emulator.new_id(now),
            key=key,
            model=order.model,
            created=now,
            seconds=order.seconds,
            size=order.size,
            body=body,
            callback_url=order.callback_url,
            fail_reason=(fault.message or CONTENT_POLICY_MESSAGE)
            if fault is not None and fault.kind == "fail_generation"
            else None,
            base_url=self._base_url(request),
            kind=order.kind,
            extra={**order.extra, "charged": cost},
        )
        self.callbacks.base_url = task.base_url
        self.state.add_task(task, cost)
        self.callbacks.created(task)
        logger.info(
            "sandbox %s: created task %s (%s, %g s, %s)",
            vendor,
            task.id,
            task.model,
            task.seconds,
            task.size,
        )
        return Reply(200, emulator.created(task))

    async def status(self, request: Request, key: str, fault: Fault | None) -> Reply:
        vendor = self._vendor(request)
        emulator = self.emulators[vendor]
        task_id = request.path_params.get("task_id")
        if task_id is None:
            task_id = request.query_params.get(getattr(emulator, "status_query", "task_id"))
            if not task_id:
                return emulator.missing_task_id()
        if (malformed := emulator.malformed_task_id(task_id)) is not None:
            return malformed
        task = self.state.task(vendor, task_id)
        if task is None or task.key != key:
            return emulator.not_found()
        now = self.now()
        timing = self.config.timing
        self.callbacks.base_url = self._base_url(request)
        phase, progress = task.phase(now, timing), task.progress(now, timing)
        return emulator.status(task, phase, progress, timing, self._base_url(request))

    async def credits(self, request: Request, key: str, fault: Fault | None) -> Reply:
        vendor = self._vendor(request)
        used = self.state.credits_used.get((vendor, key), 0.0)
        return Reply(200, self.emulators[vendor].credits(self.config.credits - used, used))

    async def download_url(self, request: Request, key: str, fault: Fault | None) -> Reply:
        emulator = self.emulators["kie"]
        body = await self._json_body(request, emulator)
        if isinstance(body, Reply):
            return body
        refusal = self._checked("kie", "/api/v1/common/download-url", body)
        if refusal is not None:
            return refusal
        if not body["url"].startswith(f"{self._base_url(request)}/files/"):
            return emulator.invalid("url", "only files generated by this service are supported")
        fresh = self.links.fresh(body["url"], self.now())
        return Reply(200, {"code": 200, "msg": "success", "data": fresh})

    async def http_exception(self, request: Request, exc: Exception) -> Response:
        """Unknown paths (404) and methods (405, with Allow) in the vendor's own error format."""
        status = getattr(exc, "status_code", 404)
        headers = dict(getattr(exc, "headers", None) or {})
        vendor = self._vendor(request)
        if vendor not in self.emulators:
            return PlainTextResponse("Not Found", status_code=status, headers=headers)
        problem = "method not allowed" if status == 405 else "not found"
        message = f"{request.method} {request.url.path}: {problem}"
        reply = self.emulators[vendor].error(status, message)
        return JSONResponse(reply.body, status_code=status, headers=headers)

    # -- files -------------------------------------------------------------------------------

    async def index(self, request: Request) -> Response:
        base = self._base_url(request)
        return JSONResponse(
            {
                "sandbox": "sora-unified",
                "vendors": {v: f"{base}/{v.split('-')[0]}" for v in self.error_formats},
            }
        )

    async def first_frame(self, request: Request) -> Response:
        return Response(FIRST_FRAME_PNG, media_type="image/png")

    async def uploaded_file(self, request: Request) -> Response:
        vendor, path = request.path_params["vendor"], request.path_params["path"]
        stored = self.file_hosts.served(vendor, path)
        if stored is None:
            return PlainTextResponse("NoSuchKey", status_code=404)
        return Response(stored.data, media_type=stored.media_type)

    async def file(self, request: Request) -> Response:
        vendor, task_id = request.path_params["vendor"], request.path_params["task_id"]
        fault = self._fault(vendor, "download") if vendor in self.emulators else None
        if fault is not None and fault.kind == "drop_before":
            return DroppedResponse()
        if fault is not None and fault.kind != "insufficient_credits":
            injected = self._fault_reply(vendor, fault)
            if injected is not None:
                return injected if isinstance(injected, Response) else self._respond(injected)
        task = self.state.task(vendor, task_id)
        now = self.now()
        timing = self.config.timing
        if task is None or task.kind != "video" or task.phase(now, timing) != "completed":
            return PlainTextResponse("NoSuchKey", status_code=404)
        renewed = self.links.valid(request.url.path, request.query_params, now)
        if now > task.finished_at(timing) + timing.link_ttl_seconds and not renewed:
            return PlainTextResponse("AccessDenied: Request has expired", status_code=403)
        path = await anyio.to_thread.run_sync(clip, task.seconds, task.size)
        return FileResponse(path, media_type="video/mp4")

    # -- callbacks ---------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        async with anyio.create_task_group() as group:
            group.start_soon(self.callbacks.run)
            yield
            group.cancel_scope.cancel()


def build_app(config: SandboxConfig, state: SandboxState, now: TimeSource) -> Any:
    return SandboxApp(config, state, now).app
