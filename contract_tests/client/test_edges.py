"""The promises at the edges, each served from a loopback server or an httpx transport that
misbehaves the way file hosts, gateways and vendors do (issue: downloads, secrets, task ids,
deadlines, exit codes)."""

from __future__ import annotations

import gzip
import json
import logging
import math
import time
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from sora_unified import (
    APIError,
    APITimeoutError,
    AsyncClient,
    Client,
    ConfigurationError,
    DownloadError,
    GenerationFailedError,
    SoraError,
    SubmissionUncertainError,
    ValidationError,
    Video,
    VideoRequest,
    WaitTimeoutError,
)

from contract_tests.support.fakes import (
    DONE,
    FAILED,
    KEY,
    RUNNING,
    TASK_IDS,
    FakeClock,
    created,
    mp4_bytes,
    status_body,
)
from contract_tests.support.loopback import Misbehaving, Pause, raw_head

WHOLE = mp4_bytes(30_000)
REQUEST = VideoRequest(prompt="a corgi surfing", seconds=10)


def _video(url: str) -> Video:
    return Video(vendor="kie", task_id=TASK_IDS["kie"], status="completed", video_urls=(url,))


def _files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


# -- 1. Never save anything but a whole video ---------------------------------------------------

NOT_VIDEOS = [
    (
        "json-as-octet-stream",
        {"Content-Type": "application/octet-stream"},
        b'{"code":404,"msg":"no"}',
    ),
    (
        "s3-error-as-binary-octet-stream",
        {"Content-Type": "binary/octet-stream"},
        b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
        b"<Message>Request has expired</Message></Error>",
    ),
    ("html-without-content-type", {}, b"<html><body>Service Unavailable</body></html>"),
    ("json-without-content-type", {}, b'{"error": {"message": "gone"}}'),
    ("xhtml", {"Content-Type": "application/xhtml+xml"}, b"<html xmlns='x'/>"),
    ("vnd-api-json", {"Content-Type": "application/vnd.api+json"}, b'{"errors": []}'),
    ("json-labelled-video-mp4", {"Content-Type": "video/mp4"}, b'{"code": 500, "msg": "x"}'),
]


@pytest.mark.parametrize(("name", "headers", "body"), NOT_VIDEOS, ids=[n for n, _, _ in NOT_VIDEOS])
def test_a_body_that_is_not_a_video_is_never_saved(
    name: str, headers: dict[str, str], body: bytes, tmp_path: Path
) -> None:
    def script(request: bytes) -> list[Any]:
        return [raw_head(200, {**headers, "Content-Length": str(len(body))}), body]

    target = tmp_path / "out.mp4"
    target.write_bytes(b"the previous video")
    with Misbehaving(script) as server:
        client = Client("kie", api_key=KEY, max_retries=0, clock=FakeClock())
        with pytest.raises(DownloadError) as caught:
            client.download(_video(f"{server.url}/v.mp4"), target)
    assert target.read_bytes() == b"the previous video"  # replaced only by a whole video
    assert _files(tmp_path) == ["out.mp4"]  # and no .part left behind
    assert caught.value.task is not None and caught.value.task.id == TASK_IDS["kie"]


