"""Keeping API keys out of everything a user or a log can see.

A vendor may echo the key anywhere: in an error message, a response body, a request-id header,
a state word. Every `SoraError` leaves the client through one exit point that scrubs it
(`scrub_error`), and a logging filter on the `sora_unified`, `httpx` and `httpcore` loggers
rewrites records that mention a live client's key (openai-python installs a filter for the
same reason). Keys are matched in every form they take in text: as written, `repr`-escaped,
JSON-escaped and URL-encoded.
"""

from __future__ import annotations

import json
import logging
import threading
import weakref
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

__all__ = ["REDACTED", "install_log_filter", "redact_text", "scrub_error", "secret_forms"]

REDACTED = "[redacted]"
# The loggers a key could reach: ours, and httpx/httpcore (httpcore logs response headers at
# DEBUG). A logger's filters do not apply to its children's records, so each one is named.
LOGGERS = (
    "sora_unified",
    "sora_unified.sandbox",
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)
# Keys shorter than this are not redacted: replacing every "a" in a message helps nobody.
_MIN_SECRET_CHARS = 4


def secret_forms(secret: str) -> list[str]:
    """Every way `secret` can be written in text, longest first."""
    forms = {
        secret,
        repr(secret)[1:-1],
        json.dumps(secret)[1:-1],
        quote(secret, safe=""),
        quote_plus(secret),
    }
    return sorted((form for form in forms if len(form) >= _MIN_SECRET_CHARS), key=len, reverse=True)


def redact_text(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        for form in secret_forms(secret):
            text = text.replace(form, REDACTED)
    return text


def _redact_value(value: Any, secrets: tuple[str, ...]) -> Any:
    return redact_text(value, secrets) if isinstance(value, str) else value


def scrub_error(error: BaseException, secrets: Iterable[str]) -> BaseException:
    """Remove every form of `secrets` from an error and the errors that caused it."""
    keys = tuple(secret for secret in secrets if len(secret) >= _MIN_SECRET_CHARS)
    if not keys:
        return error
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.args = tuple(_redact_value(arg, keys) for arg in current.args)
        for name in ("message", "body", "request_id", "url"):
            value = getattr(current, name, None)
            if isinstance(value, str):
                setattr(current, name, redact_text(value, keys))
        notes = getattr(current, "__notes__", None)
        if isinstance(notes, list):
            notes[:] = [_redact_value(note, keys) for note in notes]
        current = current.__cause__ or current.__context__
    return error


class _RedactingFilter(logging.Filter):
    """Rewrites a record whose text contains a registered key."""

    def __init__(self) -> None:
        super().__init__()
        self._keys: weakref.WeakValueDictionary[int, _Key] = weakref.WeakValueDictionary()
        self._lock = threading.Lock()

    def register(self, key: _Key) -> None:
        with self._lock:
            self._keys[id(key)] = key

    def filter(self, record: logging.LogRecord) -> bool:
        keys = tuple(key.value for key in list(self._keys.values()))
        if not keys:
            return True
        try:
            text = record.getMessage()
        except Exception:  # a broken format string is the logger's business, not ours
            return True
        clean = redact_text(text, keys)
        if clean != text:
            record.msg, record.args = clean, None
        return True


class _Key:
    """A registered key; it stops being redacted once its client is garbage-collected."""

    __slots__ = ("__weakref__", "value")

    def __init__(self, value: str) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "_Key(<redacted>)"


_FILTER = _RedactingFilter()


def install_log_filter(api_key: str) -> object:
    """Redact `api_key` from the loggers above for as long as the returned handle lives."""
    for name in LOGGERS:
        logging.getLogger(name).addFilter(_FILTER)  # adding it again is a no-op
    handle = _Key(api_key)
    if len(api_key) >= _MIN_SECRET_CHARS:
        _FILTER.register(handle)
    return handle
