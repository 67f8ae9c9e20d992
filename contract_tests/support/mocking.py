"""Strict respx routers injected as a transport (never patched into httpx globally)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import respx


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
