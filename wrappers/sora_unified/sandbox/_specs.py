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
