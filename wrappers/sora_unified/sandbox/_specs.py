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

# libyaml's parser (the C one pyyaml ships) when present: the same documents, five times faster
# to read; every process that starts a sandbox reads the specs.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def spec_file(vendor: str) -> Path:
    """specs/<name>.yaml, where a vendor's spec name is its name with "_" for "-"."""
    for folder in _CANDIDATES:
        path = folder / f"{vendor.replace('-', '_')}.yaml"
        if path.exists():
            return path
    raise FileNotFoundError(f"specs/{vendor}.yaml is neither packaged nor in a checkout")


@cache
def spec(vendor: str) -> dict[str, Any]:
    with spec_file(vendor).open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.load(handle, Loader=SAFE_LOADER)  # noqa: S506
    return document


def _escaped(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def request_pointer(path: str, media_type: str = "application/json") -> str:
    """The JSON pointer of the request body schema of POST `path` in `media_type`."""
    return f"#/paths/{_escaped(path)}/post/requestBody/content/{_escaped(media_type)}/schema"


@cache
def request_validator(vendor: str, path: str, pointer: str | None = None) -> Any:
    """Validator for the JSON request body of the POST operation at `path` (or for the schema
    at `pointer`, one of its variants)."""
    # Public-host rules are the emulators' own policy (configurable), not a schema refusal.
    return spec_validator(
        spec(vendor),
        f"urn:sora-unified-sandbox:{vendor}",
        pointer or request_pointer(path),
        public_hosts=False,
    )


def _variant_for(vendor: str, path: str, body: Any) -> str | None:
    """The pointer of the oneOf variant whose `model` constant the body names, if any."""
    content = spec(vendor)["paths"][path]["post"]["requestBody"]["content"]
    node = _resolved(vendor, content["application/json"]["schema"])
    for branch in node.get("oneOf", ()):
        constant = _resolved(vendor, branch).get("properties", {}).get("model", {}).get("const")
        if isinstance(body, dict) and constant is not None and constant == body.get("model"):
            return str(branch["$ref"]) if "$ref" in branch else None
    return None


def first_error(
    vendor: str, path: str, body: Any, pointer: str | None = None
) -> tuple[str, str] | None:
    """(field path, message) of the most relevant schema error, or None if the body is valid;
    judged by the JSON request schema of POST `path`, or the schema at `pointer`.

    A body naming one of several models is judged by that model's variant, so the message is
    about its own fields (not "model: 'another-model' was expected")."""
    from jsonschema.exceptions import best_match

    error = best_match(request_validator(vendor, path, pointer).iter_errors(body))
    if error is None:
        return None
    variant = _variant_for(vendor, path, body) if pointer is None else None
    if variant is not None:
        specific = best_match(request_validator(vendor, path, variant).iter_errors(body))
        error = specific if specific is not None else error
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


def strip_unknown_fields(
    vendor: str, path: str, body: Any, media_type: str = "application/json"
) -> list[str]:
    """Remove (in place) the fields the request schema of POST `path` does not list; return
    their dotted paths."""
    removed: list[str] = []
    schema = spec(vendor)["paths"][path]["post"]["requestBody"]["content"][media_type]
    _strip(vendor, schema["schema"], body, "", removed)
    return removed


def _variant_property(vendor: str, path: str, model: str, field: str) -> tuple[Any, Any]:
    """`field` of the request variant for `model` of POST `path`, as written (a `$ref` with
    its siblings) and resolved; fields inside `input` are named "input.n_frames"."""
    schema = spec(vendor)["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    node = _resolved(vendor, schema["schema"])
    if "oneOf" in node:
        node = _branch(vendor, node, {"model": model})
    raw: Any = node
    for token in field.split("."):
        raw = node["properties"][token]
        node = _resolved(vendor, raw)
    return raw, node


def variant_default(vendor: str, path: str, model: str, field: str) -> Any:
    """The default (or recorded `x-sandbox-default`) of `field` in the request variant for
    `model` of POST `path`."""
    raw, node = _variant_property(vendor, path, model, field)
    # A `$ref` with a sibling default ("aspect_ratio: {$ref: ..., x-sandbox-default: ...}")
    # says it beside the reference; the referenced schema may say it too.
    for candidate in (raw, node):
        for key in ("default", "x-sandbox-default"):
            if key in candidate:
                return candidate[key]
    raise KeyError(f"{vendor} {model}: {field} has no default in the spec")


def referenced_models(vendor: str, path: str, model: str, field: str) -> tuple[str, ...] | None:
    """The models whose tasks `field` may name (the spec's `x-references-task`); None when
    any video task will do."""
    raw, node = _variant_property(vendor, path, model, field)
    named = raw.get("x-references-task", node.get("x-references-task"))
    if named is None:
        raise KeyError(f"{vendor} {model}: {field} names no task in the spec")
    return None if named == "video" else tuple(named)


@cache
def path_parameter_pattern(vendor: str, path: str, name: str) -> str | None:
    """The `pattern` the spec gives path parameter `name` of GET `path`, if any: what the
    emulator refuses as a malformed id is what the spec says a well-formed one is."""
    for parameter in spec(vendor)["paths"][path]["get"].get("parameters", ()):
        if parameter.get("in") == "path" and parameter.get("name") == name:
            pattern = parameter.get("schema", {}).get("pattern")
            return str(pattern) if pattern else None
    return None


def upload_media_types(vendor: str) -> tuple[str, ...] | None:
    """The media types a file host's spec lists for its uploads (the `mime_type` enum of its
    base64 upload), or None where it lists none (kie names no formats)."""
    schemas = spec(vendor).get("components", {}).get("schemas", {})
    field = schemas.get("Base64UploadRequest", {}).get("properties", {}).get("mime_type", {})
    listed = field.get("enum")
    return tuple(str(value) for value in listed) if listed else None
