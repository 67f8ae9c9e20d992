"""Load the vendor specs and validate JSON bodies against their schemas.

OpenAPI 3.1 schemas are JSON Schema 2020-12, so a spec is registered as one `referencing`
resource and any pointer inside it becomes a validator. `format: uri` is really checked:
rfc3986-validator is installed, without which jsonschema passes any string silently.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parent.parent
# Point the suite at your own copies of the specs with SORA_UNIFIED_SPECS_DIR.
SPECS_DIR = Path(os.environ.get("SORA_UNIFIED_SPECS_DIR") or ROOT / "specs")
VENDORS = ("kie", "evolink", "modelverse")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER


def spec_path(vendor: str) -> Path:
    return SPECS_DIR / f"{vendor}.yaml"


@cache
def load_spec(vendor: str) -> dict[str, Any]:
    with spec_path(vendor).open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def pointer(*tokens: str) -> str:
    return "#/" + "/".join(_escape(token) for token in tokens)


@cache
def _registry(vendor: str) -> Registry:  # type: ignore[type-arg]
    resource = Resource.from_contents(load_spec(vendor), default_specification=DRAFT202012)
    return Registry().with_resource(f"urn:sora-unified:{vendor}", resource)


def validator(vendor: str, json_pointer: str) -> Draft202012Validator:
    """A validator for the schema at `json_pointer` (like "#/components/schemas/X")."""
    return Draft202012Validator(
        {"$ref": f"urn:sora-unified:{vendor}{json_pointer}"},
        registry=_registry(vendor),
        format_checker=FORMAT_CHECKER,
    )


def schema_errors(vendor: str, json_pointer: str, instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in validator(vendor, json_pointer).iter_errors(instance)
    ]


def operations(vendor: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in load_spec(vendor)["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def operation(vendor: str, operation_id: str) -> tuple[str, str, dict[str, Any]]:
    for path, method, op in operations(vendor):
        if op.get("operationId") == operation_id:
            return path, method, op
    raise KeyError(f"{vendor} has no operation {operation_id}")


def request_schema_pointer(vendor: str, operation_id: str) -> str:
    path, method, _ = operation(vendor, operation_id)
    return pointer("paths", path, method, "requestBody", "content", "application/json", "schema")


def response_schema_pointer(vendor: str, operation_id: str, status: int | str) -> str:
    path, method, op = operation(vendor, operation_id)
    response = op["responses"][str(status)]
    tokens = ["paths", path, method, "responses", str(status)]
    if "$ref" in response:  # a shared response under components/responses
        tokens = response["$ref"].removeprefix("#/").split("/")
    return pointer(*tokens, "content", "application/json", "schema")


def resolve(vendor: str, node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local `$ref` (one level at a time, until a node without one)."""
    while "$ref" in node:
        target: Any = load_spec(vendor)
        for token in node["$ref"].removeprefix("#/").split("/"):
            target = target[token.replace("~1", "/").replace("~0", "~")]
        node = target
    return node
