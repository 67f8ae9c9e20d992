"""specs/gateway.yaml is OpenAI's Videos API as the official openai package reads it, and the
gateway's answers, in every outcome a video can have, are what the spec says."""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import httpx
import pytest

openai = pytest.importorskip("openai", reason="make test installs the pinned openai package")

from openai.types import Video, video_list_params  # noqa: E402
from sora_unified.gateway._requests import MAX_PROMPT  # noqa: E402
from sora_unified.sandbox import Fault  # noqa: E402

from contract_tests.support.gateway_world import ALICE, World, wait_until  # noqa: E402
from contract_tests.support.specs import load_spec, operations, pointer, validator  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
VIDEO = pointer("components", "schemas", "VideoResource")


def _video_schema() -> dict[str, Any]:
    schema: dict[str, Any] = load_spec("gateway")["components"]["schemas"]["VideoResource"]
    return schema


def _literals(annotation: Any) -> set[str]:
    """The string values a `Literal[...]` annotation (inside unions and optionals) admits."""
    if typing.get_origin(annotation) is typing.Literal:
        return {value for value in typing.get_args(annotation) if isinstance(value, str)}
    found: set[str] = set()
    for argument in typing.get_args(annotation):
        found |= _literals(argument)
    return found


def test_the_video_schema_is_the_openai_packages_video() -> None:
    schema = _video_schema()
    assert set(schema["properties"]) == set(Video.model_fields)
    status = Video.model_fields["status"].annotation
    assert set(schema["properties"]["status"]["enum"]) == _literals(status)
    assert schema["properties"]["object"]["const"] == "video"


def test_every_key_of_a_video_is_always_there() -> None:
    # OpenAI's API sends each key of a video, null when it has no value, and so does the
    # gateway; the spec says so, so a client generated from it may read every key.
    schema = _video_schema()
    assert set(schema["required"]) == set(schema["properties"])


def test_list_orders_are_the_openai_packages_and_each_is_served(tmp_path: Path) -> None:
    (order,) = [
        parameter["schema"]
        for path, method, op in operations("gateway")
        if (path, method) == ("/v1/videos", "get")
        for parameter in op["parameters"]
        if parameter["name"] == "order"
    ]
    offered = typing.get_type_hints(video_list_params.VideoListParams)["order"]
    assert set(order["enum"]) == _literals(offered)
    world = World(tmp_path)
    try:
        for value in order["enum"]:
            assert world.alice.videos.list(order=value).data == []
    finally:
        world.close()


def _prompt_limits() -> list[tuple[str, int]]:
    """Every prompt's maxLength in the spec, by the schema that holds it."""
    schemas = load_spec("gateway")["components"]["schemas"]
    return [
        (name, schema["properties"]["prompt"]["maxLength"])
        for name, schema in schemas.items()
        if "maxLength" in schema.get("properties", {}).get("prompt", {})
    ]


def test_the_prompt_limit_the_spec_states_is_the_one_the_gateway_enforces(
    tmp_path: Path,
) -> None:
    limits = _prompt_limits()
    assert len(limits) == 3, limits  # create (JSON and form) and remix
    assert {limit for _, limit in limits} == {MAX_PROMPT}, limits
    world = World(tmp_path)
    try:
        with world.http() as http:
            longer = http.post("/v1/videos", json={"prompt": "x" * (MAX_PROMPT + 1)})
        assert longer.status_code == 400 and longer.json()["error"]["param"] == "prompt"
        assert world.sandbox.state.request_count("kie", "submit") == 0
    finally:
        world.close()


def _answered(world: World, video_id: str) -> dict[str, Any]:
    answer = httpx.get(
        f"{world.url}/v1/videos/{video_id}", headers={"Authorization": f"Bearer {ALICE.key}"}
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_answers_in_every_outcome_are_what_the_spec_says(tmp_path: Path) -> None:
    # The second submit ends in a content-policy failure: one completed, one failed video.
    world = World(
        tmp_path, faults=(Fault(kind="fail_generation", vendor="kie", endpoint="submit", nth=(2,)),)
    )
    try:
        check = validator("gateway", VIDEO)
        made = world.alice.videos.create(prompt="a corgi", seconds="10")
        refused = world.alice.videos.create(prompt="a corgi", seconds="10")
        seen: dict[str, dict[str, Any]] = {}

        def settled() -> bool:
            for video_id in (made.id, refused.id):
                body = _answered(world, video_id)
                errors = [error.message for error in check.iter_errors(body)]
                assert not errors, (body, errors)
                seen.setdefault(body["status"], body)
            return {"completed", "failed"} <= set(seen)

        wait_until(settled)
        assert seen["failed"]["error"] is not None
        assert seen["completed"]["error"] is None
        listed = httpx.get(
            f"{world.url}/v1/videos", headers={"Authorization": f"Bearer {ALICE.key}"}
        ).json()
        assert all(not list(check.iter_errors(video)) for video in listed["data"])
    finally:
        world.close()
