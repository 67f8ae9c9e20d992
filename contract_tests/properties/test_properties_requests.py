"""Property-based request shapes: every request the capability table allows produces a body
the spec accepts; every request outside it is refused locally, naming the field; and bodies
the spec allows map back into VideoRequest and out again unchanged."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from sora_unified import (
    CharacterRequest,
    Client,
    Shot,
    ValidationError,
    VideoRequest,
    WatermarkRemovalRequest,
    capabilities,
)
from sora_unified._capabilities import ModelCapabilities
from sora_unified.types import AnyRequest

from contract_tests.support.bypass import adapter_body, body_pointer, client_refusal, request_class
from contract_tests.support.fakes import KEY, created
from contract_tests.support.specs import (
    form_fields,
    request_schema_pointer,
    request_variants,
    schema_errors,
    schemathesis_schema,
    with_defaults,
)
from contract_tests.support.strategies import invalid_request, valid_request

CREATE = {"kie": "createTask", "evolink": "createVideoGeneration", "modelverse": "submitTask"}
NEGATIVE_FACTOR = {"kie": 4, "evolink": 4, "modelverse": 8}


class Capture:
    """A transport that answers every submit with a created task and keeps the bodies."""

    def __init__(self, vendor: str) -> None:
        self.vendor = vendor
        self.bodies: list[Any] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("multipart/form-data"):
            self.bodies.append(form_fields(content_type, request.read()))
        else:
            self.bodies.append(json.loads(request.content))
        return httpx.Response(200, json=created(self.vendor))


def submitted_body(vendor: str, request: AnyRequest) -> Any:
    capture = Capture(vendor)
    # Hundreds of submits on a real clock: the vendor's client-side window is not under test.
    client = Client(vendor, api_key=KEY, transport=httpx.MockTransport(capture), rate_limits={})
    client.submit(request)
    (body,) = capture.bodies
    return body


def _generated_model(vendor: str, model: str) -> Any:
    """The generated class of the model's request variant (named after its component)."""
    import importlib

    return getattr(
        importlib.import_module(f"{vendor}_client.models"), request_variants(vendor)[model]
    )


# The request space spans every model of every kind: a few more examples than the default.
@settings(max_examples=settings().max_examples * 3)
@given(valid_request())
def test_every_allowed_request_builds_a_body_the_spec_accepts(
    drawn: tuple[ModelCapabilities, AnyRequest],
) -> None:
    caps, request = drawn
    body = submitted_body(caps.vendor, request)
    assert schema_errors(caps.vendor, body_pointer(caps), body) == []
    if caps.keeps_source_shape:  # a remix endpoint: the source is in the path
        assert set(body) == {"prompt"} and body["prompt"] == request.prompt
        return
    assert body["model"] == caps.model
    if "<file>" in body.values() or caps.vendor == "modelverse-openai":
        return  # multipart: the generated model reads files, not placeholders
    model = _generated_model(caps.vendor, caps.model)
    assert model.from_dict(body).to_dict() == body


@settings(max_examples=settings().max_examples * 3)
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
        client.submit(request_class(caps)(**values))
    error = caught.value
    assert error.field.startswith(field) or field in error.field, (error.field, field, str(error))
    assert error.allowed and str(error)
    assert sent == []


# -- the converse: bodies the spec allows map into VideoRequest and back out unchanged ---------------


def _options(**found: Any) -> dict[str, Any] | None:
    return {path: value for path, value in found.items() if value is not None} or None


def kie_request(body: dict[str, Any]) -> AnyRequest:
    data = body["input"]
    common: dict[str, Any] = {
        "callback_url": body.get("callBackUrl"),
        "model": body["model"],
        "vendor_options": _options(
            **{
                "input.upload_method": data.get("upload_method"),
                "progressCallBackUrl": body.get("progressCallBackUrl"),
            }
        ),
    }
    if "video_url" in data:
        return WatermarkRemovalRequest(video_url=data["video_url"], **common)
    if "character_file_url" in data or "origin_task_id" in data:
        start, end = (None, None)
        if "timestamps" in data:
            start, end = (float(part) for part in data["timestamps"].split(","))
        return CharacterRequest(
            video_url=(data.get("character_file_url") or [None])[0],
            task=data.get("origin_task_id"),
            start=start,
            end=end,
            prompt=data.get("character_prompt", ""),
            name=data.get("character_user_name"),
            safety_instruction=data.get("safety_instruction"),
            **common,
        )
    shots = tuple(Shot(s["Scene"], s["duration"]) for s in data.get("shots", ())) or None
    return VideoRequest(
        prompt=data.get("prompt", ""),
        image_url=(data.get("image_urls") or [None])[0],
        seconds=int(data["n_frames"]) if "n_frames" in data else None,
        orientation=data.get("aspect_ratio"),
        quality=data.get("size"),
        remove_watermark=data.get("remove_watermark"),
        shots=shots,
        characters=tuple(data["character_id_list"]) if "character_id_list" in data else None,
        **common,
    )