def test_a_third_of_a_video_on_a_closed_connection_is_never_saved(tmp_path: Path) -> None:
    """No Content-Length, the connection closes after a third: a close-delimited body."""
    served = []

    def script(request: bytes) -> list[Any]:
        served.append(1)
        return [
            raw_head(200, {"Content-Type": "video/mp4", "Connection": "close"}),
            WHOLE[: len(WHOLE) // 3],
        ]

    with Misbehaving(script) as server:
        client = Client("kie", api_key=KEY, max_retries=2, clock=FakeClock())
        with pytest.raises(DownloadError, match="cut short") as caught:
            client.download(_video(f"{server.url}/v.mp4"), tmp_path / "v.mp4")
    assert caught.value.retryable and len(served) == 3  # truncation is worth retrying
    assert _files(tmp_path) == []


def test_a_gzip_encoded_video_cut_half_way_is_never_saved(tmp_path: Path) -> None:
    packed = gzip.compress(WHOLE)
    cut = packed[: len(packed) // 2]

    def script(request: bytes) -> list[Any]:
        headers = {"Content-Type": "video/mp4", "Content-Encoding": "gzip"}
        return [raw_head(200, {**headers, "Content-Length": str(len(cut))}), cut]

    with Misbehaving(script) as server:
        client = Client("kie", api_key=KEY, max_retries=0, clock=FakeClock())
        with pytest.raises(DownloadError):
            client.download(_video(f"{server.url}/v.mp4"), tmp_path / "v.mp4")
    assert _files(tmp_path) == []


def test_a_whole_video_is_saved_byte_for_byte(tmp_path: Path) -> None:
    packed = gzip.compress(WHOLE)

    def script(request: bytes) -> list[Any]:
        headers = {"Content-Type": "video/mp4", "Content-Encoding": "gzip"}
        return [raw_head(200, {**headers, "Content-Length": str(len(packed))}), packed]

    with Misbehaving(script) as server:
        saved = Client("kie", api_key=KEY).download(
            _video(f"{server.url}/v.mp4"), tmp_path / "v.mp4"
        )
    assert saved.read_bytes() == WHOLE and _files(tmp_path) == ["v.mp4"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("ftyp-only", mp4_bytes()[:32]),
        ("box-past-the-end", mp4_bytes()[:-10]),
        ("no-moov", mp4_bytes()[:32] + mp4_bytes()[-264:]),
    ],
)
def test_the_bytes_decide_not_the_headers(name: str, content: bytes, tmp_path: Path) -> None:
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, content=content, headers={"Content-Type": "video/mp4"})
    )
    client = Client("kie", api_key=KEY, transport=transport, max_retries=0, clock=FakeClock())
    with pytest.raises(DownloadError, match="whole video") as caught:
        client.download(_video("https://files.example.test/v.mp4"), tmp_path / "v.mp4")
    assert caught.value.retryable
    assert _files(tmp_path) == []


# -- 2. The key is never printed ------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["sk-good-key\n", "  sk-good-key\r\n", "\tsk-good-key "])
def test_surrounding_whitespace_is_stripped(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIE_API_KEY", raw)
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(200, json={"code": 200, "msg": "success", "data": 5})

    assert Client("kie", transport=httpx.MockTransport(answer)).credits() == 5
    assert Client("kie", api_key=raw, transport=httpx.MockTransport(answer)).credits() == 5
    assert seen == ["Bearer sk-good-key", "Bearer sk-good-key"]


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("sk-bad key", "whitespace"),
        ("sk-bad\nkey", "whitespace"),
        ("sk-bad\x07key", "control"),
        ("sk-“bad”-key", "non-ASCII"),
        ("sk-bad\u00a0key", "non-ASCII"),
        ("   ", "empty"),
    ],
)
def test_a_key_that_cannot_travel_is_refused_naming_the_source_not_the_value(
    raw: str, problem: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ConfigurationError, match=problem) as caught:
        Client("kie", api_key=raw)
    assert (
        "api_key" in str(caught.value) and raw.strip() not in str(caught.value)
    ) or raw.isspace()
    monkeypatch.setenv("KIE_API_KEY", raw)
    if not raw.strip():
        return
    with pytest.raises(ConfigurationError, match="KIE_API_KEY") as caught:
        Client("kie")
    assert raw.strip() not in str(caught.value) and raw.strip() not in repr(caught.value)
    from sora_unified.cli import main

    assert main(["credits", "--vendor", "kie"]) == 3
    assert raw.strip() not in capsys.readouterr().err


