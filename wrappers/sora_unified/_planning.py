"""From a request to a checked plan: the model chosen, the vendor's defaults filled in, the
price looked up. No key and no request is needed: `validate_request` and `estimate` are these
checks on their own, and both clients run them before anything is sent."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ._capabilities import Plan, capabilities, check_request
from ._prices import Estimate, estimate_plan
from .errors import SoraError, UnsupportedFeatureError, ValidationError
from .types import (
    AnyRequest,
    CharacterRequest,
    Planned,
    Task,
    VideoRequest,
    WatermarkRemovalRequest,
)
from .vendors import load_adapter
from .vendors.base import VendorAdapter

__all__ = [
    "character_request",
    "estimate",
    "plan_request",
    "planned",
    "remix_request",
    "validate_request",
]


def plan_request(adapter: VendorAdapter, request: AnyRequest) -> Plan:
    """The checked plan for `request` on this vendor (its model chosen, defaults filled), or
    ValidationError / UnsupportedFeatureError; no request is made."""
    if not isinstance(request, VideoRequest | CharacterRequest | WatermarkRemovalRequest):
        raise TypeError(
            "submit() takes a VideoRequest, CharacterRequest or WatermarkRemovalRequest;"
            f" got {type(request).__name__}"
        )
    model = adapter.choose_model(request)
    try:
        caps = capabilities().model(adapter.name, model)
    except KeyError:
        allowed = ", ".join(m.model for m in capabilities().vendor(adapter.name))
        raise ValidationError(
            f"{adapter.name} offers models {allowed}; got {model!r}",
            vendor=adapter.name,
            model=model,
            field="model",
            value=model,
            allowed=allowed,
        ) from None
    return check_request(request, caps)


def validate_request(vendor: str, request: AnyRequest) -> str:
    """Check `request` for `vendor` exactly as `submit` would, with no key and no request,
    and return the model it would use. Raises ValidationError (naming the field, value and
    what is allowed) or UnsupportedFeatureError. A local image is read and checked too."""
    return plan_request(load_adapter(vendor), request).model.model


def estimate(vendor: str, request: AnyRequest) -> Estimate:
    """What `request` would cost on `vendor`, with no key and no request: the model, length,
    quality and watermark choice it would be sent with, the price table's row for them, and
    notices where those differ from what the request said. The same checks as
    `validate_request` (ValidationError, UnsupportedFeatureError) come first."""
    return estimate_plan(plan_request(load_adapter(vendor), request))


def planned_from(plan: Plan) -> Planned:
    """What a task made from `plan` keeps of it (see `Task.planned`)."""
    video = isinstance(plan.request, VideoRequest)
    return Planned(
        seconds=plan.seconds if video else None,
        size=plan.size if video else None,
        cost=estimate_plan(plan).cost(),
    )


def planned(task: Task) -> Planned | None:
    """The task's plan: the one it carries, or worked out once from its request (a task read
    back from a store or a `vendor:id` string carries none); None without a request."""
    if task.planned is not None:
        return task.planned
    if task.request is None or not task.model:
        return None
    try:
        return _replanned(task.request, task.vendor, task.model)
    except (SoraError, KeyError):
        # A request stored by an older version that no longer checks (or a model since
        # withdrawn): the task is paid for; its status is then reported as the vendor says.
        return None


@lru_cache(maxsize=256)
def _replanned(request: AnyRequest, vendor: str, model: str) -> Planned:
    # A local image was read and checked at submit; here it only counts as given. (Keyed by
    # names: a capability entry hashes all its fields on every lookup.)
    plan = check_request(request, capabilities().model(vendor, model), read_images=False)
    return planned_from(plan)


def remix_request(vendor: str, source: Task, prompt: str, options: dict[str, Any]) -> VideoRequest:
    """The VideoRequest for a remix of `source` on `vendor`, refused (before any request) when
    the vendor, or the model the task was made with when known, cannot be remixed."""
    remixers = [m for m in capabilities().vendor(vendor) if m.kind == "remix"]
    chosen = options.pop("model", None)
    caps = next((m for m in remixers if chosen in (None, m.model)), None)
    if caps is None:
        offered = ", ".join(m.model for m in remixers) or "none"
        raise UnsupportedFeatureError(
            f"{vendor} offers no remix{f' with {chosen}' if chosen else ''}"
            f" (its remix models: {offered})",
            vendor=vendor,
            model=chosen,
            field="remix",
            value=str(source),
            allowed="a vendor with a remix model (see sora_unified.capabilities())",
        )
    if source.model is not None and source.model not in caps.remix_sources:
        raise ValidationError(
            f"{vendor} {caps.model} remixes tasks of {', '.join(caps.remix_sources)};"
            f" {source} was made with {source.model}",
            vendor=vendor,
            model=caps.model,
            field="task",
            value=str(source),
            allowed=", ".join(caps.remix_sources),
        )
    return VideoRequest(prompt=prompt, remix_of=source.id, model=caps.model, **options)


def character_request(
    source: Task | None, video_url: str | None, options: dict[str, Any]
) -> CharacterRequest:
    """The CharacterRequest cutting a character from `source`'s video or from `video_url`."""
    task = None if source is None else source.id
    return CharacterRequest(video_url=video_url, task=task, **options)
