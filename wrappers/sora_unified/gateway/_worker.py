"""What the gateway does after it has answered: send recorded videos to the vendor (the paid
submit, one at a time per video, never twice) and deliver webhook events from the outbox.

A create is answered as soon as its video is recorded; the submit runs here, so no caller's
timeout or retry can start a second one. Both loops read their work from the store, so after a
restart they pick up what was recorded before it: videos never sent are sent, events never
delivered are delivered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import httpx

from .._client import AsyncClient, estimate, remix_request
from .._http import shared_ssl_context
from ..batch import JobRecord, request_from_fields
from ..errors import SoraError, SubmissionUncertainError, SubmitCancelledError
from ..types import Task, VideoRequest
from ._openai import error_code
from ._store import GatewayStore
from ._webhooks import WebhookTarget, signed_headers

__all__ = ["Outbox", "SubmitWorker", "input_path"]

logger = logging.getLogger("sora_unified.gateway")
DELIVERY_ATTEMPTS = 5
FIRST_RETRY_SECONDS = 1.0
IDLE_POLL_SECONDS = 1.0  # how often the store is read for work nobody announced (other processes)


def input_path(files: Path, video_id: str) -> Path:
    """Where a create's uploaded first frame waits for its submit."""
    return files / f"{video_id}.input"


class SubmitWorker:
    """Claims recorded videos and submits them, `slots` at a time."""

    def __init__(
        self,
        store: GatewayStore,
        worker: str,
        clients: Callable[[str], AsyncClient],
        files: Path,
        *,
        slots: int = 4,
    ) -> None:
        self.store = store
        self.worker = worker
        self.clients = clients
        self.files = files
        self.slots = slots
        self._wake = asyncio.Event()
        self._sending: set[asyncio.Task[None]] = set()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Until cancelled: claim what is pending, send it, wait for more."""
        free = asyncio.Semaphore(self.slots)
        while True:
            while True:
                await free.acquire()
                record = self.store.claim_pending(self.worker)
                if record is None:
                    free.release()
                    break
                sending = asyncio.create_task(self._send(record))
                self._sending.add(sending)
                sending.add_done_callback(self._sending.discard)
                sending.add_done_callback(lambda _: free.release())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), IDLE_POLL_SECONDS)
            self._wake.clear()

    async def drain(self, timeout: float) -> None:
        """Let submits already on the wire answer (their task ids are recorded), then stop."""
        if self._sending:
            await asyncio.wait(self._sending, timeout=timeout)
        for sending in list(self._sending):
            sending.cancel()

    def _request(self, record: JobRecord) -> VideoRequest:
        facts = record.fields
        request = request_from_fields(facts["request"])
        kept = input_path(self.files, record.custom_id)
        if facts.get("has_input") and kept.exists():
            request = replace(request, image=kept.read_bytes())
        return request

    async def _send(self, record: JobRecord) -> None:
        video_id = record.custom_id
        vendor = record.vendor or ""
        began: list[bool] = []

        price = self._price(record)

        def before_send() -> bool:
            if not began:  # a refused submit's retry calls it again: recorded once
                began.append(self.store.begin_video_submit(video_id, self.worker, price))
            return began[0]

        try:
            client = self.clients(vendor)
            remix_of = record.fields.get("remix_of")
            if remix_of:
                task = await client.remix(
                    remix_of, record.fields["request"]["prompt"], before_send=before_send
                )
            else:
                task = await client.submit(self._request(record), before_send=before_send)
        except SubmitCancelledError:
            return  # deleted before it was sent: recorded as such, nothing paid
        except SubmissionUncertainError as error:
            self._fail(video_id, error, "submission_uncertain", uncertain=True)
            return
        except SoraError as error:
            if error.task is None:
                self._fail(video_id, error, error_code(error), uncertain=False)
                return
            task = error.task
        except asyncio.CancelledError:
            if began and began[0]:  # cut off on the wire at shutdown: a restart says uncertain
                raise
            self.store.release(video_id)  # never sent: the next start sends it
            raise
        except Exception as error:
            logger.exception("gateway: submitting %s failed unexpectedly", video_id)
            self._fail(video_id, error, "submission_uncertain", uncertain=bool(began))
            return
        finally:
            if began:  # sent (or settled): the frame is never needed again
                input_path(self.files, video_id).unlink(missing_ok=True)
        self.store.submitted(video_id, str(task))
        if task.cost is not None:  # the vendor's own figure (evolink's create answer)
            self.store.settle_cost(str(task), task.cost.amount)

    def _price(self, record: JobRecord) -> float | None:
        """The price the ledger reserves for this video's submit (None: not published)."""
        vendor = record.vendor or ""
        try:
            remix_of = record.fields.get("remix_of")
            if remix_of:
                source = Task.parse(remix_of)
                prompt = record.fields["request"]["prompt"]
                return estimate(vendor, remix_request(vendor, source, prompt, {})).amount
            return estimate(vendor, request_from_fields(record.fields["request"])).amount
        except (SoraError, KeyError, TypeError, ValueError):
            return None  # the submit itself refuses what cannot be planned

    def _fail(self, video_id: str, error: Exception, code: str, *, uncertain: bool) -> None:
        message = str(error)  # the client scrubbed its key from it
        logger.warning("gateway: %s failed at submit (%s): %s", video_id, code, message)
        self.store.settle(
            video_id,
            "failed",
            error=message,
            code=code,
            from_states=("pending", "submitting"),
            job_state="uncertain" if uncertain else "failed",
        )


class Outbox:
    """Delivers the store's webhook events: at least once, each with its one event id."""

    def __init__(
        self,
        store: GatewayStore,
        target: WebhookTarget,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.store = store
        self.target = target
        self.http = httpx.AsyncClient(
            transport=transport, timeout=10.0, verify=shared_ssl_context()
        )
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while True:
            for event in self.store.due_events():
                await self._attempt(event.event_id, event.body, event.attempts)
            soonest = self.store.next_event_at()
            pause = IDLE_POLL_SECONDS if soonest is None else soonest - time.time()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(0.0, min(pause, IDLE_POLL_SECONDS)))
            self._wake.clear()

    async def _attempt(self, event_id: str, body: bytes, attempts: int) -> None:
        try:
            answer = await self.http.post(
                self.target.url, content=body, headers=signed_headers(self.target, event_id, body)
            )
            delivered = 200 <= answer.status_code < 300
            why = f"HTTP {answer.status_code}"
        except httpx.HTTPError as error:
            delivered, why = False, type(error).__name__
        if delivered:
            self.store.event_attempted(event_id, delivered=True)
            return
        attempt = attempts + 1
        retry_at = None
        if attempt < DELIVERY_ATTEMPTS:
            retry_at = time.time() + FIRST_RETRY_SECONDS * 2 ** (attempt - 1)
        logger.warning(
            "webhook %s: %s (attempt %d of %d%s)",
            event_id,
            why,
            attempt,
            DELIVERY_ATTEMPTS,
            "" if retry_at else ", given up",
        )
        self.store.event_attempted(event_id, delivered=False, retry_at=retry_at)

    async def close(self) -> None:
        await self.http.aclose()
