"""Webhooks from the outbox: at least once (a delivery that failed before a restart is sent
after it) and exactly one event per video and final status, however many readers race."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import httpx
import pytest

openai = pytest.importorskip("openai", reason="make test installs the pinned openai package")

from sora_unified.gateway import _worker  # noqa: E402
from sora_unified.sandbox import Fault, Timing  # noqa: E402

from contract_tests.support.gateway_world import World, wait_until, webhook  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


class Receiver:
    """The user's webhook endpoint: answers `status` and keeps what it was sent."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.seen: list[httpx.Request] = []
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.seen.append(request)
        return httpx.Response(self.status)

    def events(self) -> list[dict[str, object]]:
        with self.lock:
            return [json.loads(r.content) for r in self.seen]


def _world(tmp_path: Path, receiver: Receiver, **options: object) -> World:
    return World(
        tmp_path,
        webhook=webhook(),
        webhook_transport=httpx.MockTransport(receiver),
        watch_seconds=0.05,
        **options,  # type: ignore[arg-type]
    )


def test_racing_readers_send_one_event_per_video(tmp_path: Path) -> None:
    receiver = Receiver()
    world = _world(
        tmp_path, receiver, timing=Timing(queue_seconds=0.1, run_seconds=0.4, not_visible_seconds=0)
    )
    try:
        video = world.alice.videos.create(prompt="x", seconds="10")
        stop = threading.Event()

        def read() -> None:
            client = world.alice.with_options()
            while not stop.is_set():
                if client.videos.retrieve(video.id).status == "completed":
                    return

        readers = [threading.Thread(target=read) for _ in range(6)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(30)
        stop.set()
        wait_until(lambda: len(receiver.events()) >= 1, what="the event")
        wait_until(lambda: all(e[2] != "due" for e in world.gateway.store.events()), what="sent")
        events = receiver.events()
        assert [e["type"] for e in events] == ["video.completed"]
        assert events[0]["data"] == {"id": video.id}
        assert len(world.gateway.store.events()) == 1
    finally:
        world.close()


def test_a_delivery_that_failed_before_a_restart_is_sent_after_it(tmp_path: Path) -> None:
    receiver = Receiver(503)
    world = _world(tmp_path, receiver)
    try:
        video = world.alice.videos.create_and_poll(prompt="x", seconds="10")
        wait_until(lambda: len(receiver.seen) >= 1, what="a first attempt")
        first_id = receiver.seen[0].headers["webhook-id"]
        receiver.status = 200
        world.restart(webhook_transport=httpx.MockTransport(receiver))
        wait_until(
            lambda: [e[2] for e in world.gateway.store.events()] == ["delivered"],
            what="the delivery after the restart",
        )
        ids = {r.headers["webhook-id"] for r in receiver.seen}
        assert ids == {first_id}  # one event, retried under its own id
        assert receiver.events()[-1]["data"] == {"id": video.id}
    finally:
        world.close()


def test_a_failed_submit_sends_video_failed_once_and_deliveries_give_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_worker, "FIRST_RETRY_SECONDS", 0.01)
    receiver = Receiver(500)
    drop = Fault(kind="drop_after", vendor="kie", endpoint="submit")
    world = _world(tmp_path, receiver, faults=(drop,))
    try:
        video = world.alice.videos.create(prompt="x", seconds="10")
        assert world.alice.videos.poll(video.id).status == "failed"
        wait_until(
            lambda: (
                [e[2:] for e in world.gateway.store.events()]
                == [("abandoned", _worker.DELIVERY_ATTEMPTS)]
            ),
            what="the deliveries to give up",
        )
        assert len(receiver.seen) == _worker.DELIVERY_ATTEMPTS
        assert {e["type"] for e in receiver.events()} == {"video.failed"}
        assert len({r.headers["webhook-id"] for r in receiver.seen}) == 1
    finally:
        world.close()
