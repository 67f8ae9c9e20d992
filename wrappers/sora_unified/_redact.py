"""Keeping API keys out of everything a user or a log can see.

A vendor may echo the key anywhere: in an error message, a response body, a request-id header,
a state word. Every `SoraError` leaves the client through one exit point that scrubs it
(`scrub_error`: its message, every string attribute, the task or video it carries, and every
error it was raised from or during, explicitly or not); every `Video` a client returns is
scrubbed the same way (`redact_value`: its fields and its `raw` body); and a logging filter
on the `sora_unified`, `httpx` and `httpcore` loggers rewrites records that mention a live
client's key (openai-python installs a filter for the same reason). Keys are matched in
every form they take in text: as written, `repr`-escaped, JSON-escaped and URL-encoded.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import weakref
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any, TypeVar, cast
from urllib.parse import quote, quote_plus

__all__ = [
    "REDACTED",
    "install_log_filter",
    "redact_text",
    "redact_value",
    "scrub_error",
    "secret_forms",
]

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


@lru_cache(maxsize=64)
def secret_forms(secret: str) -> tuple[str, ...]:
    """Every way `secret` can be written in text, longest first."""
    forms = {
        secret,
        repr(secret)[1:-1],
        json.dumps(secret)[1:-1],
        quote(secret, safe=""),
        quote_plus(secret),
    }
    return tuple(
        sorted((form for form in forms if len(form) >= _MIN_SECRET_CHARS), key=len, reverse=True)
    )


def redact_text(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        for form in secret_forms(secret):
            if form in text:
                text = text.replace(form, REDACTED)
    return text


def _usable(secrets: Iterable[str]) -> tuple[str, ...]:
    return tuple(secret for secret in secrets if len(secret) >= _MIN_SECRET_CHARS)


_T = TypeVar("_T")


def redact_value(value: _T, secrets: Iterable[str]) -> _T:
    """`value` with every form of `secrets` taken out of every string it holds: strings,
    mappings (keys too), lists, tuples, and dataclasses such as `Video`, `Task` and `Cost`
    (rebuilt only where something changed, so a clean value comes back as itself)."""
    keys = _usable(secrets)
    return cast("_T", _redacted(value, keys, 0)) if keys else value


# Deeper than any vendor body we parse; past it a value is left as it is (it cannot be
# printed whole anyway) rather than risk the recursion limit.
_MAX_DEPTH = 64


def _redacted(value: Any, keys: tuple[str, ...], depth: int) -> Any:
    if isinstance(value, str):
        return redact_text(value, keys)
    if depth > _MAX_DEPTH or value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Mapping):
        items = [
            (_redacted(k, keys, depth + 1), _redacted(v, keys, depth + 1)) for k, v in value.items()
        ]
        if all(a is k and b is v for (a, b), (k, v) in zip(items, value.items(), strict=True)):
            return value
        return dict(items)
    if isinstance(value, list | tuple):
        cleaned = [_redacted(item, keys, depth + 1) for item in value]
        if all(a is b for a, b in zip(cleaned, value, strict=True)):
            return value
        return cleaned if isinstance(value, list) else tuple(cleaned)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {}
        for item in dataclasses.fields(value):
            current = getattr(value, item.name)
            clean = _redacted(current, keys, depth + 1)
            if clean is not current:
                changed[item.name] = clean
        return dataclasses.replace(value, **changed) if changed else value
    return value


def scrub_error(error: BaseException, secrets: Iterable[str]) -> BaseException:
    """Remove every form of `secrets` from an error and from every error it was raised from
    (`__cause__`) or while handling (`__context__`): messages, string attributes, notes, and
    the task or video an error carries."""
    keys = _usable(secrets)
    if not keys:
        return error
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        current.args = tuple(_redacted(arg, keys, 0) for arg in current.args)
        for name, value in list(vars(current).items()):
            if name.startswith("__"):
                continue
            clean = _redacted(value, keys, 0)
            if clean is not value:
                setattr(current, name, clean)
        notes = getattr(current, "__notes__", None)
        if isinstance(notes, list):
            notes[:] = [_redacted(note, keys, 0) for note in notes]
        pending.extend(
            linked for linked in (current.__cause__, current.__context__) if linked is not None
        )
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
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
