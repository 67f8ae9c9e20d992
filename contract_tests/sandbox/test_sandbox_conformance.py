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
from sora_unified import Client, VideoRequest, capabilities
from sora_unified._capabilities import ModelCapabilities
from sora_unified.sandbox import SANDBOX_KEY, Fault, Sandbox, SandboxConfig, Timing
from sora_unified.vendors import load_adapter

from contract_tests.support.bypass import (
    Path,
    adapter_body,
    base_request,
    delete,
    leaves,
    paths_of,
    request_class,
)
from contract_tests.support.fakes import FakeClock
from contract_tests.support.mocking import async_transport
from contract_tests.support.mp4 import read_mp4
from contract_tests.support.specs import (
    VENDORS,
    auth_forms,
    auth_header,
    body_kwargs,
    callback_schema_pointer,
    create_operation,
    operation,
    request_examples,
    request_schema_pointer,
    resolve,
    response_schema_pointer,
    schema_at,
    schema_errors,
    status_operation_id,
    with_source_tasks,
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
    parameter = next(
        p for p in (resolve(vendor, p) for p in status_op["parameters"]) if p["name"] == name
    )
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
        timing=TIMING,
        faults=faults,
        kie_hmac_key="k",
        callback_transport=async_transport(router),
        callback_delivery="anywhere",
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

        def make_source(body: dict[str, Any]) -> str:
            task_id = load_adapter(vendor).task_id_from_submit(
                http.post(submit_path, json=body).json()
            )
            assert task_id
            clock.now += TIMING.queue_seconds + TIMING.run_seconds + 1  # a finished source
            return task_id

        example = with_source_tasks(vendor, example, make_source)
        answer = http.post(submit_path, **body_kwargs(vendor, create["operationId"], example))
        created = _check(vendor, create["operationId"], answer)
        path, params = _status_request(vendor, created)
        started = clock.now
        states = []
        for offset in PHASE_TIMES:
            clock.now = started + offset
            states.append(json.dumps(_check(vendor, status_id, http.get(path, params=params))))
        deadline = time.monotonic() + 60
        callback = callback_schema_pointer(vendor)
        while callback and example.get("callBackUrl", example.get("callback_url")) and not received:
            assert time.monotonic() < deadline, "no callback was delivered"
            time.sleep(0.01)
    assert len(set(states)) >= 3, "the phases were not all observed"
    for request in received:
        assert callback is not None
        assert schema_errors(vendor, callback, json.loads(request.content), strict=True) == []


MODELS = list(capabilities())
SHAPES = {
    "landscape": (1280, 720),
    "portrait": (720, 1280),
    "16:9": (1280, 720),
    "9:16": (720, 1280),
    "1280x720": (1280, 720),
    "720x1280": (720, 1280),
}


def _create_pointer(vendor: str) -> str:
    return request_schema_pointer(vendor, create_operation(vendor)[2]["operationId"])


def _default(caps: ModelCapabilities, body: dict[str, Any], path: Path) -> Any:
    schema = schema_at(caps.vendor, _create_pointer(caps.vendor), body, path)
    assert "default" in schema or "x-sandbox-default" in schema, f"{path}: no default in the spec"
    return schema.get("default", schema.get("x-sandbox-default"))


# A remix that keeps its source's shape has no length or shape to default.
VIDEO_MODELS = [
    m for m in MODELS if m.described and m.kind in ("video", "remix") and not m.keeps_source_shape
]


@pytest.mark.parametrize("caps", VIDEO_MODELS, ids=[f"{m.vendor}/{m.model}" for m in VIDEO_MODELS])
def test_the_sandbox_follows_the_documented_defaults(
    caps: ModelCapabilities, tmp_path: Any
) -> None:
    """Leave out length and shape: the result clip has the spec's default length and shape
    (the vendor's documented default, or the spec's recorded x-sandbox-default). A field the
    spec requires is kept, and the clip follows it."""
    base = base_request(caps)
    (seconds_path,) = paths_of(
        caps, {**base, "seconds": caps.seconds[0]}, {**base, "seconds": caps.seconds[1]}
    )
    (shape_path,) = paths_of(caps, {**base, "size": "1280x720"}, {**base, "size": "720x1280"})
    body = adapter_body(caps, VideoRequest(**base))
    expected = {}
    for path in (seconds_path, shape_path):
        trial = json.loads(json.dumps(body))
        delete(trial, path)
        if schema_errors(caps.vendor, _create_pointer(caps.vendor), trial):
            expected[path] = leaves(body)[path]  # required: the request says it
        else:
            expected[path] = _default(caps, body, path)
            body = trial
    clock = FakeClock()
    with Sandbox(SandboxConfig(timing=TIMING), clock=clock) as sandbox:
        client = Client(
            caps.vendor, api_key=SANDBOX_KEY, base_url=sandbox.base_url(caps.vendor), clock=clock
        )
        submit, _, _ = create_operation(caps.vendor)

        def post(json: dict[str, Any]) -> str:
            answer = httpx.post(
                sandbox.base_url(caps.vendor) + submit,
                json=json,
                headers=auth_header(min(auth_forms(caps.vendor)), SANDBOX_KEY),
            )
            created = load_adapter(caps.vendor).task_id_from_submit(answer.json())
            assert created, answer.text
            return created

        task_id = post(with_source_tasks(caps.vendor, body, post))
        video = client.wait(f"{caps.vendor}:{task_id}")
        clip = read_mp4(client.download(video, tmp_path / "default.mp4").read_bytes())
    assert clip.seconds == pytest.approx(float(expected[seconds_path]), abs=0.3)
    assert (clip.width, clip.height) == SHAPES[expected[shape_path]]


def _uri_fields(caps: ModelCapabilities, body: dict[str, Any]) -> list[Path]:
    pointer = request_schema_pointer(caps.vendor, create_operation(caps.vendor)[2]["operationId"])
    found = []
    for path in leaves(body):
        if schema_at(caps.vendor, pointer, body, path).get("format") == "uri":
            found.append(path)
    return found


DESCRIBED = [m for m in MODELS if m.described]


@pytest.mark.parametrize("caps", DESCRIBED, ids=[f"{m.vendor}/{m.model}" for m in DESCRIBED])
def test_the_sandbox_refuses_a_malformed_uri_in_every_uri_field(caps: ModelCapabilities) -> None:
    values = base_request(caps)
    if caps.image_input != "no" and caps.remote_images:
        values["image_url"] = "https://example.com/first-frame.png"
    if caps.callbacks:
        values["callback_url"] = "https://hooks.example.com/done"
    body = adapter_body(caps, request_class(caps)(**values))
    fields = _uri_fields(caps, body)
    no_urls = caps.image_input == "no" or not caps.remote_images  # files only, no URL
    assert fields or (no_urls and not caps.callbacks)
    with Sandbox(SandboxConfig(timing=TIMING)) as sandbox:
        for path in fields:
            broken = json.loads(json.dumps(body))
            target: Any = broken
            for token in path[:-1]:
                target = target[token]
            target[path[-1]] = "https://exa mple.com/not a uri"
            submit, _, _ = create_operation(caps.vendor)
            answer = httpx.post(
                sandbox.base_url(caps.vendor) + submit,
                json=broken,
                headers=auth_header(min(auth_forms(caps.vendor)), SANDBOX_KEY),
            )
            refused = (
                answer.json().get("code") == 422
                if caps.vendor == "kie"
                else answer.status_code == 400
            )
            assert refused, (path, answer.text)
        assert sandbox.state.tasks_created(caps.vendor) == 0
