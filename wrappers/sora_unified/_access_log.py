"""One line per request a server answered: method, path, status and time. The query string
and headers are left out (a key or a signed link may be there)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Request:
    """What the access log is told of one answered request."""

    method: str
    path: str
    status: int
    milliseconds: float

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status} {self.milliseconds:.0f} ms"


class AccessLog:
    """ASGI middleware calling `write(Request)` once each HTTP answer has been sent."""

    def __init__(self, app: App, write: Callable[[Request], None]) -> None:
        self.app = app
        self.write = write

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        status = 500  # what the client sees if the app fails before it answers

        async def sending(message: Message) -> None:
            nonlocal status
            if message.get("type") == "http.response.start":
                status = int(message.get("status", 500))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            path = str(scope.get("path", ""))[:200]
            elapsed = (time.monotonic() - started) * 1000
            self.write(Request(str(scope.get("method", "")), path, status, elapsed))
