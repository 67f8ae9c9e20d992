"""The linear assignment pass (`_pool`): decides what httpcore's own pass decides, in one walk,
without handing one idle connection to several requests or closing one that is spoken for.

The pass is checked against httpcore's own on generated pool states (fake connections in every
state, requests queued for several origins, some already holding a connection), then end to
end: clients get it on their own transports, and a burst far larger than the pool completes
over no more connections than the pool allows.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any, ClassVar

import anyio
import httpcore
import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sora_unified import AsyncClient, Client
from sora_unified._pool import assign_linear, linear_pools

from contract_tests.support.loopback import JsonAnswer

ORIGINS = [httpcore.URL(f"http://host-{n}.test/").origin for n in range(3)]


@dataclass(eq=False)
class FakeConnection:
    """A pooled connection in a given state (what the pass asks of it, nothing else)."""

    origin: Any
    state: str  # closed | expired | idle | busy | new

    def is_closed(self) -> bool:
        return self.state == "closed"

    def has_expired(self) -> bool:
        return self.state == "expired"

    def is_idle(self) -> bool:
        return self.state == "idle"

    def is_available(self) -> bool:
        return self.state == "idle"  # HTTP/1.1: only an idle connection takes a request

    def can_handle_request(self, origin: Any) -> bool:
        return bool(origin == self.origin)


@dataclass(eq=False)
class FakeRequest:
    origin: Any
    connection: Any = None
    assigned: list[Any] = field(default_factory=list)

    @property
    def request(self) -> Any:
        return httpcore.Request("GET", f"{self.origin}/")

    def is_queued(self) -> bool:
        return self.connection is None

    def assign_to_connection(self, connection: Any) -> None:
        self.connection = connection
        self.assigned.append(connection)


STATES = st.sampled_from(["closed", "expired", "idle", "busy"])
CONNECTIONS = st.lists(st.tuples(st.sampled_from(range(3)), STATES), max_size=8)
REQUESTS = st.lists(st.tuples(st.sampled_from(range(3)), st.booleans()), max_size=8)


def _pool(
    max_connections: int, keepalive: int, connections: list[tuple[int, str]], requests: Any
) -> httpcore.AsyncConnectionPool:
    pool = httpcore.AsyncConnectionPool(
        max_connections=max_connections, max_keepalive_connections=keepalive
    )
    pool._connections = [FakeConnection(ORIGINS[o], s) for o, s in connections]  # type: ignore[misc]
    idle = [c for c in pool._connections if c.state == "idle"]  # type: ignore[attr-defined]
    made: list[Any] = []
    for origin, holds in requests:
        # A request that was given an idle connection in an earlier pass and has not started.
        held = next((c for c in idle if c.origin == ORIGINS[origin]), None) if holds else None
        if held is not None:
            idle.remove(held)
        made.append(FakeRequest(ORIGINS[origin], held))
    pool._requests = made
    return pool


def _pair(*state: Any) -> tuple[Any, Any]:
    return _pool(*state), _pool(*state)


def _names(pool: Any, connections: list[Any]) -> list[Any]:
    """Connections by position in the pool's starting list; new ones by origin."""
    return [pool.start.index(c) if c in pool.start else ("new", c._origin) for c in connections]


def _run(pool: Any, assign: Any) -> list[Any]:
    pool.start = list(pool._connections)
    return _names(pool, assign(pool))


STOCK = httpcore.AsyncConnectionPool._assign_requests_to_connections
LIMITS = {"max_connections": st.integers(1, 6), "keepalive": st.integers(0, 6)}


@settings(max_examples=300, deadline=None)
@given(**LIMITS, connections=CONNECTIONS)
def test_clean_up_is_httpcores(max_connections: int, keepalive: int, connections: Any) -> None:
    ours, theirs = _pair(max_connections, keepalive, connections, [])
    assert _run(ours, assign_linear) == _run(theirs, STOCK)
    assert _names(ours, ours._connections) == _names(theirs, theirs._connections)


@settings(max_examples=300, deadline=None)
@given(**LIMITS, connections=CONNECTIONS, origin=st.sampled_from(range(3)))
def test_a_queued_request_gets_what_httpcore_gives_it(
    max_connections: int, keepalive: int, connections: Any, origin: int
) -> None:
    # Reused, newly made, or made room for by closing an idle one: the same choice.
    ours, theirs = _pair(max_connections, keepalive, connections, [(origin, False)])
    assert _run(ours, assign_linear) == _run(theirs, STOCK)
    assert _names(ours, ours._requests[0].assigned) == _names(theirs, theirs._requests[0].assigned)
    assert _names(ours, ours._connections) == _names(theirs, theirs._connections)


@settings(max_examples=400, deadline=None)
@given(**LIMITS, connections=CONNECTIONS, requests=REQUESTS)
def test_many_requests_never_share_or_lose_a_connection(
    max_connections: int, keepalive: int, connections: Any, requests: Any
) -> None:
    pool = _pool(max_connections, keepalive, connections, requests)
    held = [r.connection for r in pool._requests if r.connection is not None]
    _run(pool, assign_linear)
    assert all(connection in pool._connections for connection in held)
    _check_invariants(pool, max_connections)


