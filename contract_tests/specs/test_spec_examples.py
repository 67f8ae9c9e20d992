"""Every example embedded in a spec, and every example printed on a vendor page, validates
against the right schema and survives a round trip through the generated model."""

from __future__ import annotations

from typing import Any

import pytest

from contract_tests.support.pages import PageExample, page_examples
from contract_tests.support.specs import (
    SPECS,
    VENDORS,
    request_schema_pointer,
    response_schema_pointer,
    schema_errors,
    spec_examples,
)

ALL_SPEC_EXAMPLES = [
    pytest.param(vendor, schema, value, id=f"{vendor}: {label}")
    for vendor in SPECS
    for label, schema, value in spec_examples(vendor)
]
PAGE_EXAMPLES = [
    pytest.param(example, id=f"{example.vendor}/{example.name}") for example in page_examples()
]


@pytest.mark.parametrize(("vendor", "schema", "value"), ALL_SPEC_EXAMPLES)
def test_spec_example_validates(vendor: str, schema: str, value: Any) -> None:
    assert schema_errors(vendor, schema, value) == []


def test_every_vendor_page_has_its_examples_stored() -> None:
    counts = {vendor: 0 for vendor in VENDORS}
    for example in page_examples():
        counts[example.vendor] += 1
    # 3 kie pages x (request, response); evolink request + 6 error bodies; modelverse 3;
    # its OpenAI-compatible page: the curl request and the not-ready download error.
    assert counts == {"kie": 6, "evolink": 7, "modelverse": 3, "modelverse-openai": 2}


def _schema_for(example: PageExample) -> str:
    if example.kind == "request":
        return request_schema_pointer(example.vendor, example.operation)
    assert example.status is not None
    return response_schema_pointer(example.vendor, example.operation, example.status)


@pytest.mark.parametrize("example", PAGE_EXAMPLES)
def test_page_example_validates(example: PageExample) -> None:
    assert schema_errors(example.vendor, _schema_for(example), example.body) == []


@pytest.mark.parametrize("example", PAGE_EXAMPLES)
def test_page_example_is_embedded_in_the_spec(example: PageExample) -> None:
    embedded = [
        value
        for _, schema, value in spec_examples(example.vendor)
        if schema == _schema_for(example)
    ]
    assert example.body in embedded


@pytest.mark.parametrize("example", PAGE_EXAMPLES)
def test_page_example_round_trips_through_generated_model(example: PageExample) -> None:
    parsed = example.model.from_dict(example.body)
    assert parsed.to_dict() == example.body


def test_kie_request_examples_parse_only_as_their_own_variant() -> None:
    """Unions are parsed by trying variants in order; the const model must reject the others."""
    from kie_client import models

    variants = [
        models.TextToVideoRequest,
        models.ImageToVideoRequest,
        models.ProTextToVideoRequest,
        models.ProImageToVideoRequest,
        models.StoryboardRequest,
    ]
    for example in page_examples():
        if example.vendor != "kie" or example.kind != "request":
            continue
        accepted = []
        for variant in variants:
            try:
                variant.from_dict(example.body)
            except (ValueError, TypeError, KeyError):
                continue
            accepted.append(variant)
        assert accepted == [example.model], example.name


def test_format_uri_is_really_checked() -> None:
    """Without rfc3986-validator, jsonschema lets any string through `format: uri`."""
    bad = {"model": "sora-2-image-to-video", "input": {"prompt": "x", "image_urls": ["not a uri"]}}
    errors = schema_errors("kie", request_schema_pointer("kie", "createTask"), bad)
    assert errors, "an invalid URI must be rejected"


@pytest.mark.parametrize(
    ("vendor", "operation_id", "body"),
    [
        (
            "kie",
            "createTask",
            {"model": "sora-2-pro-text-to-video", "input": {"prompt": "x"}, "extra": 1},
        ),
        (
            "kie",
            "createTask",
            {"model": "sora-2-text-to-video", "input": {"prompt": "x", "n_frames": 10}},
        ),
        ("kie", "createTask", {"model": "sora-3", "input": {"prompt": "x"}}),
        (
            "evolink",
            "createVideoGeneration",
            {"model": "sora-2-pro-preview", "prompt": "x", "duration": 10},
        ),
        (
            "evolink",
            "createVideoGeneration",
            {"model": "sora-2-pro-preview", "prompt": "x", "callback_url": "http://a.example/cb"},
        ),
        ("modelverse", "submitTask", {"model": "openai/sora-2/text-to-video", "input": {}}),
    ],
)
def test_request_schemas_are_strict(vendor: str, operation_id: str, body: Any) -> None:
    assert schema_errors(vendor, request_schema_pointer(vendor, operation_id), body)


