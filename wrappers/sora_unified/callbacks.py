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
import math
import re
import time
from collections.abc import Mapping
from typing import Any

from ._constants import CALLBACK_TOLERANCE_SECONDS
from .errors import (
    APIError,
    CallbackVerificationError,
    ConfigurationError,
    SoraError,
    UnsupportedFeatureError,
)
from .types import Video
from .vendors import load_adapter
from .vendors.base import malformed

__all__ = ["parse_callback", "parse_status", "sign_kie_callback"]

_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
# Unix seconds: ten digits today. A longer number is not a timestamp (and would overflow).
_TIMESTAMP = re.compile(r"\d{1,12}")
# What a body from outside can make parsing raise, besides our own errors.
_MALFORMED = (ValueError, TypeError, AttributeError, LookupError, RecursionError, OverflowError)


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _decode(body: bytes | str | Mapping[str, Any]) -> Any:
    """The JSON a body holds; ValueError for anything else (not UTF-8, not JSON, too deep)."""
    if isinstance(body, Mapping):
        return dict(body)
    if isinstance(body, bytes | bytearray):
        try:
            text = bytes(body).decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValueError(f"not UTF-8 text ({error.reason} at byte {error.start})") from None
    elif isinstance(body, str):
        text = body
    else:
        raise ValueError(f"a body is bytes, str or a mapping; got {type(body).__name__}")
    try:
        return _json(text)
    except ValueError:
        # kie's printed callback examples carry trailing commas; accept that much, no more.
        return _json(_TRAILING_COMMA.sub(r"\1", text))


def _parsed(vendor: str, decoded: Any) -> Video:
    """The adapter's reading of a decoded body; a shape it cannot read is an APIError."""
    adapter = load_adapter(vendor)
    try:
        return adapter.parse_status(decoded)
    except SoraError:
        raise
    except _MALFORMED as error:
        raise malformed(vendor, f"task body ({type(error).__name__})", None) from None


def parse_status(vendor: str, body: bytes | str | Mapping[str, Any]) -> Video:
    """A vendor's task-status body (or callback body) as a `Video`.

    Raises APIError for a body that is not a task (an error envelope, not JSON, not UTF-8,
    absurdly nested) and ConfigurationError for an unknown vendor; nothing else."""
    load_adapter(vendor)
    try:
        decoded = _decode(body)
    except ValueError as error:
        raise malformed(vendor, f"status body ({error})", None) from None
    return _parsed(vendor, decoded)


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

    Raises only: CallbackVerificationError for a body or signature that is not acceptable (not
    JSON, not a task, a missing, tampered, stale or future signature, no task id to verify);
    UnsupportedFeatureError for a vendor without callbacks or signatures; ConfigurationError
    for an unknown vendor, an empty secret or a tolerance that is not a finite number >= 0.
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
    if secret is not None and (not isinstance(secret, str) or not secret):
        raise ConfigurationError("secret must be the non-empty webhook key (or None)")
    valid_tolerance = isinstance(tolerance, int | float) and not isinstance(tolerance, bool)
    if not valid_tolerance or not math.isfinite(tolerance) or tolerance < 0:
        raise ConfigurationError(
            f"tolerance must be a finite number of seconds >= 0; got {tolerance!r}"
        )
    try:
        decoded = _decode(body)
    except ValueError as error:
        raise CallbackVerificationError(f"{vendor} callback body is not JSON: {error}") from None
    if secret is not None:
        _verify(
            vendor,
            adapter=adapter,
            decoded=decoded,
            headers=headers or {},
            secret=secret,
            tolerance=tolerance,
            now=now,
        )
    try:
        return _parsed(vendor, decoded)
    except APIError as error:
        raise CallbackVerificationError(
            f"{vendor} callback body is not a task: {error.message}"
        ) from None


def _verify(
    vendor: str,
    *,
    adapter: Any,
    decoded: Any,
    headers: Mapping[str, str],
    secret: str,
    tolerance: float,
    now: float | None,
) -> None:
    """Refuse unless the signature over `<task id>.<timestamp>` verifies within the window."""
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
    timestamp_text = _header(headers, signing.timestamp_header)
    signature = _header(headers, signing.signature_header)
    for name, value in (
        (signing.timestamp_header, timestamp_text),
        (signing.signature_header, signature),
    ):
        if not isinstance(value, str) or not value.strip():
            raise CallbackVerificationError(f"{vendor} callback without a {name} header")
    assert timestamp_text is not None and signature is not None
    if not _TIMESTAMP.fullmatch(timestamp_text.strip()):
        raise CallbackVerificationError(
            f"{signing.timestamp_header} is not a Unix timestamp in seconds"
        )
    timestamp = int(timestamp_text.strip())
    skew = (time.time() if now is None else now) - timestamp
    if abs(skew) > tolerance:
        direction = "old" if skew > 0 else "far in the future"
        raise CallbackVerificationError(
            f"{vendor} callback timestamp is too {direction} ({abs(skew):.0f} s outside a"
            f" {tolerance:.0f} s window): refused as a possible replay"
        )
    try:
        task_id = adapter.callback_task_id(decoded)
    except _MALFORMED:
        task_id = None
    if not task_id:
        raise CallbackVerificationError(f"{vendor} callback body has no task id to verify")
    expected = sign_kie_callback(task_id, timestamp, secret)
    if not hmac.compare_digest(expected.encode(), signature.strip().encode("utf-8", "replace")):
        raise CallbackVerificationError(f"{vendor} callback signature does not match")
