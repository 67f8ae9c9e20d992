"""Schemathesis against the sandbox, in-process: every answer validates against the spec.

Positive and negative cases per operation (the four task APIs, ModelVerse's OpenAI-compatible one
included, and both file hosts), and stateful runs that follow the OpenAPI links
from each create operation to its status operation, once per auth wire form each spec allows
(modelverse: the bare key and Bearer). kie runs twice: with its errors in the HTTP-200
envelope (status-code checks replaced by envelope checks: the body's code must be one the
operation documents) and with its errors as HTTP statuses (the status-code checks on).
Every JSON answer also passes the strict schema (documented state words and codes only,
resultJson decoded), and the sandbox refuses fields its specs do not list
(`unknown_fields="reject"`: our own client is held to that).
"""

from __future__ import annotations

import copy
import functools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis import checks as C
from sora_unified.sandbox import SANDBOX_KEY, Sandbox, SandboxConfig, Timing, client_options
from sora_unified.vendors import load_adapter
from starlette.testclient import TestClient

from contract_tests.support.specs import (
    VENDORS,
    app_schema,
    auth_forms,
    auth_header,
    create_operation,
    load_spec,
    operations,
    request_variants,
    resolve,
    response_schema_pointer,
    schema_errors,
    schemathesis_schema,
    status_operation_id,
    with_source_tasks,
)

RUNS = [
    (vendor, form, error_form)
    for vendor in VENDORS
    for form in sorted(auth_forms(vendor))
    for error_form in (("envelope", "http") if vendor == "kie" else ("http",))
]
RUN_IDS = [f"{v}-{f}-{e}" for v, f, e in RUNS]


def strict_responses(vendor: str) -> Any:
    """Every JSON answer validates strictly: documented state words and codes only
    (x-known-values), kie's resultJson/param decoded and checked (contentSchema)."""

    def check(ctx: Any, response: Any, case: Any) -> None:
        operation_id = case.operation.definition.raw["operationId"]
        documented = case.operation.definition.raw["responses"]
        if (
            str(response.status_code) not in documented
            or "json" not in response.headers.get("content-type", [""])[0]
        ):
            return  # status_code_conformance and content_type_conformance cover these
        pointer = response_schema_pointer(vendor, operation_id, response.status_code)
        errors = schema_errors(vendor, pointer, response.json(), strict=True)
        assert errors == [], f"{operation_id} answered outside its strict schema: {errors}"

    check.__name__ = f"strict_{vendor}_responses"
    return check


STATUS_CHECKS = [
    C.not_a_server_error,
    C.response_schema_conformance,
    C.status_code_conformance,
    C.content_type_conformance,
]
ENVELOPE_CHECKS = [C.not_a_server_error, C.response_schema_conformance, C.content_type_conformance]
INSTANT = Timing(queue_seconds=0, run_seconds=0, not_visible_seconds=0)
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))


# One sandbox per error form serves the module, reset before each test (see app_schema).
@functools.cache
def _shared_sandbox(error_form: str) -> Sandbox:
    return Sandbox(
        SandboxConfig(timing=INSTANT, unknown_fields="reject", kie_error_form=error_form)  # type: ignore[arg-type]
    )


def _sandbox(error_form: str) -> Sandbox:
    """The module's sandbox of this error form, with no tasks, counts or faults."""
    sandbox = _shared_sandbox(error_form)
    sandbox.reset()
    return sandbox


def _base_url(vendor: str) -> str:
    """Where the sandbox serves a vendor's API (ModelVerse's two APIs share its prefix)."""
    return client_options("http://sandbox.test", vendor)["base_url"]


def _call(vendor: str, form: str, case: Any, mode: GenerationMode) -> Any:
    if mode is GenerationMode.NEGATIVE and case.headers and "Authorization" in case.headers:
        return case.call(base_url=_base_url(vendor))  # the case tests auth itself
    return case.call(base_url=_base_url(vendor), headers=auth_header(form, SANDBOX_KEY))


