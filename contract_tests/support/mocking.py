"""Strict respx routers injected as a transport (never patched into httpx globally), and
`run_client`: one test body run with either client over such a router."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import anyio
import httpx
import respx
from sora_unified import AsyncClient, Client

from contract_tests.support.fakes import KEY, FakeClock

FLAVOURS = ("sync", "async")


@contextmanager
def strict_router(base_url: str | None = None) -> Iterator[respx.Router]:
    """A router that fails on any unmocked request and, on exit, on any route never called."""
    router = respx.Router(assert_all_mocked=True, assert_all_called=True, base_url=base_url)
    yield router
    router.assert_all_called()


def transport(router: respx.Router) -> httpx.MockTransport:
    return httpx.MockTransport(router.handler)


def async_transport(router: respx.Router) -> httpx.MockTransport:
    return httpx.MockTransport(router.async_handler)


def run_client(
    flavour: str,
    vendor: str,
    router: respx.Router,
    action: Callable[[Any], Any],
    clock: FakeClock | None = None,
    **client_args: Any,
) -> Any:
    """Run `action(client)` with a Client ("sync") or an AsyncClient ("async", awaiting what
    the action returns) answering from the router, on `clock` (a fresh FakeClock by default);
    return the outcome: the result, or the exception raised."""
    clock = clock or FakeClock()
    if flavour == "sync":
        with Client(
            vendor, api_key=KEY, transport=transport(router), clock=clock, **client_args
        ) as client:
            try:
                return action(client)
            except Exception as error:
                return error

    async def main() -> Any:
        async with AsyncClient(
            vendor, api_key=KEY, transport=async_transport(router), clock=clock, **client_args
        ) as client:
            try:
                return await action(client)
            except Exception as error:
                return error

    return anyio.run(main)
