"""Load the vendor specs and validate JSON bodies against their schemas.

OpenAPI 3.1 schemas are JSON Schema 2020-12, so a spec is registered as one `referencing`
resource and any pointer inside it becomes a validator. `format: uri` is really checked:
rfc3986-validator is installed, without which jsonschema passes any string silently.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from sora_unified.sandbox._validation import innermost, spec_validator

ROOT = Path(__file__).resolve().parents[2]
# Point the suite at your own copies of the specs with SORA_UNIFIED_SPECS_DIR.
SPECS_DIR = Path(os.environ.get("SORA_UNIFIED_SPECS_DIR") or ROOT / "specs")
VENDORS = ("kie", "evolink", "modelverse", "modelverse-openai")  # the task APIs
# Each vendor's own task API (ModelVerse's OpenAI-compatible one left out).
NATIVE_VENDORS = ("kie", "evolink", "modelverse")
# Every spec: the task APIs and the vendors' file hosts.
SPECS = tuple(sorted(path.stem for path in SPECS_DIR.glob("*.yaml")))
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER

# libyaml's parser (the C one pyyaml ships) when present: the same documents, five times faster
# to read; every process that starts a sandbox reads the specs.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def spec_path(vendor: str) -> Path:
    """specs/<name>.yaml; a vendor's spec name is its name with "_" for "-"."""
    return SPECS_DIR / f"{vendor.replace('-', '_')}.yaml"


@cache
def load_spec(vendor: str) -> dict[str, Any]:
    with spec_path(vendor).open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.load(handle, Loader=SAFE_LOADER)
    return document


def schemathesis_schema(
    name: str, *, app: Any = None, document: dict[str, Any] | None = None
) -> Any:
    """A schemathesis schema of a spec (`document`: an edited copy of it), served by `app`.

    Made from the spec already read (a copy: schemathesis may change what it is given) instead
    of `from_path`, which parses the YAML again in pure Python for every test."""
    import schemathesis  # only the property tests need it

    schema = schemathesis.openapi.from_dict(document or copy.deepcopy(load_spec(name)))
    if app is not None:
        schema.app = app
    return schema


@cache
def app_schema(name: str, app: Any) -> Any:
    """`schemathesis_schema(name, app=app)`, made once per spec and app. schemathesis keeps the
    lifespan of every app it has called running until the process exits, and mines constants
    from the app's source for each new schema: the property modules serve one sandbox (reset
    before each test) through one schema per spec."""
    return schemathesis_schema(name, app=app)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def pointer(*tokens: str) -> str:
    return "#/" + "/".join(_escape(token) for token in tokens)


def validator(vendor: str, json_pointer: str, *, strict: bool = False) -> Any:
    """A validator for the schema at `json_pointer` (like "#/components/schemas/X").

    `strict` also refuses values outside a field's `x-known-values` (vendor drift)."""
    return spec_validator(
        load_spec(vendor), f"urn:sora-unified:{vendor}", json_pointer, strict=strict
    )


def schema_errors(
    vendor: str, json_pointer: str, instance: Any, *, strict: bool = False
) -> list[str]:
    found = []
    for error in validator(vendor, json_pointer, strict=strict).iter_errors(instance):
        cause = innermost(error)
        found.append(f"{'/'.join(map(str, cause.absolute_path)) or '<root>'}: {cause.message}")
    return found


