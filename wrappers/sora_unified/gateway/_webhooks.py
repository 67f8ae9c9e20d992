"""`video.completed` / `video.failed` events, signed the Standard Webhooks way.

What OpenAI sends (vendor-facts.md §4.4): `{"id": "evt_...", "object": "event", "created_at",
"type": "video.completed", "data": {"id": "video_..."}}` with the headers `webhook-id`,
`webhook-timestamp` and `webhook-signature` (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`,
the secret being the base64 after `whsec_`), which openai-python's
`client.webhooks.verify_signature` / `unwrap` check. The event id is the receiver's
idempotency key: a retried delivery keeps it.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any

import httpx

from ..errors import ConfigurationError

__all__ = ["WebhookTarget", "deliver", "event_for", "sign"]

logger = logging.getLogger("sora_unified.gateway")
DELIVERY_ATTEMPTS = 5
FIRST_RETRY_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class WebhookTarget:
    url: str
    secret: str  # whsec_<base64>

    def __post_init__(self) -> None:
        if not self.secret.startswith("whsec_"):
            raise ConfigurationError("a webhook secret is whsec_<base64> (Standard Webhooks)")
        try:
            base64.b64decode(self.secret.removeprefix("whsec_"), validate=True)
        except ValueError:
            raise ConfigurationError("the webhook secret after whsec_ is not base64") from None
        if not self.url.startswith(("http://", "https://")):
            raise ConfigurationError(f"the webhook URL must be http(s); got {self.url!r}")

    def __repr__(self) -> str:
        return f"WebhookTarget(url={self.url!r}, secret=<redacted>)"


def event_for(video_id: str, status: str) -> dict[str, Any]:
    return {
        "id": f"evt_{secrets.token_hex(16)}",
        "object": "event",
        "created_at": int(time.time()),
        "type": f"video.{status}",
        "data": {"id": video_id},
    }


def sign(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{event_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


async def deliver(http: httpx.AsyncClient, target: WebhookTarget, event: dict[str, Any]) -> bool:
    """POST the event until the receiver answers 2xx (a few attempts, backing off)."""
    body = json.dumps(event, separators=(",", ":")).encode()
    delay = FIRST_RETRY_SECONDS
    for attempt in range(1, DELIVERY_ATTEMPTS + 1):
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "webhook-id": event["id"],
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(target.secret, event["id"], timestamp, body),
        }
        try:
            answer = await http.post(target.url, content=body, headers=headers)
            if 200 <= answer.status_code < 300:
                return True
            logger.warning(
                "webhook %s: HTTP %s (attempt %d)", event["id"], answer.status_code, attempt
            )
        except httpx.HTTPError as error:
            logger.warning(
                "webhook %s: %s (attempt %d)", event["id"], type(error).__name__, attempt
            )
        if attempt < DELIVERY_ATTEMPTS:
            await asyncio.sleep(delay)
            delay *= 2
    return False