def _check_invariants(pool: Any, max_connections: int) -> None:
    holders: dict[int, int] = {}
    for request in pool._requests:
        if request.connection is not None:
            holders[id(request.connection)] = holders.get(id(request.connection), 0) + 1
    # One HTTP/1.1 connection serves one request: never handed to two.
    assert all(count == 1 for count in holders.values())
    for request in pool._requests:
        if request.assigned:
            connection = request.connection
            assert connection in pool._connections
            assert connection.can_handle_request(request.origin)
    # Nothing spoken for is closed; the pool never outgrows its limit by its own creations.
    assert all(not c.is_closed() for c in pool._connections)
    created = [c for c in pool._connections if c not in pool.start]
    assert len(pool._connections) <= max(max_connections, len(pool.start)) or not created


def test_an_idle_connection_goes_to_one_queued_request() -> None:
    pool = _pool(1, 1, [(0, "idle")], [(0, False), (0, False), (0, False)])
    assign_linear(pool)
    assert [r.connection is not None for r in pool._requests] == [True, False, False]


def test_a_connection_spoken_for_is_neither_reused_nor_closed_for_room() -> None:
    # One connection, full pool: it is held by a request that has not started; a request for
    # another origin must wait rather than close it (httpcore#1110).
    pool = _pool(1, 1, [(0, "idle")], [(0, True), (1, False)])
    held = pool._requests[0].connection  # type: ignore[attr-defined]
    assert assign_linear(pool) == []
    assert pool._connections == [held]
    assert pool._requests[1].connection is None  # type: ignore[attr-defined]


def test_a_full_pool_closes_an_idle_connection_to_make_room_for_another_origin() -> None:
    pool = _pool(1, 1, [(0, "idle")], [(1, False)])
    idle = pool._connections[0]
    assert assign_linear(pool) == [idle]
    assert pool._requests[0].connection is pool._connections[0] is not idle  # type: ignore[attr-defined]


def test_clean_up_matches_httpcores_count_of_surplus_keep_alive() -> None:
    # httpcore compares the pool's size (not its idle count) to max_keepalive_connections.
    state = (5, 1, [(0, "busy"), (0, "idle"), (0, "idle"), (0, "closed"), (0, "expired")], [])
    ours, theirs = _pair(*state)
    assert _run(ours, assign_linear) == _run(theirs, STOCK)
    assert ours._connections == [ours.start[0]]  # type: ignore[attr-defined]


# -- end to end -----------------------------------------------------------------------------------


class _Ok(JsonAnswer):
    protocol_version = "HTTP/1.1"  # keep-alive, so connections are reused
    body = (
        b'{"code":200,"msg":"success","data":{"taskId":"t","model":"sora-2-text-to-video",'
        b'"state":"waiting","param":"","resultJson":"","failCode":"","failMsg":""}}'
    )
    peers: ClassVar[set[int]] = set()
    lock: ClassVar[threading.Lock] = threading.Lock()

    def answering(self) -> None:
        with self.lock:
            self.peers.add(self.client_address[1])


@pytest.fixture
def server() -> Iterator[tuple[str, set[int]]]:
    peers: set[int] = set()
    handler = type("Handler", (_Ok,), {"peers": peers, "lock": threading.Lock()})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", peers
    finally:
        httpd.shutdown()
        httpd.server_close()


def _is_linear(client: Any) -> bool:
    method = client._http._transport._pool._assign_requests_to_connections
    return getattr(method, "__func__", None) is assign_linear


def test_clients_on_their_own_transport_get_the_linear_pass() -> None:
    with Client("kie", api_key="k", base_url="http://127.0.0.1:9") as sync_client:
        assert _is_linear(sync_client)
    async_client = AsyncClient("kie", api_key="k", base_url="http://127.0.0.1:9")
    assert _is_linear(async_client)


def test_a_pool_that_may_speak_http2_keeps_httpcores_pass() -> None:
    client = httpx.Client(http2=False)
    assert linear_pools(client) == 1
    pool = httpcore.ConnectionPool(http2=True)
    client._transport._pool = pool  # type: ignore[attr-defined]
    assert linear_pools(client) == 0


def test_an_async_burst_larger_than_the_pool_uses_at_most_the_pool(
    server: tuple[str, set[int]],
) -> None:
    url, peers = server

    async def burst() -> int:
        client = AsyncClient("kie", api_key="k", base_url=url, max_concurrency=8, rate_limits={})
        try:
            videos = []
            async with anyio.create_task_group() as group:
                for n in range(300):
                    group.start_soon(_retrieve, client, f"kie:t{n}", videos)
            return len(videos)
        finally:
            await client.close()

    assert anyio.run(burst) == 300
    assert 1 <= len(peers) <= 8


async def _retrieve(client: AsyncClient, task: str, into: list[Any]) -> None:
    into.append(await client.retrieve(task))


def test_a_threaded_burst_larger_than_the_pool_uses_at_most_the_pool(
    server: tuple[str, set[int]],
) -> None:
    url, peers = server
    done: list[Any] = []
    with Client("kie", api_key="k", base_url=url, max_concurrency=4, rate_limits={}) as client:
        threads = [
            threading.Thread(target=lambda n=n: done.append(client.retrieve(f"kie:t{n}")))
            for n in range(40)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert len(done) == 40
    assert 1 <= len(peers) <= 4
