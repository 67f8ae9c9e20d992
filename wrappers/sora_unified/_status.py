"""Helpers adapters share to turn a vendor's task payload into a `Video`."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from .types import Status

logger = logging.getLogger("sora_unified")
_warned_states: set[tuple[str, str]] = set()
_CONTENT_POLICY = re.compile(
    r"content[ _-]?policy|moderat|sensitive|safety|violat|inappropriate|nsfw|prohibited",
    re.IGNORECASE,
)


def map_status(vendor: str, raw: object, table: Mapping[str, Status]) -> Status:
    """The unified status for a vendor's state word.

    An unknown state never raises: the task is treated as still running (so waiting goes on
    until the deadline) and a warning is logged once per vendor and state.
    """
    if isinstance(raw, str) and raw in table:
        return table[raw]
    key = (vendor, repr(raw))
    if key not in _warned_states:
        _warned_states.add(key)
        logger.warning("%s: unknown task state %r, treating it as in_progress", vendor, raw)
    return "in_progress"


def progress(value: object, status: Status) -> int:
    """0-100; anything else a vendor sends (1e400, NaN, "50%", a list) counts as no progress."""
    if status == "completed":
        return 100
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return max(0, min(100, int(value)))
    return 0


def from_unix_s(value: object) -> datetime | None:
    """A UTC datetime, or None for a missing, non-numeric or out-of-range time."""
    if not isinstance(value, int | float) or isinstance(value, bool) or not value > 0:
        return None
    return _utc(value)


def from_unix_ms(value: object) -> datetime | None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    return from_unix_s(value / 1000)


@lru_cache(maxsize=4096)
def _utc(seconds: float) -> datetime | None:
    # A task's creation time comes back on every poll: converted once (datetimes are immutable).
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (ValueError, OverflowError, OSError):
        return None


def is_content_policy(*texts: object) -> bool:
    return any(isinstance(text, str) and _CONTENT_POLICY.search(text) for text in texts)


def text_or_none(value: object) -> str | None:
    """Vendors send "", null or numbers where a text is documented; keep only real text."""
    if value is None or value == "":
        return None
    return str(value)


def string_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) and value:
        return (value,)
    if isinstance(value, list):
        return tuple(item for item in value if isinstance(item, str) and item)
    return ()