def evolink_request(body: dict[str, Any]) -> AnyRequest:
    orientation = {
        "16:9": "landscape",
        "9:16": "portrait",
        "1280x720": "landscape",
        "720x1280": "portrait",
    }
    quality = {"720p": "standard", "1080p": "high", "standard": "standard", "high": "high"}
    return VideoRequest(
        prompt=body["prompt"],
        image_url=(body.get("image_urls") or [None])[0],
        seconds=body.get("duration"),
        orientation=orientation.get(body.get("aspect_ratio", "")),
        quality=quality.get(body.get("quality", "")),
        remove_watermark=body.get("remove_watermark"),
        callback_url=body.get("callback_url"),
        remix_of=body.get("base_video_task_id"),
        model=body["model"],
    )


def modelverse_request(body: dict[str, Any]) -> AnyRequest:
    parameters = body.get("parameters", {})
    return VideoRequest(
        prompt=body["input"].get("prompt", ""),
        image_url=body["input"].get("first_frame_url"),
        seconds=parameters.get("duration"),
        size=parameters.get("size"),
        model=body["model"],
    )


TO_UNIFIED = {"kie": kie_request, "evolink": evolink_request, "modelverse": modelverse_request}
# Spellings the spec accepts as the same value (evolink sora-2-preview's aspect ratio).
SAME = {"1280x720": "16:9", "720x1280": "9:16"}


def normalised(vendor: str, body: dict[str, Any]) -> dict[str, Any]:
    """Fill in the defaults the spec records (documented, or the sandbox's recorded choice)
    and one spelling per value, so equal requests compare equal."""
    body = with_defaults(vendor, request_schema_pointer(vendor, CREATE[vendor]), body)
    if vendor == "evolink":
        if body.get("image_urls") == []:
            del body["image_urls"]  # an empty list and no list both mean text-to-video
        body["aspect_ratio"] = SAME.get(body.get("aspect_ratio"), body.get("aspect_ratio"))
    return body


@pytest.mark.parametrize("mode", ["positive", "negative"])
@pytest.mark.parametrize("vendor", ["kie", "evolink", "modelverse"])
def test_spec_bodies_and_the_client_agree(vendor: str, mode: str) -> None:
    """Bodies generated from the spec (valid and invalid) mapped into a VideoRequest: the client
    accepts exactly those the spec accepts, and what it accepts it sends back unchanged.

    Nothing is discarded for disagreeing. The only bodies left out are those no unified request
    says exactly (the adapter's body for the mapped request, built without the local check,
    differs): vendor extras such as upload_method, types no VideoRequest field has. The
    capability-table tests check that such fields are declared vendor extras."""
    schema = schemathesis_schema(vendor)
    operation = schema.find_operation_by_id(CREATE[vendor])
    generation = (
        schemathesis.GenerationMode.POSITIVE
        if mode == "positive"
        else schemathesis.GenerationMode.NEGATIVE
    )
    strategy = operation.as_strategy(generation_mode=generation)
    pointer = request_schema_pointer(vendor, CREATE[vendor])
    compared: list[bool] = []

    # Most invalid bodies are no unified request at all (a wrong type, an extra key), so the
    # negative run needs more examples to compare a fair number: at the default 40, four times
    # as many compare 64 kie and 78 evolink bodies; modelverse's nest everything under `input`
    # and `parameters`, and eight times as many compare only a handful.
    examples = settings().max_examples * (1 if mode == "positive" else NEGATIVE_FACTOR[vendor])

    @settings(
        max_examples=examples,
        suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
    )
    @given(case=strategy)
    def check(case: Any) -> None:
        body = case.body
        if not isinstance(body, dict):
            return  # not a JSON object: nothing a VideoRequest could say
        spec_ok = schema_errors(vendor, pointer, body) == []
        try:
            request = TO_UNIFIED[vendor](body)
        except (KeyError, TypeError, AttributeError, ValueError):
            return  # a shape no VideoRequest field has (including values VideoRequest refuses)
        offered = {m.model: m for m in capabilities().vendor(vendor)}
        if request.model not in offered:
            # Vendor extras the unified vocabulary does not carry; an unknown model is refused
            # by both (the spec's variants are the table's models: test_capabilities).
            return
        caps = offered[request.model]
        if not isinstance(request, request_class(caps)):
            # Fields of another kind of model (a clip for a video model): refused by both.
            assert client_refusal(caps, request) is not None
            assert not spec_ok, f"the spec accepts a {caps.kind} body with other fields:\n{body}"
            compared.append(False)
            return
        if normalised(vendor, adapter_body(caps, request)) != normalised(vendor, body):
            return  # the unified request does not say exactly this body
        refusal = client_refusal(caps, request)
        if refusal is not None:
            assert not spec_ok, f"the client refuses a body the spec accepts: {refusal}\n{body}"
            compared.append(False)
            return
        assert spec_ok, f"the client accepts a body the spec refuses:\n{body}"
        assert normalised(vendor, submitted_body(vendor, request)) == normalised(vendor, body)
        compared.append(True)

    check()
    assert compared, "no generated body could be compared"
