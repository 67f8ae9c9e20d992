"""The one boundary between sora_unified and the network.

Adapters describe a request as an `HttpCall`; `send` and `send_async` perform it and translate
every failure into the error tree here, recording whether the request may have reached the
vendor (`request_sent`): a submit that may have been sent must never be repeated
automatically.

Deadlines: httpx's timeouts bound each connect, read and write, so a server trickling a byte
every few seconds keeps a request alive forever. `deadline(seconds)` bounds everything inside
it as a whole: the connection pool's network backend is wrapped so that every connect, read and
write is given at most the time left (sync and async alike, exact to the operation), and one
that would start after the deadline fails at once as a timeout.
"""

from __future__ import annotations

import contextlib
import logging
import select
import socket
import ssl
import time
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from functools import cache
from typing import Any

import httpcore
import httpx

from ._tls import LazyTrustContext
from ._wire import HttpCall, HttpReply
from .errors import APIConnectionError, APIError, APITimeoutError

logger = logging.getLogger("sora_unified")

# Raised before a single byte of the request left this machine.
_NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,  # h11 refuses what we would send before writing it
    httpx.InvalidURL,
)
_deadline: ContextVar[float | None] = ContextVar("sora_unified_deadline", default=None)


@contextlib.contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Bound every network operation inside by `seconds` from now; nesting only shortens."""
    if seconds is None:
        yield
        return
    end = time.monotonic() + max(0.0, seconds)
    outer = _deadline.get()
    token = _deadline.set(end if outer is None else min(outer, end))
    try:
        yield
    finally:
        _deadline.reset(token)


def _bounded(timeout: float | None, expired: type[Exception]) -> float | None:
    end = _deadline.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise expired("the request's overall deadline has passed")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_tcp(host, port, bounded, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_unix_socket(path, bounded, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _readable(sock: socket.socket | None) -> bool:
    """Whether a read would return at once (data, or the end of a closed connection)."""
    fd = -1 if sock is None else sock.fileno()
    if fd < 0:
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


class _AsyncStream(httpcore.AsyncNetworkStream):
    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket: socket.socket | None = None

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._inner.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and hasattr(select, "poll"):
            # httpcore asks this of every pooled connection on every request, and anyio
            # rebuilds its attribute table for each ask (~30 us): with a pool of 20 that was
            # most of AsyncClient's CPU. The socket is looked up once.
            if self._socket is None:
                self._socket = self._inner.get_extra_info("socket")
            return _readable(self._socket)
        return self._inner.get_extra_info(info)


class _AsyncBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self._inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        stream = await self._inner.connect_tcp(host, port, bounded, local_address, socket_options)
        return _AsyncStream(stream)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.AsyncNetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._inner.connect_unix_socket(path, bounded, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def bound_by_deadlines(client: httpx.Client | httpx.AsyncClient) -> int:
    """Wrap the network backend of every connection pool the client owns (its transport and
    its proxy mounts) so `deadline()` applies; returns how many pools were wrapped. A transport
    passed in by the caller (a test double) is left alone."""
    transports: list[Any] = [client._transport, *client._mounts.values()]
    wrapped = 0
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(transport, httpx.HTTPTransport) and backend is not None:
            if not isinstance(backend, _Backend):
                pool._network_backend = _Backend(backend)  # type: ignore[union-attr]
            wrapped += 1
        elif isinstance(transport, httpx.AsyncHTTPTransport) and backend is not None:
            if not isinstance(backend, _AsyncBackend):
                pool._network_backend = _AsyncBackend(backend)  # type: ignore[union-attr]
            wrapped += 1
    return wrapped


@cache
def shared_ssl_context() -> ssl.SSLContext:
    """One verifying TLS context per process, reading its CA bundle at the first handshake."""
    return LazyTrustContext()


def _translate(error: httpx.HTTPError, vendor: str, call: HttpCall) -> APIConnectionError:
    sent = not isinstance(error, _NOT_SENT)
    what = f"{call.method} {call.path}"
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(
            f"{vendor}: {what} timed out ({type(error).__name__}: {error})",
            vendor=vendor,
            request_sent=sent,
        )
    return APIConnectionError(
        f"{vendor}: {what} failed: {type(error).__name__}: {error}",
        vendor=vendor,
        request_sent=sent,
    )


def _undecodable(vendor: str, call: HttpCall, status: int, error: Exception) -> APIError:
    broken = APIError(
        f"{call.operation}: HTTP {status} with a body that could not be read"
        f" ({type(error).__name__}: {error})",
        vendor=vendor,
        status_code=status,
        retryable=True,  # reading it again may work (never a submit: see _retry)
    )
    broken.from_vendor = False
    return broken


def _log(vendor: str, call: HttpCall, status: int | str, started: float) -> None:
    logger.debug(
        "%s %s %s -> %s (%.2f s)",
        vendor,
        call.method,
        call.path,
        status,
        time.monotonic() - started,
    )


def _build(
    client: httpx.Client | httpx.AsyncClient, call: HttpCall, headers: Mapping[str, str] | None
) -> httpx.Request:
    request = client.build_request(
        call.method, call.path, params=call.params, json=call.json, files=call.files, data=call.data
    )
    # Set on the built request rather than merged by build_request (a copy of every header,
    # ~2% of a loopback request); a header set here replaces the client's of that name alike.
    for name, value in (headers or {}).items():
        request.headers[name] = value
    return request


def send(
    client: httpx.Client,
    vendor: str,
    call: HttpCall,
    seconds: float | None,
    headers: Mapping[str, str] | None = None,
) -> HttpReply:
    """Make the call within `seconds` overall (body included), with `headers` (the key's:
    per request, so the client object never holds it)."""
    started = time.monotonic()
    status: int | None = None
    try:
        with deadline(seconds):
            response = client.send(_build(client, call, headers), stream=True)
            status = response.status_code
            try:
                content = response.read()
            finally:
                response.close()
    except httpx.DecodingError as error:
        _log(vendor, call, type(error).__name__, started)
        raise _undecodable(vendor, call, status or 0, error) from error
    except httpx.HTTPError as error:
        _log(vendor, call, type(error).__name__, started)
        raise _translate(error, vendor, call) from error
    _log(vendor, call, response.status_code, started)
    return HttpReply(response.status_code, response.headers, content)


async def send_async(
    client: httpx.AsyncClient,
    vendor: str,
    call: HttpCall,
    seconds: float | None,
    headers: Mapping[str, str] | None = None,
) -> HttpReply:
    started = time.monotonic()
    status: int | None = None
    try:
        with deadline(seconds):
            response = await client.send(_build(client, call, headers), stream=True)
            status = response.status_code
            try:
                content = await response.aread()
            finally:
                await response.aclose()
    except httpx.DecodingError as error:
        _log(vendor, call, type(error).__name__, started)
        raise _undecodable(vendor, call, status or 0, error) from error
    except httpx.HTTPError as error:
        _log(vendor, call, type(error).__name__, started)
        raise _translate(error, vendor, call) from error
    _log(vendor, call, response.status_code, started)
    return HttpReply(response.status_code, response.headers, content)
