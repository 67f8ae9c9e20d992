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
import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from ..callbacks import sign_kie_callback
from ._config import Fault, SandboxConfig
from ._media import clip
from ._specs import api_key, first_error
from ._state import SandboxState, SandboxTask
from ._vendors import EMULATORS, FAILED_GENERATION, Kie, Reply

logger = logging.getLogger("sora_unified.sandbox")
TimeSource = Callable[[], float]
Handler = Callable[[Request, str, Fault | None], Awaitable[Reply]]
# A 1x1 PNG for image-to-video demos: a real image the sandbox itself serves.
FIRST_FRAME_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
ERROR_FAULTS = {
    "rate_limit": 429,
    "maintenance": 455,
    "server_error": 500,
    "unavailable": 503,
    "insufficient_credits": 402,
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


def _fault_reply(vendor: str, fault: Fault) -> Reply | Response | None:
    emulator = EMULATORS[vendor]
    if fault.kind in ("bad_gateway", "html_error"):
        status = 502 if fault.kind == "bad_gateway" else 500
        page = (
            f"<html><head><title>{status}</title></head><body><h1>{status} error</h1></body></html>"
        )
        return Response(page, status_code=status, media_type="text/html")
    if fault.kind not in ERROR_FAULTS:
        return None
    status = ERROR_FAULTS[fault.kind]
    if status == 455 and vendor != "kie":
        status = 503
    if status == 402 and vendor == "modelverse":
        return emulator.error(403, "Quota exceeded: insufficient balance")
    retry_after = fault.retry_after if status in (429, 455, 503) else None
    return emulator.error(status, f"sandbox fault: {fault.kind}", retry_after=retry_after)


class SandboxApp:
    def __init__(self, config: SandboxConfig, state: SandboxState, now: TimeSource) -> None:
        self.config = config
        self.state = state
        self.now = now
        self.rng = random.Random(config.seed)  # noqa: S311 - fault sampling, not crypto
        routes = [
            Route("/", self.index),
            Route("/files/first-frame.png", self.first_frame),
            Route("/files/{vendor}/{task_id}.mp4", self.file),
            Route(
                "/kie/api/v1/jobs/createTask",
                self.endpoint("kie", "submit", self.submit),
                methods=["POST"],
            ),
            Route(
                "/kie/api/v1/jobs/recordInfo",
                self.endpoint("kie", "status", self.status),
                methods=["GET"],
            ),
            Route(
                "/kie/api/v1/chat/credit",
                self.endpoint("kie", "credits", self.credits),
                methods=["GET"],
            ),
            Route(
                "/kie/api/v1/common/download-url",
                self.endpoint("kie", "credits", self.download_url),
                methods=["POST"],
            ),
            Route(
                "/evolink/v1/videos/generations",
                self.endpoint("evolink", "submit", self.submit),
                methods=["POST"],
            ),
            Route(
                "/evolink/v1/tasks/{task_id}",
                self.endpoint("evolink", "status", self.status),
                methods=["GET"],
            ),
            Route(
                "/evolink/v1/credits",
                self.endpoint("evolink", "credits", self.credits),
                methods=["GET"],
            ),
            Route(
                "/modelverse/v1/tasks/submit",
                self.endpoint("modelverse", "submit", self.submit),
                methods=["POST"],
            ),
            Route(
                "/modelverse/v1/tasks/status",
                self.endpoint("modelverse", "status", self.status),
                methods=["GET"],
            ),
        ]
        self.app = Starlette(
            routes=routes,
            lifespan=self.lifespan,
            exception_handlers={404: self.unknown_route, 405: self.unknown_route},
        )

    # -- plumbing shared by every vendor endpoint ---------------------------------------------

    def _fault(self, vendor: str, endpoint: str) -> Fault | None:
        call_number = self.state.count_request(vendor, endpoint)
        for fault in self.config.faults:
            if fault.applies(vendor, endpoint, call_number, self.rng):
                return fault
        return None

    def endpoint(
        self, vendor: str, endpoint: str, handler: Handler
    ) -> Callable[[Request], Awaitable[Response]]:
        emulator = EMULATORS[vendor]

        async def route(request: Request) -> Response:
            fault = self._fault(vendor, endpoint)
            if fault is not None and fault.kind == "drop_before":
                return DroppedResponse()
            if fault is not None and fault.kind == "slow":
                await anyio.sleep(fault.delay)
            key = api_key(vendor, request.headers)
            if key is None or key not in self.config.api_keys.get(vendor, ()):
                return self._respond(emulator.error(401, "You do not have access permissions"))
            if fault is not None and (injected := _fault_reply(vendor, fault)) is not None:
                return injected if isinstance(injected, Response) else self._respond(injected)
            reply = await handler(request, key, fault)
            if fault is not None and fault.kind == "drop_after":
                return DroppedResponse()
            return self._respond(reply)

        return route

    @staticmethod
    def _respond(reply: Reply) -> Response:
        return JSONResponse(reply.body, status_code=reply.status, headers=dict(reply.headers or {}))

    def _file_url(self, request: Request, task: SandboxTask) -> str:
        return f"{str(request.base_url).rstrip('/')}/files/{task.vendor}/{task.id}.mp4"

    @staticmethod
    def _vendor(request: Request) -> str:
        return request.url.path.split("/")[1]

    # -- vendor endpoints --------------------------------------------------------------------

    async def submit(self, request: Request, key: str, fault: Fault | None) -> Reply:
        vendor = self._vendor(request)
        emulator = EMULATORS[vendor]
        try:
            body = json.loads(await request.body())
        except ValueError:
            return emulator.invalid("body", "not valid JSON")
        problem = first_error(vendor, emulator.submit_path, body)
        if problem is not None:
            return emulator.invalid(*problem)
        order = emulator.order(body)
        if isinstance(order, Reply):
            return order
        now = self.now()
        used = self.state.credits_used.get((vendor, key), 0.0)
        cost = order.seconds * (3.0 if vendor == "kie" else 1.75 if vendor == "evolink" else 0.0)
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
            fail_reason=FAILED_GENERATION
            if fault is not None and fault.kind == "fail_generation"
            else None,
        )
        self.state.add_task(task, cost)
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
        emulator = EMULATORS[vendor]
        task_id = request.path_params.get("task_id") or request.query_params.get(
            "taskId" if vendor == "kie" else "task_id"
        )
        if not task_id:
            return emulator.invalid("taskId" if vendor == "kie" else "task_id", "is required")
        task = self.state.task(vendor, task_id)
        if task is None or task.key != key:
            # ModelVerse documents no 404: an unknown id is a parameter error in its table.
            return emulator.error(400 if vendor == "modelverse" else 404, "Task not found")
        now = self.now()
        timing = self.config.timing
        return emulator.status(
            task,
            task.phase(now, timing),
            task.progress(now, timing),
            timing,
            self._file_url(request, task),
        )

    async def credits(self, request: Request, key: str, fault: Fault | None) -> Reply:
        vendor = self._vendor(request)
        used = self.state.credits_used.get((vendor, key), 0.0)
        return Reply(200, EMULATORS[vendor].credits(self.config.credits - used, used))

    async def download_url(self, request: Request, key: str, fault: Fault | None) -> Reply:
        emulator = EMULATORS["kie"]
        try:
            body = json.loads(await request.body())
        except ValueError:
            return emulator.invalid("body", "not valid JSON")
        problem = first_error("kie", "/api/v1/common/download-url", body)
        if problem is not None:
            return emulator.invalid(*problem)
        if not body["url"].startswith(f"{str(request.base_url).rstrip('/')}/files/"):
            return emulator.invalid("url", "only files generated by this service are supported")
        return Reply(200, {"code": 200, "msg": "success", "data": body["url"] + "?download=1"})

    async def unknown_route(self, request: Request, exc: Exception) -> Response:
        """Unknown paths and methods answer in the vendor's own error format."""
        vendor = self._vendor(request)
        if vendor not in EMULATORS:
            return PlainTextResponse("Not Found", status_code=404)
        status = getattr(exc, "status_code", 404)
        return self._respond(
            EMULATORS[vendor].error(404, f"{request.method} {request.url.path}: HTTP {status}")
        )

    # -- files -------------------------------------------------------------------------------

    async def index(self, request: Request) -> Response:
        base = str(request.base_url).rstrip("/")
        return JSONResponse(
            {"sandbox": "sora-unified", "vendors": {v: f"{base}/{v}" for v in EMULATORS}}
        )

    async def first_frame(self, request: Request) -> Response:
        return Response(FIRST_FRAME_PNG, media_type="image/png")

    async def file(self, request: Request) -> Response:
        vendor, task_id = request.path_params["vendor"], request.path_params["task_id"]
        fault = self._fault(vendor, "download") if vendor in EMULATORS else None
        if fault is not None and fault.kind == "drop_before":
            return DroppedResponse()
        if (
            fault is not None
            and (injected := _fault_reply(vendor, fault)) is not None
            and fault.kind != "insufficient_credits"
        ):
            return injected if isinstance(injected, Response) else self._respond(injected)
        task = self.state.task(vendor, task_id)
        now = self.now()
        timing = self.config.timing
        if task is None or task.phase(now, timing) != "completed":
            return PlainTextResponse("NoSuchKey", status_code=404)
        if now > task.finished_at(timing) + timing.link_ttl_seconds:
            return PlainTextResponse("AccessDenied: Request has expired", status_code=403)
        path = await anyio.to_thread.run_sync(clip, task.seconds, task.size)
        return FileResponse(path, media_type="video/mp4")

    # -- callbacks ---------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        async with anyio.create_task_group() as group:
            group.start_soon(self._deliver_callbacks)
            yield
            group.cancel_scope.cancel()

    async def _deliver_callbacks(self) -> None:
        async with (
            httpx.AsyncClient(transport=self.config.callback_transport, timeout=10.0) as client,
            anyio.create_task_group() as group,
        ):
            while True:
                for task in self._finished_with_callbacks():
                    group.start_soon(self._callback, client, task)
                await anyio.sleep(0.02)

    def _finished_with_callbacks(self) -> list[SandboxTask]:
        now, timing = self.now(), self.config.timing
        ready = []
        with self.state.lock:
            for task in self.state.tasks.values():
                if (
                    task.callback_url
                    and not task.callback_done
                    and task.phase(now, timing) in ("completed", "failed")
                ):
                    task.callback_done = True
                    ready.append(task)
        return ready

    async def _callback(self, client: httpx.AsyncClient, task: SandboxTask) -> None:
        from ._state import CallbackAttempt

        emulator = EMULATORS[task.vendor]
        timing = self.config.timing
        phase = task.phase(self.now(), timing)
        file_url = f"http://sandbox.invalid/files/{task.vendor}/{task.id}.mp4"
        body = emulator.callback(task, phase, timing, file_url)
        headers: dict[str, str] = {}
        if isinstance(emulator, Kie) and self.config.kie_hmac_key:
            timestamp = int(self.now())
            headers = {
                "X-Webhook-Timestamp": str(timestamp),
                "X-Webhook-Signature": sign_kie_callback(
                    task.id, timestamp, self.config.kie_hmac_key
                ),
            }
        # evolink retries a non-2xx answer after 1, 2 and 4 s; kie documents no retries.
        delays = self.config.callback_retry_delays if task.vendor == "evolink" else ()
        assert task.callback_url is not None
        for attempt in range(len(delays) + 1):
            try:
                response = await client.post(task.callback_url, json=body, headers=headers)
                status: int | None = response.status_code
            except httpx.HTTPError:
                status = None
            self.state.record_callback(
                CallbackAttempt(
                    task.vendor, task.id, task.callback_url, attempt + 1, status, headers, body
                )
            )
            if status is not None and 200 <= status < 300:
                return
            if attempt < len(delays):
                await anyio.sleep(delays[attempt])


def build_app(config: SandboxConfig, state: SandboxState, now: TimeSource) -> Any:
    return SandboxApp(config, state, now).app
