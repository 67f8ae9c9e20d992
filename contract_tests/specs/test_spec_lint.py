"""Each spec is valid OpenAPI 3.1 and follows our own rules, which openapi-spec-validator misses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from contract_tests.support.specs import (
    ROOT,
    SPECS,
    VENDORS,
    load_spec,
    operations,
    resolve,
    spec_path,
)

JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def _walk(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from _walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{where}/{index}")


def _matches(value: Any, declared: str | list[str]) -> bool:
    names = [declared] if isinstance(declared, str) else declared
    for name in names:
        if name == "integer" and isinstance(value, bool):
            continue
        if name in JSON_TYPES and isinstance(value, JSON_TYPES[name]):
            return True
    return False


@pytest.mark.parametrize("vendor", SPECS)
def test_spec_is_valid_openapi_31(vendor: str) -> None:
    document, base_uri = read_from_filename(str(spec_path(vendor)))
    validate(document, base_uri=base_uri)
    assert load_spec(vendor)["openapi"].startswith("3.1")


@pytest.mark.parametrize("vendor", SPECS)
def test_no_nullable_keyword(vendor: str) -> None:
    """3.1 writes `type: [X, "null"]`; `nullable` is honoured by the generator only."""
    offenders = [where for where, node in _walk(load_spec(vendor)) if "nullable" in node]
    assert offenders == []


@pytest.mark.parametrize("vendor", SPECS)
def test_enum_and_known_values_match_declared_type(vendor: str) -> None:
    problems = []
    for where, node in _walk(load_spec(vendor)):
        declared = node.get("type")
        if not isinstance(declared, str | list):
            continue
        for keyword in ("enum", "x-known-values", "const", "default"):
            values = node.get(keyword)
            if values is None:
                continue
            for value in values if keyword in ("enum", "x-known-values") else [values]:
                if not _matches(value, declared):
                    problems.append(f"{where}/{keyword}: {value!r} is not {declared}")
    assert problems == []


@pytest.mark.parametrize("vendor", SPECS)
def test_security_requirements_name_defined_schemes(vendor: str) -> None:
    spec = load_spec(vendor)
    defined = set(spec["components"]["securitySchemes"])
    requirements = list(spec.get("security", []))
    for _, _, op in operations(vendor):
        requirements += op.get("security", [])
    assert requirements, "every vendor needs authentication"
    assert {name for requirement in requirements for name in requirement} <= defined


@pytest.mark.parametrize("vendor", SPECS)
def test_every_operation_is_documented_and_has_error_responses(vendor: str) -> None:
    spec = load_spec(vendor)
    declared_tags = {tag["name"] for tag in spec["tags"]}
    operation_ids = []
    for path, method, op in operations(vendor):
        where = f"{method.upper()} {path}"
        assert op.get("operationId"), where
        operation_ids.append(op["operationId"])
        assert op.get("tags") and set(op["tags"]) <= declared_tags, where
        assert "Source" in op.get("description", ""), f"{where} cites no vendor page"
        statuses = [int(status) for status in op["responses"]]
        assert any(status >= 400 for status in statuses), f"{where} has no error response"
        for status, response in op["responses"].items():
            assert resolve(vendor, response).get("description"), f"{where} {status}"
    assert len(operation_ids) == len(set(operation_ids))


@pytest.mark.parametrize(
    ("vendor", "create", "status_operation"),
    [
        ("kie", "createTask", "getTaskDetails"),
        ("evolink", "createVideoGeneration", "getTaskDetail"),
        ("modelverse", "submitTask", "getTaskStatus"),
    ],
)
def test_create_response_links_to_status_operation(
    vendor: str, create: str, status_operation: str
) -> None:
    for _, _, op in operations(vendor):
        if op["operationId"] == create:
            links = op["responses"]["200"]["links"]
            assert [link["operationId"] for link in links.values()] == [status_operation]
            return
    pytest.fail(f"{vendor} has no {create}")


@pytest.mark.parametrize("vendor", ["kie", "evolink"])
def test_callbacks_are_described(vendor: str) -> None:
    create = next(op for _, method, op in operations(vendor) if method == "post")
    (expression,) = create["callbacks"]["taskFinished"]
    assert expression.startswith("{$request.body#/")


@pytest.mark.parametrize("vendor", VENDORS)
def test_request_variants_are_tagged_by_a_model_constant(vendor: str) -> None:
    """The generator ignores `discriminator`: each variant must reject the others by itself,
    with its own `model` constant."""
    for _, method, op in operations(vendor):
        body = op.get("requestBody", {}).get("content", {}).get("application/json")
        if method != "post" or not body:
            continue
        schema = resolve(vendor, body["schema"])
        if "oneOf" not in schema:
            continue
        constants = [resolve(vendor, v)["properties"]["model"]["const"] for v in schema["oneOf"]]
        assert len(constants) == len(set(constants)), constants


@pytest.mark.parametrize("host", ["kie_files", "evolink_files"])
def test_a_file_hosts_upload_modes_document_the_same_answers(host: str) -> None:
    # Stream, base64 and URL uploads are one host's one upload with three body shapes: its
    # authentication, limits and failures do not depend on the shape, so neither do the
    # answers a spec lists (a status missing from one mode is a slip, not a finding).
    answers = {path: sorted(op["responses"]) for path, _, op in operations(host)}
    assert len(answers) == 3, answers
    assert len({tuple(statuses) for statuses in answers.values()}) == 1, answers


def test_every_mutation_still_applies() -> None:
    """`make mutation` applies each mutation's `old` text, which must occur exactly once in its
    file: an edited spec or module must not silently retire a mutation. (The mutation runs
    deselect this test: in their scratch copy one `old` is, by design, gone.)"""
    import importlib.util
    import sys

    found = importlib.util.spec_from_file_location("mutation_tool", ROOT / "tools" / "mutation.py")
    assert found is not None and found.loader is not None
    tool = importlib.util.module_from_spec(found)
    sys.modules["mutation_tool"] = tool  # dataclasses look their module up there
    found.loader.exec_module(tool)
    mutations = tool.catalogue()
    assert len({m.package for m in mutations}) >= 18  # every package and every spec
    assert tool.check_catalogue(mutations) == []
