"""Local first frames: `VideoRequest(image=Path | bytes)` becomes what each vendor takes before
the paid submit: an upload to kie's or evolink's file host, a data: URL for modelverse.

Format, size and (where the model needs it) pixel shape are checked before any request; an
upload is free and retried, and an upload that fails never leads to a submit. The sandbox
emulates both file hosts and serves the uploads back."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from sora_unified import (
    APIError,
    AsyncClient,
    Client,
    UnsupportedFeatureError,
    ValidationError,
    VideoRequest,
)
from sora_unified._images import load_image
from sora_unified.cli import main
from sora_unified.sandbox import SANDBOX_KEY, Fault, Sandbox, SandboxConfig, Timing

from contract_tests.support.fakes import FakeClock, Refusing
from contract_tests.support.images import gif, jpeg, png, webp
from contract_tests.support.specs import documented_statuses

TIMING = Timing(queue_seconds=2, run_seconds=5, not_visible_seconds=1)
UPLOADING = ("kie", "evolink")
LANDSCAPE = png(1280, 720)
PORTRAIT = png(720, 1280)


def _sandbox(clock: FakeClock, *faults: Fault) -> Sandbox:
    return Sandbox(SandboxConfig(timing=TIMING, faults=faults), clock=clock)


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """The shared `sandbox` and `clock` fixtures (conftest.py), on this module's timing."""
    return SandboxConfig(timing=TIMING)


def _offline(vendor: str) -> tuple[Client, Refusing]:
    transport = Refusing()
    return Client(vendor, api_key="sk-test", transport=transport, max_retries=0), transport


# -- reading images ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "image_format"), [(png, "png"), (jpeg, "jpeg"), (webp, "webp"), (gif, "gif")]
)
def test_format_and_pixel_size_come_from_the_bytes(make: object, image_format: str) -> None:
    image = load_image(make(1280, 720))  # type: ignore[operator]
    assert (image.format, image.width, image.height) == (image_format, 1280, 720)
    assert image.name == load_image(make(1280, 720)).name  # type: ignore[operator]
    assert image.name != load_image(make(720, 1280)).name  # type: ignore[operator]
    assert str(len(image.data)) in repr(image) and "base64" not in repr(image)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"GIF89", "not a PNG, JPEG, WebP or GIF"),
        (b"<html>not an image</html>", "not a PNG, JPEG, WebP or GIF"),
        (png(10, 10)[:20], "pixel size cannot be read"),
        (png(0, 10), "pixel size cannot be read"),
    ],
)
def test_what_is_not_a_readable_image_is_refused(data: bytes, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem) as caught:
        load_image(data)
    assert caught.value.field == "image"


def test_a_missing_file_is_refused_with_its_path(tmp_path: Path) -> None:
    client, transport = _offline("kie")
    with pytest.raises(ValidationError, match=r"missing\.png: cannot be read") as caught:
        client.submit(VideoRequest(prompt="a corgi", image=tmp_path / "missing.png"))
    assert caught.value.field == "image" and transport.sent == []


def test_a_request_repr_shows_no_image_bytes() -> None:
    request = VideoRequest(prompt="a corgi", image=LANDSCAPE)
    assert f"<{len(LANDSCAPE):,} bytes>" in repr(request)
    inline = VideoRequest(prompt="a corgi", image_url="data:image/png;base64," + "A" * 5000)
    assert "AAAA" not in repr(inline) and "data:image/png;base64" in repr(inline)


def test_an_image_string_is_a_url_or_a_path(tmp_path: Path) -> None:
    assert VideoRequest(image="https://example.com/f.png").image_url == "https://example.com/f.png"
    assert VideoRequest(image=str(tmp_path / "f.png")).image == tmp_path / "f.png"
    with pytest.raises(ValidationError, match="image_url"):
        VideoRequest(image=LANDSCAPE, image_url="https://example.com/f.png")


# -- refusals before any request --------------------------------------------------------------


