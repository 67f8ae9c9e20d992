"""The gateway driven by the official `openai` package (pinned), backed by the sandbox, for
every vendor: an unmodified openai-python program keeps working with one `base_url` changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

openai = pytest.importorskip("openai", reason="make test installs the pinned openai package")

from sora_unified.gateway import DEFAULT_MODELS, Gateway, clients_for  # noqa: E402
from sora_unified.sandbox import Fault, Sandbox, SandboxConfig, Timing, client_options  # noqa: E402

from contract_tests.support.images import png  # noqa: E402
from contract_tests.support.specs import VENDORS  # noqa: E402

KEY = "sk-gw-test-key"
TIMING = Timing(queue_seconds=0.2, run_seconds=0.4, not_visible_seconds=0)
# A length each vendor's `sora-2` model offers (OpenAI's own 4 s is not sold by all).
SECONDS = {"kie": "10", "evolink": "10", "modelverse": "4", "modelverse-openai": "4"}
REMIX = {"evolink", "modelverse-openai"}

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


class Served:
    def __init__(self, tmp_path: Path, vendor: str, faults: tuple[Fault, ...] = ()) -> None:
        self.sandbox = Sandbox(SandboxConfig(timing=TIMING, faults=faults)).start()
        root = self.sandbox.url or ""
        self.gateway = Gateway(
            vendor=vendor,
            keys=(KEY, "sk-gw-second-key"),
            db=tmp_path / "gateway.sqlite3",
            clients=clients_for(lambda v: {**client_options(root, v), "max_retries": 0}),
            poll_after_ms=50,
        ).start()
        self.client = openai.OpenAI(base_url=f"{self.gateway.url}/v1", api_key=KEY)

    def close(self) -> None:
        self.client.close()
        self.gateway.stop()
        self.sandbox.stop()


@pytest.fixture(params=VENDORS)
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Served]]:
    made = Served(tmp_path, request.param)
    yield request.param, made
    made.close()


def test_create_poll_retrieve_download_delete(served: tuple[str, Served], tmp_path: Path) -> None:
    vendor, world = served
    client = world.client
    created = client.videos.create(prompt="a corgi surfing", seconds=SECONDS[vendor])  # type: ignore[arg-type]
    assert created.id.startswith("video_") and created.status in ("queued", "in_progress")
    assert created.object == "video" and created.model == "sora-2"
    done = client.videos.poll(created.id)
    assert done.status == "completed" and done.progress == 100
    assert done.seconds == SECONDS[vendor] and done.size in ("720x1280", "1280x720")
    assert done.completed_at and done.completed_at >= done.created_at
    assert client.videos.retrieve(created.id).status == "completed"
    target = tmp_path / "video.mp4"
    client.videos.download_content(created.id).write_to_file(target)
    assert target.read_bytes()[4:8] == b"ftyp"
    deleted = client.videos.delete(created.id)
    assert deleted.deleted and deleted.id == created.id
    with pytest.raises(openai.NotFoundError):
        client.videos.retrieve(created.id)


def test_create_and_poll_and_the_poll_hint(served: tuple[str, Served]) -> None:
    vendor, world = served
    video = world.client.videos.create_and_poll(
        prompt="a cat",
        seconds=SECONDS[vendor],
        size="1280x720",  # type: ignore[arg-type]
    )
    assert video.status == "completed" and video.size == "1280x720"
    raw = world.client.videos.with_raw_response.retrieve(video.id)
    assert raw.headers["openai-poll-after-ms"] == "50"


def test_list_pages_through_every_video(served: tuple[str, Served]) -> None:
    vendor, world = served
    made = [
        world.client.videos.create(prompt=f"clip {n}", seconds=SECONDS[vendor]).id  # type: ignore[arg-type]
        for n in range(5)
    ]
    newest_first = [video.id for video in world.client.videos.list(limit=2)]
    assert newest_first == list(reversed(made))
    page = world.client.videos.list(limit=2, order="asc")
    assert [v.id for v in page.data] == made[:2] and page.has_more
    assert [v.id for v in world.client.videos.list(order="asc", after=made[2])] == made[3:]


def test_remix_where_the_vendor_has_it(served: tuple[str, Served]) -> None:
    vendor, world = served
    source = world.client.videos.create_and_poll(prompt="a cat", seconds=SECONDS[vendor])  # type: ignore[arg-type]
    if vendor not in REMIX:
        with pytest.raises(openai.BadRequestError, match="remix"):
            world.client.videos.remix(source.id, prompt="the cat plays a violin")
        return
    remixed = world.client.videos.remix(source.id, prompt="the cat plays a violin")
    assert remixed.remixed_from_video_id == source.id and remixed.id != source.id
    assert world.client.videos.poll(remixed.id).status == "completed"


def test_a_first_frame_file_goes_through(served: tuple[str, Served], tmp_path: Path) -> None:
    vendor, world = served
    frame = tmp_path / "frame.png"
    frame.write_bytes(png(1280, 720))
    video = world.client.videos.create_and_poll(
        prompt="she turns",
        seconds=SECONDS[vendor],
        size="1280x720",
        input_reference=frame,  # type: ignore[arg-type]
    )
    assert video.status == "completed"


def test_openai_errors_for_every_refusal(served: tuple[str, Served]) -> None:
    vendor, world = served
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=world.client.base_url, api_key="sk-wrong").videos.list()
    with pytest.raises(openai.BadRequestError) as refused:
        world.client.videos.create(prompt="x", seconds="7")  # type: ignore[arg-type]
    assert "7" in refused.value.message and "seconds" in refused.value.message
    with pytest.raises(openai.BadRequestError) as unknown:
        world.client.videos.create(prompt="x", model="sora-3")
    assert all(name in unknown.value.message for name in DEFAULT_MODELS[vendor])
    with pytest.raises(openai.NotFoundError):
        world.client.videos.retrieve("video_unknown")
    # An unknown id is a 404 before any other check (nothing says whether a video exists).
    with pytest.raises(openai.NotFoundError):
        world.client.videos.download_content("video_unknown", variant="thumbnail")
    assert world.sandbox.state.tasks_created(vendor) == 0  # nothing was paid for


def test_a_second_key_works_and_keys_never_leak(served: tuple[str, Served]) -> None:
    vendor, world = served
    other = openai.OpenAI(base_url=world.client.base_url, api_key="sk-gw-second-key")
    video = other.videos.create(prompt="p", seconds=SECONDS[vendor])  # type: ignore[arg-type]
    text = other.videos.with_raw_response.retrieve(video.id).text
    assert "sandbox-key" not in text and KEY not in text and "sk-gw-second-key" not in text
    with pytest.raises(openai.NotFoundError):  # another tenant's video is not there for KEY
        world.client.videos.retrieve(video.id)
    other.close()


def test_vendor_model_names_pick_any_model(tmp_path: Path) -> None:
    world = Served(tmp_path, "kie")
    try:
        video = world.client.videos.create_and_poll(
            prompt="a corgi",
            model="evolink/sora-2-pro",
            seconds="15",  # type: ignore[arg-type]
        )
        assert video.status == "completed" and video.model == "evolink/sora-2-pro"
        assert world.sandbox.state.tasks_created("evolink") == 1
        with pytest.raises(openai.BadRequestError, match="sora-2-pro-storyboard"):
            world.client.videos.create(prompt="x", model="kie/sora-9")
    finally:
        world.close()


def test_a_vendor_rate_limit_fails_the_video_and_pays_nothing(tmp_path: Path) -> None:
    """The create was answered before the submit: a refusal the client's retries did not get
    past is the video's `failed` status with OpenAI's code, never a second create."""
    world = Served(
        tmp_path, "evolink", faults=(Fault(kind="rate_limit", vendor="evolink", endpoint="submit"),)
    )
    try:
        created = world.client.videos.create(prompt="x", seconds="10")  # type: ignore[arg-type]
        assert created.status == "queued"
        video = world.client.videos.poll(created.id)
        assert video.status == "failed" and video.error is not None
        assert video.error.code == "rate_limit_exceeded"
        assert world.sandbox.state.tasks_created("evolink") == 0
    finally:
        world.close()


def test_an_ambiguous_submit_is_a_failed_video_never_a_second_submit(tmp_path: Path) -> None:
    """The vendor created the task but the answer was lost: the video is `failed` with
    `submission_uncertain`, and nothing is sent again."""
    world = Served(
        tmp_path, "kie", faults=(Fault(kind="drop_after", vendor="kie", endpoint="submit"),)
    )
    try:
        created = world.client.videos.create(prompt="x", seconds="10")  # type: ignore[arg-type]
        video = world.client.videos.poll(created.id)
        assert video.status == "failed" and video.error is not None
        assert video.error.code == "submission_uncertain"
        assert world.sandbox.state.tasks_created("kie") == 1
    finally:
        world.close()


def test_an_idempotency_key_returns_the_first_video(tmp_path: Path) -> None:
    world = Served(tmp_path, "kie")
    try:
        headers = {"Idempotency-Key": "order-42"}
        first = world.client.videos.create(prompt="x", seconds="10", extra_headers=headers)  # type: ignore[arg-type]
        world.client.videos.poll(first.id)
        again = world.client.videos.create(prompt="x", seconds="10", extra_headers=headers)  # type: ignore[arg-type]
        assert again.id == first.id and again.status == "completed"
        assert world.sandbox.state.tasks_created("kie") == 1
    finally:
        world.close()


def test_ids_survive_a_restart(tmp_path: Path) -> None:
    world = Served(tmp_path, "kie")
    video = world.client.videos.create_and_poll(prompt="x", seconds="10")  # type: ignore[arg-type]
    world.gateway.stop()
    root = world.sandbox.url or ""
    again = Gateway(
        vendor="kie",
        keys=(KEY,),
        db=tmp_path / "gateway.sqlite3",
        clients=clients_for(lambda v: client_options(root, v)),  # type: ignore[arg-type, return-value]
    ).start()
    try:
        client = openai.OpenAI(base_url=f"{again.url}/v1", api_key=KEY)
        assert client.videos.retrieve(video.id).status == "completed"
        assert [v.id for v in client.videos.list()] == [video.id]
    finally:
        again.stop()
        world.sandbox.stop()


def test_webhooks_are_signed_so_openai_python_verifies_them(tmp_path: Path) -> None:
    """Off by default; with a target, each finished video sends one event that
    `client.webhooks.verify_signature` accepts, and a forged or changed one it refuses."""
    import base64
    import time

    import httpx
    from sora_unified.gateway import WebhookTarget

    secret = "whsec_" + base64.b64encode(b"a webhook secret for tests").decode()
    received: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        received.append(request)
        return httpx.Response(200 if len(received) > 1 else 503)  # the first attempt fails

    sandbox = Sandbox(SandboxConfig(timing=TIMING)).start()
    root = sandbox.url or ""
    gateway = Gateway(
        vendor="kie",
        keys=(KEY,),
        db=tmp_path / "gateway.sqlite3",
        clients=clients_for(lambda v: client_options(root, v)),  # type: ignore[arg-type, return-value]
        webhook=WebhookTarget("https://hooks.example.test/sora", secret),
        watch_seconds=0.1,
        webhook_transport=httpx.MockTransport(receiver),
    ).start()
    try:
        client = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=KEY, webhook_secret=secret)
        video = client.videos.create(prompt="x", seconds="10")  # type: ignore[arg-type]
        deadline = time.monotonic() + 120
        while len(received) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # the watcher finishes the video with nobody polling
        assert len(received) == 2, "no retried delivery"
        first, second = received
        assert first.headers["webhook-id"] == second.headers["webhook-id"]  # one event, retried
        body = second.content.decode()
        headers = dict(second.headers)
        client.webhooks.verify_signature(body, headers)
        event = json.loads(body)
        assert event["type"] == "video.completed" and event["data"] == {"id": video.id}
        with pytest.raises(openai.InvalidWebhookSignatureError):
            client.webhooks.verify_signature(body.replace(video.id, "video_other"), headers)
        assert client.videos.retrieve(video.id).status == "completed"
    finally:
        gateway.stop()
        sandbox.stop()


def test_a_gateway_that_died_mid_submit_reports_the_video_failed(tmp_path: Path) -> None:
    """The video was recorded and its submit under way when the gateway died: after a restart
    it is `failed` with `submission_uncertain`; nothing is sent again."""
    from sora_unified.gateway import GatewayStore, fingerprint

    db = tmp_path / "gateway.sqlite3"
    store = GatewayStore(db)
    facts = {"request": {"prompt": "x"}, "model": "sora-2", "seconds": 10, "size": "720x1280"}
    store.create_video(video_id="video_crashed", owner=fingerprint(KEY), tenant="a",
                       vendor="kie", fields=facts, request_hash="h", idempotency_key=None)  # fmt: skip
    assert store.claim_pending("gone-host:1:old-gateway") is not None
    assert store.begin_video_submit("video_crashed", "gone-host:1:old-gateway")
    store.close()
    sandbox = Sandbox(SandboxConfig(timing=TIMING)).start()
    root = sandbox.url or ""
    gateway = Gateway(
        vendor="kie",
        keys=(KEY,),
        db=db,
        clients=clients_for(lambda v: client_options(root, v)),  # type: ignore[arg-type, return-value]
    ).start()
    try:
        client = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=KEY)
        video = client.videos.retrieve("video_crashed")
        assert video.status == "failed" and video.error is not None
        assert video.error.code == "submission_uncertain"
        assert sandbox.state.tasks_created("kie") == 0
    finally:
        gateway.stop()
        sandbox.stop()