def operations(vendor: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in load_spec(vendor)["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def documented_statuses(vendor: str, method: str, path: str) -> set[int] | None:
    """The statuses the spec documents for `method` on a concrete `path` (its template's
    parameters matched by any segment), or None when the spec has no such operation."""
    for template, found, op in operations(vendor):
        shape = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if found == method.lower() and re.fullmatch(shape, path):
            return {int(status) for status in op["responses"]}
    return None


def operation(vendor: str, operation_id: str) -> tuple[str, str, dict[str, Any]]:
    for path, method, op in operations(vendor):
        if op.get("operationId") == operation_id:
            return path, method, op
    raise KeyError(f"{vendor} has no operation {operation_id}")


def request_schema_pointer(vendor: str, operation_id: str) -> str:
    """The request body schema of an operation (its JSON form, else its only form)."""
    path, method, op = operation(vendor, operation_id)
    content = op["requestBody"]["content"]
    media = "application/json" if "application/json" in content else next(iter(content))
    return pointer("paths", path, method, "requestBody", "content", media, "schema")


def body_kwargs(vendor: str, operation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """httpx keyword arguments sending `body` in the operation's media type: JSON, or the
    fields as multipart text parts when the operation takes a form."""
    _, _, op = operation(vendor, operation_id)
    if "application/json" in op["requestBody"]["content"]:
        return {"json": body}
    return {"files": [(name, (None, str(value))) for name, value in body.items()]}


def call_operation(vendor: str, method: str, path: str) -> str:
    """The operationId a request (method, concrete path) is for, matched on the templates."""
    for template, verb, op in operations(vendor):
        pattern = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template))
        if verb == method.lower() and re.fullmatch(pattern, path):
            return str(op["operationId"])
    raise KeyError(f"{vendor} has no operation for {method} {path}")


def call_body(call: Any) -> dict[str, Any]:
    """An adapter's HttpCall body as the spec's request schema sees it: the JSON body, or the
    multipart parts by name (text parts as text, files as a placeholder string)."""
    if call.json is not None:
        return dict(call.json)
    body: dict[str, Any] = {}
    for name, (file_name, payload, content_type) in call.files or ():
        is_file = file_name is not None or not content_type.startswith("text/")
        body[name] = "<file>" if is_file else payload.decode()
    return body


def response_schema_pointer(vendor: str, operation_id: str, status: int | str) -> str:
    path, method, op = operation(vendor, operation_id)
    response = op["responses"][str(status)]
    tokens = ["paths", path, method, "responses", str(status)]
    if "$ref" in response:  # a shared response under components/responses
        tokens = response["$ref"].removeprefix("#/").split("/")
    return pointer(*tokens, "content", "application/json", "schema")


def resolve_pointer(vendor: str, json_pointer: str) -> dict[str, Any]:
    """The node a JSON pointer names, as written (a `$ref` there is not followed)."""
    target: Any = load_spec(vendor)
    for token in json_pointer.removeprefix("#/").split("/"):
        target = target[token.replace("~1", "/").replace("~0", "~")]
    return dict(target)


def resolve(vendor: str, node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local `$ref` (one level at a time, until a node without one). Keywords beside
    a `$ref` (OpenAPI 3.1 allows them: a default, a description) win over the target's."""
    while "$ref" in node:
        target = resolve_pointer(vendor, node["$ref"])
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        node = {**target, **siblings}
    return node


def _media_examples(media: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    if "example" in media:
        yield "example", media["example"]
    for name, example in media.get("examples", {}).items():
        yield name, example["value"]


def spec_examples(vendor: str) -> Iterator[tuple[str, str, Any]]:
    """(label, schema pointer, example value) for every request and response example."""
    for path, method, op in operations(vendor):
        for media_type, content in op.get("requestBody", {}).get("content", {}).items():
            if media_type not in ("application/json", "multipart/form-data"):
                continue  # a raw upload stream has no example to check
            where = pointer("paths", path, method, "requestBody", "content", media_type)
            for name, value in _media_examples(content):
                yield f"{op['operationId']} request {name}", f"{where}/schema", value
        for status, response in op["responses"].items():
            media = resolve(vendor, response).get("content", {}).get("application/json")
            if media:
                schema = response_schema_pointer(vendor, op["operationId"], status)
                for name, value in _media_examples(media):
                    yield f"{op['operationId']} {status} {name}", schema, value


def create_operation(vendor: str) -> tuple[str, str, dict[str, Any]]:
    """The operation that creates a paid task: the one whose 200 answer links to a status read."""
    for path, method, op in operations(vendor):
        if op.get("responses", {}).get("200", {}).get("links"):
            return path, method, op
    raise KeyError(f"{vendor} has no create operation with a link")


def status_operation_id(vendor: str) -> str:
    _, _, create = create_operation(vendor)
    (link,) = create["responses"]["200"]["links"].values()
    return str(link["operationId"])


def request_examples(vendor: str, operation_id: str) -> list[tuple[str, Any]]:
    where = request_schema_pointer(vendor, operation_id)
    return [(label, value) for label, schema, value in spec_examples(vendor) if schema == where]


def response_examples(vendor: str, operation_id: str, status: int | str) -> list[tuple[str, Any]]:
    where = response_schema_pointer(vendor, operation_id, status)
    return [(label, value) for label, schema, value in spec_examples(vendor) if schema == where]


def callback_schema_pointer(vendor: str) -> str | None:
    """The request schema of the create operation's completion callback, if it has one."""
    path, method, create = create_operation(vendor)
    callbacks = create.get("callbacks", {})
    if not callbacks:
        return None
    ((name, expressions),) = callbacks.items()
    (expression,) = expressions
    return pointer(
        "paths",
        path,
        method,
        "callbacks",
        name,
        expression,
        "post",
        "requestBody",
        "content",
        "application/json",
        "schema",
    )


# Header forms a spec's security scheme can mean: a name for each, and the header it produces.
WIRE_FORMS: dict[str, tuple[str, str]] = {
    "bearer": ("Authorization", "Bearer {key}"),
    "bare": ("Authorization", "{key}"),
    "basic": ("Authorization", "Basic {key}"),
    "token": ("Authorization", "Token {key}"),
    "x-api-key": ("X-API-Key", "{key}"),
}


def auth_forms(vendor: str) -> set[str]:
    """The names (see WIRE_FORMS) of the wire forms a spec's security alternatives allow."""
    spec = load_spec(vendor)
    schemes = spec["components"]["securitySchemes"]
    forms = set()
    for requirement in spec["security"]:
        for name in requirement:
            scheme = schemes[name]
            if scheme["type"] == "http" and scheme["scheme"].lower() == "bearer":
                forms.add("bearer")
            elif scheme == {**scheme, "type": "apiKey", "in": "header", "name": "Authorization"}:
                forms.add("bare")
            elif scheme["type"] == "apiKey" and scheme["name"].lower() == "x-api-key":
                forms.add("x-api-key")
            else:
                raise AssertionError(f"{vendor}: no wire form known for {name}: {scheme}")
    return forms


def auth_header(form: str, key: str) -> dict[str, str]:
    name, template = WIRE_FORMS[form]
    return {name: template.format(key=key)}


def form_of(headers: dict[str, str]) -> str | None:
    """Which wire form a request's headers use (None when none)."""
    lowered = {name.lower(): value for name, value in headers.items()}
    for form, (name, template) in WIRE_FORMS.items():
        value = lowered.get(name.lower())
        prefix = template.removesuffix("{key}")
        if value is None or not value.startswith(prefix):
            continue
        token = value[len(prefix) :]
        if token and not any(c.isspace() for c in token):
            return form
    return None


def _merged(vendor: str, node: dict[str, Any]) -> dict[str, Any]:
    """A schema node with its $ref followed and its allOf parts folded in (properties merged)."""
    node = resolve(vendor, node)
    merged = {key: value for key, value in node.items() if key != "allOf"}
    properties = dict(merged.get("properties", {}))
    for raw_part in node.get("allOf", []):
        part = _merged(vendor, raw_part)
        properties.update(part.get("properties", {}))
        merged.update({k: v for k, v in part.items() if k not in ("properties", "required")})
        merged["required"] = [*merged.get("required", []), *part.get("required", [])]
    if properties:
        merged["properties"] = properties
    return merged


def _variant(vendor: str, node: dict[str, Any], instance: Any) -> dict[str, Any]:
    """The oneOf/anyOf branch `instance` fits best (fewest errors; the first on a tie), merged."""
    for keyword in ("oneOf", "anyOf"):
        if keyword in node:
            checkers = [_branch_checker(vendor, branch) for branch in node[keyword]]
            # A branch the instance fits has no errors, the fewest there can be: the first such
            # branch is the answer without counting every branch's errors (the common case).
            fitting = next(
                (at for at, check in enumerate(checkers) if check.is_valid(instance)), None
            )
            if fitting is None:
                fitting = min(
                    range(len(checkers)),
                    key=lambda at: sum(1 for _ in checkers[at].iter_errors(instance)),
                )
            return _merged(vendor, node[keyword][fitting])
    return node


_BRANCH_CHECKERS: dict[tuple[str, int], tuple[dict[str, Any], Any]] = {}


def _branch_checker(vendor: str, branch: dict[str, Any]) -> Any:
    """A validator for one oneOf/anyOf branch of a (cached, never changed) spec, made once."""
    key = (vendor, id(branch))
    if key not in _BRANCH_CHECKERS:
        uri = f"urn:sora-unified:{vendor}"
        root = spec_validator(load_spec(vendor), uri, "#")
        # the branch is kept beside its checker so that its id is never reused
        _BRANCH_CHECKERS[key] = (branch, root.evolve(schema=_absolute_refs(branch, uri)))
    return _BRANCH_CHECKERS[key][1]


def _absolute_refs(node: Any, uri: str) -> Any:
    """A copy of a schema node whose local $refs name the spec's registry URI."""
    if isinstance(node, dict):
        return {
            key: f"{uri}{value}"
            if key == "$ref" and value.startswith("#")
            else _absolute_refs(value, uri)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_absolute_refs(item, uri) for item in node]
    return node


def schema_at(
    vendor: str, json_pointer: str, instance: Any, path: tuple[Any, ...]
) -> dict[str, Any]:
    """The schema that governs `instance` at `path` (keys and list indexes), for reading its
    constraints (enum, maxLength, maximum, maxItems, ...). {} where the schema says nothing."""
    node: Any = load_spec(vendor)
    for token in json_pointer.removeprefix("#/").split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    node = _variant(vendor, _merged(vendor, node), instance)
    for token in path:
        if isinstance(instance, dict):
            instance = instance.get(token)
        elif isinstance(instance, list) and isinstance(token, int) and token < len(instance):
            instance = instance[token]
        else:
            instance = None
        if isinstance(token, int):
            node = node.get("items", {})
        else:
            node = node.get("properties", {}).get(token, {})
        node = _variant(vendor, _merged(vendor, node), instance)
    return dict(node)


def schema_paths(vendor: str, json_pointer: str, instance: Any) -> set[tuple[str, ...]]:
    """Every property path the schema (for `instance`'s variant) declares; list items are "*"."""
    return set(_schemas_by_path(vendor, json_pointer, instance))


def _schemas_by_path(
    vendor: str, json_pointer: str, instance: Any
) -> dict[tuple[str, ...], dict[str, Any]]:
    """Every property path the schema (for `instance`'s variant) declares -> its schema (merged,
    its variant chosen for the value there); list items are "*"."""
    found: dict[tuple[str, ...], dict[str, Any]] = {}

    def walk(node: dict[str, Any], value: Any, prefix: tuple[str, ...], named: bool) -> None:
        node = _variant(vendor, _merged(vendor, node), value)
        if named:  # a property's path (a list's "*" is a step, not a field of its own)
            found[prefix] = node
        if "items" in node:
            item = value[0] if isinstance(value, list) and value else None
            walk(node["items"], item, (*prefix, "*"), False)
            return
        for name, child in node.get("properties", {}).items():
            field = value.get(name) if isinstance(value, dict) else None
            walk(child, field, (*prefix, name), True)

    root: Any = load_spec(vendor)
    for token in json_pointer.removeprefix("#/").split("/"):
        root = root[token.replace("~1", "/").replace("~0", "~")]
    walk(root, instance, (), False)
    return found


def task_references(vendor: str, body: Any) -> dict[tuple[str, ...], list[str] | str]:
    """The fields of a create request `body` that name an earlier task (`x-references-task`):
    path -> the models whose tasks they may name, or "video" (any video model)."""
    _, _, create = create_operation(vendor)
    where = request_schema_pointer(vendor, create["operationId"])
    return {
        path: schema["x-references-task"]
        for path, schema in _schemas_by_path(vendor, where, body).items()
        if "x-references-task" in schema
    }


def source_example(vendor: str, models: list[str] | str) -> dict[str, Any]:
    """A documented create request of a model whose task `models` accepts as a source (one
    that references no task itself)."""
    _, _, create = create_operation(vendor)
    for _, body in request_examples(vendor, create["operationId"]):
        if task_references(vendor, body):
            continue
        if models == "video" or body.get("model") in models:
            return dict(body)
    raise LookupError(f"{vendor}: no request example makes a task of {models}")


def with_source_tasks(
    vendor: str, body: dict[str, Any], create: Callable[[dict[str, Any]], str]
) -> dict[str, Any]:
    """A copy of `body` whose task references name tasks made first with `create` (which
    submits a body and returns the new task's id)."""
    copied = json.loads(json.dumps(body))
    for path, models in task_references(vendor, body).items():
        target: Any = copied
        for token in path[:-1]:
            target = target[token]
        target[path[-1]] = create(source_example(vendor, models))
    return copied


def request_variants(vendor: str) -> dict[str, str]:
    """model -> the component schema (the generated class's name) of its create request."""
    _, _, create = create_operation(vendor)
    at_pointer = resolve_pointer(vendor, request_schema_pointer(vendor, create["operationId"]))
    branches = resolve(vendor, at_pointer).get("oneOf", [at_pointer])  # one model: no oneOf
    found = {}
    for branch in branches:
        name = branch["$ref"].rsplit("/", 1)[-1]
        found[resolve(vendor, branch)["properties"]["model"]["const"]] = name
    return found


def with_defaults(vendor: str, json_pointer: str, body: Any) -> Any:
    """A copy of `body` with every absent field that has a default in the spec (documented, or
    the recorded `x-sandbox-default`) filled in."""

    def fill(node: dict[str, Any], value: Any) -> Any:
        node = _variant(vendor, _merged(vendor, node), value)
        if not isinstance(value, dict):
            return value
        filled = dict(value)
        for name, raw in node.get("properties", {}).items():
            child = resolve(vendor, raw)
            if name in filled:
                filled[name] = fill(raw, filled[name])
            elif "default" in child or "x-sandbox-default" in child:
                filled[name] = child.get("default", child.get("x-sandbox-default"))
        return filled

    root: Any = load_spec(vendor)
    for token in json_pointer.removeprefix("#/").split("/"):
        root = root[token.replace("~1", "/").replace("~0", "~")]
    return fill(root, json.loads(json.dumps(body)))


def form_fields(content_type: str, content: bytes) -> dict[str, Any]:
    """Multipart parts by name, as the spec's schema sees them (files as a placeholder)."""
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + content
    )
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        fields[str(name)] = "<file>" if part.get_filename() is not None else payload.decode()
    return fields
