"""The vendor specs at run time: inside the wheel (`sora_unified/_specs`) or in a checkout."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ._validation import innermost, spec_validator

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
def request_validator(vendor: str, path: str) -> Any:
    """Validator for the JSON request body of the POST operation at `path`."""
    escaped = path.replace("~", "~0").replace("/", "~1")
    pointer = f"#/paths/{escaped}/post/requestBody/content/application~1json/schema"
    # Public-host rules are the emulators' own policy (configurable), not a schema refusal.
    return spec_validator(
        spec(vendor), f"urn:sora-unified-sandbox:{vendor}", pointer, public_hosts=False
    )


def first_error(vendor: str, path: str, body: Any) -> tuple[str, str] | None:
    """(field path, message) of the most relevant schema error, or None if the body is valid."""
    from jsonschema.exceptions import best_match

    error = best_match(request_validator(vendor, path).iter_errors(body))
    if error is None:
        return None
    error = innermost(error)
    field = ".".join(str(part) for part in error.absolute_path) or "body"
    return field, error.message


@dataclass(frozen=True, slots=True)
class AuthForm:
    """One way a spec lets a request carry the key: `header: <prefix><key>`."""

    header: str
    prefix: str

    def key(self, headers: Mapping[str, str]) -> str | None:
        value = headers.get(self.header.lower(), headers.get(self.header))
        if not value or not value.startswith(self.prefix):
            return None
        token = value[len(self.prefix) :]
        return token if token and not any(c.isspace() for c in token) else None


@cache
def auth_forms(vendor: str) -> tuple[AuthForm, ...]:
    """The spec's security alternatives as wire forms (bearer, or an API key in a header)."""
    document = spec(vendor)
    schemes = document["components"]["securitySchemes"]
    forms = []
    for requirement in document.get("security", []):
        for name in requirement:
            scheme = schemes[name]
            if scheme["type"] == "http" and scheme["scheme"].lower() == "bearer":
                forms.append(AuthForm("Authorization", "Bearer "))
            elif scheme["type"] == "apiKey" and scheme["in"] == "header":
                forms.append(AuthForm(scheme["name"], ""))
            else:
                raise ValueError(f"{vendor}: unsupported security scheme {name}: {scheme}")
    return tuple(forms)


def api_key(vendor: str, headers: Mapping[str, str]) -> str | None:
    """The key a request carries in one of the forms its vendor's spec allows, else None."""
    for form in auth_forms(vendor):
        key = form.key(headers)
        if key is not None:
            return key
    return None


def default(vendor: str, schema: str, field: str | None = None) -> Any:
    """The documented default of a component schema (or one of its properties), falling back
    to the `x-sandbox-default` the spec records where the vendor documents none."""
    node = spec(vendor)["components"]["schemas"][schema]
    if field is not None:
        node = node["properties"][field]
        while "$ref" in node:
            node = spec(vendor)["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    if "default" in node:
        return node["default"]
    return node["x-sandbox-default"]


def _resolved(vendor: str, node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec(vendor)
        for token in node["$ref"].removeprefix("#/").split("/"):
            target = target[token.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


@cache
def documented_errors(vendor: str) -> dict[int, Any]:
    """The error body the spec's examples document for each HTTP status (first found)."""
    found: dict[int, Any] = {}
    for item in spec(vendor)["paths"].values():
        for method in ("post", "get"):
            for status, response in item.get(method, {}).get("responses", {}).items():
                if not status.isdigit() or int(status) < 400 or int(status) in found:
                    continue
                media = _resolved(vendor, response).get("content", {}).get("application/json", {})
                if "example" in media:
                    found[int(status)] = media["example"]
    return found


def _branch(vendor: str, node: Any, value: Any) -> Any:
    """The oneOf branch a body is for: the one whose `model` constant it names."""
    branches = [_resolved(vendor, branch) for branch in node["oneOf"]]
    if len(branches) == 1:
        return branches[0]
    for branch in branches:
        constant = branch.get("properties", {}).get("model", {}).get("const")
        if isinstance(value, dict) and constant is not None and constant == value.get("model"):
            return branch
    return None


def _strip(vendor: str, node: Any, value: Any, prefix: str, removed: list[str]) -> None:
    node = _resolved(vendor, node)
    if not isinstance(node, dict):
        return
    if "oneOf" in node:
        branch = _branch(vendor, node, value)
        if branch is not None:
            _strip(vendor, branch, value, prefix, removed)
        return
    if isinstance(value, dict) and "properties" in node:
        properties = node["properties"]
        if node.get("additionalProperties") is False:
            for name in [key for key in value if key not in properties]:
                removed.append(f"{prefix}{name}")
                del value[name]
        for name, child in properties.items():
            if name in value:
                _strip(vendor, child, value[name], f"{prefix}{name}.", removed)
    elif isinstance(value, list) and "items" in node:
        for index, item in enumerate(value):
            _strip(vendor, node["items"], item, f"{prefix}{index}.", removed)


def strip_unknown_fields(vendor: str, path: str, body: Any) -> list[str]:
    """Remove (in place) the fields the request schema of POST `path` does not list; return
    their dotted paths."""
    removed: list[str] = []
    schema = spec(vendor)["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    _strip(vendor, schema["schema"], body, "", removed)
    return removed
