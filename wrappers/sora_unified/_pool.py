"""A linear assignment pass for httpcore's connection pools.

httpcore 1.0's pool runs `_assign_requests_to_connections` twice per request (when a request
arrives and when its response closes). That pass is quadratic in the pool's size: for every
idle connection it builds a list of all connections, and for every queued request it filters
all connections twice. It also hands one idle HTTP/1.1 connection to every queued request, and
again in later passes until the winner starts on it: the others wake, fail with
`ConnectionNotAvailable` and queue again, each failure another pass. With a pool of 20
connections this bookkeeping was the largest part of AsyncClient's CPU under load
(encode/httpcore#1035, #1110; the httpx2 fork rewrote the pass the same way).

`linear_pools(client)` gives the pools of a client's own transports a pass that walks the
connections and requests once each and gives an idle connection to one request at a time. What
it decides is otherwise what httpcore decides: the same connections are dropped (closed),
closed (expired, surplus keep-alive by httpcore's own count) and created, in the same order. A
pool that is not exactly httpcore 1.0's, or that may speak HTTP/2 (one connection serving many
requests), keeps httpcore's pass.
"""

from __future__ import annotations

import types
from typing import Any

import httpcore
import httpx

_POOLS = (httpcore.ConnectionPool, httpcore.AsyncConnectionPool)
# The pool's private state this pass reads and writes, as httpcore 1.0 names it.
_STATE = ("_connections", "_requests", "_max_connections", "_max_keepalive_connections", "_http2")


def linear_pools(client: httpx.Client | httpx.AsyncClient) -> int:
    """Give the pools of `client`'s transports the linear pass; returns how many it changed."""
    changed = 0
    if not httpcore.__version__.startswith("1.0."):
        return changed
    for transport in [client._transport, *client._mounts.values()]:
        pool = getattr(transport, "_pool", None)
        if (
            type(pool) in _POOLS
            and all(hasattr(pool, name) for name in _STATE)
            and pool._http2 is False  # type: ignore[union-attr]
        ):
            pool._assign_requests_to_connections = types.MethodType(assign_linear, pool)  # type: ignore[union-attr]
            changed += 1
    return changed


def assign_linear(pool: Any) -> list[Any]:
    """httpcore's `_assign_requests_to_connections`, in one walk of connections and requests.

    Returns the connections to close (the pool closes them outside its lock)."""
    closing: list[Any] = []
    # A connection handed to a request that has not started on it yet is still idle: it is
    # spoken for, neither to be given to another request nor closed to make room.
    reserved: set[int] = set()
    queued: list[Any] = []
    for request in pool._requests:
        if request.connection:
            reserved.add(id(request.connection))
        if request.is_queued():
            queued.append(request)

    # Clean-up, as httpcore does it: drop closed connections, close expired ones, and close an
    # idle connection while the pool holds more connections than it keeps alive.
    size = len(pool._connections)
    keep_alive = pool._max_keepalive_connections
    kept: list[Any] = []
    for connection in pool._connections:
        if connection.is_closed():
            size -= 1
        elif connection.has_expired() or (
            size > keep_alive and connection.is_idle() and id(connection) not in reserved
        ):
            size -= 1
            closing.append(connection)
        else:
            kept.append(connection)
    if len(kept) != len(pool._connections):
        pool._connections[:] = kept
    if not queued:
        return closing

    # Insertion-ordered sets (dicts): taken in the pool's order, removed in constant time.
    available: dict[Any, None] = {}
    idle: dict[Any, None] = {}
    for connection in kept:
        if id(connection) not in reserved:
            if connection.is_available():
                available[connection] = None
            if connection.is_idle():
                idle[connection] = None
    for request in queued:
        origin = request.request.url.origin
        connection = None
        for candidate in available:
            if candidate.can_handle_request(origin):
                connection = candidate
                break
        if connection is not None:
            # HTTP/1.1: one request per connection, so it leaves both sets.
            del available[connection]
            idle.pop(connection, None)
        elif len(pool._connections) < pool._max_connections:
            connection = pool.create_connection(origin)
            pool._connections.append(connection)
        elif idle:
            surplus = next(iter(idle))
            del idle[surplus]
            available.pop(surplus, None)
            pool._connections.remove(surplus)
            closing.append(surplus)
            connection = pool.create_connection(origin)
            pool._connections.append(connection)
        else:
            continue  # stays queued until a connection frees up
        request.assign_to_connection(connection)
    return closing