def _all_text(error: BaseException) -> str:
    parts = [str(error), repr(error), *map(str, error.args)]
    for name in ("message", "body", "request_id"):
        parts.append(str(getattr(error, name, "")))
    cause = error.__cause__
    while cause is not None:
        parts += [str(cause), repr(cause)]
        cause = cause.__cause__
    return "\n".join(parts)


def test_a_key_echoed_in_a_task_failure_message_is_redacted() -> None:
    answers = iter(
        [
            httpx.Response(200, json=created("evolink")),
            httpx.Response(
                200, json=status_body("evolink", FAILED["evolink"], error=("x", f"bad key {KEY}"))
            ),
        ]
    )
    client = Client(
        "evolink",
        api_key=KEY,
        transport=httpx.MockTransport(lambda r: next(answers)),
        clock=FakeClock(),
    )
    with pytest.raises(GenerationFailedError) as caught:
        client.generate(VideoRequest(prompt="p"))
    assert KEY not in _all_text(caught.value) and "[redacted]" in str(caught.value)


def test_a_key_echoed_by_a_success_without_task_id_is_redacted() -> None:
    body = {"code": 200, "msg": f"ok for {KEY}", "data": {"echo": KEY}}
    client = Client(
        "kie", api_key=KEY, transport=httpx.MockTransport(lambda r: httpx.Response(200, json=body))
    )
    with pytest.raises(SubmissionUncertainError) as caught:
        client.submit(REQUEST)
    assert KEY not in _all_text(caught.value)


def test_a_key_echoed_in_a_request_id_header_is_redacted_in_errors_and_debug_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = b'{"code": 404, "msg": "Task not found"}'

    def script(request: bytes) -> list[Any]:
        headers = {
            "Content-Type": "application/json",
            "X-Request-Id": KEY,
            "Content-Length": str(len(body)),
        }
        return [raw_head(404, headers, "Not Found"), body]

    caplog.set_level(logging.DEBUG)
    with Misbehaving(script) as server:
        client = Client("kie", api_key=KEY, base_url=server.url, max_retries=0)
        with pytest.raises(APIError) as caught:
            client.retrieve(f"kie:{TASK_IDS['kie']}")
    assert KEY not in _all_text(caught.value)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "x-request-id" in logged.lower()  # httpcore did log the response headers ...
    assert KEY not in logged  # ... without the key


def test_an_unknown_state_word_echoing_the_key_is_logged_redacted(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sora_unified._status._warned_states", set())
    caplog.set_level(logging.WARNING, logger="sora_unified")
    body = status_body("modelverse", f"weird-{KEY}")
    client = Client(
        "modelverse",
        api_key=KEY,
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json=body)),
    )
    assert client.retrieve(f"modelverse:{TASK_IDS['modelverse']}").status == "in_progress"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "weird-" in logged and KEY not in logged


# -- 3. Nothing escapes the error tree; the task id travels ----------------------------------------


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


ESCAPES: list[tuple[str, Any]] = [
    ("json-nested-200000-deep", lambda: httpx.Response(200, content=_nested(200_000))),
    (
        "corrupt-gzip-body",
        lambda: httpx.Response(
            200, content=b"\x1f\x8b garbage", headers={"Content-Encoding": "gzip"}
        ),
    ),
    ("not-utf-8", lambda: httpx.Response(200, content=b'{"code": "\x8c"}')),
]


@pytest.mark.parametrize(("name", "answer"), ESCAPES, ids=[n for n, _ in ESCAPES])
def test_unreadable_answers_are_typed_errors_that_keep_the_task(name: str, answer: Any) -> None:
    submitted = iter([httpx.Response(200, json=created("kie"))])

    def route(request: httpx.Request) -> httpx.Response:
        return next(submitted) if request.method == "POST" else answer()

    client = Client(
        "kie", api_key=KEY, transport=httpx.MockTransport(route), clock=FakeClock(), max_retries=1
    )
    with pytest.raises(APIError) as caught:
        client.generate(REQUEST)
    assert caught.value.task is not None and caught.value.task.id == TASK_IDS["kie"]


