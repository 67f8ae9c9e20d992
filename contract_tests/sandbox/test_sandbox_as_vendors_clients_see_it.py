"""The sandbox as the vendors' own clients see it: what published clients send must work here
when it works against the vendor, and the sandbox's own behaviour must be the vendor's (or a
stated, configurable choice where the docs are silent)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from sora_unified import (
    AuthenticationError,
    Client,
    RateLimitError,
    VideoRequest,
)
from sora_unified.sandbox import SANDBOX_KEY, Fault, Sandbox, SandboxConfig, Timing

from contract_tests.support.fakes import FakeClock
from contract_tests.support.loopback import Misbehaving, raw_head
from contract_tests.support.mocking import async_transport
from contract_tests.support.mp4 import read_mp4
from contract_tests.support.specs import load_spec, resolve

TIMING = Timing(queue_seconds=1, run_seconds=2, not_visible_seconds=0.5, link_ttl_seconds=3600)
PNG_DATA_URL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
BEARER = {"Authorization": f"Bearer {SANDBOX_KEY}"}


def _wait_until(condition: Any, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


# -- 1. ModelVerse as UCloud's own ComfyUI nodes call it ------------------------------------------


@pytest.mark.parametrize(
    ("model", "inputs"),
    [
        ("openai/sora-2/text-to-video", {"prompt": "a cat dancing"}),
        ("openai/sora-2/image-to-video", {"first_frame_url": "https://example.com/a.png"}),
        ("openai/sora-2/image-to-video", {"first_frame_url": PNG_DATA_URL, "prompt": "go"}),
    ],
    ids=["text", "image-url", "image-base64"],
)
def test_modelverse_with_bearer_auth_end_to_end(model: str, inputs: dict[str, str]) -> None:
    clock = FakeClock()
    with Sandbox(SandboxConfig(timing=TIMING), clock=clock) as sandbox:
        base = sandbox.base_url("modelverse")
        body = {"model": model, "input": inputs, "parameters": {"duration": 4}}
        created = httpx.post(f"{base}/v1/tasks/submit", json=body, headers=BEARER)
        assert created.status_code == 200, created.text
        task_id = created.json()["output"]["task_id"]
        clock.now += 10
        status = httpx.get(f"{base}/v1/tasks/status", params={"task_id": task_id}, headers=BEARER)
        output = status.json()["output"]
        assert output["task_status"] == "Success"
        video = httpx.get(output["urls"][0])
        assert video.status_code == 200 and read_mp4(video.content).seconds == pytest.approx(
            4, abs=0.3
        )


# -- 2. Callbacks a real handler can use, going nowhere they shouldn't --------------------------------


def _callback_config(**settings: Any) -> SandboxConfig:
    return SandboxConfig(
        timing=Timing(queue_seconds=0, run_seconds=1, not_visible_seconds=0), **settings
    )


@pytest.mark.parametrize("vendor", ["kie", "evolink"])
def test_callback_bodies_carry_the_same_downloadable_links_as_status_answers(vendor: str) -> None:
    received: list[httpx.Request] = []
    router = respx.Router(assert_all_mocked=True)
    router.post("https://hooks.example.com/done").mock(
        side_effect=lambda request: received.append(request) or httpx.Response(200)
    )
    clock = FakeClock()
    config = _callback_config(
        callback_transport=async_transport(router), callback_delivery="anywhere"
    )
    with Sandbox(config, clock=clock) as sandbox:
        client = Client(vendor, api_key=SANDBOX_KEY, base_url=sandbox.base_url(vendor), clock=clock)
        task = client.submit(
            VideoRequest(prompt="p", callback_url="https://hooks.example.com/done")
        )
        clock.now += 5
        _wait_until(lambda: received)
        polled = client.retrieve(task)
        body = json.loads(received[0].content)
        if vendor == "kie":
            linked = json.loads(body["data"]["resultJson"])["resultUrls"]
        else:
            linked = body["results"]
        assert linked == list(polled.video_urls)
        assert linked[0].startswith(sandbox.url or "")
        assert httpx.get(linked[0]).status_code == 200  # downloadable, as a handler expects


def test_by_default_callbacks_only_go_to_this_machine(tmp_path: Path) -> None:
    hits: list[bytes] = []

    def receiver(request: bytes) -> list[Any]:
        hits.append(request)
        return [raw_head(200, {"Content-Length": "0"})]

    router = respx.Router(assert_all_mocked=True)
    public = router.post("https://hooks.example.com/done").respond(200)
    clock = FakeClock()
    with (
        Misbehaving(receiver) as local,
        Sandbox(_callback_config(callback_transport=None), clock=clock) as sandbox,
    ):
        client = Client("kie", api_key=SANDBOX_KEY, base_url=sandbox.base_url("kie"), clock=clock)
        client.submit(VideoRequest(prompt="p", callback_url="https://hooks.example.com/done"))
        client.submit(VideoRequest(prompt="p", callback_url=f"{local.url}/hook"))
        clock.now += 5
        _wait_until(lambda: len(sandbox.state.callbacks) == 2)
    outcomes = {attempt.url: attempt.outcome for attempt in sandbox.state.callbacks}
    assert outcomes == {
        "https://hooks.example.com/done": "withheld",
        f"{local.url}/hook": "delivered",
    }
    withheld = next(a for a in sandbox.state.callbacks if a.outcome == "withheld")
    assert "callback_delivery" in withheld.detail
    assert len(hits) == 1 and not public.called


def test_callbacks_can_be_logged_instead_of_sent(tmp_path: Path) -> None:
    log = tmp_path / "callbacks.jsonl"
    clock = FakeClock()
    with Sandbox(
        _callback_config(callback_delivery="log", callback_log=str(log)), clock=clock
    ) as sandbox:
        client = Client("kie", api_key=SANDBOX_KEY, base_url=sandbox.base_url("kie"), clock=clock)
        task = client.submit(VideoRequest(prompt="p", callback_url="https://hooks.example.com/x"))
        clock.now += 5
        _wait_until(lambda: sandbox.state.callbacks)
    (line,) = log.read_text().splitlines()
    logged = json.loads(line)
    assert logged["task"] == task.id and logged["url"] == "https://hooks.example.com/x"
    assert logged["body"]["data"]["state"] == "success"
    assert sandbox.state.callbacks[0].outcome == "logged"


def test_evolink_refuses_private_callback_hosts_unless_the_sandbox_allows_them() -> None:
    hits: list[bytes] = []

    def receiver(request: bytes) -> list[Any]:
        hits.append(request)
        return [raw_head(204)]

    with Misbehaving(receiver) as local:
        hook = f"{local.url}/evolink"
        body = {"model": "sora-2-pro-preview", "prompt": "p", "callback_url": hook}
        with Sandbox(_callback_config()) as sandbox:
            refused = httpx.post(
                sandbox.base_url("evolink") + "/v1/videos/generations", json=body, headers=BEARER
            )
        assert refused.status_code == 400
        assert "evolink_private_callbacks" in refused.json()["error"]["message"]
        clock = FakeClock()
        with Sandbox(_callback_config(evolink_private_callbacks=True), clock=clock) as sandbox:
            accepted = httpx.post(
                sandbox.base_url("evolink") + "/v1/videos/generations", json=body, headers=BEARER
            )
            assert accepted.status_code == 200
            clock.now += 5
            _wait_until(lambda: hits)
        assert sandbox.state.callbacks[0].outcome == "delivered"


# -- 3. Unknown request fields ------------------------------------------------------------------------


UNKNOWN = [
    (
        "evolink",
        "/v1/videos/generations",
        {"model": "sora-2-pro-preview", "prompt": "p", "generate_audio": True},
        "generate_audio",
    ),
    (
        "kie",
        "/api/v1/jobs/createTask",
        {"model": "sora-2-text-to-video", "input": {"prompt": "p", "character_id_list": ["c1"]}},
        "input.character_id_list",
    ),
    (
        "kie",
        "/api/v1/jobs/createTask",
        {"model": "sora-2-text-to-video", "input": {"prompt": "p", "size": "high"}},
        "input.size",
    ),
]


@pytest.mark.parametrize(("vendor", "path", "body", "field"), UNKNOWN, ids=[u[3] for u in UNKNOWN])
def test_unknown_fields_are_ignored_and_counted_by_default_and_refused_on_request(
    vendor: str, path: str, body: dict[str, Any], field: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="sora_unified.sandbox")
    with Sandbox() as sandbox:
        accepted = httpx.post(sandbox.base_url(vendor) + path, json=body, headers=BEARER)
        assert accepted.status_code == 200 and sandbox.state.tasks_created(vendor) == 1, (
            accepted.text
        )
        assert sandbox.state.ignored_fields[(vendor, field)] == 1
    assert any(field in record.getMessage() for record in caplog.records)
    with Sandbox(SandboxConfig(unknown_fields="reject")) as sandbox:
        refused = httpx.post(sandbox.base_url(vendor) + path, json=body, headers=BEARER)
        text = refused.text
        assert sandbox.state.tasks_created(vendor) == 0 and field.rsplit(".", 1)[-1] in text


# -- 4. kie errors in both of kie's forms -------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "unauthorized", "limited"),
    [("envelope", 200, 200), ("http", 401, 429), ("mixed", 200, 429)],
)
def test_kie_error_forms(form: str, unauthorized: int, limited: int) -> None:
    config = SandboxConfig(
        kie_error_form=form,  # type: ignore[arg-type]
        faults=(Fault(kind="rate_limit", vendor="kie", endpoint="credits", nth=(2,)),),
    )
    with Sandbox(config) as sandbox:
        base = sandbox.base_url("kie")
        wrong = httpx.get(f"{base}/api/v1/chat/credit", headers={"Authorization": "Bearer nope"})
        busy = httpx.get(f"{base}/api/v1/chat/credit", headers=BEARER)
        assert (wrong.status_code, wrong.json()["code"]) == (unauthorized, 401)
        assert (busy.status_code, busy.json()["code"]) == (limited, 429)
        with pytest.raises(AuthenticationError):
            Client("kie", api_key="nope", base_url=base, max_retries=0).credits()
        assert Client("kie", api_key=SANDBOX_KEY, base_url=base, max_retries=0).credits() > 0
    assert issubclass(RateLimitError, Exception)


# -- 5. Smaller differences from our specs and the vendors' docs ---------------------------------------


def test_kie_record_info_without_task_id_answers_the_documented_400() -> None:
    with Sandbox() as sandbox:
        answer = httpx.get(sandbox.base_url("kie") + "/api/v1/jobs/recordInfo", headers=BEARER)
    assert answer.json() == {"code": 400, "msg": "taskId parameter is required", "data": None}


def test_evolink_malformed_task_id_answers_the_documented_400() -> None:
    with Sandbox() as sandbox:
        answer = httpx.get(sandbox.base_url("evolink") + "/v1/tasks/abc", headers=BEARER)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_task_id"
    assert "task-unified-" in answer.json()["error"]["message"]


@pytest.mark.parametrize("kind", ["maintenance", "unavailable", "server_error", "rate_limit"])
def test_modelverse_faults_use_documented_statuses(kind: str) -> None:
    documented = {
        int(s) for s in load_spec("modelverse")["paths"]["/v1/tasks/status"]["get"]["responses"]
    }
    config = SandboxConfig(faults=(Fault(kind=kind, vendor="modelverse", endpoint="status"),))  # type: ignore[arg-type]
    with Sandbox(config) as sandbox:
        answer = httpx.get(
            sandbox.base_url("modelverse") + "/v1/tasks/status",
            params={"task_id": "x"},
            headers=BEARER,
        )
    assert answer.status_code in documented and answer.status_code != 503


@pytest.mark.parametrize("vendor", ["kie", "evolink", "modelverse"])
def test_every_vendor_refuses_a_wrong_key_in_its_own_documented_words(vendor: str) -> None:
    spec = load_spec(vendor)
    documented = resolve(vendor, spec["components"]["responses"]["Unauthorized"])["content"][
        "application/json"
    ]["example"]
    paths = {
        "kie": "/api/v1/chat/credit",
        "evolink": "/v1/credits",
        "modelverse": "/v1/tasks/status",
    }
    with Sandbox(SandboxConfig(kie_error_form="envelope")) as sandbox:
        answer = httpx.get(
            sandbox.base_url(vendor) + paths[vendor], headers={"Authorization": "Bearer nope"}
        )
    body = answer.json()
    body.pop("request_id", None)
    if vendor == "kie":
        body.pop("data", None)
    assert body == documented


def test_kie_failures_use_kies_own_fail_codes() -> None:
    clock = FakeClock()
    config = SandboxConfig(
        timing=TIMING, faults=(Fault(kind="fail_generation", endpoint="submit"),)
    )
    with Sandbox(config, clock=clock) as sandbox:
        client = Client("kie", api_key=SANDBOX_KEY, base_url=sandbox.base_url("kie"), clock=clock)
        video = client.wait(client.submit(VideoRequest(prompt="p")), raise_on_failure=False)
    assert video.status == "failed" and video.error_code == "500" and video.content_policy_violation


@pytest.mark.parametrize(
    ("vendor", "path", "allowed"),
    [
        ("kie", "/api/v1/jobs/createTask", "POST"),
        ("evolink", "/v1/tasks/task-unified-1-x", "GET"),
        ("modelverse", "/v1/tasks/submit", "POST"),
    ],
)
def test_an_unknown_method_answers_405_with_allow_in_the_vendors_format(
    vendor: str, path: str, allowed: str
) -> None:
    with Sandbox() as sandbox:
        answer = httpx.delete(sandbox.base_url(vendor) + path, headers=BEARER)
    assert answer.status_code == 405 and allowed in answer.headers["allow"]
    body = answer.json()
    assert body["code"] == 405 if vendor == "kie" else "error" in body


@pytest.mark.parametrize(
    ("vendor", "path"),
    [
        ("kie", "/api/v1/jobs/createTask"),
        ("evolink", "/v1/videos/generations"),
        ("modelverse", "/v1/tasks/submit"),
    ],
)
def test_a_body_nested_100000_deep_is_refused_in_the_vendors_format(vendor: str, path: str) -> None:
    nested = b"[" * 100_000 + b"]" * 100_000
    with Sandbox() as sandbox:
        answer = httpx.post(
            sandbox.base_url(vendor) + path,
            content=nested,
            headers={**BEARER, "Content-Type": "application/json"},
        )
    assert answer.status_code < 500
    body = answer.json()
    assert (body["code"] == 422) if vendor == "kie" else "error" in body


# -- 6. Tasks that outlive a command, and a faster sandbox ------------------------------------------------


def test_a_state_file_keeps_tasks_across_sandbox_runs(tmp_path: Path) -> None:
    state = str(tmp_path / "state.sqlite3")
    clock = FakeClock()
    config = SandboxConfig(timing=TIMING, state=state)
    with Sandbox(config, clock=clock) as first:
        task = Client(
            "kie", api_key=SANDBOX_KEY, base_url=first.base_url("kie"), clock=clock
        ).submit(VideoRequest(prompt="p"))
    with Sandbox(config, clock=clock) as second:
        client = Client("kie", api_key=SANDBOX_KEY, base_url=second.base_url("kie"), clock=clock)
        video = client.wait(task)
        saved = client.download(video, tmp_path / "v.mp4")
    assert video.status == "completed" and read_mp4(saved.read_bytes()).seconds == pytest.approx(
        10, abs=0.3
    )


def _cli_env(tmp_path: Path, timing: dict[str, float]) -> dict[str, str]:
    config = tmp_path / "timing.json"
    config.write_text(json.dumps({"timing": timing}))
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    return env | {
        "SORA_UNIFIED_SANDBOX_CONFIG": str(config),
        "SORA_UNIFIED_SANDBOX_STATE": str(tmp_path / "state.sqlite3"),
    }


@pytest.mark.subprocess
def test_a_sandbox_task_can_be_resumed_after_the_command_is_killed(tmp_path: Path) -> None:
    env = _cli_env(tmp_path, {"queue_seconds": 2, "run_seconds": 1, "not_visible_seconds": 0})
    generate = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sora_unified.cli",
            "generate",
            "p",
            "--vendor",
            "evolink",
            "--sandbox",
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        assert generate.stdout is not None
        task = json.loads(generate.stdout.readline())["task"]
        generate.send_signal(signal.SIGKILL)
        generate.wait(timeout=30)
    finally:
        generate.kill()
    resumed = subprocess.run(
        [sys.executable, "-m", "sora_unified.cli", "wait", task, "--sandbox", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout.splitlines()[-1])["status"] == "completed"


def test_sandbox_commands_reuse_a_running_sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sora_unified.cli import main

    with Sandbox() as running:
        monkeypatch.setenv("SORA_UNIFIED_SANDBOX_URL", running.url or "")
        assert main(["generate", "p", "--vendor", "modelverse", "--sandbox", "--no-wait"]) == 0
        task = capsys.readouterr().out.strip()
        assert running.state.tasks_created("modelverse") == 1
        assert task.startswith("modelverse:") and running.state.task(
            "modelverse", task.split(":", 1)[1]
        )


def test_the_listening_socket_lets_asyncio_set_tcp_nodelay() -> None:
    """asyncio sets TCP_NODELAY on accepted connections only when the listening socket was
    created with IPPROTO_TCP; without it each answer waits ~40 ms for a delayed ACK (the
    requests-per-second figure is in `make bench`)."""
    with Sandbox() as sandbox:
        assert sandbox._server is not None
        server = sandbox._server._server  # the uvicorn server behind the shared helper
        sockets = [sock for s in server.servers for sock in s.sockets]
        assert sockets and all(sock.proto == socket.IPPROTO_TCP for sock in sockets)
