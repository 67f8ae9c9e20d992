"""What every emulated vendor shares: a reply, what a valid submit orders, its charge, and
the small helpers the emulators use to read requests and write answers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .._capabilities import capabilities
from .._prices import priced_quality, prices
from ._config import SandboxConfig
from ._state import SandboxTask

__all__ = [
    "CHARACTER_REMARK",
    "PREVIEW_QUALITIES",
    "RATIO_SIZES",
    "SIZES",
    "WATERMARK_REMOVAL_RESULT",
    "Body",
    "Lookup",
    "Order",
    "Reply",
    "charge",
    "default_or_none",
    "retry_headers",
]

Body = dict[str, Any]
SIZES = {"landscape": "1280x720", "portrait": "720x1280"}
RATIO_SIZES = {"16:9": "1280x720", "9:16": "720x1280"}


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: Any
    headers: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Order:
    """What a valid submit asks for."""

    model: str
    seconds: float
    size: str
    callback_url: str | None
    kind: str = "video"
    extra: Mapping[str, Any] = field(default_factory=dict)
    # What sets the price besides model and length (the price table's terms).
    quality: str | None = None
    remove_watermark: bool | None = None


# evolink's preview models name quality by resolution; the price table by tier.
PREVIEW_QUALITIES = {"720p": "standard", "1080p": "high"}


def default_or_none(default: Callable[[str, str], Any], model: str, name: str) -> Any:
    try:
        return default(model, name)
    except KeyError:
        return None


def charge(vendor: str, order: Order, config: SandboxConfig) -> float:
    """What a task costs in the sandbox: the price table's figure for its model, length,
    quality and watermark choice (times `charge_factor`), or `unpriced_charge`."""
    seconds = int(order.seconds)
    quality = order.quality if order.quality in ("standard", "high") else None
    try:
        caps = capabilities().model(vendor, order.model)
    except KeyError:
        return config.unpriced_charge
    if caps.kind in ("video", "remix"):
        quality = priced_quality(caps, seconds, quality)  # type: ignore[arg-type]
    row = prices().find(vendor, order.model, seconds, quality, order.remove_watermark)  # type: ignore[arg-type]
    amount = row.for_video(seconds)[0]
    return config.unpriced_charge if amount is None else round(amount * config.charge_factor, 6)


CHARACTER_REMARK = "insert this username directly into your prompt.(@character_user_name)."
# The sandbox's own choice for a watermark removal: the source video's length and shape are
# not in the request (it is a sora.chatgpt.com link the sandbox does not fetch).
WATERMARK_REMOVAL_RESULT = (10.0, "1280x720")
# Looks a task up by id among the requester's own tasks (remixes, characters cut from tasks).
Lookup = Callable[[str], SandboxTask | None]


def retry_headers(retry_after: float | None) -> dict[str, str] | None:
    return {"Retry-After": f"{retry_after:g}"} if retry_after is not None else None
