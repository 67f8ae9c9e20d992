"""schemathesis as an outsider runs it: every check on, against the sandbox as users start it.

test_sandbox_schemathesis.py holds the sandbox to the specs in its strict settings. This module
takes the default settings (unknown fields ignored, kie's errors in its envelope, evolink's
callback rule on), generates positive and negative cases for every operation of every vendor
spec and follows the links statefully, and runs every check schemathesis has, each on its own.
A failing check is excused only by an entry of specs/sandbox-differences.toml that names the
spec, the operation and the check, and whose condition (a function below, named there) holds
for that exchange; anything else is a disagreement between a spec and the sandbox.
"""

from __future__ import annotations

import base64
import binascii
import copy
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from schemathesis import GenerationMode
from schemathesis import checks as C
from sora_unified._urls import is_public_host
from sora_unified.sandbox import SANDBOX_KEY, Sandbox, SandboxConfig, Timing, client_options

from contract_tests.support.specs import (
    ROOT,
    app_schema,
    auth_forms,
    auth_header,
    create_operation,
    load_spec,
    operations,
    pointer,
    request_examples,
    request_schema_pointer,
    resolve,
    schema_errors,
    schemathesis_schema,
    task_references,
)

SPECS = ("kie", "evolink", "modelverse", "modelverse-openai", "kie_files", "evolink_files")
DIFFERENCES_FILE = ROOT / "specs" / "sandbox-differences.toml"
INSTANT = Timing(queue_seconds=0, run_seconds=0, not_visible_seconds=0)
# OUTSIDER_EXAMPLES=80 for a deeper run than the suite's.
SETTINGS = settings(
    max_examples=int(os.environ.get("OUTSIDER_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")


def all_checks() -> dict[str, Any]:
    C.load_all_checks()
    return {check.__name__: check for check in C.CHECKS.get_all()}


@dataclass(frozen=True)
class Difference:
    name: str
    specs: tuple[str, ...]
    operations: tuple[str, ...]
    checks: tuple[str, ...]
    condition: str
    what: str
    evidence: str

    def covers(self, spec: str, operation_id: str, check: str) -> bool:
        return (
            spec in self.specs
            and ("*" in self.operations or operation_id in self.operations)
            and check in self.checks
        )


def differences() -> list[Difference]:
    data = tomllib.loads(DIFFERENCES_FILE.read_text(encoding="utf-8"))
    return [
        Difference(**{k: tuple(v) if isinstance(v, list) else v for k, v in item.items()})
        for item in data["difference"]
    ]


@dataclass
class Exchange:
    """One generated request, the sandbox's answer, and the sandbox that gave it."""

    spec: str
    operation_id: str
    case: Any
    response: Any
    sandbox: Sandbox

    def body(self) -> Any:
        try:
            return self.response.json()
        except ValueError:
            return None

    def request_fields(self) -> dict[str, Any]:
        body = self.case.body
        return body if isinstance(body, dict) else {}


# -- conditions: each says exactly when a listed difference applies ---------------------------


def refused_in_kie_envelope(exchange: Exchange) -> bool:
    """HTTP 200 whose body code is a refusal this operation documents."""
    body = exchange.body()
    documented = {int(s) for s in exchange.case.operation.definition.raw["responses"]}
    return (
        exchange.response.status_code == 200
        and isinstance(body, dict)
        and isinstance(body.get("code"), int)
        and 400 <= body["code"] < 500
        and body["code"] in documented
    )


def _plain(value: Any) -> Any:
    """A multipart field as JSON Schema sees it: file parts are strings."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bytes | bytearray) or type(value).__name__ == "Binary":
        return "<bytes>"
    return value


def _without_closed_objects(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: _without_closed_objects(v)
            for k, v in node.items()
            if not (k == "additionalProperties" and v is False)
            and not (k == "unevaluatedProperties" and v is False)
        }
    if isinstance(node, list):
        return [_without_closed_objects(v) for v in node]
    return node


@cache
def _open_document(spec: str) -> dict[str, Any]:
    return _without_closed_objects(copy.deepcopy(load_spec(spec)))  # type: ignore[no-any-return]


def _plain_errors(document: dict[str, Any], json_pointer: str, instance: Any) -> list[str]:
    """JSON Schema alone (no x- rules) on the schema at `json_pointer` of `document`."""
    uri = f"urn:outsider:{id(document)}"
    registry = Registry().with_resource(
        uri, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    validator = Draft202012Validator(
        {"$ref": f"{uri}{json_pointer}"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    return [error.message for error in validator.iter_errors(instance)]


def _parameters_valid(exchange: Exchange) -> bool:
    """Every declared parameter that is required is there, and every one there is valid."""
    raw = exchange.case.operation.definition.raw
    given_values = {
        "query": exchange.case.query or {},
        "path": exchange.case.path_parameters or {},
    }
    for listed in raw.get("parameters", ()):
        parameter = resolve(exchange.spec, listed)
        where = given_values.get(parameter["in"])
        if where is None:
            continue
        if parameter["name"] not in where:
            if parameter.get("required"):
                return False
            continue
        value = where[parameter["name"]]
        if Draft202012Validator(parameter.get("schema", {})).is_valid(value) is False:
            return False
    return True


def only_unknown_fields(exchange: Exchange) -> bool:
    """The request breaks its spec only by naming fields (or query parameters) it does not
    list: with every object opened, body and parameters are valid."""
    raw = exchange.case.operation.definition.raw
    if not _parameters_valid(exchange):
        return False
    if "requestBody" not in raw:
        return True
    media = exchange.case.media_type or next(iter(raw["requestBody"]["content"]))
    if media not in raw["requestBody"]["content"]:
        return False
    where = pointer(
        "paths",
        exchange.case.operation.path,
        exchange.case.operation.method.lower(),
        "requestBody",
        "content",
        media,
        "schema",
    )
    return not _plain_errors(_open_document(exchange.spec), where, _plain(exchange.case.body))


def _issued_ids(sandbox: Sandbox) -> set[str]:
    with sandbox.state.lock:
        return {task_id for _, task_id in sandbox.state.tasks}


def never_issued_id(exchange: Exchange) -> bool:
    """A 400 that says "not found" for ids of which the sandbox issued none."""
    values = [
        *(exchange.case.path_parameters or {}).values(),
        *(exchange.case.query or {}).values(),
    ]
    text = exchange.response.text.lower()
    return (
        exchange.response.status_code == 400
        and "not found" in text
        and bool(values)
        and not any(str(value) in _issued_ids(exchange.sandbox) for value in values)
    )


def non_loopback_upload_url(exchange: Exchange) -> bool:
    fields = exchange.request_fields()
    url = fields.get("fileUrl", fields.get("file_url"))
    host = urlsplit(url).hostname if isinstance(url, str) else None
    return (
        exchange.response.status_code == 400
        and host not in ("127.0.0.1", "localhost", "::1")
        and "url_uploads_anywhere" in exchange.response.text
    )


def _upload_bytes(fields: dict[str, Any]) -> bytes | None:
    for name in ("file", "input_reference"):
        value = fields.get(name)
        if value is not None:
            data = getattr(value, "data", value)
            return data if isinstance(data, bytes) else str(data).encode()
    for name in ("base64Data", "base64_data"):
        value = fields.get(name)
        if isinstance(value, str):
            text = value.split(",", 1)[1] if value.startswith("data:") else value
            try:
                return base64.b64decode(text, validate=True)
            except (binascii.Error, ValueError):
                return b""  # not base64 at all: certainly no image
    return None


def not_an_accepted_image(exchange: Exchange) -> bool:
    """The upload's bytes are empty or no JPEG, PNG, GIF or WebP image, and it was refused."""
    data = _upload_bytes(exchange.request_fields())
    is_image = data is not None and (
        data.startswith(IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
    )
    return data is not None and not is_image and 400 <= exchange.response.status_code < 500


def private_callback_host(exchange: Exchange) -> bool:
    url = exchange.request_fields().get("callback_url")
    host = urlsplit(url).hostname if isinstance(url, str) else None
    return (
        isinstance(url, str)
        and not is_public_host(host or "")
        and exchange.response.status_code == 400
        and "callback_url" in exchange.response.text
    )


def cross_field_rule(exchange: Exchange) -> bool:
    """A refusal of a body JSON Schema alone accepts, for a rule the spec writes beside it:
    an `x-cross-field-rules` entry the body breaks, a source task (`x-references-task`) the
    sandbox never issued, or modelverse's first frame (a JPEG, PNG or WebP of the video's
    size, which bytes generated at random never are)."""
    raw = exchange.case.operation.definition.raw
    if "requestBody" not in raw or not 400 <= exchange.response.status_code < 500:
        return False
    fields = exchange.request_fields()
    where = request_schema_pointer(exchange.spec, raw["operationId"])
    if _plain_errors(load_spec(exchange.spec), where, _plain(fields)):
        return False  # not a positive case after all: JSON Schema itself refuses it
    if schema_errors(exchange.spec, where, _plain(fields)):
        return True  # an x- rule of the spec
    if "input_reference" in fields:
        return "input_reference" in exchange.response.text
    issued = _issued_ids(exchange.sandbox)
    named = [v for v in _strings(fields) if v not in issued]
    return bool(named) and "not found" in exchange.response.text.lower()


def _strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return [node] if isinstance(node, str) else []


CONDITIONS: dict[str, Callable[[Exchange], bool]] = {
    function.__name__: function
    for function in (
        refused_in_kie_envelope,
        only_unknown_fields,
        never_issued_id,
        non_loopback_upload_url,
        not_an_accepted_image,
        private_callback_host,
        cross_field_rule,
    )
}


def judge(exchange: Exchange, used: set[str]) -> list[str]:
    """Every check run on its own; the failures no listed difference excuses."""
    unexcused = []
    for name, check in all_checks().items():
        try:
            exchange.case.validate_response(exchange.response, checks=[check])
        except BaseException as failure:  # schemathesis raises a group of check failures
            if isinstance(failure, KeyboardInterrupt | SystemExit):
                raise
            excuse = next(
                (
                    d
                    for d in differences()
                    if d.covers(exchange.spec, exchange.operation_id, name)
                    and CONDITIONS[d.condition](exchange)
                ),
                None,
            )
            if excuse is None:
                unexcused.append(f"{name}: {str(failure).strip()[:800]}")
            else:
                used.add(excuse.name)
    return unexcused


def _base_url(spec: str) -> str:
    if spec.endswith("_files"):
        return f"http://sandbox.test/{spec.replace('_', '-')}"
    return client_options("http://sandbox.test", spec)["base_url"]


# One default sandbox serves the module, reset before each test (see app_schema).
@cache
def _shared_sandbox() -> Sandbox:
    return Sandbox(SandboxConfig(timing=INSTANT))


def _default_sandbox() -> Sandbox:
    """The module's default sandbox, with no tasks, counts or faults."""
    sandbox = _shared_sandbox()
    sandbox.reset()
    return sandbox


def _call(spec: str, case: Any, mode: GenerationMode) -> Any:
    if mode is GenerationMode.NEGATIVE and case.headers and "Authorization" in case.headers:
        return case.call(base_url=_base_url(spec))  # the case is about the key itself
    return case.call(
        base_url=_base_url(spec), headers=auth_header(min(auth_forms(spec)), SANDBOX_KEY)
    )


OPERATIONS = [(spec, op["operationId"]) for spec in SPECS for _, _, op in operations(spec)]
USED: set[str] = set()


def test_the_differences_are_listed_with_their_evidence() -> None:
    listed = differences()
    assert listed and len({d.name for d in listed}) == len(listed)
    for difference in listed:
        assert difference.condition in CONDITIONS, difference.name
        assert difference.evidence.strip() and difference.what.strip(), difference.name
        assert set(difference.specs) <= set(SPECS), difference.name
        assert set(difference.checks) <= set(all_checks()), difference.name


@pytest.mark.parametrize(
    "mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value
)
@pytest.mark.parametrize(
    ("spec", "operation_id"), OPERATIONS, ids=[f"{s}-{o}" for s, o in OPERATIONS]
)
def test_every_check_against_the_default_sandbox(
    spec: str, operation_id: str, mode: GenerationMode
) -> None:
    sandbox = _default_sandbox()
    operation = app_schema(spec, sandbox.app).find_operation_by_id(operation_id)
    problems: list[str] = []

    @SETTINGS
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        response = _call(spec, case, mode)
        exchange = Exchange(spec, operation_id, case, response, sandbox)
        problems.extend(judge(exchange, USED))

    run()
    assert not problems, "\n".join(sorted(set(problems))[:5])


@pytest.mark.parametrize("spec", SPECS[:4])
def test_every_check_through_the_links_against_the_default_sandbox(spec: str) -> None:
    sandbox = _default_sandbox()
    schema = app_schema(spec, sandbox.app)
    problems: list[str] = []

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {
                "base_url": _base_url(spec),
                "headers": auth_header(min(auth_forms(spec)), SANDBOX_KEY),
            }

        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            operation_id = case.operation.definition.raw["operationId"]
            problems.extend(judge(Exchange(spec, operation_id, case, response, sandbox), USED))

    Machine.run(
        settings=settings(
            max_examples=8,
            stateful_step_count=4,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
    )
    assert not problems, "\n".join(sorted(set(problems))[:5])
    assert sandbox.state.tasks_created(spec) > 0


CREATES = [
    (spec, create_operation(spec)[2]["operationId"])
    for spec in SPECS[:4]
    if "application/json" in create_operation(spec)[2]["requestBody"]["content"]
]


@pytest.mark.parametrize(("spec", "operation_id"), CREATES, ids=[f"{s}-{o}" for s, o in CREATES])
def test_an_unknown_field_is_the_listed_difference_and_nothing_else(
    spec: str, operation_id: str
) -> None:
    """A documented request with one field its spec does not list: the default sandbox takes
    it (as vendors do), the strict one refuses it (as the spec does), and only the listed
    difference excuses the accepting answer."""
    example = next(
        value
        for _, value in request_examples(spec, operation_id)
        if not task_references(spec, value)
    )
    body = {**copy.deepcopy(example), "x_not_in_the_spec": 1}
    for config, accepted in (
        (SandboxConfig(timing=INSTANT), True),
        (SandboxConfig(timing=INSTANT, unknown_fields="reject", kie_error_form="http"), False),
    ):
        sandbox = Sandbox(config)
        operation = schemathesis_schema(spec, app=sandbox.app).find_operation_by_id(operation_id)
        case = operation.Case(body=body, media_type="application/json")
        response = _call(spec, case, GenerationMode.NEGATIVE)
        exchange = Exchange(spec, operation_id, case, response, sandbox)
        refused = response.status_code >= 400 or refused_in_kie_envelope(exchange)
        assert refused is not accepted, response.text
        if accepted:
            assert only_unknown_fields(exchange)
            assert not only_unknown_fields(
                Exchange(
                    spec,
                    operation_id,
                    operation.Case(body={"x_only": 1}, media_type="application/json"),
                    response,
                    sandbox,
                )
            )
