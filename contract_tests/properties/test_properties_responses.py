"""Response robustness: whatever a status endpoint answers, sora_unified returns a correct
Video or raises a typed SoraError, never anything else."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import httpx
from hypothesis import given
from hypothesis import strategies as st
from sora_unified import APIError, Client, SoraError, Video, parse_status

from contract_tests.support.fakes import (
    BASE_URLS,
    DONE,
    FAILED,
    KEY,
    QUEUED,
    RUNNING,
    TASK_IDS,
    status_body,
)
from contract_tests.support.schema_strategy import from_schema
from contract_tests.support.specs import load_spec, response_schema_pointer

STATUS_OPERATION = {
    "kie": "getTaskDetails",
    "evolink": "getTaskDetail",
    "modelverse": "getTaskStatus",
}
STATE_MAPS = {
    "kie": {
        "waiting": "queued",
        "queuing": "queued",
        "generating": "in_progress",
        "success": "completed",
        "fail": "failed",
    },
    "evolink": {
        "pending": "queued",
        "processing": "in_progress",
        "completed": "completed",
        "failed": "failed",
        "cancelled": "failed",
    },
    "modelverse": {
        "Pending": "queued",
        "Running": "in_progress",
        "Success": "completed",
        "Failure": "failed",
        "Expired": "failed",
    },
}


def inline(vendor: str, node: Any) -> Any:
    """The schema with local $refs inlined and x- extensions dropped (for hypothesis-jsonschema)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = load_spec(vendor)
            for token in node["$ref"].removeprefix("#/").split("/"):
                target = target[token.replace("~1", "/").replace("~0", "~")]
            return inline(vendor, target)
        return {
            k: inline(vendor, v)
            for k, v in node.items()
            if not k.startswith("x-") and k not in ("description", "example", "examples")
        }
    if isinstance(node, list):
        return [inline(vendor, item) for item in node]
    return node


def status_schema(vendor: str) -> dict[str, Any]:
    pointer = response_schema_pointer(vendor, STATUS_OPERATION[vendor], 200)
    return inline(vendor, {"$ref": pointer})


def _state(vendor: str, body: dict[str, Any]) -> Any:
    if vendor == "kie":
        return body.get("data", {}).get("state") if isinstance(body.get("data"), dict) else None
    if vendor == "evolink":
        return body.get("status")
    return body.get("output", {}).get("task_status")


def _check_parsed(vendor: str, body: dict[str, Any]) -> None:
    try:
        video = parse_status(vendor, body)
    except APIError:
        # Only an envelope that carries no task may be an error (kie's code without data).
        assert (
            vendor == "kie" and not isinstance(body.get("data"), dict) and body.get("code") != 200
        )
        return
    state = _state(vendor, body)
    if vendor == "kie" and not isinstance(body.get("data"), dict):
        assert video.status == "queued"
    else:
        assert (
            video.status == STATE_MAPS[vendor].get(state, "in_progress")
            if isinstance(state, str)
            else video.status == "in_progress"
        )
    assert 0 <= video.progress <= 100


@given(st.data())
def test_generated_kie_status_bodies_parse(data: st.DataObject) -> None:
    _check_parsed("kie", data.draw(from_schema(status_schema("kie"))))


@given(st.data())
def test_generated_evolink_status_bodies_parse(data: st.DataObject) -> None:
    _check_parsed("evolink", data.draw(from_schema(status_schema("evolink"))))


@given(st.data())
def test_generated_modelverse_status_bodies_parse(data: st.DataObject) -> None:
    _check_parsed("modelverse", data.draw(from_schema(status_schema("modelverse"))))


# -- mutations -----------------------------------------------------------------------------------

JUNK = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def _set(body: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        body = body[key]
    body[path[-1]] = value


@st.composite
def mutated_reply(draw: st.DrawFn, vendor: str) -> httpx.Response:
    state = draw(st.sampled_from([QUEUED, RUNNING, DONE, FAILED]))[vendor]
    body = status_body(
        vendor,
        state,
        progress=draw(st.integers(0, 100)),
        urls=["https://files.example.com/v.mp4"],
        error=("x", "y"),
    )
    kind = draw(
        st.sampled_from(
            ["extra", "null", "junk", "state", "code", "truncated", "html", "empty", "status"]
        )
    )
    if kind in ("null", "junk"):
        for path in draw(st.lists(st.sampled_from(_paths(body)), min_size=1, max_size=3)):
            with contextlib.suppress(TypeError, KeyError, IndexError):
                _set(body, path, None if kind == "null" else draw(JUNK))
    elif kind == "extra":
        body[draw(st.text(min_size=1, max_size=10))] = draw(JUNK)
    elif kind == "state":
        body = status_body(vendor, draw(st.text(max_size=12)))
    elif kind == "code":
        body = {
            "code": draw(st.integers(-1000, 10_000)),
            "msg": draw(st.text(max_size=10)),
            "data": draw(st.one_of(st.none(), st.just(body.get("data")))),
        }
    text = json.dumps(body)
    if kind == "truncated":
        return httpx.Response(200, content=text[: draw(st.integers(0, len(text) - 1))].encode())
    if kind == "html":
        return httpx.Response(
            draw(st.sampled_from([200, 500, 502])), html="<html><body>oops</body></html>"
        )
    if kind == "empty":
        return httpx.Response(draw(st.sampled_from([200, 204, 500])), content=b"")
    if kind == "status":
        return httpx.Response(
            draw(st.sampled_from([455, 520, 418, 302, 301])), content=text.encode()
        )
    return httpx.Response(200, content=text.encode(), headers={"Content-Type": "application/json"})


@given(
    st.sampled_from(["kie", "evolink", "modelverse"]).flatmap(
        lambda vendor: st.tuples(st.just(vendor), mutated_reply(vendor))
    )
)
def test_mutated_responses_give_a_video_or_a_typed_error(drawn: tuple[str, httpx.Response]) -> None:
    vendor, reply = drawn
    client = Client(
        vendor,
        api_key=KEY,
        base_url=BASE_URLS[vendor],
        transport=httpx.MockTransport(lambda request: reply),
        max_retries=0,
    )
    try:
        video = client.retrieve(f"{vendor}:{TASK_IDS[vendor]}")
    except SoraError:
        return
    assert isinstance(video, Video) and video.status in (
        "queued",
        "in_progress",
        "completed",
        "failed",
    )
