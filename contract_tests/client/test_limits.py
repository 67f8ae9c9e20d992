"""Bounded concurrency, the connection pool sized to it, client-side rate limits, the lazy
download client and what a clean install needs (sniffio).

Numbers come from the adapters' documented limits and the client's own settings; waits run on
fake clocks, and concurrency is observed with requests held open by a transport.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import json
import re
from typing import Any

import httpx
import pytest
from sora_unified import AsyncClient, Client, ConfigurationError, RateLimit, VideoRequest
from sora_unified.sandbox import client_options
from sora_unified.vendors import load_adapter

from contract_tests.support.fakes import BASE_URLS, KEY, RUNNING, FakeClock, created, status_body

REQUEST = {
    "kie": VideoRequest(prompt="p", seconds=10),
    "evolink": VideoRequest(prompt="p", seconds=4, model="sora-2-pro-preview"),
    "modelverse": VideoRequest(prompt="p", seconds=4),
}


def _answering(vendor: str) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(200, json=created(vendor))
        return httpx.Response(200, json=status_body(vendor, RUNNING[vendor]))

    return httpx.MockTransport(answer)


def _waits(clock: FakeClock) -> list[float]:
    return [round(seconds, 6) for seconds in clock.sleeps]


@pytest.mark.parametrize("vendor", ["kie", "evolink", "modelverse"])
def test_submits_follow_the_documented_window(vendor: str) -> None:
    """kie documents 20 new generations per 10 s: the 21st waits until the first leaves the
    window. A vendor that documents none is not slowed down."""
    limit = load_adapter(vendor).documented_rate_limits.get("submit")
    clock = FakeClock()
    client = Client(
        vendor, api_key=KEY, base_url=BASE_URLS[vendor], transport=_answering(vendor), clock=clock
    )
    assert client.rate_limits == dict(load_adapter(vendor).documented_rate_limits)
    count = (limit.requests if limit else 20) + 1
    for _ in range(count):
        client.submit(REQUEST[vendor])
    if limit is None:
        assert clock.sleeps == []
        return
    assert _waits(clock) == [limit.per_seconds]  # only the one past the window waited
    assert clock.monotonic() == pytest.approx(limit.per_seconds)


def test_status_reads_follow_their_own_window() -> None:
    limit = load_adapter("kie").documented_rate_limits["status"]
    clock = FakeClock()
    client = Client("kie", api_key=KEY, transport=_answering("kie"), clock=clock)
    task = client.submit(REQUEST["kie"])
    for _ in range(limit.requests * 2 + 1):
        client.retrieve(task)
    # Two full windows later: each burst of `requests` reads starts a window after the last.
    assert _waits(clock) == [limit.per_seconds, limit.per_seconds]


def test_rate_limits_can_be_replaced_or_turned_off() -> None:
    clock = FakeClock()
    client = Client(
        "kie",
        api_key=KEY,
        transport=_answering("kie"),
        clock=clock,
        rate_limits={"submit": RateLimit(2, 60.0)},
    )
    for _ in range(3):
        client.submit(REQUEST["kie"])
    assert _waits(clock) == [60.0]
    off = Client("kie", api_key=KEY, transport=_answering("kie"), clock=FakeClock(), rate_limits={})
    assert off.rate_limits == {}
    for _ in range(30):
        off.submit(REQUEST["kie"])
    assert off._clock.sleeps == []  # type: ignore[attr-defined]


def test_clients_of_one_account_share_the_window() -> None:
    """The vendor counts per key: two clients (real clocks) of one key share one limiter;
    another key has its own."""
    first = Client("kie", api_key="sk-shared-1")
    second = Client("kie", api_key="sk-shared-1")
    other = Client("kie", api_key="sk-shared-2")
    assert first._limiter is second._limiter
    assert first._limiter is not other._limiter
    assert "sk-shared-1" not in repr(first._limiter.__dict__)


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ({"submits": RateLimit(1, 1.0)}, "'submits' is not one of submit, status"),
        ({"submit": (20, 10)}, "must be a RateLimit"),
        ([("submit", RateLimit(1, 1.0))], "must be a mapping"),
    ],
)
def test_bad_rate_limits_are_refused_by_name(value: Any, named: str) -> None:
    with pytest.raises(ConfigurationError, match=re.escape(named)):
        Client("kie", api_key=KEY, rate_limits=value)


@pytest.mark.parametrize(
    ("arguments", "named"),
    [((0, 1.0), "requests must be a whole number >= 1; got 0"), ((1, 0), "> 0; got 0")],
)
def test_a_bad_rate_limit_is_refused_by_name(arguments: tuple[Any, Any], named: str) -> None:
    with pytest.raises(ConfigurationError, match=re.escape(named)):
        RateLimit(*arguments)


@pytest.mark.parametrize("value", [0, -1, 2.5, True, "8"])
def test_max_concurrency_is_checked(value: Any) -> None:
    with pytest.raises(
        ConfigurationError,
        match=re.escape(f"max_concurrency must be a whole number >= 1; got {value!r}"),
    ):
        Client("kie", api_key=KEY, max_concurrency=value)


@pytest.mark.parametrize("client_class", [Client, AsyncClient])
def test_the_pool_is_sized_to_the_requests_in_flight(client_class: Any) -> None:
    client = client_class("evolink", api_key=KEY, max_concurrency=7)
    pool = client._http._transport._pool
    assert client.max_concurrency == 7
    assert (pool._max_connections, pool._max_keepalive_connections) == (7, 7)


class _Held(httpx.AsyncBaseTransport):
    """Answers each request only when released, and records the most held at once."""

    def __init__(self, vendor: str) -> None:
        self.vendor = vendor
        self.in_flight = 0
        self.most = 0
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        try:
            await self.release.wait()
        finally:
            self.in_flight -= 1
        return httpx.Response(200, json=status_body(self.vendor, "processing"))


def test_async_requests_in_flight_never_exceed_max_concurrency() -> None:
    async def run() -> int:
        transport = _Held("evolink")
        client = AsyncClient(
            "evolink",
            api_key=KEY,
            base_url=BASE_URLS["evolink"],
            transport=transport,
            clock=FakeClock(),
            max_concurrency=3,
        )
        reads = [
            asyncio.create_task(client.retrieve(f"evolink:task-unified-{n}")) for n in range(10)
        ]
        for _ in range(20):
            await asyncio.sleep(0)
        assert transport.in_flight == 3  # the other seven wait their turn, none is lost
        transport.release.set()
        videos = await asyncio.gather(*reads)
        assert len(videos) == 10
        await client.close()
        return transport.most

    assert asyncio.run(run()) == 3
    assert asyncio.run(run()) == 3  # a second event loop gets its own slots


def test_sync_requests_in_flight_never_exceed_max_concurrency() -> None:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    lock, state = threading.Lock(), {"now": 0, "most": 0}
    gate = threading.Event()

    def answer(request: httpx.Request) -> httpx.Response:
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        gate.wait(5)
        with lock:
            state["now"] -= 1
        return httpx.Response(200, json=status_body("evolink", "processing"))

    client = Client(
        "evolink",
        api_key=KEY,
        transport=httpx.MockTransport(answer),
        clock=FakeClock(),
        max_concurrency=2,
    )
    with ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(client.retrieve, f"evolink:task-unified-{n}") for n in range(6)]
        threading.Event().wait(0.2)  # the pool has started every read it was allowed to
        with lock:
            assert state["now"] == 2
        gate.set()
        assert all(f.result(5).status == "in_progress" for f in futures)
    assert state["most"] == 2


def test_the_download_client_is_made_on_first_download_only() -> None:
    client = Client("kie", api_key=KEY)
    assert client._files_client is None
    downloader = client._files
    assert client._files is downloader  # made once
    client.close()


def test_sandbox_options_turn_client_side_limits_off() -> None:
    """The sandbox runs a job's minutes in seconds: the vendor's windows would be out of scale."""
    options = client_options("http://127.0.0.1:1", "kie")
    assert Client("kie", **options).rate_limits == {}


def test_a_clean_install_brings_sniffio() -> None:
    requirements = importlib.metadata.requires("sora-unified") or []
    assert any(re.match(r"sniffio\b", line) for line in requirements)


def test_validate_request_checks_like_submit_with_no_key_and_no_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sora_unified import ValidationError, validate_request

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("validate_request made a request")

    monkeypatch.setattr(httpx.Client, "send", refuse)
    monkeypatch.delenv("KIE_API_KEY", raising=False)
    assert (
        validate_request("kie", VideoRequest(prompt="p", seconds=10)) == "sora-2-pro-text-to-video"
    )
    assert validate_request("evolink", VideoRequest(prompt="p", seconds=4)) == "sora-2-preview"
    with pytest.raises(ValidationError, match="seconds 10, 15; got 7"):
        validate_request("kie", VideoRequest(prompt="p", seconds=7))


def test_a_pooled_connection_the_server_closed_is_not_reused() -> None:
    """The pool asks each idle connection whether it is readable (a closed one is: the end of
    the stream waits there); the fast answer sora_unified gives must keep that true, or the
    next request would be written into a dead connection."""
    import socket
    import threading

    closed_after_answer = threading.Event()

    def serve(listener: socket.socket) -> None:
        for _ in range(2):
            connection, _ = listener.accept()
            connection.recv(65536)
            body = json.dumps(status_body("evolink", "processing")).encode()
            connection.sendall(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                + f"content-length: {len(body)}\r\nconnection: keep-alive\r\n\r\n".encode()
                + body
            )
            connection.close()  # keep-alive promised, then closed: the pooled socket is dead
            closed_after_answer.set()

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    threading.Thread(target=serve, args=(listener,), daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"

    async def twice() -> list[str]:
        client = AsyncClient("evolink", api_key=KEY, base_url=url, max_retries=0)
        first = await client.retrieve("evolink:task-unified-1")
        closed_after_answer.wait(5)
        await asyncio.sleep(0.05)  # the FIN reaches our socket
        second = await client.retrieve("evolink:task-unified-1")
        await client.close()
        return [first.status, second.status]

    assert asyncio.run(twice()) == ["in_progress", "in_progress"]
    listener.close()


def test_a_thread_slot_comes_back_when_the_request_fails() -> None:
    import threading

    from sora_unified._limits import ThreadSlots

    slots = ThreadSlots(1)
    with pytest.raises(RuntimeError), slots:
        raise RuntimeError("the request failed")
    entered = threading.Event()

    def take() -> None:
        with slots:
            entered.set()

    worker = threading.Thread(target=take, daemon=True)
    worker.start()
    assert entered.wait(5)  # the one slot is free again
