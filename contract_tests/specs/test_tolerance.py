"""Tolerance from the vendors' side: what vendors really send is accepted by the spec and read
by the parsers, and an error envelope is a refusal whatever the status line says.

Variants are derived from the documented examples themselves, never invented here: a key
that one documented answer of the same kind (same schema, same unified status) lacks may be
missing from any other; a key one of them sends as `null` may be `null` in any other; and an
unknown key may appear anywhere. Every such variant must validate against the spec (else real
traffic reads as drift) and parse to the same task id and status as the example it came from.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sora_unified import (
    APIError,
    AuthenticationError,
    BadRequestError,
    Client,
    InsufficientCreditsError,
    PermissionDeniedError,
    RateLimitError,
    SubmissionUncertainError,
    Video,
    VideoRequest,
    parse_callback,
    parse_status,
)

from contract_tests.support.fakes import BASE_URLS, KEY, FakeClock
from contract_tests.support.specs import (
    SPECS,
    VENDORS,
    callback_schema_pointer,
    create_operation,
    operations,
    resolve,
    response_schema_pointer,
    schema_errors,
    status_operation_id,
)

Path = tuple[str, ...]
Parser = Callable[[Any], Video]


@dataclass(frozen=True)
class Target:
    """One answer schema and its documented examples (and the parser that meets such answers)."""

    vendor: str
    label: str
    schema: str
    examples: tuple[Any, ...]
    parser: Parser | None


def _media_values(media: dict[str, Any]) -> list[Any]:
    values = [media["example"]] if "example" in media else []
    return values + [example["value"] for example in media.get("examples", {}).values()]


def _status_parser(vendor: str) -> Parser:
    return lambda body: parse_status(vendor, body)


def _callback_parser(vendor: str) -> Parser:
    return lambda body: parse_callback(vendor, json.dumps(body))


def targets() -> Iterator[Target]:
    for vendor in SPECS:
        if vendor == "gateway":
            continue  # our own API: its answers are ours, tested against the openai package
        status_id = status_operation_id(vendor) if vendor in VENDORS else None
        for path, method, op in operations(vendor):
            for status, response in op["responses"].items():
                media = resolve(vendor, response).get("content", {}).get("application/json")
                if not media or not str(status).startswith("2"):
                    continue
                examples = tuple(_media_values(media))
                if examples:
                    parser = _status_parser(vendor) if op["operationId"] == status_id else None
                    yield Target(
                        vendor,
                        f"{vendor} {op['operationId']} {status}",
                        response_schema_pointer(vendor, op["operationId"], status),
                        examples,
                        parser,
                    )
            del path, method
        if vendor in VENDORS and (where := callback_schema_pointer(vendor)) is not None:
            _, _, create = create_operation(vendor)
            examples = tuple(
                value
                for callback in create["callbacks"].values()
                for item in callback.values()
                for value in _media_values(
                    item["post"]["requestBody"]["content"]["application/json"]
                )
            )
            yield Target(vendor, f"{vendor} callback", where, examples, _callback_parser(vendor))


TARGETS = list(targets())


def _walk(node: Any, prefix: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every (key path, value) in nested objects (lists are leaves: vendors keep their shape)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key), value
            yield from _walk(value, (*prefix, key))


def _has_parent_in(walked: dict[Path, Any], path: Path) -> bool:
    """Whether the object that would hold `path` is there (the top level always is)."""
    return len(path) == 1 or isinstance(walked.get(path[:-1]), dict)


def _kind(target: Target, example: Any) -> str:
    """Examples are peers when they say the same thing: the same unified status, or for an
    answer no parser reads, the same envelope code (kie) or both being errors."""
    if target.parser is None:
        if isinstance(example, dict) and isinstance(example.get("code"), int):
            return f"code {example['code']}"
        return "error" if isinstance(example, dict) and "error" in example else "answer"
    try:
        return target.parser(example).status
    except APIError:
        return "error"


def _droppable_and_nullable(target: Target, example: Any) -> tuple[list[Path], list[Path]]:
    kind = _kind(target, example)
    peers = [dict(_walk(other)) for other in target.examples if _kind(target, other) == kind]
    present = dict(_walk(example))
    droppable = sorted(
        path
        for path in present
        if any(_has_parent_in(peer, path) and path not in peer for peer in peers)
    )
    nullable = sorted(
        path
        for path in present
        if present[path] is not None and any(peer.get(path, 0) is None for peer in peers)
    )
    return droppable, nullable


def _apply(body: Any, path: Path, action: str, value: Any = None) -> None:
    node = body
    for key in path[:-1]:
        node = node.get(key) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            return  # an earlier change removed or emptied the parent
    if action == "drop":
        node.pop(path[-1], None)
    elif action == "null":
        if path[-1] in node:
            node[path[-1]] = None
    else:
        node[path[-1]] = value


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def variants(draw: st.DrawFn, target: Target) -> tuple[Any, Any]:
    """(documented example, a variant of it a vendor may send)."""
    example = draw(st.sampled_from(target.examples))
    droppable, nullable = _droppable_and_nullable(target, example)
    body = copy.deepcopy(example)
    if droppable:
        for path in draw(st.lists(st.sampled_from(droppable), unique=True, max_size=4)):
            _apply(body, path, "drop")
    if nullable:
        for path in draw(st.lists(st.sampled_from(nullable), unique=True, max_size=4)):
            _apply(body, path, "null")
    objects = [()] + [path for path, value in _walk(body) if isinstance(value, dict)]
    for _ in range(draw(st.integers(0, 3))):
        parent = draw(st.sampled_from(objects))
        name = "x_" + draw(st.text("abcdefghij_", min_size=1, max_size=6))
        _apply(body, (*parent, name), "add", draw(json_values))
    return example, body


def _reading(target: Target, body: Any) -> tuple[str, str]:
    assert target.parser is not None
    video = target.parser(body)
    return video.task_id, video.status


@pytest.mark.parametrize("target", TARGETS, ids=[t.label for t in TARGETS])
def test_documented_examples_validate(target: Target) -> None:
    for example in target.examples:
        assert schema_errors(target.vendor, target.schema, example) == [], example


@pytest.mark.parametrize("target", TARGETS, ids=[t.label for t in TARGETS])
@settings(max_examples=40)
@given(data=st.data())
def test_what_vendors_vary_is_accepted_and_read_the_same(target: Target, data: Any) -> None:
    example, variant = data.draw(variants(target))
    assert schema_errors(target.vendor, target.schema, variant) == [], (example, variant)
    if target.parser is not None and _kind(target, example) != "error":
        assert _reading(target, variant) == _reading(target, example), variant


def test_an_older_kie_callback_is_not_drift_and_reports_its_credits() -> None:
    """The older form kie's pages still print: consumeCredits, and no param, failCode, failMsg."""
    (target,) = [t for t in TARGETS if t.label == "kie callback"]
    older = {
        "code": 200,
        "msg": "Playground task completed successfully.",
        "data": {
            "taskId": "task_sora-2-pro-image-to-video_1",
            "model": "sora-2-pro-image-to-video",
            "state": "success",
            "resultJson": json.dumps({"resultUrls": ["https://file.aiquickdraw.com/v.mp4"]}),
            "consumeCredits": 100,
            "remainedCredits": 2510330,
            "costTime": 8,
        },
    }
    assert schema_errors("kie", target.schema, older) == []
    video = parse_callback("kie", json.dumps(older))
    assert (video.status, video.video_urls) == (
        "completed",
        ("https://file.aiquickdraw.com/v.mp4",),
    )
    assert video.cost is not None and (video.cost.amount, video.cost.source) == (100, "reported")


