"""The uvicorn thread behind the sandbox and the gateway: it stops at once, but not rudely."""

from __future__ import annotations

import asyncio
import email.utils
import threading
import time
from typing import Any

import httpx
import pytest
from sora_unified._server import ThreadedServer


def _app(started: threading.Event, release: threading.Event) -> Any:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["path"] == "/slow":
            started.set()
            while not release.is_set():
                await asyncio.sleep(0.01)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"answered"})

    return app


def test_the_server_sends_a_current_date_header_and_refuses_connections_once_stopped() -> None:
    server = ThreadedServer(_app(threading.Event(), threading.Event()))
    url = server.start("127.0.0.1", 0)
    try:
        reply = httpx.get(f"{url}/fast", timeout=5)
        assert reply.text == "answered"
        sent = email.utils.parsedate_to_datetime(reply.headers["date"]).timestamp()
        assert abs(sent - time.time()) < 5
    finally:
        server.stop()
    assert server.url is None
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/fast", timeout=5)


def test_an_answer_in_flight_when_the_server_stops_is_still_sent() -> None:
    started, release = threading.Event(), threading.Event()
    server = ThreadedServer(_app(started, release))
    url = server.start("127.0.0.1", 0)
    answers: list[httpx.Response | BaseException] = []

    def ask() -> None:
        try:
            answers.append(httpx.get(f"{url}/slow", timeout=10))
        except BaseException as error:  # recorded for the assertion below
            answers.append(error)

    asking = threading.Thread(target=ask)
    asking.start()
    assert started.wait(5)
    stopping = threading.Thread(target=server.stop)
    stopping.start()
    # The stop waits for the answer: it is still under way while the app holds the request.
    stopping.join(0.2)
    assert stopping.is_alive()
    release.set()
    stopping.join(10)
    asking.join(10)
    assert not stopping.is_alive()
    [answer] = answers
    assert isinstance(answer, httpx.Response), answer
    assert answer.text == "answered"
