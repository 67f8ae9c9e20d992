"""The one boundary between sora_unified and the network.

Adapters describe a request as an `HttpCall`; `send` and `send_async` perform it and turn
every httpx transport exception into `APIConnectionError` / `APITimeoutError`, recording
whether the request may have reached the vendor (`request_sent`): a submit that may have
been sent must never be repeated automatically.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from .errors import APIConnectionError, APITimeoutError

logger = logging.getLogger("sora_unified")

# Raised before a single byte of the request left this machine.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


@dataclass(frozen=True, slots=True)
class HttpCall:
    """A request an adapter wants made. `operation` names it for logs and error mapping."""

    operation: str
    method: str
    path: str
    params: Mapping[str, str] | None = None
    json: Any = None
    creates_task: bool = False


@dataclass(frozen=True, slots=True)
class HttpReply:
    status_code: int
    headers: Mapping[str, str]
    content: bytes
    _decoded: list[Any] = field(default_factory=list, repr=False, compare=False)

    def json(self) -> Any:
        """The decoded JSON body; raises ValueError for an empty, truncated or non-JSON body."""
        if not self._decoded:
            self._decoded.append(json.loads(self.content))
        return self._decoded[0]

    def json_or_none(self) -> Any:
        try:
            return self.json()
        except ValueError:
            return None


def _translate(error: httpx.TransportError, vendor: str, call: HttpCall) -> APIConnectionError:
    sent = not isinstance(error, _NOT_SENT)
    what = f"{call.method} {call.path}"
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(
            f"{vendor}: {what} timed out ({type(error).__name__})", vendor=vendor, request_sent=sent
        )
    return APIConnectionError(
        f"{vendor}: {what} failed: {type(error).__name__}: {error}",
        vendor=vendor,
        request_sent=sent,
    )


def _reply(response: httpx.Response) -> HttpReply:
    return HttpReply(response.status_code, response.headers, response.content)


def _log(vendor: str, call: HttpCall, status: int | str, started: float) -> None:
    logger.debug(
        "%s %s %s -> %s (%.2f s)",
        vendor,
        call.method,
        call.path,
        status,
        time.monotonic() - started,
    )


def send(client: httpx.Client, vendor: str, call: HttpCall) -> HttpReply:
    started = time.monotonic()
    try:
        response = client.request(call.method, call.path, params=call.params, json=call.json)
    except httpx.TransportError as error:
        _log(vendor, call, type(error).__name__, started)
        raise _translate(error, vendor, call) from error
    _log(vendor, call, response.status_code, started)
    return _reply(response)


async def send_async(client: httpx.AsyncClient, vendor: str, call: HttpCall) -> HttpReply:
    started = time.monotonic()
    try:
        response = await client.request(call.method, call.path, params=call.params, json=call.json)
    except httpx.TransportError as error:
        _log(vendor, call, type(error).__name__, started)
        raise _translate(error, vendor, call) from error
    _log(vendor, call, response.status_code, started)
    return _reply(response)
