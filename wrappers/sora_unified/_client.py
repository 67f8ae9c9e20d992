"""`Client` and `AsyncClient`: one vocabulary over every vendor adapter.

`AsyncClient` is written once (`_async_client`); `Client` is generated from it (`_sync_client`,
by tools/unasync.py). What both share is in `_client_base`; each decision a request meets lives
in its own module: `_planning` (checks, model, price), `_image_uploads`, `_retry` (replies,
retry delays), `_tasks` (a task and its merged status), `_download` and `_wait`.
"""

from __future__ import annotations

from ._async_client import AsyncClient
from ._client_base import BeforeSend
from ._planning import estimate, plan_request, remix_request, validate_request
from ._sync_client import Client

__all__ = [
    "AsyncClient",
    "BeforeSend",
    "Client",
    "estimate",
    "plan_request",
    "remix_request",
    "validate_request",
]