def _check_envelope(case: Any, response: Any, mode: GenerationMode) -> None:
    """kie in its envelope form: HTTP 200, and the body's code one the operation documents."""
    assert response.status_code == 200, "errors travel in the HTTP-200 envelope in this form"
    documented = {int(status) for status in case.operation.definition.raw["responses"]}
    code = response.json()["code"]
    assert code in documented, f"body code {code} is not documented for this operation"
    if mode is GenerationMode.NEGATIVE:
        assert code != 200, "an invalid request was accepted"


OPERATIONS = [
    (vendor, form, error_form, op["operationId"])
    for vendor, form, error_form in RUNS
    for _, _, op in operations(vendor)
]


@pytest.mark.parametrize(
    "mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value
)
@pytest.mark.parametrize(
    ("vendor", "form", "error_form", "operation_id"),
    OPERATIONS,
    ids=[f"{v}-{f}-{e}-{o}" for v, f, e, o in OPERATIONS],
)
def test_operation_against_sandbox(
    vendor: str, form: str, error_form: str, operation_id: str, mode: GenerationMode
) -> None:
    sandbox = _sandbox(error_form)
    operation = app_schema(vendor, sandbox.app).find_operation_by_id(operation_id)
    answered: list[int] = []

    @SETTINGS
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        response = _call(vendor, form, case, mode)
        answered.append(response.status_code)
        if error_form == "envelope":
            case.validate_response(response, checks=[*ENVELOPE_CHECKS, strict_responses(vendor)])
            _check_envelope(case, response, mode)
            return
        checks = [*STATUS_CHECKS, strict_responses(vendor)]
        if mode is GenerationMode.NEGATIVE:
            checks.append(C.negative_data_rejection)
        case.validate_response(response, checks=checks)
        if mode is GenerationMode.NEGATIVE:
            assert 400 <= response.status_code < 500, response.text

    run()
    assert answered


