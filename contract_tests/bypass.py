"""The body an adapter builds for a request *without* the local check.

Contract tests compare the client's own verdict on a request (check_request) with the spec's
verdict on the body the adapter would send for it; for that the body must be built even for
requests the client refuses.
"""

from __future__ import annotations

import copy
from typing import Any

from sora_unified import Shot, VideoRequest
from sora_unified._capabilities import ModelCapabilities, Plan
from sora_unified.vendors import load_adapter

Path = tuple[Any, ...]
IMAGE = "https://example.com/first-frame.png"


def adapter_body(caps: ModelCapabilities, request: VideoRequest) -> dict[str, Any]:
    shots_total = sum(shot.seconds for shot in request.shots or ())
    seconds = request.seconds or next(
        (s for s in caps.seconds if s >= shots_total), caps.default_seconds
    )
    plan = Plan(
        request,
        caps,
        seconds,
        request.resolved_orientation or caps.default_orientation,
        request.quality,
    )
    body = load_adapter(caps.vendor).submit_call(plan).json
    assert isinstance(body, dict)
    return copy.deepcopy(body)


def base_request(caps: ModelCapabilities) -> dict[str, Any]:
    """The smallest request the table accepts for this model."""
    values: dict[str, Any] = {"model": caps.model, "seconds": caps.default_seconds}
    if caps.prompt == "required":
        values["prompt"] = "a corgi surfing"
    if caps.image_input == "required":
        values["image_url"] = IMAGE
    if caps.storyboard == "required":
        values["shots"] = (Shot("a kitten", 1.0),)
    return values


def leaves(value: Any, prefix: Path = ()) -> dict[Path, Any]:
    if isinstance(value, dict):
        return {
            k: v for key, item in value.items() for k, v in leaves(item, (*prefix, key)).items()
        }
    if isinstance(value, list) and value:
        return {k: v for i, item in enumerate(value) for k, v in leaves(item, (*prefix, i)).items()}
    return {prefix: value}


def paths_of(caps: ModelCapabilities, a: dict[str, Any], b: dict[str, Any]) -> set[Path]:
    """Where two requests' bodies differ: the vendor fields a unified field is sent as."""
    left = leaves(adapter_body(caps, VideoRequest(**a)))
    right = leaves(adapter_body(caps, VideoRequest(**b)))
    return {path for path in left.keys() | right.keys() if left.get(path) != right.get(path)}


def delete(body: dict[str, Any], path: Path) -> None:
    target: Any = body
    for token in path[:-1]:
        target = target.get(token, {})
    target.pop(path[-1], None)