# Error envelopes under a 2xx status line, as vendor-facts documents their bodies (2.4, 3.4).
REFUSALS_IN_SUCCESS = [
    (
        "modelverse",
        {
            "error": {
                "type": "permission_error",
                "code": "forbidden",
                "message": "quota exceeded",
                "param": "c2ad1049-66a6-4640-b2b5-1711dc401092",
            }
        },
        PermissionDeniedError,
    ),
    (
        "modelverse",
        {"error": {"type": "invalid_request_error", "code": "model_error", "message": "no access"}},
        PermissionDeniedError,
    ),
    (
        "modelverse-openai",
        {"error": {"type": "permission_error", "code": "forbidden", "message": "ip not allowed"}},
        PermissionDeniedError,
    ),
    (
        "evolink",
        {"error": {"code": 402, "type": "insufficient_quota_error", "message": "no credits"}},
        InsufficientCreditsError,
    ),
    (
        "evolink",
        {"error": {"code": "unauthorized", "type": "authentication_error", "message": "bad key"}},
        AuthenticationError,
    ),
    (
        "evolink",
        {"error": {"code": "rate_limit_exceeded", "type": "rate_limit_error", "message": "slow"}},
        RateLimitError,
    ),
    (
        "evolink",
        {"error": {"code": "invalid_request", "type": "invalid_request_error", "message": "bad"}},
        BadRequestError,
    ),
]


