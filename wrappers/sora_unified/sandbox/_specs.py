"""The vendor specs at run time: inside the wheel (`sora_unified/_specs`) or in a checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

_PACKAGE = Path(__file__).resolve().parent.parent
_CANDIDATES = (_PACKAGE / "_specs", _PACKAGE.parent.parent / "specs")


def spec_file(vendor: str) -> Path:
    for folder in _CANDIDATES:
        path = folder / f"{vendor}.yaml"
        if path.exists():
            return path
    raise FileNotFoundError(f"specs/{vendor}.yaml is neither packaged nor in a checkout")


@cache
def spec(vendor: str) -> dict[str, Any]:
    with spec_file(vendor).open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


@cache
def request_validator(vendor: str, path: str) -> Draft202012Validator:
    """Validator for the JSON request body of the POST operation at `path`."""
    uri = f"urn:sora-unified-sandbox:{vendor}"
    registry: Registry[Any] = Registry().with_resource(
        uri, Resource.from_contents(spec(vendor), default_specification=DRAFT202012)
    )
    escaped = path.replace("~", "~0").replace("/", "~1")
    pointer = f"{uri}#/paths/{escaped}/post/requestBody/content/application~1json/schema"
    return Draft202012Validator(
        {"$ref": pointer}, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def first_error(vendor: str, path: str, body: Any) -> tuple[str, str] | None:
    """(field path, message) of the most relevant schema error, or None if the body is valid."""
    from jsonschema.exceptions import best_match

    error = best_match(request_validator(vendor, path).iter_errors(body))
    if error is None:
        return None
    field = ".".join(str(part) for part in error.absolute_path) or "body"
    return field, error.message
