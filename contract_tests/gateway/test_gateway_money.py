"""The gateway never pays twice and never strands a video: a create is recorded and answered at
once and the paid submit runs in the gateway's worker, so a caller's timeout or the openai
package's retries cannot start a second one; a restart sends what was never sent; a delete
keeps a paid task on record."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

openai = pytest.importorskip("openai", reason="make test installs the pinned openai package")

from sora_unified.gateway import GatewayStore, fingerprint  # noqa: E402
from sora_unified.sandbox import Fault, Sandbox, SandboxConfig  # noqa: E402

from contract_tests.support.gateway_world import (  # noqa: E402
    ALICE,
    FAST,
    World,
    strict_client,
    wait_until,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
SLOW_SUBMIT = Fault(kind="slow", vendor="kie", endpoint="submit", delay=3.0)


def _state(world: World, video_id: str) -> str | None:
    record = world.gateway.store.record(video_id)
    return None if record is None else record.state


def test_a_client_timeout_shorter_than_the_submit_pays_once(tmp_path: Path) -> None:
    """The issue's case: the vendor answers the submit after the caller's timeout. The create is
    answered before the submit, so the openai package has nothing to retry."""
    world = World(tmp_path, faults=(SLOW_SUBMIT,))
    try:
        impatient = strict_client(world.url, ALICE, timeout=1.0, max_retries=2)
        created = impatient.videos.create(prompt="x", seconds="10")
        assert created.status == "queued"
        done = world.alice.videos.poll(created.id)
        assert done.status == "completed"
        assert world.sandbox.state.request_count("kie", "submit") == 1
        assert world.sandbox.state.tasks_created("kie") == 1
        assert [v.id for v in world.alice.videos.list()] == [created.id]
        impatient.close()
    finally:
        world.close()


def test_a_create_the_openai_package_retries_finds_the_first_video(tmp_path: Path) -> None:
    """The openai package sends no Idempotency-Key but says when it retries: a retried create
    with the same body from the same tenant is the first video, not a second payment."""
    world = World(tmp_path)
    try:
        body = {"prompt": "a corgi", "seconds": "10"}
        with world.http() as http:
            first = http.post("/v1/videos", json=body, headers={"x-stainless-retry-count": "0"})
            retried = http.post("/v1/videos", json=body, headers={"x-stainless-retry-count": "1"})
            fresh = http.post("/v1/videos", json=body, headers={"x-stainless-retry-count": "0"})
        assert retried.json()["id"] == first.json()["id"]
        assert fresh.json()["id"] != first.json()["id"]  # asked again on purpose: a new video
        with world.http(None) as http:  # another tenant's retry is not Alice's video
            bobs = http.post(
                "/v1/videos",
                json=body,
                headers={
                    "x-stainless-retry-count": "1",
                    "Authorization": "Bearer " + "sk-gw-bob-9876543210",
                },
            )
        assert bobs.json()["id"] not in (first.json()["id"], fresh.json()["id"])
    finally:
        world.close()


def test_a_vendor_5xx_on_submit_is_never_answered_as_a_retryable_status(tmp_path: Path) -> None:
    """The client retries the vendor's own 5xx refusal (nothing was created) within its budget;
    the caller got its video at once, so the openai package retries nothing on top of it."""
    world = World(
        tmp_path,
        faults=(Fault(kind="server_error", vendor="kie", endpoint="submit"),),
        client_retries=2,
    )
    try:
        created = world.alice.with_options(max_retries=2).videos.create(prompt="x", seconds="10")
        video = world.alice.videos.poll(created.id)
        assert video.status == "failed" and video.error is not None
        assert video.error.code == "upstream_error"
        assert world.sandbox.state.request_count("kie", "submit") == 3  # 1 + the client's 2
        assert world.sandbox.state.tasks_created("kie") == 0
    finally:
        world.close()


def test_a_restart_sends_what_was_recorded_and_never_resends_what_may_be_paid(
    tmp_path: Path,
) -> None:
    db = tmp_path / "gateway.sqlite3"
    store = GatewayStore(db)
    owner, gone = fingerprint(ALICE.key), "gone-host:1:a-dead-gateway"
    facts = {"request": {"prompt": "p", "seconds": 10}, "model": "sora-2", "prompt": "p",
             "seconds": 10, "size": "720x1280"}  # fmt: skip
    for video_id in ("video_claimed", "video_queued", "video_on_the_wire"):
        store.create_video(video_id=video_id, owner=owner, tenant="alice", vendor="kie",
                           fields=facts, request_hash=video_id, idempotency_key=None)  # fmt: skip
    assert store.claim_pending(gone) is not None  # video_claimed: claimed, never sent
    assert store.claim_pending(gone) is not None  # video_queued: claimed ...
    store.release("video_queued")  # ... and given back
    assert store.claim_pending(gone) is not None
    assert store.begin_video_submit("video_on_the_wire", gone)  # sent, no answer recorded
    store.close()
    world = World(tmp_path)
    try:
        finals = {v: world.alice.videos.poll(v) for v in ("video_claimed", "video_queued")}
        assert all(video.status == "completed" for video in finals.values())
        lost = world.alice.videos.retrieve("video_on_the_wire")
        assert lost.status == "failed" and lost.error is not None
        assert lost.error.code == "submission_uncertain"
        assert world.sandbox.state.tasks_created("kie") == 2
    finally:
        world.close()


def test_a_delete_during_the_submit_keeps_the_paid_task_on_record(tmp_path: Path) -> None:
    world = World(tmp_path, faults=(SLOW_SUBMIT,))
    try:
        key = {"Idempotency-Key": "order-9"}
        created = world.alice.videos.create(prompt="x", seconds="10", extra_headers=key)
        wait_until(lambda: _state(world, created.id) == "submitting", what="the submit")
        assert world.alice.videos.delete(created.id).deleted
        with pytest.raises(openai.NotFoundError):
            world.alice.videos.retrieve(created.id)
        wait_until(lambda: _state(world, created.id) == "submitted", what="the task id")
        record = world.gateway.store.record(created.id)
        assert record is not None and record.task and record.task.startswith("kie:")
        # The same key again: the deleted video is named, nothing is submitted a second time.
        with pytest.raises(openai.NotFoundError, match="deleted"):
            world.alice.videos.create(prompt="x", seconds="10", extra_headers=key)
        assert [v.id for v in world.alice.videos.list()] == []
        assert world.sandbox.state.request_count("kie", "submit") == 1
        assert [s.task for s in world.gateway.store.submits()] == [record.task]
    finally:
        world.close()


def test_a_video_deleted_before_its_submit_left_is_never_sent(tmp_path: Path) -> None:
    world = World(tmp_path, faults=(SLOW_SUBMIT,), submit_slots=1)
    try:
        first = world.alice.videos.create(prompt="first", seconds="10")
        wait_until(lambda: _state(world, first.id) == "submitting", what="the first submit")
        second = world.alice.videos.create(prompt="second", seconds="10")  # waits for a slot
        assert world.alice.videos.delete(second.id).deleted
        assert world.alice.videos.poll(first.id).status == "completed"
        wait_until(lambda: _state(world, second.id) == "failed", what="the deleted video settled")
        time.sleep(0.3)  # a wrongly sent second submit would have left by now
        assert world.sandbox.state.request_count("kie", "submit") == 1
    finally:
        world.close()


@pytest.fixture
def slow_sandbox() -> Iterator[Sandbox]:
    # The first four submits hang long enough to be killed on the wire; later ones are quick.
    slow = Fault(kind="slow", vendor="kie", endpoint="submit", nth=(1, 2, 3, 4), delay=8.0)
    with Sandbox(SandboxConfig(timing=FAST, faults=(slow,))) as sandbox:
        yield sandbox


def _serve(tmp_path: Path, sandbox: Sandbox) -> tuple[subprocess.Popen[str], str]:
    env = {
        **os.environ,
        "SORA_UNIFIED_GATEWAY_KEYS": f"alice:{ALICE.key}",
        "KIE_API_KEY": "sandbox-key",
        "KIE_BASE_URL": f"{sandbox.url}/kie",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "sora_unified.cli", "serve", "--vendor", "kie", "--port", "0",
         "--json", "--poll-after-ms", "20", "--db", str(tmp_path / "gw.sqlite3")],
        env=env, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert server.stdout is not None
    return server, json.loads(server.stdout.readline())["url"].removesuffix("/v1")


@pytest.mark.subprocess
@pytest.mark.timeout(600)
def test_kill_9_with_creates_in_flight_then_a_restart(
    tmp_path: Path, slow_sandbox: Sandbox
) -> None:
    """Six creates answered, four submits on the wire, two queued: `kill -9`. After a restart
    the queued two are sent and finish; the four are `submission_uncertain`; nothing is sent
    twice and nothing stays `queued`."""
    server, url = _serve(tmp_path, slow_sandbox)
    try:
        client = strict_client(url, ALICE)
        made = [client.videos.create(prompt=f"clip {n}", seconds="10").id for n in range(6)]
        wait_until(lambda: slow_sandbox.state.request_count("kie", "submit") == 4, what="4 submits")
        client.close()
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(30)
    server, url = _serve(tmp_path, slow_sandbox)
    try:
        client = strict_client(url, ALICE)
        finals = [client.videos.poll(video_id) for video_id in made]
        client.close()
    finally:
        server.terminate()
        server.wait(30)
    codes = [v.error.code if v.error else v.status for v in finals]
    assert sorted(codes) == ["completed"] * 2 + ["submission_uncertain"] * 4, codes
    assert [v.status for v in finals[4:]] == ["completed", "completed"]  # the queued ones
    assert slow_sandbox.state.request_count("kie", "submit") == 6  # each sent once at most


def test_the_ledger_keeps_each_videos_reserved_and_charged_amounts(tmp_path: Path) -> None:
    """evolink reports its charge on the create answer: the ledger holds the table's estimate
    as reserved and the vendor's figure as charged; kie reports none, so its stays reserved."""
    for vendor, model, seconds, reserved, charged in (
        ("evolink", "sora-2-pro", "15", 46.0, 46.0),
        ("kie", "sora-2", "10", 30.0, None),
    ):
        world = World(tmp_path / vendor, vendor)
        try:
            video = world.alice.videos.create(
                prompt="a corgi",
                model=model,
                seconds=seconds,  # type: ignore[arg-type]
            )
            wait_until(
                lambda: world.alice.videos.retrieve(video.id).status == "completed",
                what="the video to complete",
            )
            store = GatewayStore(tmp_path / vendor / "gateway.sqlite3")
            with store._transaction() as db:
                rows = db.execute("SELECT reserved, charged FROM submits").fetchall()
            store.close()
        finally:
            world.close()
        assert rows == [(pytest.approx(reserved), charged and pytest.approx(charged))]
