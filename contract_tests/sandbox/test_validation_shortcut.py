"""The sandbox checks a request union by its `model` first (a speed-up): its verdicts and
messages must be exactly those of JSON Schema's own `oneOf`, on valid and invalid bodies."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, validators
from sora_unified.sandbox._validation import spec_validator

from contract_tests.support.specs import (
    VENDORS,
    create_operation,
    load_spec,
    request_examples,
    request_schema_pointer,
    spec_path,
)


def _validators(vendor: str) -> tuple[Any, Any]:
    pointer = request_schema_pointer(vendor, create_operation(vendor)[2]["operationId"])
    uri = spec_path(vendor).as_uri()
    fast = spec_validator(load_spec(vendor), uri, pointer)
    plain_class = validators.extend(type(fast), {"oneOf": Draft202012Validator.VALIDATORS["oneOf"]})
    plain = plain_class(fast.schema, registry=fast._registry, format_checker=fast.format_checker)
    return fast, plain


def _verdict(validator: Any, body: Any) -> list[tuple[str, str]]:
    return sorted((error.message, error.json_path) for error in validator.iter_errors(body))


CASES = [
    (v, body)
    for v in VENDORS
    for _, body in request_examples(v, create_operation(v)[2]["operationId"])
]


@pytest.mark.parametrize(("vendor", "body"), CASES)
def test_documented_requests_get_the_same_verdict(vendor: str, body: Any) -> None:
    fast, plain = _validators(vendor)
    assert _verdict(fast, body) == _verdict(plain, body)


@pytest.mark.parametrize("vendor", [v for v in VENDORS if v != "modelverse-openai"])
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_mutated_requests_get_the_same_verdict(vendor: str, data: Any) -> None:
    """Another model's name, a dropped or changed field: same errors either way."""
    fast, plain = _validators(vendor)
    examples = [
        body for _, body in request_examples(vendor, create_operation(vendor)[2]["operationId"])
    ]
    body = copy.deepcopy(data.draw(st.sampled_from(examples)))
    models = sorted({example["model"] for example in examples if "model" in example})
    change = data.draw(st.sampled_from(["model", "drop", "value", "none"]))
    if change == "model" and models:
        body["model"] = data.draw(st.sampled_from([*models, "sora-9", 7]))
    elif change == "drop" and body:
        body.pop(data.draw(st.sampled_from(sorted(body))))
    elif change == "value" and body:
        body[data.draw(st.sampled_from(sorted(body)))] = data.draw(
            st.one_of(st.none(), st.integers(), st.text(max_size=5), st.just({}))
        )
    assert _verdict(fast, body) == _verdict(plain, body)