@pytest.mark.parametrize(
    ("vendor", "request_", "rule"),
    [
        (
            "evolink",
            VideoRequest(prompt="p", image=gif(1280, 720)),
            "PNG, JPEG or WebP images; got a GIF image",
        ),
        (
            "kie",
            VideoRequest(prompt="p", image=gif(1280, 720)),
            "PNG, JPEG or WebP images; got a GIF image",
        ),
        (
            "kie",
            VideoRequest(prompt="p", image=png(1280, 720) + b"\0" * (10 * 1024 * 1024)),
            "at most 10 MB",
        ),
        (
            "evolink",
            VideoRequest(prompt="p", image=png(1000, 1000), model="sora-2-preview"),
            "16:9 or 9:16",
        ),
        (
            "evolink",
            VideoRequest(
                prompt="p", image=LANDSCAPE, model="sora-2-preview", orientation="portrait"
            ),
            "9:16 images for a portrait video",
        ),
    ],
    ids=[
        "evolink-gif",
        "kie-gif",
        "kie-too-big",
        "evolink-preview-square",
        "evolink-preview-turned",
    ],
)
def test_images_a_model_cannot_take_are_refused_before_any_request(
    vendor: str, request_: VideoRequest, rule: str
) -> None:
    client, transport = _offline(vendor)
    with pytest.raises(ValidationError, match=rule) as caught:
        client.submit(request_)
    assert caught.value.field == "image"
    assert caught.value.vendor == vendor
    assert transport.sent == []


def test_a_text_only_model_refuses_a_local_image_by_its_field() -> None:
    client, transport = _offline("kie")
    with pytest.raises(UnsupportedFeatureError) as caught:
        client.submit(
            VideoRequest(prompt="p", image=LANDSCAPE, model="sora-2-text-to-video-stable")
        )
    assert caught.value.field == "image" and transport.sent == []


def test_modelverse_takes_gif_and_big_images_inline() -> None:
    client, _ = _offline("modelverse")
    plan = client._plan(VideoRequest(prompt="p", image=gif(1280, 720) + b"\0" * (11 << 20)))
    assert plan.image is not None and plan.image.format == "gif"


# -- end to end against the sandbox -----------------------------------------------------------


@pytest.mark.parametrize("vendor", UPLOADING)
def test_a_local_image_is_uploaded_then_submitted_once(
    sandbox: Sandbox, clock: FakeClock, vendor: str, tmp_path: Path, client_factory: Any
) -> None:
    frame = tmp_path / "frame.png"
    frame.write_bytes(PORTRAIT)
    client = client_factory(vendor, sandbox=sandbox)
    task = client.submit(VideoRequest(prompt="a corgi", image=frame))
    assert sandbox.state.request_count(vendor, "upload") == 1
    assert sandbox.state.tasks_created(vendor) == 1
    # The task was given the uploaded file's link, which serves the same bytes.
    assert isinstance(task.request, VideoRequest) and task.request.image is None
    link = task.request.image_url or ""
    assert link.startswith(sandbox.files_base_url(vendor).rsplit("/", 1)[0] + "/files/uploads/")
    served = httpx.get(link)
    assert served.status_code == 200 and served.content == PORTRAIT
    assert served.headers["content-type"] == "image/png"
    # The video follows the image's orientation when the request names none.
    assert task.request.orientation == "portrait"
    video = client.wait(task)
    assert video.status == "completed" and video.size == "720x1280"


def test_modelverse_gets_the_image_as_a_data_url(
    sandbox: Sandbox, clock: FakeClock, client_factory: Any
) -> None:
    client = client_factory("modelverse", sandbox=sandbox)
    task = client.submit(VideoRequest(prompt="a corgi", image=LANDSCAPE))
    created = sandbox.state.task("modelverse", task.id)
    assert created is not None
    sent = created.body["input"]["first_frame_url"]
    assert sent == "data:image/png;base64," + base64.b64encode(LANDSCAPE).decode()
    assert sandbox.state.request_count("modelverse", "upload") == 0
    assert client.wait(task).size == "1280x720"


