"""The gateway's HTTP edge: a body limit enforced while reading, a log line for every refusal,
and OpenAI's error envelope for what Starlette would answer in plain text (unknown paths, wrong
methods, unforeseen errors).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ._openai import OpenAIError, error_body

__all__ = [
    "BodyLimit",
    "BodyTooLargeError",
    "RequestLog",
    "envelope",
    "not_served",
    "unforeseen",
]

logger = logging.getLogger("sora_unified.gateway")
Receive = Callable[[], Awaitable[Any]]
Send = Callable[[Any], Awaitable[None]]
ASGIApp = Callable[[dict[str, Any], Receive, Send], Awaitable[None]]


def envelope(error: OpenAIError, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(error), status_code=error.status, headers=headers)


class BodyTooLargeError(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit

    def answer(self) -> OpenAIError:
        return OpenAIError(
            413,
            f"The request body is larger than this gateway takes ({self.limit:,} bytes;"
            " the operator sets it with --max-body-mb).",
            code="request_too_large",
        )


class BodyLimit:
    """Refuses a body over `limit` bytes: at once when its Content-Length says so, else as soon
    as that many bytes have been read, so memory stays bounded whatever the caller sends."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            answer = envelope(BodyTooLargeError(self.limit).answer(), {"connection": "close"})
            await answer(scope, receive, send)
            return
        seen = 0

        async def limited() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLargeError(self.limit)
            return message

        await self.app(scope, limited, send)


def _printable(text: str) -> str:
    """A caller's path as a log shows it: no control characters to forge log lines with."""
    return json.dumps(text, ensure_ascii=True)[1:-1]


class RequestLog:
    """One log line per answer (method, path, status, tenant name, time; never a key):
    refusals at WARNING, the rest at DEBUG."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: list[int] = []

        async def noting(message: Any) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            code = status[0] if status else 500
            tenant = (scope.get("state") or {}).get("tenant", "-")
            logger.log(
                logging.WARNING if code >= 400 else logging.DEBUG,
                "%s %s -> %d (%s, %.0f ms)",
                scope.get("method", "?"),
                _printable(scope.get("path", "")),
                code,
                tenant,
                (time.perf_counter() - started) * 1000,
            )


def not_served(
    refusal: Callable[[Request], OpenAIError | None],
) -> Callable[[Request, Exception], Response]:
    """Starlette's own 404 and 405 in OpenAI's envelope, after authentication (`refusal` says
    why a request is not authorised, so an unknown path tells a stranger nothing); a 405 names
    every method the path takes."""

    def answer(request: Request, error: Exception) -> Response:
        refused = refusal(request)
        if refused is not None:
            return envelope(refused)
        return _not_served(request, error)

    return answer


def _not_served(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 405:
        allow = (error.headers or {}).get("Allow", "")
        return envelope(
            OpenAIError(
                405,
                f"{request.method} is not allowed on {_printable(request.url.path)};"
                f" allowed: {allow}.",
                code="method_not_allowed",
            ),
            {"Allow": allow},
        )
    if error.status_code == 404:
        return envelope(
            OpenAIError(
                404,
                f"Invalid URL ({request.method} {_printable(request.url.path)}).",
                code="unknown_url",
            )
        )
    return envelope(OpenAIError(error.status_code, str(error.detail), code="invalid_request"))


def unforeseen(request: Request, error: Exception) -> Response:
    """A bug, not the caller's fault: logged with its traceback, answered in the envelope."""
    logger.error(
        "gateway: %s %s failed unexpectedly",
        request.method,
        _printable(request.url.path),
        exc_info=error,
    )
    return envelope(
        OpenAIError(
            500,
            "The gateway failed unexpectedly; the operator's log has the details.",
            kind="server_error",
            code="internal_error",
        )
    )
