"""`video.completed` / `video.failed` events, signed the Standard Webhooks way.

What OpenAI sends (vendor-facts.md §4.4): `{"id": "evt_...", "object": "event", "created_at",
"type": "video.completed", "data": {"id": "video_..."}}` with the headers `webhook-id`,
`webhook-timestamp` and `webhook-signature` (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`,
the secret being the base64 after `whsec_`), which openai-python's
`client.webhooks.verify_signature` / `unwrap` check. The event id is the receiver's
idempotency key: a retried delivery keeps it. The events themselves live in the store's
outbox (`_store`), delivered by `_worker.Outbox`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass

from ..errors import ConfigurationError

__all__ = ["WebhookTarget", "sign", "signed_headers"]


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


def sign(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{event_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(target: WebhookTarget, event_id: str, body: bytes) -> dict[str, str]:
    """The Standard Webhooks headers for one delivery attempt (a fresh timestamp each time)."""
    timestamp = int(time.time())
    return {
        "content-type": "application/json",
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(target.secret, event_id, timestamp, body),
    }