@pytest.mark.parametrize(
    ("vendor", "body", "expected"),
    REFUSALS_IN_SUCCESS,
    ids=[f"{v}-{b['error']['code']}" for v, b, _ in REFUSALS_IN_SUCCESS],
)
@pytest.mark.parametrize("status", [200, 201])
def test_an_error_envelope_in_a_success_answer_is_the_vendors_refusal(
    vendor: str, body: dict[str, Any], expected: type[APIError], status: int
) -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(status, json=body)

    client = Client(
        vendor,
        api_key=KEY,
        base_url=BASE_URLS[vendor],
        transport=httpx.MockTransport(answer),
        max_retries=3,
        clock=FakeClock(),  # a refusal that is retried backs off on the fake clock
    )
    with pytest.raises(APIError) as raised:
        client.submit(VideoRequest(prompt="a cat", seconds=4 if vendor != "kie" else 10))
    assert type(raised.value) is expected, raised.value
    assert not isinstance(raised.value, SubmissionUncertainError)
    assert raised.value.from_vendor  # the vendor saw and refused it: nothing was created
    assert body["error"]["message"] in str(raised.value)
    assert len(sent) == 1 or raised.value.retryable


def test_an_evolink_task_carrying_its_failure_in_error_is_a_task_not_a_refusal() -> None:
    """The envelope rule is for answers that are only an error: a task with an `error` field
    beside its id and status is that task's failure."""
    body = {
        "id": "task-unified-1",
        "status": "failed",
        "error": {"code": "content_policy_violation", "message": "blocked"},
    }
    client = Client(
        "evolink",
        api_key=KEY,
        base_url=BASE_URLS["evolink"],
        transport=httpx.MockTransport(lambda request: httpx.Response(200, json=body)),
        max_retries=0,
    )
    video = client.retrieve("evolink:task-unified-1")
    assert (video.status, video.error_code) == ("failed", "content_policy_violation")


def test_documented_error_bodies_under_200_map_as_under_their_status() -> None:
    """Every error body the evolink and modelverse specs document, sent with 200 instead of its
    status, is refused with the class its own status gives (the body alone says who refused)."""
    checked = 0
    for vendor in ("evolink", "modelverse", "modelverse-openai"):
        _, _, create = create_operation(vendor)
        for status, response in create["responses"].items():
            if not str(status).startswith("4"):
                continue
            media = resolve(vendor, response).get("content", {}).get("application/json", {})
            for body in _media_values(media):
                if not isinstance(body.get("error"), dict):
                    continue
                classes = []
                for line in (int(status), 200):
                    client = Client(
                        vendor,
                        api_key=KEY,
                        base_url=BASE_URLS[vendor],
                        transport=httpx.MockTransport(
                            lambda request, line=line, body=body: httpx.Response(line, json=body)
                        ),
                        max_retries=0,
                    )
                    with pytest.raises(APIError) as raised:
                        client.submit(VideoRequest(prompt="a cat", seconds=4))
                    classes.append(type(raised.value))
                assert classes[0] is classes[1], (vendor, status, body, classes)
                checked += 1
    assert checked >= 5
