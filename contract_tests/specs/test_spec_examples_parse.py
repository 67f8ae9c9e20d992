"""Every example in the specs goes through every parser that meets such a body, and what each
parser reads is what the spec says is there.

Expected values are read from the spec, never restated here: the task id where the create
operation's link says it is, the other fields where the status operation's `x-task-fields`
says, and the unified status from the spec's `x-unified-status` (or the example's own, for a
body that carries no task yet). A parser reading an undocumented key (say `recordId` instead
of `taskId`) passes against fakes that send both, and fails here: the documented examples
carry only what the vendor documents.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sora_unified import Client, SoraError, VideoRequest, parse_callback, parse_status

from contract_tests.support.fakes import BASE_URLS, KEY
from contract_tests.support.specs import (
    VENDORS,
    create_operation,
    load_spec,
    operation,
    resolve,
    response_schema_pointer,
    schema_errors,
    status_operation_id,
)

MISSING = object()
CHEAP = {
    "kie": VideoRequest(prompt="p", seconds=10),
    "evolink": VideoRequest(prompt="p", seconds=4),
    "modelverse": VideoRequest(prompt="p", seconds=4),
    "modelverse-openai": VideoRequest(prompt="p", seconds=4),
}


def _at(document: Any, pointer: str) -> Any:
    for raw in pointer.removeprefix("/").split("/") if pointer.strip("/") else ():
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(document, dict) and token in document:
            document = document[token]
        elif isinstance(document, list) and token.isdigit() and int(token) < len(document):
            document = document[int(token)]
        else:
            return MISSING
    return document


def read(body: Any, where: str | list[str]) -> Any:
    """A value at `/json/pointer`, or inside a JSON string with `/pointer#/inner`; for a list
    of pointers (documented alternative spellings), the first that is there."""
    if isinstance(where, list):
        return next((v for v in (read(body, w) for w in where) if v is not MISSING), MISSING)
    outer, _, inner = where.partition("#")
    value = _at(body, outer)
    if inner:
        if not isinstance(value, str) or not value.strip():
            return MISSING
        value = _at(json.loads(value), inner)
    return value


def _unified_status(vendor: str) -> dict[str, str]:
    found: list[dict[str, str]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "x-unified-status" in node and isinstance(node["x-unified-status"], dict):
                found.append(node["x-unified-status"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(load_spec(vendor)["components"])
    (mapping,) = found
    return mapping


def _examples(media: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    if "example" in media:
        yield "example", {"value": media["example"]}
    yield from media.get("examples", {}).items()


def _status_examples() -> Iterator[Any]:
    for vendor in VENDORS:
        _, _, op = operation(vendor, status_operation_id(vendor))
        media = resolve(vendor, op["responses"]["200"])["content"]["application/json"]
        for name, example in _examples(media):
            yield pytest.param(vendor, example, id=f"{vendor}: status {name}")


def _callback_examples() -> Iterator[Any]:
    for vendor in VENDORS:
        _, _, create = create_operation(vendor)
        for callback in create.get("callbacks", {}).values():
            for item in callback.values():
                media = item["post"]["requestBody"]["content"]["application/json"]
                for name, example in _examples(media):
                    yield pytest.param(vendor, example, id=f"{vendor}: callback {name}")


def _create_examples() -> Iterator[Any]:
    for vendor in VENDORS:
        _, _, create = create_operation(vendor)
        media = create["responses"]["200"]["content"]["application/json"]
        for name, example in _examples(media):
            yield pytest.param(vendor, example["value"], id=f"{vendor}: create {name}")


def _link_pointer(vendor: str) -> str:
    _, _, create = create_operation(vendor)
    (link,) = create["responses"]["200"]["links"].values()
    (expression,) = link["parameters"].values()
    return str(expression).removeprefix("$response.body#")


def _client(vendor: str, body: Any) -> Client:
    return Client(
        vendor,
        api_key=KEY,
        base_url=BASE_URLS[vendor],
        transport=httpx.MockTransport(lambda request: httpx.Response(200, json=body)),
        max_retries=0,
    )


@pytest.mark.parametrize(("vendor", "body"), list(_create_examples()))
def test_create_examples_give_the_linked_task_id(vendor: str, body: Any) -> None:
    expected = read(body, _link_pointer(vendor))
    client = _client(vendor, body)
    if expected is MISSING:  # an error answer documented under 200 (kie's envelope)
        with pytest.raises(SoraError):
            client.submit(CHEAP[vendor])
        return
    assert client.submit(CHEAP[vendor]).id == expected


def _fields(vendor: str) -> dict[str, Any]:
    _, _, status_op = operation(vendor, status_operation_id(vendor))
    return dict(status_op["x-task-fields"])


def _result_operation_url(vendor: str, task_id: str) -> str | None:
    """Where a completed job's result is fetched when it is an operation, not a field."""
    _, _, status_op = operation(vendor, status_operation_id(vendor))
    if "x-result-operation" not in status_op:
        return None
    path, _, _ = operation(vendor, status_op["x-result-operation"])
    return BASE_URLS[vendor] + re.sub(r"\{[^}]+\}", task_id, path)


