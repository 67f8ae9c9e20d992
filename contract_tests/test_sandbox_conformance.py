"""The sandbox answers every phase of every documented request strictly as the specs say.

Schemathesis explores the request space with instant tasks; here each request example of a
spec is submitted and the task is walked through every phase on a fake clock (not visible
yet, queued, running, completed or failed), and every answer, callback included, must pass the
strict schema: documented state words and codes only, required fields present, kie's
resultJson decoded and checked.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx
from sora_unified.sandbox import SANDBOX_KEY, Fault, Sandbox, SandboxConfig, Timing

from contract_tests.fakes import FakeClock
from contract_tests.mocking import async_transport
from contract_tests.specs import (
    VENDORS,
    auth_forms,
    auth_header,
    callback_schema_pointer,
    create_operation,
    operation,
    request_examples,
    response_schema_pointer,
    schema_errors,
    status_operation_id,
)

TIMING = Timing(queue_seconds=5, run_seconds=10, not_visible_seconds=2, link_ttl_seconds=3600)
PHASE_TIMES = (1, 3, 8, 20)  # not visible (kie), queued, running, finished


def _examples() -> Iterator[Any]:
    for vendor in VENDORS:
        _, _, create = create_operation(vendor)
        for label, body in request_examples(vendor, create["operationId"]):
            yield pytest.param(vendor, body, id=f"{vendor}: {label}")


def _status_request(vendor: str, created: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The status call for a created task, following the spec's link expression."""
    _, _, create = create_operation(vendor)
    (link,) = create["responses"]["200"]["links"].values()
    ((name, expression),) = link["parameters"].items()
    value: Any = created
    for token in expression.removeprefix("$response.body#/").split("/"):
        value = value[token]
    path, _, status_op = operation(vendor, link["operationId"])
    parameter = next(p for p in status_op["parameters"] if p["name"] == name)
    if parameter["in"] == "path":
        return path.replace("{" + name + "}", value), {}
    return path, {name: value}


def _check(vendor: str, operation_id: str, response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    pointer = response_schema_pointer(vendor, operation_id, response.status_code)
    assert schema_errors(vendor, pointer, body, strict=True) == [], (operation_id, body)
    return dict(body)


@pytest.mark.parametrize("fail", [False, True], ids=["completes", "fails"])
@pytest.mark.parametrize(("vendor", "example"), list(_examples()))
def test_every_phase_answers_strictly(vendor: str, example: Any, fail: bool) -> None:
    clock = FakeClock()
    received: list[httpx.Request] = []
    router = respx.Router(assert_all_mocked=True)
    router.route().mock(side_effect=lambda request: received.append(request) or httpx.Response(200))
    faults = (Fault(kind="fail_generation", endpoint="submit"),) if fail else ()
    config = SandboxConfig(
        timing=TIMING, faults=faults, kie_hmac_key="k", callback_transport=async_transport(router)
    )
    submit_path, _, create = create_operation(vendor)
    status_id = status_operation_id(vendor)
    with (
        Sandbox(config, clock=clock) as sandbox,
        httpx.Client(
            base_url=sandbox.base_url(vendor),
            headers=auth_header(min(auth_forms(vendor)), SANDBOX_KEY),
        ) as http,
    ):
        created = _check(vendor, create["operationId"], http.post(submit_path, json=example))
        path, params = _status_request(vendor, created)
        started = clock.now
        states = []
        for offset in PHASE_TIMES:
            clock.now = started + offset
            states.append(json.dumps(_check(vendor, status_id, http.get(path, params=params))))
        deadline = time.monotonic() + 5
        callback = callback_schema_pointer(vendor)
        while callback and example.get("callBackUrl", example.get("callback_url")) and not received:
            assert time.monotonic() < deadline, "no callback was delivered"
            time.sleep(0.01)
    assert len(set(states)) >= 3, "the phases were not all observed"
    for request in received:
        assert callback is not None
        assert schema_errors(vendor, callback, json.loads(request.content), strict=True) == []
