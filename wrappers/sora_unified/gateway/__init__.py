"""`sora-unified serve`: OpenAI's Videos API in front of kie, evolink and modelverse.

Applications written for OpenAI's (shut down) Sora API keep their code and change one
`base_url`: `OpenAI(base_url="http://127.0.0.1:8000/v1", api_key=<a gateway key>)`.
The gateway has its own keys (`SORA_UNIFIED_GATEWAY_KEYS`, comma-separated, Bearer); the
vendor keys stay on the server. It binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from .._client import AsyncClient
from .._server import ThreadedServer
from ..batch import SQLiteJobStore
from ..errors import ConfigurationError
from ._app import GatewayConfig, build_app, video_object
from ._openai import DEFAULT_MODELS, OpenAIError, route
from ._webhooks import WebhookTarget, sign

__all__ = [
    "DEFAULT_MODELS",
    "GATEWAY_KEYS_ENV",
    "Gateway",
    "GatewayConfig",
    "OpenAIError",
    "WebhookTarget",
    "build_app",
    "gateway_keys",
    "route",
    "sign",
    "video_object",
]

GATEWAY_KEYS_ENV = "SORA_UNIFIED_GATEWAY_KEYS"


def gateway_keys(given: str | None = None) -> tuple[tuple[str, ...], bool]:
    """The gateway's keys (argument, then SORA_UNIFIED_GATEWAY_KEYS), or one made up for this
    run (the bool says so, to print it once)."""
    text = given if given is not None else os.environ.get(GATEWAY_KEYS_ENV, "")
    keys = tuple(key.strip() for key in text.split(",") if key.strip())
    if keys:
        return keys, False
    return (f"sk-gw-{secrets.token_urlsafe(24)}",), True


class Gateway:
    """The gateway served on a background thread (tests, notebooks): `with Gateway(...) as g:`
    then `OpenAI(base_url=g.url + "/v1", api_key=key)`."""

    def __init__(
        self,
        *,
        vendor: str,
        keys: tuple[str, ...],
        db: str | Path,
        clients: Callable[[str], AsyncClient],
        poll_after_ms: int = 2000,
        webhook: WebhookTarget | None = None,
        watch_seconds: float = 5.0,
        webhook_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not keys:
            raise ConfigurationError(f"the gateway needs at least one key ({GATEWAY_KEYS_ENV})")
        self.store = SQLiteJobStore(db)
        self.config = GatewayConfig(
            vendor=vendor,
            keys=keys,
            store=self.store,
            clients=clients,
            files=Path(f"{db}.files"),
            poll_after_ms=poll_after_ms,
            webhook=webhook,
            watch_seconds=watch_seconds,
            webhook_transport=webhook_transport,
        )
        self.app = build_app(self.config)
        self._server = ThreadedServer(self.app)
        self.url: str | None = None

    def __repr__(self) -> str:
        return f"Gateway(vendor={self.config.vendor!r}, url={self.url!r})"  # no keys

    def start(self, host: str = "127.0.0.1", port: int = 0) -> Gateway:
        self.url = self._server.start(host, port)
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