@pytest.mark.parametrize(("vendor", "form", "error_form"), RUNS, ids=RUN_IDS)
def test_stateful_create_then_status_through_links(vendor: str, form: str, error_form: str) -> None:
    sandbox = _sandbox(error_form)
    schema = app_schema(vendor, sandbox.app)
    followed: list[str] = []
    status_operation = status_operation_id(vendor)

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {
                "base_url": _base_url(vendor),
                "headers": auth_header(form, SANDBOX_KEY),
            }

        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            if error_form == "envelope":
                case.validate_response(
                    response, checks=[*ENVELOPE_CHECKS, strict_responses(vendor)]
                )
                assert response.status_code == 200
            else:
                case.validate_response(response, checks=[*STATUS_CHECKS, strict_responses(vendor)])

        def after_call(self, response: Any, case: Any) -> None:
            if (
                case.operation.definition.raw.get("operationId") == status_operation
                and response.status_code == 200
            ):
                body = response.json()
                task = (
                    body.get("data")
                    if vendor == "kie"
                    else body.get("output")
                    if vendor == "modelverse"
                    else body
                )
                if isinstance(task, dict) and (
                    task.get("state") or task.get("task_status") or task.get("status")
                ) in ("success", "Success", "completed"):
                    followed.append(case.formatted_path)

    Machine.run(
        settings=settings(
            max_examples=12,
            stateful_step_count=4,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    assert followed, "the links never led from a created task to its completed status"
    assert sandbox.state.tasks_created(vendor) > 0


def _one_model_schema(sandbox: Sandbox, vendor: str, variant: str) -> Any:
    """The vendor's spec with its create operation narrowed to one model's request variant."""
    document = copy.deepcopy(load_spec(vendor))
    _, _, create = create_operation(vendor)
    for operation in document["paths"].values():
        post = operation.get("post", {})
        if post.get("operationId") == create["operationId"]:
            media = next(iter(post["requestBody"]["content"].values()))  # JSON or multipart
            media["schema"] = {"$ref": f"#/components/schemas/{variant}"}
            media.pop("examples", None)
    return schemathesis_schema(vendor, app=sandbox.app, document=document)


MODEL_VARIANTS = [
    (vendor, model, variant)
    for vendor in VENDORS
    for model, variant in sorted(request_variants(vendor).items())
]


@pytest.mark.parametrize(
    ("vendor", "model", "variant"), MODEL_VARIANTS, ids=[f"{v}-{m}" for v, m, _ in MODEL_VARIANTS]
)
def test_every_model_against_sandbox(vendor: str, model: str, variant: str) -> None:
    """Each model's own request variant, generated by schemathesis: every answer conforms
    (strictly), and valid requests create tasks, earlier tasks they name made first."""
    sandbox = _sandbox("http")
    operation = _one_model_schema(sandbox, vendor, variant).find_operation_by_id(
        create_operation(vendor)[2]["operationId"]
    )
    created: list[int] = []
    submit_path = create_operation(vendor)[0]
    headers = auth_header(min(auth_forms(vendor)), SANDBOX_KEY)

    with TestClient(sandbox.app, base_url="http://sandbox.test") as http:

        def make_source(body: dict[str, Any]) -> str:
            answer = http.post(f"/{vendor}{submit_path}", json=body, headers=headers)
            task_id = load_adapter(vendor).task_id_from_submit(answer.json())
            assert task_id, answer.text
            return task_id

        @SETTINGS
        @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
        def run(case: Any) -> None:
            if isinstance(case.body, dict):
                case.body = with_source_tasks(vendor, case.body, make_source)
            response = _call(vendor, min(auth_forms(vendor)), case, GenerationMode.POSITIVE)
            case.validate_response(response, checks=[*STATUS_CHECKS, strict_responses(vendor)])
            if response.status_code == 200:
                created.append(1)

        run()
    if not _has_span_rule(vendor, {"$ref": f"#/components/schemas/{variant}"}):
        # (Random "x,y" timestamps rarely fall 1-4 s apart inside the source video: such a
        # model's documented example is walked through every phase in test_sandbox_conformance.)
        assert created, f"no generated {model} request created a task"


def _has_span_rule(vendor: str, node: Any, depth: int = 0) -> bool:
    node = resolve(vendor, node) if isinstance(node, dict) else node
    if not isinstance(node, dict) or depth > 4:
        return False
    if any("span" in rule for rule in node.get("x-cross-field-rules", ())):
        return True
    return any(
        _has_span_rule(vendor, child, depth + 1) for child in node.get("properties", {}).values()
    )


FILE_HOSTS = ("kie_files", "evolink_files")
FILE_OPERATIONS = [
    (spec, op["operationId"]) for spec in FILE_HOSTS for _, _, op in operations(spec)
]


@pytest.mark.parametrize(
    "mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value
)
@pytest.mark.parametrize(
    ("spec", "operation_id"), FILE_OPERATIONS, ids=[f"{s}-{o}" for s, o in FILE_OPERATIONS]
)
def test_file_host_operation_against_sandbox(
    spec: str, operation_id: str, mode: GenerationMode
) -> None:
    """The emulated file hosts (uploads by stream, base64 and URL): every answer conforms to
    the file spec, and invalid uploads are refused."""
    sandbox = _sandbox("http")
    operation = app_schema(spec, sandbox.app).find_operation_by_id(operation_id)
    base_url = f"http://sandbox.test/{spec.replace('_', '-')}"
    answered: list[int] = []

    @SETTINGS
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        if mode is GenerationMode.NEGATIVE and case.headers and "Authorization" in case.headers:
            response = case.call(base_url=base_url)
        else:
            form = min(auth_forms(spec))  # derived from the spec: a scheme change shows here
            response = case.call(base_url=base_url, headers=auth_header(form, SANDBOX_KEY))
        answered.append(response.status_code)
        checks = [*STATUS_CHECKS, strict_responses(spec)]
        # Multipart parts are text on the wire: a value mutated to another JSON type (an
        # integer uploadPath) arrives as a valid string, so only JSON bodies are held to it.
        judged = mode is GenerationMode.NEGATIVE and case.media_type == "application/json"
        if judged:
            checks.append(C.negative_data_rejection)
        case.validate_response(response, checks=checks)
        if judged:
            assert 400 <= response.status_code < 500, response.text

    run()
    assert answered
    if (
        mode is GenerationMode.POSITIVE
        and operation_id == "uploadFileBase64"
        and spec == "kie_files"
    ):
        assert 200 in answered, "no generated base64 upload was stored"
