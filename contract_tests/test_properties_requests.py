"""Property-based request shapes: every request the capability table allows produces a body
the spec accepts; every request outside it is refused locally, naming the field; and bodies
the spec allows map back into VideoRequest and out again unchanged."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, assume, given, settings
from sora_unified import Client, Shot, ValidationError, VideoRequest
from sora_unified._capabilities import ModelCapabilities

from contract_tests.fakes import KEY, created
from contract_tests.specs import request_schema_pointer, schema_errors, spec_path
from contract_tests.strategies import invalid_request, valid_request

CREATE = {"kie": "createTask", "evolink": "createVideoGeneration", "modelverse": "submitTask"}
GENERATED_MODELS = {
    "kie": {
        "sora-2-text-to-video": "TextToVideoRequest",
        "sora-2-image-to-video": "ImageToVideoRequest",
        "sora-2-pro-text-to-video": "ProTextToVideoRequest",
        "sora-2-pro-image-to-video": "ProImageToVideoRequest",
        "sora-2-pro-storyboard": "StoryboardRequest",
    },
    "evolink": {"sora-2-pro-preview": "VideoGenerationRequest"},
    "modelverse": {
        "openai/sora-2/text-to-video": "TextToVideoRequest",
        "openai/sora-2/image-to-video": "ImageToVideoRequest",
    },
}


class Capture:
    """A transport that answers every submit with a created task and keeps the bodies."""

    def __init__(self, vendor: str) -> None:
        self.vendor = vendor
        self.bodies: list[Any] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(json.loads(request.content))
        return httpx.Response(200, json=created(self.vendor))


def submitted_body(vendor: str, request: VideoRequest) -> Any:
    capture = Capture(vendor)
    Client(vendor, api_key=KEY, transport=httpx.MockTransport(capture)).submit(request)
    (body,) = capture.bodies
    return body


def _generated_model(vendor: str, model: str) -> Any:
    import importlib

    return getattr(
        importlib.import_module(f"{vendor}_client.models"), GENERATED_MODELS[vendor][model]
    )


@given(valid_request())
def test_every_allowed_request_builds_a_body_the_spec_accepts(
    drawn: tuple[ModelCapabilities, VideoRequest],
) -> None:
    caps, request = drawn
    body = submitted_body(caps.vendor, request)
    assert (
        schema_errors(caps.vendor, request_schema_pointer(caps.vendor, CREATE[caps.vendor]), body)
        == []
    )
    assert body["model"] == caps.model
    model = _generated_model(caps.vendor, caps.model)
    assert model.from_dict(body).to_dict() == body


@given(invalid_request())
def test_every_refused_request_names_the_field_and_sends_nothing(
    drawn: tuple[ModelCapabilities, dict[str, Any], str],
) -> None:
    caps, values, field = drawn
    sent: list[httpx.Request] = []
    client = Client(
        caps.vendor,
        api_key=KEY,
        transport=httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(500)),
    )
    with pytest.raises(ValidationError) as caught:
        client.submit(VideoRequest(**values))
    error = caught.value
    assert error.field.startswith(field) or field in error.field, (error.field, field, str(error))
    assert error.allowed and str(error)
    assert sent == []


# -- the converse: bodies the spec allows map into VideoRequest and back out unchanged ---------------

UNIFIED_DEFAULTS = {"kie": {"aspect_ratio": "landscape"}, "modelverse": {"size": "720x1280"}}


def kie_request(body: dict[str, Any]) -> VideoRequest | None:
    data = body["input"]
    if set(data) & {"upload_method", "character_id_list"} or "progressCallBackUrl" in body:
        return None  # vendor extras the unified vocabulary does not carry
    shots = tuple(Shot(s["Scene"], s["duration"]) for s in data.get("shots", ())) or None
    return VideoRequest(
        prompt=data.get("prompt", ""),
        image_url=(data.get("image_urls") or [None])[0],
        seconds=int(data["n_frames"]) if "n_frames" in data else None,
        orientation=data.get("aspect_ratio"),
        quality=data.get("size"),
        remove_watermark=data.get("remove_watermark"),
        shots=shots,
        callback_url=body.get("callBackUrl"),
        model=body["model"],
    )


def evolink_request(body: dict[str, Any]) -> VideoRequest | None:
    orientation = {"16:9": "landscape", "9:16": "portrait"}
    quality = {"720p": "standard", "1080p": "high"}
    return VideoRequest(
        prompt=body["prompt"],
        image_url=(body.get("image_urls") or [None])[0],
        seconds=body.get("duration"),
        orientation=orientation.get(body.get("aspect_ratio", "")),
        quality=quality.get(body.get("quality", "")),
        callback_url=body.get("callback_url"),
        model=body["model"],
    )


def modelverse_request(body: dict[str, Any]) -> VideoRequest | None:
    parameters = body.get("parameters", {})
    return VideoRequest(
        prompt=body["input"].get("prompt", ""),
        image_url=body["input"].get("first_frame_url"),
        seconds=parameters.get("duration"),
        size=parameters.get("size"),
        model=body["model"],
    )


TO_UNIFIED = {"kie": kie_request, "evolink": evolink_request, "modelverse": modelverse_request}


def normalised(vendor: str, body: dict[str, Any]) -> dict[str, Any]:
    """Fill the defaults sora_unified writes out explicitly, so equal requests compare equal."""
    body = json.loads(json.dumps(body))
    if vendor == "kie":
        body["input"].setdefault(
            "n_frames", "15" if body["model"] == "sora-2-pro-storyboard" else "10"
        )
        body["input"].setdefault("aspect_ratio", "landscape")
    if vendor == "evolink":
        body.setdefault("duration", 4)
        if body.get("image_urls") == []:
            del body["image_urls"]  # an empty list and no list both mean text-to-video
    if vendor == "modelverse":
        body.setdefault("parameters", {})
        body["parameters"].setdefault("duration", 4)
        body["parameters"].setdefault("size", "720x1280")
    return body


@pytest.mark.parametrize("vendor", ["kie", "evolink", "modelverse"])
def test_spec_bodies_round_trip_through_video_request(vendor: str) -> None:
    schema = schemathesis.openapi.from_path(str(spec_path(vendor)))
    operation = schema.find_operation_by_id(CREATE[vendor])
    strategy = operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE)

    @settings(suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
    @given(case=strategy)
    def check(case: Any) -> None:
        body = case.body
        assume(isinstance(body, dict))
        try:
            request = TO_UNIFIED[vendor](body)
            assume(request is not None)
            assert request is not None
            rebuilt = submitted_body(vendor, request)
        except ValidationError as error:
            # Our local checks are stricter than the schema only where the vendor's docs are:
            # storyboard budgets, https/public callbacks, http(s) image URLs, whitespace in URLs.
            assume(error.field in ("shots", "callback_url", "image_url"))
            return
        assert normalised(vendor, rebuilt) == normalised(vendor, body)

    check()
