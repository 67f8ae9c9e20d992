"""Schemathesis against the gateway (backed by the sandbox), as for the vendor specs: every
answer conforms to specs/gateway.yaml, invalid requests are refused, and the create -> get
link is followed to a finished video."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis import checks as C
from sora_unified.gateway import Gateway, clients_for
from sora_unified.sandbox import Sandbox, SandboxConfig, Timing, client_options

from contract_tests.support.specs import operations, schemathesis_schema

KEY = "sk-gw-schemathesis"
CHECKS = [
    C.not_a_server_error,
    C.response_schema_conformance,
    C.status_code_conformance,
    C.content_type_conformance,
]
OPERATIONS = [op["operationId"] for _, _, op in operations("gateway")]


def _has_input(operation_id: str) -> bool:
    """Whether a negative case can exist: parameters, a body or a key to get wrong."""
    op = next(op for _, _, op in operations("gateway") if op["operationId"] == operation_id)
    return bool(op.get("parameters") or op.get("requestBody") or op.get("security", [{}]))


SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[Gateway]:
    timing = Timing(queue_seconds=0, run_seconds=0, not_visible_seconds=0)
    with Sandbox(SandboxConfig(timing=timing, credits=1e9)) as sandbox:
        root = sandbox.url or ""
        served = Gateway(
            vendor="evolink",
            keys=(KEY,),
            db=tmp_path / "gateway.sqlite3",
            clients=clients_for(lambda vendor: {**client_options(root, vendor), "max_retries": 0}),
        ).start()  # served on loopback: its worker submits what the creates record
        yield served
        served.stop()


def _schema(gateway: Gateway) -> Any:
    return schemathesis_schema("gateway")


@pytest.mark.parametrize(
    ("operation_id", "mode"),
    [
        (operation_id, mode)
        for operation_id in OPERATIONS
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        # An operation that takes nothing (no parameters, body or key) has no invalid request.
        if mode is GenerationMode.POSITIVE or _has_input(operation_id)
    ],
    ids=lambda value: getattr(value, "value", value),
)
def test_every_operation_answers_as_the_spec_says(
    gateway: Gateway, operation_id: str, mode: GenerationMode
) -> None:
    operation = _schema(gateway).find_operation_by_id(operation_id)
    answered: list[int] = []

    @SETTINGS
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        if mode is GenerationMode.NEGATIVE and case.headers and "Authorization" in case.headers:
            response = case.call(base_url=gateway.url)
        else:
            response = case.call(base_url=gateway.url, headers={"Authorization": f"Bearer {KEY}"})
        answered.append(response.status_code)
        checks = list(CHECKS)
        # Multipart parts are text on the wire: only JSON bodies are held to negative data.
        judged = mode is GenerationMode.NEGATIVE and case.media_type in (None, "application/json")
        if judged:
            checks.append(C.negative_data_rejection)
        case.validate_response(response, checks=checks)

    run()
    assert answered
    if mode is GenerationMode.POSITIVE and operation_id == "createVideo":
        assert 200 in answered, "no generated create made a video"


def test_links_lead_from_create_to_a_finished_video(gateway: Gateway) -> None:
    # The video operations only: the others (models, health, what is not served) have no
    # links and would only thin out the steps that can follow one.
    schema = _schema(gateway).include(operation_id=["createVideo", "getVideo"])
    finished: list[str] = []

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": {"Authorization": f"Bearer {KEY}"}, "base_url": gateway.url}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS)

        def after_call(self, response: Any, case: Any) -> None:
            operation = case.operation.definition.raw["operationId"]
            if operation == "createVideo" and response.status_code == 200:
                # The create is answered before its submit: let the worker send it, so the
                # link's next step can find the (instant) sandbox video finished.
                video_id = response.json()["id"]
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline:
                    record = gateway.store.record(video_id)
                    if record is None or record.state not in ("pending", "submitting"):
                        break
                    time.sleep(0.01)
            if operation == "getVideo" and (
                response.status_code == 200 and response.json()["status"] == "completed"
            ):
                finished.append(response.json()["id"])

    Machine.run(
        settings=settings(
            max_examples=10,
            stateful_step_count=4,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    assert finished, "the links never led from a created video to a completed one"


BOUNDED = [
    (path, parameter["name"], bound)
    for path, method, op in operations("gateway")
    if method == "get"
    for parameter in op.get("parameters", [])
    if parameter.get("in") == "query"
    for bound in (parameter["schema"].get("minimum"), parameter["schema"].get("maximum"))
    if bound is not None
]


@pytest.mark.parametrize(("path", "name", "bound"), BOUNDED)
def test_query_bounds_from_the_spec_are_enforced(
    gateway: Gateway, path: str, name: str, bound: int
) -> None:
    """Just inside a documented bound is served; just outside is OpenAI's 400 naming it."""
    from starlette.testclient import TestClient

    schema = next(
        p["schema"]
        for _, _, op in operations("gateway")
        for p in op.get("parameters", [])
        if p.get("name") == name
    )
    outside = bound - 1 if bound == schema.get("minimum") else bound + 1
    with TestClient(gateway.app) as http:
        headers = {"Authorization": f"Bearer {KEY}"}
        assert http.get(path, params={name: bound}, headers=headers).status_code == 200
        refused = http.get(path, params={name: outside}, headers=headers)
    assert refused.status_code == 400
    assert refused.json()["error"]["param"] == name