def test_the_same_image_uploaded_twice_is_one_kie_file(
    sandbox: Sandbox, clock: FakeClock, client_factory: Any
) -> None:
    client = client_factory("kie", sandbox=sandbox)
    first = client.submit(VideoRequest(prompt="one", image=LANDSCAPE))
    second = client.submit(VideoRequest(prompt="two", image=LANDSCAPE))
    assert first.request.image_url == second.request.image_url  # type: ignore[union-attr]


@pytest.mark.parametrize("vendor", UPLOADING)
@pytest.mark.parametrize("kind", ["server_error", "drop_after", "rate_limit", "bad_gateway"])
def test_a_failed_upload_is_retried_and_the_submit_sent_once(
    clock: FakeClock, vendor: str, kind: str, client_factory: Any
) -> None:
    fault = Fault(kind=kind, vendor=vendor, endpoint="upload", nth=(1,))  # type: ignore[arg-type]
    with _sandbox(clock, fault) as sandbox:
        client = client_factory(vendor, sandbox=sandbox, max_retries=2)
        client.submit(VideoRequest(prompt="a corgi", image=LANDSCAPE))
        assert sandbox.state.request_count(vendor, "upload") == 2
        assert sandbox.state.request_count(vendor, "submit") == 1
        assert sandbox.state.tasks_created(vendor) == 1
    assert clock.sleeps, "the retry waited on the (fake) clock"


@pytest.mark.parametrize("vendor", UPLOADING)
def test_an_upload_that_keeps_failing_never_leads_to_a_submit(
    clock: FakeClock, vendor: str, client_factory: Any
) -> None:
    fault = Fault(kind="server_error", vendor=vendor, endpoint="upload")
    with _sandbox(clock, fault) as sandbox:
        client = client_factory(vendor, sandbox=sandbox, max_retries=2)
        with pytest.raises(APIError) as caught:
            client.submit(VideoRequest(prompt="a corgi", image=LANDSCAPE))
        assert caught.value.status_code == 500 and caught.value.vendor == vendor
        assert sandbox.state.request_count(vendor, "upload") == 3
        assert sandbox.state.request_count(vendor, "submit") == 0


@pytest.mark.parametrize("vendor", UPLOADING)
def test_a_refused_key_on_the_file_host_stops_before_the_submit(
    sandbox: Sandbox, clock: FakeClock, vendor: str
) -> None:
    options = {**sandbox.client_options(vendor), "api_key": "sk-wrong"}
    client = Client(vendor, **options, clock=clock)  # type: ignore[arg-type]
    with pytest.raises(APIError) as caught:
        client.submit(VideoRequest(prompt="a corgi", image=LANDSCAPE))
    assert caught.value.status_code == 401
    assert "sk-wrong" not in str(caught.value)
    assert sandbox.state.request_count(vendor, "submit") == 0


@pytest.mark.parametrize("vendor", UPLOADING)
def test_an_upload_answer_without_a_link_stops_before_the_submit(vendor: str) -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        return httpx.Response(200, json={"success": True, "code": 200, "msg": "ok", "data": {}})

    client = Client(
        vendor, api_key="sk-test", transport=httpx.MockTransport(handler), max_retries=0
    )
    with pytest.raises(APIError, match="sent no link"):
        client.submit(VideoRequest(prompt="a corgi", image=LANDSCAPE))
    assert len(sent) == 1 and "upload" in sent[0]


def test_uploads_go_to_the_file_host_named_by_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        return httpx.Response(401, json={"success": False, "code": 401, "msg": "no"})

    monkeypatch.setenv("KIE_FILES_BASE_URL", "https://files.example.test")
    client = Client("kie", api_key="sk-test", transport=httpx.MockTransport(handler))
    with pytest.raises(APIError):
        client.submit(VideoRequest(prompt="a corgi", image=LANDSCAPE))
    assert hosts == ["files.example.test"]
    monkeypatch.delenv("KIE_FILES_BASE_URL")
    default = Client("kie", api_key="sk-test", transport=httpx.MockTransport(handler))
    with pytest.raises(APIError):
        default.submit(VideoRequest(prompt="a corgi", image=LANDSCAPE))
    assert hosts[-1] == "kieai.redpandaai.co"


