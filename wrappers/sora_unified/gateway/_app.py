"""The gateway's ASGI app: OpenAI's Videos API paths under /v1, answered by a vendor.

Video ids (`video_...`) map to vendor tasks in the job store (`sora_unified.batch`), so they
survive a restart. A create is recorded before its paid submit leaves (the same ledger as
`batch`); an ambiguous submit makes the video `failed` with code `submission_uncertain`, never
a second submit, and never an error status the openai package would retry on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from .._client import AsyncClient
from ..batch import Job, JobRecord, JobStore, request_fields
from ..batch._store import new_worker_id, submit_recorder
from ..errors import SoraError, SubmissionUncertainError, UnsupportedFeatureError
from ..types import Video, VideoRequest
from ._openai import OpenAIError, error_body, from_sora_error, route
from ._webhooks import WebhookTarget, deliver, event_for

logger = logging.getLogger("sora_unified.gateway")

__all__ = ["GatewayConfig", "build_app"]

CREATE_FIELDS = {"prompt", "model", "seconds", "size", "input_reference"}
MAX_LIST = 100
OPENAI_DEFAULT_SIZE = "720x1280"


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    """`keys`: the gateway's own Bearer keys. `clients(vendor)` gives the AsyncClient for a
    vendor (its key stays on the server). `files`: where finished videos are kept for
    `/content`. `poll_after_ms`: the `openai-poll-after-ms` hint. `webhook`: where to send
    `video.completed` / `video.failed` events (off when None)."""

    vendor: str
    keys: tuple[str, ...]
    store: JobStore
    clients: Callable[[str], AsyncClient]
    files: Path
    poll_after_ms: int = 2000
    webhook: WebhookTarget | None = None
    watch_seconds: float = 5.0  # how often running videos are checked, for webhooks
    webhook_transport: httpx.AsyncBaseTransport | None = None


def _fail(error: OpenAIError) -> JSONResponse:
    return JSONResponse(error_body(error), status_code=error.status)


def _status(record: JobRecord, video: Video | None) -> str:
    if video is not None:
        return video.status
    return {
        "completed": "completed",
        "failed": "failed",
        "uncertain": "failed",
        "pending": "queued",
        "submitting": "queued",
    }.get(record.state, "in_progress")


def video_object(record: JobRecord, video: Video | None = None) -> dict[str, Any]:
    """A job as OpenAI's `video` object."""
    facts = record.fields
    asked = facts.get("request", {})
    status = _status(record, video)
    seconds = (video.seconds if video else None) or facts.get("seconds") or asked.get("seconds")
    progress = video.progress if video is not None else (100 if status == "completed" else 0)
    error = None
    if status == "failed":
        error = {
            "code": record.error_code or (video.error_code if video else None) or "failed",
            "message": record.error or (video.error_message if video else None) or "failed",
        }
    return {
        "id": record.custom_id,
        "object": "video",
        "model": facts.get("model", "sora-2"),
        "status": status,
        "progress": 100 if status == "completed" else int(progress or 0),
        "created_at": int(facts.get("created_at", 0)),
        "completed_at": facts.get("completed_at"),
        # The gateway keeps the file and refreshes vendor links itself: no schedule to expire on.
        "expires_at": None,
        "prompt": asked.get("prompt"),
        "remixed_from_video_id": facts.get("remixed_from"),
        "seconds": str(int(seconds)) if seconds else "0",
        "size": (video.size if video else None) or facts.get("size") or asked.get("size") or "",
        "error": error,
    }