@pytest.mark.parametrize(("name", "answer"), ESCAPES, ids=[n for n, _ in ESCAPES])
def test_unreadable_answers_to_a_submit_are_uncertain(name: str, answer: Any) -> None:
    sent = []
    transport = httpx.MockTransport(lambda request: sent.append(1) or answer())
    client = Client("kie", api_key=KEY, transport=transport, clock=FakeClock())
    with pytest.raises(SubmissionUncertainError):
        client.submit(REQUEST)
    assert len(sent) == 1


@pytest.mark.parametrize("number", ["1e400", "-1e400", "NaN", "Infinity"])
def test_absurd_progress_numbers_are_no_progress(number: str) -> None:
    text = json.dumps(status_body("evolink", RUNNING["evolink"], progress=1)).replace(
        '"progress": 1', f'"progress": {number}'
    )
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=text.encode()))
    video = Client("evolink", api_key=KEY, transport=transport).retrieve(
        f"evolink:{TASK_IDS['evolink']}"
    )
    assert video.progress == 0 and video.status == "in_progress"


def test_a_result_url_redirecting_to_itself_is_a_download_error(tmp_path: Path) -> None:
    url = "https://files.example.test/v.mp4"
    transport = httpx.MockTransport(lambda request: httpx.Response(302, headers={"Location": url}))
    client = Client("kie", api_key=KEY, transport=transport, clock=FakeClock())
    with pytest.raises(DownloadError, match="TooManyRedirects") as caught:
        client.download(_video(url), tmp_path / "v.mp4")
    assert not caught.value.retryable and caught.value.task is not None


@pytest.mark.parametrize(
    "hint",
    [
        "Wed, 21 Oct 2099 07:28:00 -0000",
        "Wed, 21 Oct 2099 07:28:00 GMT",
        "Wed, 21 Oct 2099 07:28:00 +0200",
    ],
)
def test_a_far_retry_after_date_is_capped_not_a_crash(hint: str) -> None:
    from sora_unified._constants import MAX_RETRY_AFTER_SECONDS

    clock = FakeClock()
    answers = iter(
        [
            httpx.Response(
                429, json={"error": {"code": 429, "message": "slow"}}, headers={"Retry-After": hint}
            ),
            httpx.Response(200, json=status_body("evolink", RUNNING["evolink"], progress=1)),
        ]
    )
    client = Client(
        "evolink", api_key=KEY, transport=httpx.MockTransport(lambda r: next(answers)), clock=clock
    )
    client.retrieve(f"evolink:{TASK_IDS['evolink']}")
    assert clock.sleeps == [MAX_RETRY_AFTER_SECONDS]


# -- 4. Check what can be checked before paying ---------------------------------------------------


@pytest.mark.parametrize("where", ["existing-dir", "under-a-file", "dir-with-slash"])
def test_an_unusable_output_path_is_refused_before_submit(where: str, tmp_path: Path) -> None:
    (tmp_path / "plainfile").write_text("x")
    (tmp_path / "folder").mkdir()
    out = {
        "existing-dir": tmp_path / "folder",
        "under-a-file": tmp_path / "plainfile" / "x.mp4",
        "dir-with-slash": str(tmp_path / "folder") + "/",
    }[where]
    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda request: sent.append(request) or httpx.Response(500))
    client = Client("kie", api_key=KEY, transport=transport)
    with pytest.raises(ValidationError) as caught:
        client.generate(REQUEST, out=out)
    assert caught.value.field == "out" and sent == []


def test_the_cli_refuses_an_unusable_out_before_submitting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sora_unified.cli import main

    (tmp_path / "plainfile").write_text("x")
    monkeypatch.setenv("KIE_API_KEY", KEY)
    monkeypatch.setenv("KIE_BASE_URL", "http://127.0.0.1:9")  # nothing may be sent there
    for out in (str(tmp_path), str(tmp_path / "plainfile" / "x.mp4")):
        assert main(["generate", "p", "--vendor", "kie", "--out", out]) == 4
        assert "cannot receive the video" in capsys.readouterr().err


