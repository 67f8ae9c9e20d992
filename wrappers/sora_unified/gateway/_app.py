"""`Gateway`: OpenAI's Videos API answered by a vendor, one method per operation.

- Tenants: every video belongs to the key that created it; another key finds it exactly as
  absent as an unknown id, and lists only its own.
- A create is checked, recorded and answered at once (`queued`); the paid submit runs in the
  gateway's own worker (`_worker`), so no caller's timeout or retry can start a second one. An
  Idempotency-Key (per tenant, per request) finds the first video; a create the openai package
  marks as its own retry finds the same tenant's identical create of the last minutes.
- A final status is written with its webhook event (the outbox), once however many readers race.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from .._client import plan_request, remix_request
from ..batch import new_worker_id, request_fields
from ..errors import (
    APIConnectionError,
    RateLimitError,
    ServerError,
    ServiceUnavailableError,
    SoraError,
    UnsupportedFeatureError,
)
from ..types import Task, Video, VideoRequest
from ..vendors import load_adapter
from ._asgi import BodyTooLargeError, envelope
from ._config import GatewayConfig
from ._keys import Tenant, find_tenant
from ._openai import OpenAIError, from_sora_error, model_list, route
from ._requests import (
    MAX_PROMPT,
    Body,
    check_text,
    invalid,
    json_object,
    read_body,
    refuse_unknown,
    request_hash,
    shown,
    whole_number,
)
from ._store import VideoRow
from ._videos import OPENAI_DEFAULT_SIZE, live_status, video_object
from ._worker import Outbox, SubmitWorker, input_path

logger = logging.getLogger("sora_unified.gateway")

__all__ = ["Gateway", "Handler"]

CREATE_FIELDS = ("prompt", "model", "seconds", "size", "input_reference")
MAX_LIST = 100
MAX_IMAGE_URL = 20_971_520  # OpenAI's maxLength for input_reference.image_url
SIZE_TEXT = re.compile(r"[0-9]{2,5}x[0-9]{2,5}")
LIMIT_TEXT = re.compile(r"[0-9]{1,3}")
IDEMPOTENCY_KEY = re.compile(r"[!-~]{1,255}")
HEARTBEAT_SECONDS = 15.0
# A vendor that cannot answer a status read now: the last known state is answered instead.
PASSING = (APIConnectionError, RateLimitError, ServerError, ServiceUnavailableError)


Handler = Callable[[Request, Tenant], Awaitable[Response]]


class Gateway:
    def __init__(self, config: GatewayConfig) -> None:
        self.config = config
        self.store = config.store
        config.files.mkdir(parents=True, exist_ok=True)
        self.worker = new_worker_id()
        self.store.register_worker(self.worker)
        # Videos a gone gateway had on the wire: failed, `submission_uncertain` (never sent
        # again); those it had claimed but not sent: sent by this one.
        self.store.recover_videos()
        self.submitter = SubmitWorker(
            self.store, self.worker, config.clients, config.files, slots=config.submit_slots
        )
        self.outbox: Outbox | None = None

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        loops = [asyncio.create_task(self.submitter.run()), asyncio.create_task(self._beat())]
        if self.config.webhook is not None:
            self.outbox = Outbox(self.store, self.config.webhook, self.config.webhook_transport)
            loops += [asyncio.create_task(self.outbox.run()), asyncio.create_task(self._watch())]
        try:
            yield
        finally:
            for loop in loops:
                loop.cancel()
            await asyncio.gather(*loops, return_exceptions=True)
            await self.submitter.drain(self.config.drain_seconds)
            self.store.release_claims(self.worker)
            if self.outbox is not None:
                await self.outbox.close()

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            self.store.heartbeat(self.worker)

    async def _watch(self) -> None:
        """Finish running videos without waiting for a caller to poll: their events go out."""
        while True:
            await asyncio.sleep(self.config.watch_seconds)
            for row in self.store.running():
                await self._current(row)

    # -- plumbing ---------------------------------------------------------------------------

    def tenant(self, request: Request) -> Tenant | None:
        """The caller's tenant, noted on the request for the log; None: not a gateway key."""
        tenant = find_tenant(self.config.keys, request.headers.get("authorization", ""))
        if tenant is not None:
            request.state.tenant = tenant.name
        return tenant

    def refusal(self, request: Request) -> OpenAIError | None:
        """Why the request is not authorised, if it is not."""
        if self.tenant(request) is None:
            return OpenAIError(401, "Incorrect API key provided.", code="invalid_api_key")
        return None

    def guarded(
        self, handlers: dict[str, Handler], query: tuple[str, ...] = ()
    ) -> Callable[[Request], Awaitable[Response]]:
        """One endpoint for a path: authenticated, dispatched by method, every refusal in
        OpenAI's envelope; a query parameter the path does not take is refused by name."""

        async def run(request: Request) -> Response:
            tenant = self.tenant(request)
            if tenant is None:
                refused = self.refusal(request)
                assert refused is not None
                return envelope(refused)
            handler = handlers["GET" if request.method == "HEAD" else request.method]
            try:
                refuse_unknown(request.query_params, query)
                return await handler(request, tenant)
            except OpenAIError as error:
                return envelope(error)
            except BodyTooLargeError as error:
                return envelope(error.answer(), {"connection": "close"})
            except SoraError as error:
                return envelope(from_sora_error(error))

        return run

    def _owned(self, video_id: str, tenant: Tenant) -> VideoRow:
        row = self.store.video(video_id, tenant.owner)
        if row is None:
            raise OpenAIError(
                404, f"No video found with id {shown(video_id)}.", param="video_id",
                code="not_found",
            )  # fmt: skip
        return row

    async def _current(self, row: VideoRow) -> tuple[VideoRow, Video | None]:
        """The row and, while its task runs, the vendor's live view; a final state is written
        (with its event) by the first reader that sees it."""
        record = row.record
        if record.state != "submitted" or record.task is None:
            return row, None
        client = self.config.clients(record.task.partition(":")[0])
        try:
            video = await client.retrieve(record.task)
        except PASSING as error:
            logger.warning("gateway: cannot read %s now: %s", record.custom_id, error)
            return row, None
        if video.cost is not None and video.cost.source == "reported":
            self.store.settle_cost(record.task, video.cost.amount)
        if video.status in ("completed", "failed"):
            facts = dict(record.fields)
            finished = video.completed_at.timestamp() if video.completed_at else time.time()
            facts["completed_at"] = int(finished)
            facts["seconds"] = video.seconds or facts.get("seconds")
            facts["size"] = video.size or facts.get("size")
            failed = video.status == "failed"
            if (
                self.store.settle(
                    record.custom_id,
                    video.status,
                    fields=facts,
                    error=video.error_message if failed else None,
                    code=(video.error_code or "generation_failed") if failed else None,
                )
                and self.outbox is not None
            ):
                self.outbox.wake()
            row = self.store.video(record.custom_id, None) or row
        return row, video

    def _answer(self, row: VideoRow, video: Video | None = None) -> dict[str, Any]:
        """The video object; its status never lower than one answered before (the row carries
        that one, so the store is written only when the status rises)."""
        status = live_status(row, video)
        if status != row.shown_status:
            status = self.store.show_status(row.record.custom_id, status)
        return video_object(row, status, video)

    # -- create and remix -------------------------------------------------------------------

    def _create_request(self, body: Body) -> tuple[str, dict[str, Any]]:
        """The vendor and what the store keeps of the checked request, or OpenAI's 400."""
        fields, files = body.fields, body.files
        refuse_unknown(fields, CREATE_FIELDS)
        refuse_unknown(files, ("input_reference",))
        for name, value in fields.items():
            if value is None:
                raise invalid(name, None, "null is not a value here; omit the field instead")
        prompt = check_text("prompt", fields.get("prompt"), required=True, limit=MAX_PROMPT)
        assert prompt is not None
        name = check_text("model", fields.get("model"), required=False, limit=200) or "sora-2"
        seconds = None
        if "seconds" in fields:
            seconds = whole_number(
                "seconds", fields["seconds"], "a whole number of seconds, such as '10'"
            )
        size = fields.get("size")
        if size is not None and (not isinstance(size, str) or not SIZE_TEXT.fullmatch(size)):
            raise invalid("size", size, "a size such as '720x1280' or '1280x720'")
        image, image_url = self._reference(body)
        target = route(
            name,
            self.config.vendor,
            with_image=image is not None or image_url is not None,
            served=self.config.vendors,
        )
        if size is None and image is None:
            size = OPENAI_DEFAULT_SIZE  # OpenAI's default; a first frame's own shape otherwise
        request = VideoRequest(
            prompt=prompt,
            model=target.model,
            seconds=seconds,
            size=size,  # type: ignore[arg-type]  # VideoRequest refuses sizes it does not know
            image=image,
            image_url=image_url,
        )
        plan = plan_request(load_adapter(target.vendor), request)
        kept = request_fields(request)
        kept.pop("image", None)  # the bytes wait in a file beside the store
        facts = {
            "request": kept,
            "model": name,
            "prompt": prompt,
            "seconds": plan.seconds,
            "size": size or plan.size or OPENAI_DEFAULT_SIZE,
            "has_input": image is not None,
        }
        return target.vendor, facts

    def _reference(self, body: Body) -> tuple[bytes | None, str | None]:
        """`input_reference`: an uploaded file, or `{"image_url": ...}` (JSON, or JSON text in
        a form field)."""
        if "input_reference" in body.files:
            return body.files["input_reference"], None
        value = body.fields.get("input_reference")
        if value is None:
            return None, None
        allowed = 'a file, or {"image_url": "https://..."}'
        if isinstance(value, str) and body.multipart:
            try:
                value = json_object(value)
            except ValueError:
                raise invalid("input_reference", value, allowed) from None
        if not isinstance(value, dict):
            raise invalid("input_reference", value, allowed)
        if "file_id" in value:
            raise invalid("input_reference", value, "this gateway has no Files API: give"
                          " image_url or upload the file", "unsupported_parameter")  # fmt: skip
        if set(value) != {"image_url"}:
            raise invalid("input_reference", value, allowed)
        url = check_text("input_reference", value["image_url"], required=True, limit=MAX_IMAGE_URL)
        return None, url

    async def create(self, request: Request, tenant: Tenant) -> Response:
        body = await read_body(request)
        vendor, facts = self._create_request(body)
        checked = {k: v for k, v in body.fields.items() if k in CREATE_FIELDS}
        digest = request_hash("create", checked, body.files)
        frame = body.files.get("input_reference")
        return self._record(
            request, tenant=tenant, vendor=vendor, facts=facts, digest=digest, frame=frame
        )

    async def remix(self, request: Request, tenant: Tenant) -> Response:
        source = self._owned(request.path_params["video_id"], tenant)
        body = await read_body(request)
        refuse_unknown([*body.fields, *body.files], ("prompt",))
        prompt = check_text("prompt", body.fields.get("prompt"), required=True, limit=MAX_PROMPT)
        assert prompt is not None
        source, _ = await self._current(source)
        if source.record.state != "completed" or source.record.task is None:
            raise OpenAIError(
                400,
                f"Video {shown(source.record.custom_id)} is not completed; only a completed"
                " video can be remixed.",
                param="video_id",
                code="video_not_ready",
            )
        task = Task.parse(source.record.task)
        try:
            remixed = remix_request(task.vendor, task, prompt, {})
            plan = plan_request(load_adapter(task.vendor), remixed)
        except UnsupportedFeatureError as error:
            raise OpenAIError(400, f"remix is not available here: {error}", param="video_id",
                              code="unsupported_operation") from None  # fmt: skip
        was = source.record.fields
        facts = {
            "request": {"prompt": prompt},
            "remix_of": source.record.task,
            "remixed_from": source.record.custom_id,
            "model": was.get("model", "sora-2"),
            "prompt": prompt,
            "seconds": plan.seconds or was.get("seconds"),
            "size": plan.size or was.get("size") or OPENAI_DEFAULT_SIZE,
        }
        digest = request_hash(f"remix {source.record.custom_id}", {"prompt": prompt}, {})
        return self._record(
            request, tenant=tenant, vendor=task.vendor, facts=facts, digest=digest, frame=None
        )

    def _record(
        self,
        request: Request,
        *,
        tenant: Tenant,
        vendor: str,
        facts: dict[str, Any],
        digest: str,
        frame: bytes | None,
    ) -> Response:
        """Record the video (its first frame beside it) and answer it; the worker submits."""
        key = request.headers.get("idempotency-key")
        if key is not None and not IDEMPOTENCY_KEY.fullmatch(key):
            raise invalid("Idempotency-Key", key, "1 to 255 printable ASCII characters")
        retried = request.headers.get("x-stainless-retry-count", "0").strip() not in ("", "0")
        video_id = f"video_{uuid.uuid4().hex}"
        kept = input_path(self.config.files, video_id)
        if frame is not None:
            kept.write_bytes(frame)  # before the row: the worker may claim it at once
        outcome = self.store.create_video(
            video_id=video_id,
            owner=tenant.owner,
            tenant=tenant.name,
            vendor=vendor,
            fields=facts,
            request_hash=digest,
            idempotency_key=key,
            retry_window=self.config.retry_window_seconds if retried else None,
        )
        if not outcome.made:
            kept.unlink(missing_ok=True)
        if outcome.conflict:
            raise OpenAIError(
                400,
                f"Idempotency-Key {shown(key)} was already used with a different request; a key"
                " can only be reused with the same parameters.",
                param="Idempotency-Key",
                code="idempotency_key_reused",
            )
        found = None if outcome.video_id is None else self.store.video(outcome.video_id, None)
        if outcome.deleted or found is None:
            raise OpenAIError(
                404,
                f"The video Idempotency-Key {shown(key)} created ({outcome.video_id}) was deleted.",
                code="not_found",
            )
        if outcome.made:
            logger.info("gateway: %s recorded %s (%s)", tenant.name, video_id, vendor)
            self.submitter.wake()
        return JSONResponse(self._answer(found))

    # -- read, list, delete, content --------------------------------------------------------

    def _poll_hint(self) -> dict[str, str]:
        return {"openai-poll-after-ms": str(self.config.poll_after_ms)}

    async def retrieve(self, request: Request, tenant: Tenant) -> Response:
        row, video = await self._current(self._owned(request.path_params["video_id"], tenant))
        return JSONResponse(self._answer(row, video), headers=self._poll_hint())

    async def list(self, request: Request, tenant: Tenant) -> Response:
        query = request.query_params
        order = query.get("order", "desc")
        if order not in ("asc", "desc"):
            raise OpenAIError(400, f"Invalid 'order': {shown(order)}; supported: asc, desc.",
                              param="order", code="invalid_value")  # fmt: skip
        limit_text = query.get("limit", "20")
        if not LIMIT_TEXT.fullmatch(limit_text) or int(limit_text) > MAX_LIST:
            raise OpenAIError(400, f"Invalid 'limit': {shown(limit_text)}; 0 to {MAX_LIST}.",
                              param="limit", code="invalid_value")  # fmt: skip
        limit = int(limit_text)
        rows = self.store.videos(tenant.owner, newest_first=order == "desc")
        after = query.get("after")
        if after is not None:
            ids = [r.record.custom_id for r in rows]
            if after not in ids:
                raise OpenAIError(404, f"No video found with id {shown(after)}.", param="after",
                                  code="not_found")  # fmt: skip
            rows = rows[ids.index(after) + 1 :]
        page = rows[:limit]
        current = await asyncio.gather(*(self._current(r) for r in page))
        data = [self._answer(row, video) for row, video in current]
        return JSONResponse(
            {
                "object": "list",
                "data": data,
                "first_id": data[0]["id"] if data else None,
                "last_id": data[-1]["id"] if data else None,
                "has_more": len(rows) > limit,
            }
        )

    async def delete(self, request: Request, tenant: Tenant) -> Response:
        video_id = request.path_params["video_id"]
        if not self.store.delete_video(video_id, tenant.owner):
            self._owned(video_id, tenant)  # raises the 404
        (self.config.files / f"{video_id}.mp4").unlink(missing_ok=True)
        record = self.store.record(video_id)
        if record is not None and record.error_code == "deleted":
            # Never claimed, so never to be sent: no worker will come for its first frame.
            input_path(self.config.files, video_id).unlink(missing_ok=True)
        return JSONResponse({"id": video_id, "object": "video.deleted", "deleted": True})

    async def content(self, request: Request, tenant: Tenant) -> Response:
        row = self._owned(request.path_params["video_id"], tenant)
        variant = request.query_params.get("variant", "video")
        if variant != "video":
            raise OpenAIError(400, f"Invalid 'variant': {shown(variant)} is not available from"
                              " the vendors behind this gateway; supported: video.",
                              param="variant", code="invalid_value")  # fmt: skip
        row, video = await self._current(row)
        record = row.record
        if record.state != "completed" or record.task is None:
            status = self.store.show_status(record.custom_id, live_status(row, video))
            message = f"Video {shown(record.custom_id)} is not completed yet (status: {status})."
            raise OpenAIError(400, message, code="video_not_ready")
        kept = self.config.files / f"{record.custom_id}.mp4"
        if not kept.exists():
            client = self.config.clients(record.task.partition(":")[0])
            finished = video or await client.retrieve(record.task)
            await client.download(finished, kept)  # a whole video, links refreshed if needed
        return FileResponse(kept, media_type="video/mp4")

    # -- models and what the gateway does not serve -----------------------------------------

    async def models(self, request: Request, tenant: Tenant) -> Response:
        return JSONResponse(
            {"object": "list", "data": model_list(self.config.vendor, self.config.vendors)}
        )

    async def model(self, request: Request, tenant: Tenant) -> Response:
        wanted = request.path_params["model_id"]
        for found in model_list(self.config.vendor, self.config.vendors):
            if found["id"] == wanted:
                return JSONResponse(found)
        raise OpenAIError(404, f"The model {shown(wanted)} does not exist here.",
                          param="model", code="model_not_found")  # fmt: skip

    async def not_offered(self, request: Request, tenant: Tenant) -> Response:
        what = request.url.path.removeprefix("/v1/videos/").split("/")[0]
        raise OpenAIError(
            400,
            f"{what} are not available from the vendors behind this gateway (create, remix,"
            " retrieve, list, delete and content are).",
            code="unsupported_operation",
        )

    async def no_character(self, request: Request, tenant: Tenant) -> Response:
        raise OpenAIError(
            404,
            f"No character found with id {shown(request.path_params['character_id'])}.",
            code="not_found",
        )
