"""An ASGI app served by uvicorn on a background thread (the sandbox, the gateway)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from ._access_log import AccessLog, Request

__all__ = ["ThreadedServer"]

# How long a stop lets answers in flight finish before it cancels them.
_GRACE_SECONDS = 5.0
# How often uvicorn's per-second work (the Date header) runs while nothing else wakes the loop.
_TICK_SECONDS = 1.0


def _promptly_stopping_server(config: Any) -> Any:
    """A uvicorn server that stops as soon as it is told to.

    uvicorn's own loop looks at `should_exit` every 0.1 s and then waits in 0.1 s steps for
    connections to close: ~0.2 s per stop, which a test suite starting hundreds of sandboxes pays
    hundreds of times. This one is woken by `wake()` and polls the closing connections every few
    milliseconds; it still refreshes the Date header every second and lets answers in flight
    finish (up to `_GRACE_SECONDS`) before the app's lifespan shutdown.
    """
    import uvicorn

    class PromptServer(uvicorn.Server):
        def __init__(self, config: Any) -> None:
            super().__init__(config)
            self._wakeup = asyncio.Event()
            self._loop: asyncio.AbstractEventLoop | None = None

        def wake(self) -> None:
            """Called from another thread after `should_exit` is set."""
            loop = self._loop
            if loop is not None and not loop.is_closed():
                # The loop may close between the check and the call: then there is no one to wake.
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(self._wakeup.set)

        async def main_loop(self) -> None:
            self._loop = asyncio.get_running_loop()
            # on_tick refreshes the Date header when its counter is a multiple of 10: ours is
            # always one, and called once a second (or at once when woken).
            counter = 0
            while not await self.on_tick(counter):
                counter = (counter + 10) % 864000
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), _TICK_SECONDS)

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            for server in self.servers:
                server.close()
            for sock in sockets or []:
                sock.close()
            for connection in list(self.server_state.connections):
                connection.shutdown()
            loop = asyncio.get_running_loop()
            deadline = loop.time() + _GRACE_SECONDS
            state = self.server_state
            while (state.connections or state.tasks) and loop.time() < deadline:
                await asyncio.sleep(0.005)
            for task in list(state.tasks):
                task.cancel(msg="the server stopped before the answer finished")
            for server in self.servers:
                await server.wait_closed()
            if not self.force_exit:
                await self.lifespan.shutdown()

    return PromptServer(config)


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
        self._server = _promptly_stopping_server(config)
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
            self._server.wake()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None
        self.url = None