@pytest.mark.parametrize(
    ("vendor", "operation_id", "body"),
    [
        (
            "kie",
            "getTaskDetails",
            {
                "code": 200,
                "msg": "success",
                "data": {"taskId": "t", "state": "brand-new", "recordId": "x", "failCode": None},
            },
        ),
        ("kie", "getTaskDetails", {"code": 999, "message": "new code", "data": None}),
        ("evolink", "getTaskDetail", {"id": "task-unified-1", "status": "cancelled", "extra": [1]}),
        (
            "modelverse",
            "getTaskStatus",
            {"output": {"task_id": "t", "task_status": "Expired", "urls": None}, "request_id": ""},
        ),
    ],
)
def test_response_schemas_are_tolerant(vendor: str, operation_id: str, body: Any) -> None:
    assert schema_errors(vendor, response_schema_pointer(vendor, operation_id, 200), body) == []


@pytest.mark.parametrize(
    ("vendor", "operation_id", "body", "problem"),
    [
        ("kie", "createTask", {"code": 200, "data": {}}, "taskId"),
        ("kie", "createTask", {"code": 200, "msg": "success"}, "data"),
        ("kie", "createTask", {"code": 200, "data": {"recordId": "x"}}, "taskId"),
        ("kie", "getTaskDetails", {"code": 200, "data": {"taskId": "t"}}, "state"),
        (
            "kie",
            "getTaskDetails",
            {"code": 200, "data": {"taskId": "t", "state": "success", "resultJson": ""}},
            "resultJson",
        ),
        (
            "kie",
            "getTaskDetails",
            {
                "code": 200,
                "data": {
                    "taskId": "t",
                    "state": "success",
                    "resultJson": '{"urls": ["https://a.b/c"]}',
                },
            },
            "resultJson",
        ),
        (
            "kie",
            "getTaskDetails",
            {"code": 200, "data": {"taskId": "t", "state": "success", "resultJson": "{not json"}},
            "not the JSON",
        ),
        (
            "kie",
            "getTaskDetails",
            {"code": 200, "data": {"taskId": "t", "state": "fail"}},
            "failCode",
        ),
        ("evolink", "getTaskDetail", {"id": "task-unified-1", "status": "completed"}, "results"),
        ("evolink", "getTaskDetail", {"id": "task-unified-1", "status": "failed"}, "error"),
        ("evolink", "getTaskDetail", {"status": "pending"}, "id"),
        ("modelverse", "getTaskStatus", {"output": {"task_status": "Running"}}, "task_id"),
        (
            "modelverse",
            "getTaskStatus",
            {"output": {"task_id": "t", "task_status": "Success"}},
            "urls",
        ),
        ("modelverse", "submitTask", {"output": {}}, "task_id"),
    ],
)
def test_response_schemas_require_what_we_read(
    vendor: str, operation_id: str, body: Any, problem: str
) -> None:
    """Tolerant is not blind: a task id, state, result or error code the vendor documents and
    the client reads may not silently disappear (or be renamed) from a recording."""
    errors = schema_errors(vendor, response_schema_pointer(vendor, operation_id, 200), body)
    assert any(problem in error for error in errors), errors


def test_a_kie_character_result_without_its_id_is_drift() -> None:
    """A character task's result names the character; one whose `resultObject` lost its
    `character_id` (the field the client reads) is not a tolerated variant."""
    body = {
        "code": 200,
        "data": {
            "taskId": "t",
            "state": "success",
            "resultJson": '{"resultObject": {"character_user_name": "mzsdaag.ab"}}',
        },
    }
    pointer = response_schema_pointer("kie", "getTaskDetails", 200)
    assert schema_errors("kie", pointer, body)
    body["data"]["resultJson"] = '{"resultObject": {"character_id": "ch_1"}}'
    assert schema_errors("kie", pointer, body) == []


def test_modelverse_openai_create_requires_the_model() -> None:
    """ModelVerse's page lists `model` as required (`sora-2`); a spec that lets it go would let
    our own client send a create the vendor refuses."""
    pointer = request_schema_pointer("modelverse-openai", "createVideo")
    errors = schema_errors("modelverse-openai", pointer, {"prompt": "a corgi"})
    assert any("model" in error for error in errors), errors
    assert (
        schema_errors("modelverse-openai", pointer, {"prompt": "a corgi", "model": "sora-2"}) == []
    )