class Gateway:
    def __init__(self, config: GatewayConfig) -> None:
        self.config = config
        self.config.files.mkdir(parents=True, exist_ok=True)
        self._keys = [key.encode() for key in config.keys]
        # A gateway that died mid-submit left `submitting` rows: they become failed videos
        # (`submission_uncertain`), never a second submit.
        self.worker = new_worker_id()
        config.store.register_worker(self.worker)
        config.store.recover(resubmit_uncertain=False)
        self._deliveries: set[asyncio.Task[bool]] = set()
        self._webhooks: httpx.AsyncClient | None = None

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        watching = None
        if self.config.webhook is not None:
            self._webhooks = httpx.AsyncClient(
                transport=self.config.webhook_transport, timeout=10.0
            )
            watching = asyncio.create_task(self._watch())
        try:
            yield
        finally:
            if watching is not None:
                watching.cancel()
            if self._deliveries:
                await asyncio.wait(self._deliveries, timeout=5)
            if self._webhooks is not None:
                await self._webhooks.aclose()

    async def _watch(self) -> None:
        """Finish running videos without waiting for a caller to poll: their events go out."""
        while True:
            await asyncio.sleep(self.config.watch_seconds)
            running = [r for r in self.config.store.records() if r.state == "submitted"]
            for record in running:
                try:
                    await self._current(record)
                except SoraError as error:  # the vendor is busy: the next round tries again
                    logger.warning("gateway: cannot read %s: %s", record.custom_id, error)

    def _announce(self, video_id: str, status: str) -> None:
        if self.config.webhook is None or self._webhooks is None:
            return
        event = event_for(video_id, status)
        delivery = asyncio.create_task(deliver(self._webhooks, self.config.webhook, event))
        self._deliveries.add(delivery)
        delivery.add_done_callback(self._deliveries.discard)

    # -- plumbing ---------------------------------------------------------------------------

    def authorized(self, request: Request) -> bool:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not given:
            return False
        # Every key compared in constant time, all of them: no early exit to time.
        matches = [hmac.compare_digest(given.encode(), key) for key in self._keys]
        return any(matches)

    def guarded(self, handler: Callable[..., Any]) -> Callable[[Request], Any]:
        async def run(request: Request) -> Response:
            if not self.authorized(request):
                return _fail(
                    OpenAIError(401, "Incorrect API key provided.", code="invalid_api_key")
                )
            try:
                answer: Response = await handler(request)
                return answer
            except OpenAIError as error:
                return _fail(error)
            except SoraError as error:
                return _fail(from_sora_error(error))

        return run

    def _record(self, video_id: str) -> JobRecord:
        record = self.config.store.record(video_id)
        if record is None:
            raise OpenAIError(404, f"No video found with id '{video_id}'.", code="not_found")
        return record

    async def _current(self, record: JobRecord) -> tuple[JobRecord, Video | None]:
        """The record and, while the task runs, the vendor's live view; a final state is kept."""
        if record.state != "submitted" or record.task is None:
            return record, None
        client = self.config.clients(record.task.partition(":")[0])
        video = await client.retrieve(record.task)
        if video.status in ("completed", "failed"):
            facts = {
                **record.fields,
                "completed_at": int(video.completed_at.timestamp())
                if video.completed_at
                else int(time.time()),
                "seconds": video.seconds,
                "size": video.size,
            }
            self.config.store.set_fields(record.custom_id, facts)
            self.config.store.finished(
                record.custom_id,
                video.status,
                file=None,
                error=video.error_message if video.status == "failed" else None,
                code=video.error_code if video.status == "failed" else None,
            )
            self._announce(record.custom_id, video.status)
            record = self._record(record.custom_id)
        return record, video

    # -- create -----------------------------------------------------------------------------

    async def _create_fields(self, request: Request) -> dict[str, Any]:
        kind = request.headers.get("content-type", "")
        if kind.startswith("multipart/form-data"):
            form = await request.form()
            fields: dict[str, Any] = {}
            for name, value in form.multi_items():
                if hasattr(value, "read"):
                    fields[name] = ("file", await value.read())
                else:
                    fields[name] = value
            return fields
        try:
            body = json.loads(await request.body())
        except ValueError:
            raise OpenAIError(400, "The body is neither JSON nor multipart form data.") from None
        if not isinstance(body, dict):
            raise OpenAIError(400, "The body must be a JSON object.")
        return body

    def _video_request(self, fields: dict[str, Any], model: str | None) -> VideoRequest:
        unknown = sorted(set(fields) - CREATE_FIELDS)
        if unknown:
            raise OpenAIError(400, f"Unknown parameter: '{unknown[0]}'.", param=unknown[0],
                              code="unknown_parameter")  # fmt: skip
        prompt = fields.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise OpenAIError(400, "Missing required parameter: 'prompt'.", param="prompt",
                              code="missing_required_parameter")  # fmt: skip
        values: dict[str, Any] = {"prompt": prompt, "model": model}
        seconds = fields.get("seconds")
        if seconds is not None:
            if not str(seconds).isdigit():
                raise OpenAIError(400, f"Invalid 'seconds': {seconds!r} is not a whole number"
                                  " of seconds, such as '4' or '10'.", param="seconds",
                                  code="invalid_value")  # fmt: skip
            values["seconds"] = int(seconds)
        # OpenAI's default size when none is asked for (every vendor sells portrait); an
        # omitted length is the vendor model's default (OpenAI's 4 s is not sold by all).
        values["size"] = str(fields.get("size") or OPENAI_DEFAULT_SIZE)
        reference = fields.get("input_reference")
        if isinstance(reference, tuple):
            values["image"] = reference[1]
        elif isinstance(reference, dict) and isinstance(reference.get("image_url"), str):
            values["image_url"] = reference["image_url"]
        elif isinstance(reference, str) and reference.startswith("{"):
            found = json.loads(reference)
            values["image_url"] = found.get("image_url") if isinstance(found, dict) else None
        elif reference is not None:
            raise OpenAIError(400, "Invalid 'input_reference': a file, or {\"image_url\": ...}.",
                              param="input_reference", code="invalid_value")  # fmt: skip
        return VideoRequest(**values)

    def _video_id(self, request: Request) -> str:
        """A fresh id, or the same one for a repeated Idempotency-Key (a retried create
        returns the first video instead of paying twice)."""
        key = request.headers.get("idempotency-key")
        if not key:
            return f"video_{uuid.uuid4().hex}"
        caller = request.headers.get("authorization", "")
        return "video_" + hashlib.sha256(f"{caller}\n{key}".encode()).hexdigest()[:32]

    async def _submit(
        self, video_id: str, vendor: str, facts: dict[str, Any], run: Callable[..., Any]
    ) -> Response:
        """Record the video, submit it (recorded right before the paid request leaves) and
        answer the video object."""
        store = self.config.store
        if store.add([Job(0, video_id, vendor, facts)], default_vendor=vendor) == 0:
            record, video = await self._current(self._record(video_id))  # idempotent repeat
            return JSONResponse(video_object(record, video))
        try:
            task = await run(before_send=submit_recorder(store, video_id, self.worker, None))
        except SubmissionUncertainError as error:
            store.uncertain(video_id, str(error), "submission_uncertain")
            self._announce(video_id, "failed")
            return JSONResponse(video_object(self._record(video_id)))
        except SoraError as error:
            if error.task is None:
                store.delete(video_id)  # nothing was created: there is no video
                raise
            task = error.task
        store.submitted(video_id, str(task))
        return JSONResponse(video_object(self._record(video_id)))

    async def create(self, request: Request) -> Response:
        fields = await self._create_fields(request)
        name = str(fields.get("model") or "sora-2")
        with_image = fields.get("input_reference") is not None
        target = route(name, self.config.vendor, with_image=with_image)
        video_request = self._video_request(fields, target.model)
        client = self.config.clients(target.vendor)
        facts = {
            "request": _json_safe(video_request),
            "model": name,
            "created_at": time.time(),
        }
        return await self._submit(
            self._video_id(request),
            target.vendor,
            facts,
            lambda before_send: client.submit(video_request, before_send=before_send),
        )

    async def remix(self, request: Request) -> Response:
        source = self._record(request.path_params["video_id"])
        source, _ = await self._current(source)
        try:
            body = json.loads(await request.body())
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("prompt"), str):
            raise OpenAIError(400, "Missing required parameter: 'prompt'.", param="prompt",
                              code="missing_required_parameter")  # fmt: skip
        if source.state != "completed" or source.task is None:
            not_ready = f"Video '{source.custom_id}' is not completed; only a completed video"
            raise OpenAIError(400, f"{not_ready} can be remixed.", code="video_not_ready")
        source_task = source.task
        vendor = source_task.partition(":")[0]
        client = self.config.clients(vendor)
        prompt = body["prompt"]
        facts = {
            "request": {"prompt": prompt},
            "model": source.fields.get("model", "sora-2"),
            "created_at": time.time(),
            "remixed_from": source.custom_id,
        }
        try:
            return await self._submit(
                self._video_id(request),
                vendor,
                facts,
                lambda before_send: client.remix(source_task, prompt, before_send=before_send),
            )
        except UnsupportedFeatureError as error:
            raise OpenAIError(400, f"remix is not available here: {error}", param="video_id",
                              code="unsupported_operation") from None  # fmt: skip

    # -- read, list, delete, content --------------------------------------------------------

    def _poll_hint(self) -> dict[str, str]:
        return {"openai-poll-after-ms": str(self.config.poll_after_ms)}

    async def retrieve(self, request: Request) -> Response:
        record, video = await self._current(self._record(request.path_params["video_id"]))
        return JSONResponse(video_object(record, video), headers=self._poll_hint())

    async def list(self, request: Request) -> Response:
        query = request.query_params
        order = query.get("order", "desc")
        if order not in ("asc", "desc"):
            raise OpenAIError(400, f"Invalid 'order': {order!r}; supported: asc, desc.",
                              param="order", code="invalid_value")  # fmt: skip
        limit_text = query.get("limit", "20")
        if not limit_text.isdigit() or not 0 <= int(limit_text) <= MAX_LIST:
            raise OpenAIError(400, f"Invalid 'limit': {limit_text!r}; 0 to {MAX_LIST}.",
                              param="limit", code="invalid_value")  # fmt: skip
        limit = int(limit_text)
        records = sorted(
            self.config.store.records(),
            key=lambda r: (r.fields.get("created_at", 0), r.custom_id),
            reverse=order == "desc",
        )
        after = query.get("after")
        if after is not None:
            ids = [r.custom_id for r in records]
            if after not in ids:
                raise OpenAIError(404, f"No video found with id '{after}'.", param="after",
                                  code="not_found")  # fmt: skip
            records = records[ids.index(after) + 1 :]
        page = records[:limit]
        current = await asyncio.gather(*(self._current(r) for r in page))
        data = [video_object(record, video) for record, video in current]
        return JSONResponse(
            {
                "object": "list",
                "data": data,
                "first_id": data[0]["id"] if data else None,
                "last_id": data[-1]["id"] if data else None,
                "has_more": len(records) > limit,
            }
        )

    async def delete(self, request: Request) -> Response:
        video_id = request.path_params["video_id"]
        self._record(video_id)
        self.config.store.delete(video_id)
        (self.config.files / f"{video_id}.mp4").unlink(missing_ok=True)
        return JSONResponse({"id": video_id, "object": "video.deleted", "deleted": True})

    async def content(self, request: Request) -> Response:
        variant = request.query_params.get("variant", "video")
        if variant != "video":
            raise OpenAIError(400, f"Invalid 'variant': {variant!r} is not available from the"
                              " vendors behind this gateway; supported: video.",
                              param="variant", code="invalid_value")  # fmt: skip
        record, video = await self._current(self._record(request.path_params["video_id"]))
        if record.state != "completed" or record.task is None:
            status = _status(record, video)
            message = f"Video '{record.custom_id}' is not completed yet (status: {status})."
            raise OpenAIError(400, message, code="video_not_ready")
        kept = self.config.files / f"{record.custom_id}.mp4"
        if not kept.exists():
            client = self.config.clients(record.task.partition(":")[0])
            finished = video or await client.retrieve(record.task)
            await client.download(finished, kept)  # a whole video, links refreshed if needed
        return FileResponse(kept, media_type="video/mp4")


def _json_safe(request: VideoRequest) -> dict[str, Any]:
    """The request's fields without image bytes (kept for the record, not for resubmitting)."""
    values = request_fields(request)
    if isinstance(values.get("image"), bytes):
        values.pop("image")
    return values


def build_app(config: GatewayConfig) -> Starlette:
    gateway = Gateway(config)
    g = gateway.guarded
    return Starlette(
        lifespan=gateway.lifespan,
        routes=[
            Route("/v1/videos", g(gateway.create), methods=["POST"]),
            Route("/v1/videos", g(gateway.list), methods=["GET"]),
            Route("/v1/videos/{video_id}", g(gateway.retrieve), methods=["GET"]),
            Route("/v1/videos/{video_id}", g(gateway.delete), methods=["DELETE"]),
            Route("/v1/videos/{video_id}/content", g(gateway.content), methods=["GET"]),
            Route("/v1/videos/{video_id}/remix", g(gateway.remix), methods=["POST"]),
        ],
    )
