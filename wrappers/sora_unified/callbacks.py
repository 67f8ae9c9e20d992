"""Parse and verify vendor callbacks, and parse status bodies: pure functions.

Usable from any web framework:

    video = sora_unified.parse_callback("kie", await request.body(), request.headers,
                                        secret=os.environ["KIE_WEBHOOK_HMAC_KEY"])

kie signs `<taskId>.<X-Webhook-Timestamp>` with HMAC-SHA256 under the account's webhook HMAC
key and sends it base64-encoded in `X-Webhook-Signature`. The signature does not cover the
body, so a verified callback proves the task id, not the result: re-fetch the task with
`Client.retrieve` before trusting a result (the vendor's guide advises the same).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Mapping
from typing import Any

from ._constants import CALLBACK_TOLERANCE_SECONDS
from .errors import CallbackVerificationError, UnsupportedFeatureError
from .types import Video
from .vendors import load_adapter

__all__ = ["parse_callback", "parse_status", "sign_kie_callback"]

_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def _decode(body: bytes | str | Mapping[str, Any]) -> Any:
    if isinstance(body, Mapping):
        return dict(body)
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    try:
        return json.loads(text)
    except ValueError:
        # kie's printed callback examples carry trailing commas; accept that much, no more.
        try:
            return json.loads(_TRAILING_COMMA.sub(r"\1", text))
        except ValueError as error:
            raise CallbackVerificationError(f"callback body is not JSON: {error}") from error


def parse_status(vendor: str, body: bytes | str | Mapping[str, Any]) -> Video:
    """A vendor's task-status body (or callback body) as a `Video`; raises typed errors only."""
    return load_adapter(vendor).parse_status(_decode(body))


def sign_kie_callback(task_id: str, timestamp: int, secret: str) -> str:
    """kie's X-Webhook-Signature: base64(HMAC-SHA256(taskId + "." + timestamp, key))."""
    message = f"{task_id}.{timestamp}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _header(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def parse_callback(
    vendor: str,
    body: bytes | str | Mapping[str, Any],
    headers: Mapping[str, str] | None = None,
    *,
    secret: str | None = None,
    tolerance: float = CALLBACK_TOLERANCE_SECONDS,
    now: float | None = None,
) -> Video:
    """Verify (when `secret` is given) and parse a completion callback.

    Raises CallbackVerificationError for a missing, tampered, stale or future signature;
    UnsupportedFeatureError for a vendor without callbacks or signatures.
    """
    adapter = load_adapter(vendor)
    if vendor == "modelverse":
        raise UnsupportedFeatureError(
            "modelverse documents no callbacks",
            vendor=vendor,
            model=None,
            field="callback",
            value=None,
            allowed="kie or evolink",
        )
    decoded = _decode(body)
    if secret is not None:
        signing = adapter.callback_signing
        if signing is None:
            raise UnsupportedFeatureError(
                f"{vendor} documents no callback signature; pass secret=None and re-fetch"
                " the task before trusting the callback",
                vendor=vendor,
                model=None,
                field="secret",
                value="given",
                allowed="None",
            )
        headers = headers or {}
        timestamp_text = _header(headers, signing.timestamp_header)
        signature = _header(headers, signing.signature_header)
        if not timestamp_text or not signature:
            raise CallbackVerificationError(
                f"{vendor} callback without {signing.timestamp_header} and"
                f" {signing.signature_header} headers"
            )
        try:
            timestamp = int(timestamp_text)
        except ValueError as error:
            raise CallbackVerificationError(
                f"{signing.timestamp_header} is not a Unix timestamp"
            ) from error
        skew = (time.time() if now is None else now) - timestamp
        if abs(skew) > tolerance:
            direction = "old" if skew > 0 else "far in the future"
            raise CallbackVerificationError(
                f"{vendor} callback timestamp is too {direction} ({abs(skew):.0f} s outside a"
                f" {tolerance:.0f} s window): refused as a possible replay"
            )
        task_id = adapter.callback_task_id(decoded)
        if not task_id:
            raise CallbackVerificationError(f"{vendor} callback body has no task id to verify")
        expected = sign_kie_callback(task_id, timestamp, secret)
        if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
            raise CallbackVerificationError(f"{vendor} callback signature does not match")
    return adapter.parse_status(decoded)