# -- 6. Retry-After and deadlines --------------------------------------------------------------------


RETRYABLE_WITH_HINT = {
    "evolink-503": ("evolink", 503, {"error": {"code": 503, "message": "busy"}}),
    "kie-455": ("kie", 200, {"code": 455, "msg": "maintenance"}),
    "modelverse-500": ("modelverse", 500, {"error": {"code": "internal_error", "message": "x"}}),
}


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize("case", sorted(RETRYABLE_WITH_HINT))
def test_retry_after_is_honoured_for_every_retryable_status(flavour: str, case: str) -> None:
    vendor, status, body = RETRYABLE_WITH_HINT[case]
    clock = FakeClock()
    answers = iter(
        [
            httpx.Response(status, json=body, headers={"Retry-After": "7"}),
            httpx.Response(200, json=status_body(vendor, RUNNING[vendor], progress=1)),
        ]
    )
    transport = httpx.MockTransport(lambda request: next(answers))
    task = f"{vendor}:{TASK_IDS[vendor]}"
    if flavour == "sync":
        Client(vendor, api_key=KEY, transport=transport, clock=clock).retrieve(task)
    else:

        async def run() -> None:
            async with AsyncClient(vendor, api_key=KEY, transport=transport, clock=clock) as client:
                await client.retrieve(task)

        anyio.run(run)
    assert clock.sleeps == [7.0]


def test_retry_after_is_honoured_for_downloads(tmp_path: Path) -> None:
    clock = FakeClock()
    answers = iter(
        [
            httpx.Response(503, headers={"Retry-After": "5"}),
            httpx.Response(200, content=WHOLE, headers={"Content-Type": "video/mp4"}),
        ]
    )
    client = Client(
        "kie", api_key=KEY, transport=httpx.MockTransport(lambda r: next(answers)), clock=clock
    )
    client.download(_video("https://files.example.test/v.mp4"), tmp_path / "v.mp4")
    assert clock.sleeps == [5.0]


@pytest.mark.parametrize("hint", ["-5", "NaN", "inf", "soon", ""])
def test_a_useless_retry_after_falls_back_to_backoff(hint: str) -> None:
    clock = FakeClock()
    answers = iter(
        [
            httpx.Response(
                503, json={"error": {"code": 503, "message": "b"}}, headers={"Retry-After": hint}
            ),
            httpx.Response(200, json=status_body("evolink", RUNNING["evolink"], progress=1)),
        ]
    )
    client = Client(
        "evolink", api_key=KEY, transport=httpx.MockTransport(lambda r: next(answers)), clock=clock
    )
    client.retrieve(f"evolink:{TASK_IDS['evolink']}")
    (slept,) = clock.sleeps
    assert 0.25 <= slept <= 0.5  # the first backoff step, not an immediate retry


def _trickle(body: bytes, every: float) -> Any:
    def script(request: bytes) -> list[Any]:
        head = raw_head(200, {"Content-Type": "application/json", "Content-Length": str(len(body))})
        parts: list[Any] = [head]
        for byte in body:
            parts += [Pause(every), bytes([byte])]
        return parts

    return script


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_the_timeout_bounds_the_whole_request_not_each_read(flavour: str) -> None:
    """A server trickling a byte every 0.2 s never trips a per-read timeout of 1 s."""
    body = json.dumps(status_body("kie", RUNNING["kie"], progress=5)).encode()
    with Misbehaving(_trickle(body, 0.2)) as server:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            if flavour == "sync":
                Client("kie", api_key=KEY, base_url=server.url, timeout=1, max_retries=0).retrieve(
                    f"kie:{TASK_IDS['kie']}"
                )
            else:

                async def run() -> None:
                    async with AsyncClient(
                        "kie", api_key=KEY, base_url=server.url, timeout=1, max_retries=0
                    ) as client:
                        await client.retrieve(f"kie:{TASK_IDS['kie']}")

                anyio.run(run)
        elapsed = time.monotonic() - started
    # Unbounded, the trickle lasts a minute; the margin over 1 s is for a machine under load.
    assert elapsed < 4, f"the request lasted {elapsed:.1f} s with timeout=1"