def _check_video(
    vendor: str, example: dict[str, Any], video: Any, requested: str = "", *, through: str = ""
) -> None:
    """`through` is "client" when the video came from Client.retrieve (which fills in a result
    operation's URL), "" for the bare parser."""
    body = example["value"]
    fields = _fields(vendor)
    state = read(body, fields["state"])
    expected = example.get("x-unified-status") or _unified_status(vendor)[state]
    assert video.status == expected
    task_id = read(body, fields["id"])
    assert video.task_id == (requested if task_id is MISSING else task_id)
    assert video.vendor_status == (None if state is MISSING else state)
    for name, attribute in (("results", "video_urls"), ("watermarked_results", "watermarked_urls")):
        urls = read(body, fields[name]) if name in fields else MISSING
        if urls is MISSING and name == "results" and _result_operation_url(vendor, "x"):
            continue  # checked below
        assert getattr(video, attribute) == (() if urls in (MISSING, None) else tuple(urls))
    operation_url = _result_operation_url(vendor, video.task_id)
    if operation_url is not None:
        completed = through == "client" and video.status == "completed"
        assert video.video_urls == ((operation_url,) if completed else ())
    for name in ("error_code", "error_message"):
        value = read(body, fields[name]) if name in fields else MISSING
        assert getattr(video, name) == (None if value in (MISSING, None, "") else str(value))
    character = read(body, fields["character_id"]) if "character_id" in fields else MISSING
    if isinstance(character, list):  # character_id_list: the first is the task's character
        character = character[0] if character else MISSING
    assert video.character_id == (None if character in (MISSING, None) else character)
    name = read(body, fields["character_name"]) if "character_name" in fields else MISSING
    assert video.character_name == (None if name in (MISSING, None, "") else name)
    progress = read(body, fields["progress"]) if "progress" in fields else MISSING
    if isinstance(progress, int) and video.status != "completed":
        assert video.progress == progress


@pytest.mark.parametrize(("vendor", "example"), list(_status_examples()))
def test_status_examples_parse_to_what_the_spec_says(vendor: str, example: dict[str, Any]) -> None:
    _check_video(vendor, example, parse_status(vendor, example["value"]))
    task_id = read(example["value"], _fields(vendor)["id"])
    requested = task_id if isinstance(task_id, str) else "task-not-in-the-body"
    video = _client(vendor, example["value"]).retrieve(f"{vendor}:{requested}")
    _check_video(vendor, example, video, requested, through="client")


@pytest.mark.parametrize(("vendor", "example"), list(_callback_examples()))
def test_callback_examples_parse_to_what_the_spec_says(
    vendor: str, example: dict[str, Any]
) -> None:
    _check_video(vendor, example, parse_callback(vendor, json.dumps(example["value"])))


def _put(body: Any, pointer: str, value: Any) -> None:
    tokens = pointer.removeprefix("/").split("/")
    for token in tokens[:-1]:
        body = body[token]
    body[tokens[-1]] = value


@pytest.mark.parametrize("vendor", VENDORS)
def test_every_documented_state_word_maps_as_the_spec_says(vendor: str) -> None:
    mapping = _unified_status(vendor)
    state_pointer = _fields(vendor)["state"]
    _, _, op = operation(vendor, status_operation_id(vendor))
    media = resolve(vendor, op["responses"]["200"])["content"]["application/json"]
    template = next(
        example["value"]
        for _, example in _examples(media)
        if read(example["value"], state_pointer) is not MISSING
    )
    for state, unified in mapping.items():
        body = json.loads(json.dumps(template))
        _put(body, state_pointer, state)
        assert parse_status(vendor, body).status == unified, state


def _delete(body: Any, where: str) -> bool:
    """Remove the value at `where` (inside a JSON string after `#`); False if it is absent."""
    outer, _, inner = where.partition("#")
    tokens = outer.removeprefix("/").split("/")
    parent = _at(body, "/" + "/".join(tokens[:-1])) if len(tokens) > 1 else body
    if not isinstance(parent, dict) or tokens[-1] not in parent:
        return False
    if inner:
        decoded = json.loads(parent[tokens[-1]])
        if not _delete(decoded, inner):
            return False
        parent[tokens[-1]] = json.dumps(decoded)
        return True
    del parent[tokens[-1]]
    return True


@pytest.mark.parametrize(("vendor", "example"), list(_status_examples()))
def test_every_field_the_client_reads_is_required_where_documented(
    vendor: str, example: dict[str, Any]
) -> None:
    """Taking away a field the client reads (x-task-fields) from a documented answer makes it
    invalid: the id and state always, the results of a completed task, the error of a failed
    one. A recording that loses (or renames) one of them is drift, not a tolerated extra."""
    body = example["value"]
    fields = _fields(vendor)
    state = read(body, fields["state"])
    if state is MISSING:
        return  # no task in this answer yet (kie's "not visible" window)
    status = _unified_status(vendor)[state]
    needed = ["id", "state"]
    _, _, op = operation(vendor, status_operation_id(vendor))
    if status == "completed" and "x-result-operation" not in op:  # else no field holds it
        # A character task's result is its character; a video task's, its links.
        character = "character_id" in fields and read(body, fields["character_id"]) is not MISSING
        needed.append("character_id" if character else "results")
    pointer = response_schema_pointer(vendor, op["operationId"], 200)

    def may_go_missing(name: str) -> bool:
        broken = json.loads(json.dumps(body))
        where = fields[name] if isinstance(fields[name], list) else [fields[name]]
        assert any(_delete(broken, w) for w in where), f"{name} is not in the example"
        return not schema_errors(vendor, pointer, broken)

    for name in needed:
        assert not may_go_missing(name), f"{vendor}: {name} may go missing"
    if status == "failed":  # why it failed: a code or a message, whichever the vendor promises
        explained = [name for name in ("error_code", "error_message") if name in fields]
        assert explained and not all(may_go_missing(name) for name in explained), vendor
