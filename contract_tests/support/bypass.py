"""Requests of every kind, and the body an adapter builds for one *without* the local check.

Contract tests compare the client's own verdict on a request (check_request, then the
adapter's own checks) with the spec's verdict on the body the adapter would send for it; for
that the body must be built even for requests the client refuses.
"""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path as FilePath
from typing import Any

from sora_unified import CharacterRequest, Shot, VideoRequest, WatermarkRemovalRequest
from sora_unified._capabilities import ModelCapabilities, Plan, check_request
from sora_unified._images import load_image
from sora_unified.errors import ValidationError
from sora_unified.vendors import load_adapter
from sora_unified.vendors.base import merge_vendor_options

from contract_tests.support.specs import call_body, call_operation, request_schema_pointer

Path = tuple[Any, ...]
IMAGE = "https://example.com/first-frame.png"
CLIP = "https://example.com/character-clip.mp4"
SORA_LINK = "https://sora.chatgpt.com/p/s_68e8e7c5a3c48191b5d1d2a1b0e4c6f7"
SOURCE_TASKS = {
    "kie": "26278f7a6d23157b48d04e0083322046",
    "evolink": "task-unified-1757169743-7cvnl5zw",
    "modelverse-openai": "video_68e8e7c5a3c48191b5d1d2a1b0e4c6f7",
}
REQUEST_CLASSES: dict[str, Any] = {
    "video": VideoRequest,
    "remix": VideoRequest,
    "character": CharacterRequest,
    "watermark_removal": WatermarkRemovalRequest,
}


def request_class(caps: ModelCapabilities) -> Any:
    return REQUEST_CLASSES[caps.kind]


def base_request(caps: ModelCapabilities) -> dict[str, Any]:
    """The smallest request the table accepts for this model, as keyword arguments."""
    values: dict[str, Any] = {"model": caps.model}
    if caps.kind == "watermark_removal":
        return values | {"video_url": SORA_LINK}
    if caps.kind == "character":
        if caps.character_source == "clip":
            values["video_url"] = CLIP
        else:
            values |= {"task": SOURCE_TASKS[caps.vendor], "start": 1.0, "end": 3.0}
        if caps.prompt == "required":
            values["prompt"] = "the orange cat"
        return values
    if not caps.keeps_source_shape:
        values["seconds"] = caps.default_seconds
    if caps.prompt == "required":
        values["prompt"] = "a corgi surfing"
    if caps.image_input == "required":
        values["image_url"] = IMAGE
    if caps.storyboard == "required":
        values["shots"] = (Shot("a kitten", 1.0),)
    if caps.kind == "remix":
        values["remix_of"] = SOURCE_TASKS[caps.vendor]
    return values


def _plan(caps: ModelCapabilities, request: Any) -> Plan:
    if not isinstance(request, VideoRequest) or caps.keeps_source_shape:
        return Plan(request, caps, 0, None, None)
    shots_total = sum(shot.seconds for shot in request.shots or ())
    seconds = request.seconds or next(
        (s for s in caps.seconds if s >= shots_total), caps.default_seconds
    )
    orientation = request.resolved_orientation or caps.default_orientation
    image = request.image
    local = load_image(image) if isinstance(image, FilePath | bytes) else None
    return Plan(request, caps, seconds, orientation, request.quality, local)


def adapter_body(caps: ModelCapabilities, request: Any) -> dict[str, Any]:
    """The body the adapter builds for `request`, vendor options merged unchecked."""
    bare = dataclasses.replace(request, vendor_options=None)
    body = call_body(load_adapter(caps.vendor).submit_call(_plan(caps, bare)))
    return merge_vendor_options(copy.deepcopy(body), request.vendor_options)


def body_pointer(caps: ModelCapabilities) -> str:
    """The request schema the model's bodies are judged by: the operation its submit calls
    (one create operation, or a model's own, such as a remix endpoint)."""
    request = request_class(caps)(**base_request(caps))
    call = load_adapter(caps.vendor).submit_call(_plan(caps, request))
    return request_schema_pointer(caps.vendor, call_operation(caps.vendor, call.method, call.path))


def client_refusal(caps: ModelCapabilities, request: Any) -> str | None:
    """Why the client refuses `request` before sending (its table and its adapter's own
    checks of vendor options), or None."""
    try:
        plan = check_request(request, caps)
        load_adapter(caps.vendor).submit_call(plan)
    except ValidationError as error:
        return str(error)
    return None


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
    kind = request_class(caps)
    left = leaves(adapter_body(caps, kind(**a)))
    right = leaves(adapter_body(caps, kind(**b)))
    return {path for path in left.keys() | right.keys() if left.get(path) != right.get(path)}


def delete(body: dict[str, Any], path: Path) -> None:
    target: Any = body
    for token in path[:-1]:
        target = target.get(token, {})
    target.pop(path[-1], None)