def test_a_download_attempt_is_bounded_as_a_whole(tmp_path: Path) -> None:
    def script(request: bytes) -> list[Any]:
        parts: list[Any] = [
            raw_head(200, {"Content-Type": "video/mp4", "Content-Length": str(len(WHOLE))})
        ]
        for start in range(0, len(WHOLE), 1000):
            parts += [WHOLE[start : start + 1000], Pause(0.5)]  # 15 s in all
        return parts

    with Misbehaving(script) as server:
        client = Client("kie", api_key=KEY, max_retries=0)
        started = time.monotonic()
        with pytest.raises(DownloadError, match="Timeout"):
            client.download(_video(f"{server.url}/v.mp4"), tmp_path / "v.mp4", timeout=1)
    assert time.monotonic() - started < 4 and _files(tmp_path) == []


def test_wait_timeout_bounds_the_whole_wait_including_a_slow_poll() -> None:
    body = json.dumps(status_body("kie", RUNNING["kie"], progress=5)).encode()

    def script(request: bytes) -> list[Any]:
        return [Pause(15), raw_head(200, {"Content-Length": str(len(body))}), body]

    with Misbehaving(script) as server:
        client = Client("kie", api_key=KEY, base_url=server.url)
        started = time.monotonic()
        with pytest.raises(WaitTimeoutError) as caught:
            client.wait(f"kie:{TASK_IDS['kie']}", timeout=1)
    assert time.monotonic() - started < 4  # the poll alone would take 15 s
    assert caught.value.task is not None and caught.value.task.id == TASK_IDS["kie"]


# -- 7. Exit codes and settings -----------------------------------------------------------------------


@pytest.mark.parametrize("timeout", [-1, 0, math.nan, math.inf, -math.inf, True, "10"])
def test_a_timeout_that_cannot_bound_anything_is_refused_at_construction(timeout: Any) -> None:
    with pytest.raises(ConfigurationError, match="timeout"):
        Client("kie", api_key=KEY, timeout=timeout)
    with pytest.raises(ConfigurationError, match="timeout"):
        Client(
            "kie",
            api_key=KEY,
            timeout=httpx.Timeout(10, read=timeout if timeout is not True else -1),
        )


