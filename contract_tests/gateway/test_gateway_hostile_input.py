"""Hostile input gets OpenAI's error envelope with a 4xx, never a 500 (which the openai package
would retry) and never Starlette's text/plain; bodies are limited while they are read."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from contract_tests.support.gateway_world import ALICE, World, wait_until
from contract_tests.support.specs import documented_statuses

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
JSON = {"content-type": "application/json"}
BOUNDARY = "XyZ"
FORM = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}


def _form(*parts: tuple[str, str]) -> bytes:
    lines = []
    for name, value in parts:
        lines += [f"--{BOUNDARY}", f'Content-Disposition: form-data; name="{name}"', "", value]
    return ("\r\n".join([*lines, f"--{BOUNDARY}--", ""])).encode()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    made = World(tmp_path_factory.mktemp("gateway"), max_body_bytes=1024 * 1024)
    yield made
    made.close()


CASES: list[tuple[str, str, str, dict[str, str], Any, int, str | None]] = [
    # (name, method, path, headers, body, status, param)
    ("unicode digit seconds", "POST", "/v1/videos", JSON, b'{"prompt":"x","seconds":"\\u00b2"}', 400, "seconds"),
    ("huge seconds", "POST", "/v1/videos", JSON, b'{"prompt":"x","seconds":"' + b"9" * 5000 + b'"}', 400, "seconds"),
    ("huge number", "POST", "/v1/videos", JSON, b'{"prompt":"x","seconds":' + b"9" * 5000 + b"}", 400, None),
    ("infinite seconds", "POST", "/v1/videos", JSON, b'{"prompt":"x","seconds":1e999}', 400, "seconds"),
    ("boolean seconds", "POST", "/v1/videos", JSON, b'{"prompt":"x","seconds":true}', 400, "seconds"),
    ("null seconds", "POST", "/v1/videos", JSON, b'{"prompt":"x","seconds":null}', 400, "seconds"),
    ("empty model", "POST", "/v1/videos", JSON, b'{"prompt":"x","model":""}', 400, "model"),
    ("object size", "POST", "/v1/videos", JSON, b'{"prompt":"x","size":{}}', 400, "size"),
    ("unsold size", "POST", "/v1/videos", JSON, b'{"prompt":"x","size":"1792x1024"}', 400, "size"),
    ("lone surrogate", "POST", "/v1/videos", JSON, b'{"prompt":"\\ud800 a corgi"}', 400, "prompt"),
    ("surrogate field name", "POST", "/v1/videos", JSON, b'{"prompt":"x","\\ud800":1}', 400, None),
    ("deep nesting", "POST", "/v1/videos", JSON, b"[" * 100_000 + b"]" * 100_000, 400, None),
    ("not an object", "POST", "/v1/videos", JSON, b"[1, 2]", 400, None),
    ("not json", "POST", "/v1/videos", JSON, b"{bad", 400, None),
    ("not utf-8", "POST", "/v1/videos", JSON, b'{"prompt":"\xff"}', 400, None),
    ("text body", "POST", "/v1/videos", {"content-type": "text/plain"}, b"hello", 400, None),
    ("file id", "POST", "/v1/videos", JSON, b'{"prompt":"x","input_reference":{"file_id":"f"}}', 400, "input_reference"),
    ("reference string", "POST", "/v1/videos", JSON, b'{"prompt":"x","input_reference":"{bad"}', 400, "input_reference"),
    ("form reference", "POST", "/v1/videos", FORM, _form(("prompt", "x"), ("input_reference", "{bad")), 400, "input_reference"),
    ("form deep reference", "POST", "/v1/videos", FORM, _form(("prompt", "x"), ("input_reference", "[" * 100_000)), 400, "input_reference"),
    ("form twice", "POST", "/v1/videos", FORM, _form(("prompt", "x"), ("prompt", "y")), 400, "prompt"),
    ("form too many parts", "POST", "/v1/videos", FORM, _form(*((f"f{n}", "x") for n in range(40))), 400, None),
    ("broken form", "POST", "/v1/videos", FORM, b"--XyZ\r\nnonsense", 400, None),
    ("form without boundary", "POST", "/v1/videos", {"content-type": "multipart/form-data"}, b"x", 400, None),
    ("limit unicode digit", "GET", "/v1/videos?limit=%C2%B2", {}, None, 400, "limit"),
    ("limit huge", "GET", "/v1/videos?limit=" + "9" * 400, {}, None, 400, "limit"),
    ("limit negative", "GET", "/v1/videos?limit=-1", {}, None, 400, "limit"),
    ("bad order", "GET", "/v1/videos?order=sideways", {}, None, 400, "order"),
    ("unknown query parameter", "GET", "/v1/videos?color=red", {}, None, 400, "color"),
    ("unknown after", "GET", "/v1/videos?after=video_nope", {}, None, 404, "after"),
    ("unknown path", "GET", "/v1/nothing/here", {}, None, 404, None),
    ("unknown root path", "GET", "/admin", {}, None, 404, None),
    ("wrong method", "PUT", "/v1/videos", {}, None, 405, None),
    ("wrong method on a video", "POST", "/v1/videos/video_x", {}, None, 405, None),
    ("edits", "POST", "/v1/videos/edits", JSON, b'{"prompt":"x","video":{"id":"v"}}', 400, None),
    ("extensions", "POST", "/v1/videos/extensions", JSON, b"{}", 400, None),
    ("characters", "POST", "/v1/videos/characters", JSON, b"{}", 400, None),
    ("a character", "GET", "/v1/videos/characters/char_1", {}, None, 404, None),
    ("remix of nothing", "POST", "/v1/videos/video_x/remix", JSON, b'{"prompt":"x"}', 404, "video_id"),
    ("bad idempotency key", "POST", "/v1/videos", {**JSON, "Idempotency-Key": "a\tb"}, b'{"prompt":"x"}', 400, "Idempotency-Key"),
]  # fmt: skip


def _envelope(answer: httpx.Response) -> dict[str, Any]:
    assert answer.headers["content-type"].startswith("application/json"), answer.text[:200]
    body = answer.json()
    assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "param", "code"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return dict(body["error"])


@pytest.mark.parametrize(
    ("method", "path", "headers", "body", "status", "param"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_hostile_input_is_a_4xx_in_openais_envelope(
    world: World,
    method: str,
    path: str,
    headers: dict[str, str],
    body: Any,
    status: int,
    param: str | None,
) -> None:
    with world.http() as http:
        answer = http.request(method, path, headers=headers, content=body)
    assert answer.status_code == status, answer.text[:300]
    error = _envelope(answer)
    if param is not None:
        assert error["param"] == param
    assert world.sandbox.state.request_count("kie", "submit") == 0
    # What the gateway answers for an operation it serves, its spec documents.
    documented = documented_statuses("gateway", method, path.partition("?")[0])
    assert documented is None or status in documented, (status, documented)


def test_405_names_every_method_of_the_path(world: World) -> None:
    with world.http() as http:
        answer = http.put("/v1/videos")
        one = http.post("/v1/videos/video_x")
    assert set(answer.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST"}
    assert set(one.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "DELETE"}


@pytest.mark.parametrize("path", ["/v1/videos/edits", "/v1/nothing", "/v1/videos/characters/c"])
def test_what_is_not_served_asks_for_a_key_first(world: World, path: str) -> None:
    with world.http(None) as http:
        answer = http.request("POST" if "edits" in path else "GET", path)
    assert answer.status_code == 401 and _envelope(answer)["code"] == "invalid_api_key"


def test_health_needs_no_key(world: World) -> None:
    with world.http(None) as http:
        answer = http.get("/health")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}


def test_a_body_over_the_limit_is_refused_whether_declared_or_streamed(world: World) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"prompt": "'
        for _ in range(64):
            yield b"x" * 65536
        yield b'"}'

    with world.http() as http:
        declared = http.post(
            "/v1/videos", content=b"{" + b" " * (2 * 1024 * 1024) + b"}", headers=JSON
        )
        try:
            streamed = http.post("/v1/videos", content=chunks(), headers=JSON)
        except httpx.TransportError:  # the gateway may close before the client finished
            streamed = None
    assert declared.status_code == 413 and _envelope(declared)["code"] == "request_too_large"
    assert 413 in (documented_statuses("gateway", "POST", "/v1/videos") or ())
    if streamed is not None:
        assert streamed.status_code == 413 and _envelope(streamed)["code"] == "request_too_large"


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_memory_stays_bounded_under_concurrent_large_bodies(world: World) -> None:
    """Eight callers each stream 32 MB at once: the gateway reads at most its limit of each
    (1 MiB here) before refusing, so its memory does not grow with what is sent."""

    def send() -> None:
        def chunks() -> Iterator[bytes]:
            yield b'{"prompt": "'
            block = b"x" * 262144
            for _ in range(128):
                yield block
            yield b'"}'

        try:
            with world.http() as http:
                http.post("/v1/videos", content=chunks(), headers=JSON)
        except httpx.TransportError:
            pass

    before = _rss_kib()
    callers = [threading.Thread(target=send) for _ in range(8)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(60)
    grown_mib = (_rss_kib() - before) / 1024
    assert grown_mib < 64, f"the process grew {grown_mib:.0f} MiB for 256 MB sent"


def test_every_refusal_is_logged_with_the_tenant_and_no_key(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="sora_unified.gateway"), world.http() as http:
        http.post("/v1/videos", content=b"{bad", headers=JSON)
        http.get("/v1/videos/video_nope%0D%0Aforged")

        def gateway_lines() -> list[str]:
            return [r.getMessage() for r in caplog.records if r.name == "sora_unified.gateway"]

        # The server writes a request's line once its answer is out: wait for it, not on luck.
        wait_until(
            lambda: any("-> 404 (alice" in line for line in gateway_lines()), what="the 404 line"
        )
    lines = gateway_lines()
    assert any(line.startswith("POST /v1/videos -> 400 (alice") for line in lines), lines
    assert any("-> 404 (alice" in line and "\n" not in line for line in lines), lines
    assert not any(ALICE.key in line for line in lines)