@pytest.mark.parametrize("vendor", UPLOADING)
def test_async_uploads_too(sandbox: Sandbox, clock: FakeClock, vendor: str) -> None:
    async def run() -> str:
        async with AsyncClient(vendor, **sandbox.client_options(vendor), clock=clock) as client:  # type: ignore[arg-type]
            task = await client.submit(VideoRequest(prompt="a corgi", image=LANDSCAPE))
            return (await client.wait(task)).status

    assert anyio.run(run) == "completed"
    assert sandbox.state.request_count(vendor, "upload") == 1
    assert sandbox.state.tasks_created(vendor) == 1


# -- the emulated file hosts ------------------------------------------------------------------


def _post(sandbox: Sandbox, path: str, **kwargs: object) -> httpx.Response:
    headers = {"Authorization": f"Bearer {SANDBOX_KEY}"}
    return httpx.post(f"{sandbox.url}{path}", headers=headers, **kwargs)  # type: ignore[arg-type]


def test_kie_base64_and_url_uploads(sandbox: Sandbox, clock: FakeClock) -> None:
    data_url = "data:image/png;base64," + base64.b64encode(LANDSCAPE).decode()
    first = _post(
        sandbox,
        "/kie-files/api/file-base64-upload",
        json={"base64Data": data_url, "uploadPath": "frames", "fileName": "a.png"},
    ).json()
    assert first["success"] is True and first["data"]["filePath"] == "frames/a.png"
    link = first["data"]["downloadUrl"]
    again = _post(
        sandbox, "/kie-files/api/file-url-upload", json={"fileUrl": link, "uploadPath": "copies"}
    ).json()
    assert httpx.get(again["data"]["downloadUrl"]).content == LANDSCAPE
    # Files are deleted after the documented three days.
    clock.now += 3 * 24 * 3600 + 1
    assert httpx.get(link).status_code == 404


def test_kie_keeps_the_folders_users_name(sandbox: Sandbox) -> None:
    # kie's page says only "without leading or trailing slashes": a dated, nested folder of the
    # kind a pipeline names its uploads by is a path the spec (and so the sandbox) must admit.
    folder = "pipelines/autumn-campaign/2026-12-03/first-frames"
    data_url = "data:image/png;base64," + base64.b64encode(LANDSCAPE).decode()
    stored = _post(
        sandbox,
        "/kie-files/api/file-base64-upload",
        json={"base64Data": data_url, "uploadPath": folder, "fileName": "shot-001.png"},
    )
    assert stored.status_code == 200, stored.text
    assert stored.json()["data"]["filePath"] == f"{folder}/shot-001.png"
    trailing = _post(
        sandbox,
        "/kie-files/api/file-base64-upload",
        json={"base64Data": data_url, "uploadPath": folder + "/"},
    )
    assert trailing.status_code == 400 and "uploadPath" in trailing.json()["msg"]


@pytest.mark.parametrize(
    ("name", "data", "media_type"),
    [
        ("a.png", png(64, 36), "image/png"),
        ("a.jpg", jpeg(64, 36), "image/jpeg"),
        ("a.gif", gif(64, 36), "image/gif"),
        ("a.webp", webp(64, 36), "image/webp"),
    ],
    ids=["png", "jpeg", "gif", "webp"],
)
def test_evolink_stores_every_format_its_guide_lists(
    sandbox: Sandbox, name: str, data: bytes, media_type: str
) -> None:
    # EvoLink's file API lists JPEG, PNG, GIF and WebP uploads (the video models then take
    # fewer: that refusal is the client's, before any upload).
    stored = _post(
        sandbox, "/evolink-files/api/v1/files/upload/stream", files={"file": (name, data)}
    )
    assert stored.status_code == 200, stored.text
    assert httpx.get(stored.json()["data"]["file_url"]).content == data
    as_base64 = _post(
        sandbox,
        "/evolink-files/api/v1/files/upload/base64",
        json={"base64_data": base64.b64encode(data).decode(), "mime_type": media_type},
    )
    assert as_base64.status_code == 200, as_base64.text


