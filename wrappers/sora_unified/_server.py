"""An ASGI app served by uvicorn on a background thread (the sandbox, the gateway)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from ._access_log import AccessLog, Request

__all__ = ["ThreadedServer"]


class ThreadedServer:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.url: str | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def start(
        self, host: str, port: int, access_log: Callable[[Request], None] | None = None
    ) -> str:
        """Serve on host:port; return the URL once connections are accepted. `access_log`
        is told of every answered request."""
        import uvicorn

        app = self.app if access_log is None else AccessLog(self.app, access_log)

        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted connections only when
        # the listening socket says so; without it every answer waits ~40 ms for delayed ACKs.
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        # loop="asyncio": uvloop, if installed, would be set as the process-wide policy by
        # uvicorn, changing the caller's own event loops. The HTTP parser is httptools when
        # installed (the sandbox extra brings it): several times faster than h11.
        config = uvicorn.Config(
            app, log_level="critical", lifespan="on", access_log=False, loop="asyncio"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        bound_host, bound_port = sock.getsockname()[:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        self.url = f"http://{shown}:{bound_port}"
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None
        self.url = None
