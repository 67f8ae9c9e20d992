"""`sora-unified serve`: OpenAI's Videos API in front of kie, evolink and modelverse.

Applications written for OpenAI's (shut down) Sora API keep their code and change one
`base_url`: `OpenAI(base_url="http://127.0.0.1:8000/v1", api_key=<a gateway key>)`.
The gateway has its own keys (`SORA_UNIFIED_GATEWAY_KEYS`, `name:key` items, comma-separated,
Bearer), one per tenant: each sees and pays with only its own videos. The vendor keys stay on
the server. It binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from .._access_log import Request
from .._client import AsyncClient
from .._server import ThreadedServer
from ..errors import ConfigurationError
from ..vendors import VENDOR_NAMES
from ._config import DEFAULT_MAX_BODY_BYTES, GatewayConfig
from ._keys import (
    GATEWAY_KEYS_ENV,
    GATEWAY_KEYS_FILE_ENV,
    GatewayKey,
    Tenant,
    fingerprint,
    gateway_keys,
    parse_keys,
)
from ._openai import DEFAULT_MODELS, OpenAIError, route
from ._routes import build_app
from ._store import GatewayStore
from ._videos import video_object
from ._webhooks import WebhookTarget, sign

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MODELS",
    "GATEWAY_KEYS_ENV",
    "GATEWAY_KEYS_FILE_ENV",
    "Gateway",
    "GatewayConfig",
    "GatewayKey",
    "GatewayStore",
    "OpenAIError",
    "Tenant",
    "WebhookTarget",
    "build_app",
    "clients_for",
    "fingerprint",
    "gateway_keys",
    "parse_keys",
    "route",
    "sign",
    "video_object",
]


class Gateway:
    """The gateway served on a background thread (tests, notebooks): `with Gateway(...) as g:`
    then `OpenAI(base_url=g.url + "/v1", api_key=key)`. `keys`: `GatewayKey`s (named tenants)
    or plain key strings (each its own tenant)."""

    def __init__(
        self,
        *,
        vendor: str,
        keys: tuple[GatewayKey | str, ...],
        db: str | Path,
        clients: Callable[[str], AsyncClient],
        poll_after_ms: int = 2000,
        webhook: WebhookTarget | None = None,
        watch_seconds: float = 5.0,
        webhook_transport: httpx.AsyncBaseTransport | None = None,
        vendors: tuple[str, ...] = VENDOR_NAMES,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        submit_slots: int = 4,
        retry_window_seconds: float = 600.0,
    ) -> None:
        if not keys:
            raise ConfigurationError(f"the gateway needs at least one key ({GATEWAY_KEYS_ENV})")
        tenants = tuple(k if isinstance(k, GatewayKey) else GatewayKey(k) for k in keys)
        self.store = GatewayStore(db)
        self.config = GatewayConfig(
            vendor=vendor,
            keys=tenants,
            store=self.store,
            clients=clients,
            files=Path(f"{db}.files"),
            poll_after_ms=poll_after_ms,
            webhook=webhook,
            watch_seconds=watch_seconds,
            webhook_transport=webhook_transport,
            vendors=vendors,
            max_body_bytes=max_body_bytes,
            submit_slots=submit_slots,
            retry_window_seconds=retry_window_seconds,
        )
        self.app = build_app(self.config)
        self._server = ThreadedServer(self.app)
        self.url: str | None = None

    def __repr__(self) -> str:
        return f"Gateway(vendor={self.config.vendor!r}, url={self.url!r})"  # no keys

    def start(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        access_log: Callable[[Request], None] | None = None,
    ) -> Gateway:
        """Serve on host:port; returns once it accepts connections. `access_log` is told of
        each answered request (method, path, status, time; never a header or query)."""
        self.url = self._server.start(host, port, access_log)
        return self

    def stop(self) -> None:
        self._server.stop()
        self.url = None
        self.store.close()

    def __enter__(self) -> Gateway:
        return self.start() if self.url is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def clients_for(options: Callable[[str], dict[str, Any]]) -> Callable[[str], AsyncClient]:
    """One AsyncClient per vendor, made on first use with `options(vendor)`."""
    made: dict[str, AsyncClient] = {}

    def client(vendor: str) -> AsyncClient:
        if vendor not in made:
            made[vendor] = AsyncClient(vendor, **options(vendor))
        return made[vendor]

    return client