@pytest.mark.parametrize(
    ("vendor", "values", "field"),
    [
        ("kie", {"prompt": "p", "image_url": "http://[::1"}, "image_url"),
        ("kie", {"prompt": "p", "image_url": "http://example.com:99999/a.png"}, "image_url"),
        ("kie", {"prompt": "p", "image_url": "http://example.com:0/a.png"}, "image_url"),
        ("evolink", {"prompt": "p", "callback_url": "https://2130706433/hook"}, "callback_url"),
        ("evolink", {"prompt": "p", "callback_url": "https://0x7f000001/hook"}, "callback_url"),
        ("evolink", {"prompt": "p", "callback_url": "https://0177.0.0.1/hook"}, "callback_url"),
        ("evolink", {"prompt": "p", "callback_url": "https://127.1/hook"}, "callback_url"),
        (
            "evolink",
            {"prompt": "p", "callback_url": "https://[::ffff:7f00:1]/hook"},
            "callback_url",
        ),
        ("evolink", {"prompt": "p", "callback_url": "https://localhost./hook"}, "callback_url"),
        (
            "evolink",
            {"prompt": "p", "callback_url": "https://169.254.169.254/hook"},
            "callback_url",
        ),
    ],
)
def test_urls_are_checked_in_every_spelling(
    vendor: str, values: dict[str, Any], field: str
) -> None:
    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda request: sent.append(request) or httpx.Response(500))
    with pytest.raises(ValidationError) as caught:
        Client(vendor, api_key=KEY, transport=transport).submit(VideoRequest(**values))
    assert caught.value.field == field and sent == []


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    from sora_unified.cli import main

    code = main(list(argv))
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "code", "text"),
    [
        (None, 2, "cannot read it"),
        ("{not json", 2, "not JSON"),
        ('{"scene": "a", "seconds": 5}', 2, "expected a JSON list of shots like {"),
        ("[]", 2, "; got an empty list"),
        (
            '[{"scene": "a"}]',
            2,
            'shot 1 must be an object like {"scene": "...", "seconds": 5}; got the keys scene',
        ),
        ('[{"scene": "a", "seconds": 5}, 7]', 2, "shot 2 must be an object like {"),
        ('[{"scene": "a", "seconds": "abc"}]', 4, "shots[].seconds"),
        ('[{"scene": "", "seconds": 5}]', 4, "shots[].scene"),
    ],
)
def test_storyboard_file_problems_have_their_documented_exit_codes(
    content: str | None, code: int, text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "shots.json"
    if content is not None:
        path.write_text(content)
    got, err = _cli(capsys, "generate", "--vendor", "kie", "--storyboard", str(path), "--sandbox")
    assert got == code and text in err and "Traceback" not in err


def test_a_task_too_long_to_be_one_is_a_configuration_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, err = _cli(capsys, "status", "kie:" + "a" * 70_000, "--sandbox")
    assert code == 3 and "task ids are" in err and len(err) < 500


def test_a_busy_sandbox_port_is_a_configuration_error(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, err = _cli(capsys, "sandbox", "--port", str(port))
    assert code == 3 and "choose another --port" in err


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "soon"])
def test_a_wait_timeout_that_never_expires_is_a_usage_error(value: str) -> None:
    from sora_unified.cli import main

    with pytest.raises(SystemExit) as caught:
        main(["wait", "kie:abc", "--timeout", value])
    assert caught.value.code == 2


# -- 8. Callback parsing raises only what it documents ------------------------------------------------


def test_callback_refusals_are_typed() -> None:
    from sora_unified import CallbackVerificationError, parse_callback, sign_kie_callback

    body = status_body("kie", DONE["kie"], urls=["https://a.example/v.mp4"])
    task = body["data"]["taskId"]
    now = 1_800_000_000
    good = {
        "X-Webhook-Timestamp": str(now),
        "X-Webhook-Signature": sign_kie_callback(task, now, "k"),
    }
    for headers in (
        {**good, "X-Webhook-Timestamp": "9" * 400},
        {**good, "X-Webhook-Timestamp": "1e9"},
        {**good, "X-Webhook-Timestamp": "-5"},
    ):
        with pytest.raises(CallbackVerificationError, match="Unix timestamp"):
            parse_callback("kie", body, headers, secret="k", now=now)
    for raw in (b"\x8c", _nested(100_000), b"", b"null", b"[1, 2]"):
        with pytest.raises(CallbackVerificationError):
            parse_callback("kie", raw, good, secret="k", now=now)
    with pytest.raises(ConfigurationError, match="secret"):
        parse_callback("kie", body, good, secret="", now=now)
    for tolerance in (-1, math.nan, math.inf):
        with pytest.raises(ConfigurationError, match="tolerance"):
            parse_callback("kie", body, good, secret="k", tolerance=tolerance, now=now)
    signed = json.dumps(body).replace('"progress": null', '"progress": 1e400')
    assert parse_callback("kie", signed, good, secret="k", now=now).done


def test_parse_status_refusals_are_api_errors() -> None:
    from sora_unified import parse_status

    for raw in (b"\x8c", _nested(100_000), b"{", b"[]", b"null"):
        with pytest.raises(APIError):
            parse_status("kie", raw)
    with pytest.raises(ConfigurationError):
        parse_status("openai", b"{}")
    assert issubclass(APIError, SoraError)