def test_the_file_hosts_refuse_in_their_envelope(sandbox: Sandbox) -> None:
    missing_path = _post(sandbox, "/kie-files/api/file-stream-upload", files={"file": LANDSCAPE})
    assert missing_path.status_code == 400
    assert missing_path.json()["success"] is False and "uploadPath" in missing_path.json()["msg"]
    pdf = _post(
        sandbox,
        "/evolink-files/api/v1/files/upload/stream",
        files={"file": ("a.pdf", b"%PDF-1.4", "application/pdf")},
    )
    assert pdf.status_code == 400 and "Unsupported file type" in pdf.json()["msg"]
    public = _post(
        sandbox,
        "/evolink-files/api/v1/files/upload/url",
        json={"file_url": "https://example.com/a.png"},
    )
    assert public.status_code == 400 and "loopback" in public.json()["msg"]
    unauthorised = httpx.post(
        f"{sandbox.url}/kie-files/api/file-url-upload", json={"fileUrl": "http://127.0.0.1/x"}
    )
    assert unauthorised.status_code == 401 and unauthorised.json()["code"] == 401
    unauthorised_stream = httpx.post(
        f"{sandbox.url}/kie-files/api/file-stream-upload",
        files={"file": LANDSCAPE},
        data={"uploadPath": "frames"},
    )
    assert unauthorised_stream.status_code == 401
    # Each refusal is one its host's spec documents for that operation.
    for answer, spec in [
        (missing_path, "kie_files"),
        (pdf, "evolink_files"),
        (public, "evolink_files"),
        (unauthorised, "kie_files"),
        (unauthorised_stream, "kie_files"),
    ]:
        path = answer.request.url.path.partition("-files")[2]
        documented = documented_statuses(spec, "POST", path)
        assert documented is not None and answer.status_code in documented, (path, documented)


# -- the CLI ----------------------------------------------------------------------------------


@pytest.mark.parametrize("vendor", ["kie", "evolink", "modelverse"])
def test_generate_with_a_local_image_from_the_cli(
    vendor: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    instant = Timing(queue_seconds=0, run_seconds=0, not_visible_seconds=0)
    with Sandbox(SandboxConfig(timing=instant)) as sandbox:
        monkeypatch.setenv("SORA_UNIFIED_SANDBOX_URL", sandbox.url or "")
        frame = tmp_path / "frame.png"
        frame.write_bytes(LANDSCAPE)
        out = tmp_path / "out.mp4"
        code = main(
            [
                "generate",
                "a corgi",
                "--vendor",
                vendor,
                "--image",
                str(frame),
                "--sandbox",
                "--out",
                str(out),
                "--json",
            ]
        )
        assert code == 0, capsys.readouterr().err
        assert out.stat().st_size > 0
        assert sandbox.state.tasks_created(vendor) == 1
        assert sandbox.state.request_count(vendor, "upload") == (vendor != "modelverse")
        events = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
        assert any(event.get("size") == "1280x720" for event in events)
        # The upload is a step of its own, shown before the paid submit (none inline).
        names = [event["event"] for event in events]
        uploads = ["uploading"] if vendor != "modelverse" else []
        assert names[: len(uploads) + 1] == [*uploads, "submitted"]
        if uploads:
            assert events[0] == {
                "event": "uploading", "vendor": vendor, "file": str(frame), "bytes": len(LANDSCAPE)
            }  # fmt: skip


def test_the_cli_refuses_a_missing_image_before_any_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with Sandbox() as sandbox:
        monkeypatch.setenv("SORA_UNIFIED_SANDBOX_URL", sandbox.url or "")
        code = main(
            [
                "generate",
                "a corgi",
                "--vendor",
                "kie",
                "--sandbox",
                "--image",
                str(tmp_path / "nope.png"),
            ]
        )
        assert code == 4
        assert "nope.png" in capsys.readouterr().err
        assert sandbox.state.requests == {}
