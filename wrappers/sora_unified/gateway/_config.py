"""How a gateway runs: its keys, store, clients, files and limits (`GatewayConfig`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from .._client import AsyncClient
from ..vendors import VENDOR_NAMES
from ._keys import GatewayKey
from ._store import GatewayStore
from ._webhooks import WebhookTarget

__all__ = ["DEFAULT_MAX_BODY_BYTES", "GatewayConfig"]

DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    """`keys`: the gateway's own keys, one per tenant. `clients(vendor)` gives the AsyncClient
    for a vendor (its key stays on the server); `vendors`: the ones this gateway may route to.
    `files`: where finished videos are kept for `/content`. `poll_after_ms`: the
    `openai-poll-after-ms` hint. `webhook`: where to send `video.completed` / `video.failed`
    (off when None). `max_body_bytes`: larger bodies are refused (413) while being read.
    `submit_slots`: paid submits on the wire at once. `retry_window_seconds`: how long a create
    the openai package marks as a retry finds its tenant's identical earlier create."""

    vendor: str
    keys: tuple[GatewayKey, ...]
    store: GatewayStore
    clients: Callable[[str], AsyncClient]
    files: Path
    poll_after_ms: int = 2000
    webhook: WebhookTarget | None = None
    watch_seconds: float = 5.0  # how often running videos are checked, for webhooks
    webhook_transport: httpx.AsyncBaseTransport | None = None
    vendors: tuple[str, ...] = VENDOR_NAMES
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    submit_slots: int = 4
    retry_window_seconds: float = 600.0
    drain_seconds: float = 30.0  # at shutdown, how long submits on the wire may still answer
