"""The sora-unified CLI: commands, --json, one-line errors, exit codes, fast --help, and one
end-to-end `generate --sandbox` in a subprocess checked down to the MP4 file."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sora_unified.cli import EXIT_CODES, build_parser, exit_code_for, main
from sora_unified.vendors import VENDOR_NAMES

from contract_tests.support.fakes import INSTANT_SETTINGS
from contract_tests.support.images import png
from contract_tests.support.mp4 import read_mp4

pytestmark = pytest.mark.usefixtures("fake_waits")  # cli/conftest.py


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_vendors_table_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "vendors")
    assert code == 0 and "sora-2-pro-storyboard" in out and "openai/sora-2/text-to-video" in out
    code, out, _ = _run(capsys, "vendors", "--json")
    models = json.loads(out)["models"]
    assert code == 0 and {m["vendor"] for m in models} == set(VENDOR_NAMES)


def test_generate_with_sandbox_json(
    fast_sandbox: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = _run(
        capsys,
        "generate",
        "a corgi surfing",
        "--vendor",
        "evolink",
        "--seconds",
        "4",
        "--sandbox",
        "--json",
        "--out",
        "c.mp4",
    )
    assert code == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    assert events[0]["event"] == "submitted" and events[0]["task"].startswith("evolink:task-")
    data = events[-1]
    assert data["event"] == "completed" and data["task"] == events[0]["task"]
    assert data["status"] == "completed" and data["file"] == "c.mp4"
    assert data["bytes"] == (tmp_path / "c.mp4").stat().st_size > 1000


def test_generate_storyboard_with_progress(
    fast_sandbox: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shots = tmp_path / "shots.json"
    shots.write_text(
        json.dumps([{"scene": "a kitten", "seconds": 5}, {"scene": "a cake", "seconds": 5}])
    )
    code, out, err = _run(
        capsys,
        "generate",
        "--vendor",
        "kie",
        "--storyboard",
        str(shots),
        "--image",
        "https://example.com/a.png",
        "--sandbox",
    )
    assert code == 0, err
    assert out.strip().startswith("out/kie-") and out.strip().endswith(".mp4")
    assert "submitted kie:" in err and "completed" in err and "100%" in err


def test_env_switches_sandbox_on(
    fast_sandbox: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SORA_UNIFIED_SANDBOX", "1")
    code, out, err = _run(capsys, "generate", "p", "--vendor", "modelverse", "--no-wait")
    assert code == 0, err and out.strip().startswith("modelverse:")


@pytest.mark.parametrize(
    ("argv", "exit_code", "text"),
    [
        (
            ["generate", "p", "--vendor", "evolink", "--seconds", "5", "--sandbox"],
            4,
            "evolink sora-2 offers seconds 10, 15; got 5",
        ),
        (
            [
                "generate",
                "p",
                "--vendor",
                "modelverse",
                "--callback-url",
                "https://a.example.com",
                "--sandbox",
            ],
            4,
            "UnsupportedFeatureError",
        ),
        (["status", "kie:nope", "--sandbox"], 13, "NotFoundError"),
        (["status", "nope"], 3, "vendor:id"),
        (["credits", "--vendor", "modelverse", "--sandbox"], 4, "no credits endpoint"),
    ],
)
def test_errors_are_one_line_with_distinct_exit_codes(
    fast_sandbox: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    exit_code: int,
    text: str,
) -> None:
    code, _, err = _run(capsys, *argv)
    assert code == exit_code
    assert text in err and "Traceback" not in err
    assert err.startswith("sora-unified: ")


def test_missing_key_is_a_configuration_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KIE_API_KEY", raising=False)
    monkeypatch.delenv("SORA_UNIFIED_SANDBOX", raising=False)
    code, out, _ = _run(capsys, "credits", "--vendor", "kie", "--json")
    assert code == 3
    error = json.loads(out)
    assert error == {
        "event": "error",
        "error": "ConfigurationError",
        "message": error["message"],
        "exit_code": 3,
        "task": None,
        "hint": None,
        "resume": None,
    }
    assert "KIE_API_KEY" in error["message"]


def test_failed_generation_exit_code_and_task(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "fail.json"
    config.write_text(
        json.dumps(
            INSTANT_SETTINGS | {"faults": [{"kind": "fail_generation", "endpoint": "submit"}]}
        )
    )
    monkeypatch.setenv("SORA_UNIFIED_SANDBOX_CONFIG", str(config))
    monkeypatch.chdir(tmp_path)
    code, _, err = _run(capsys, "generate", "p", "--vendor", "kie", "--sandbox")
    assert code == 8 and "content policy" in err and "kie:" in err


def test_debug_shows_the_traceback_and_keeps_the_exit_code(
    fast_sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(
        capsys, "generate", "p", "--vendor", "evolink", "--seconds", "5", "--sandbox", "--debug"
    )
    assert code == 4
    assert "Traceback (most recent call last)" in err and "offers seconds" in err


def test_exit_codes_are_distinct_and_documented() -> None:
    codes = [code for code, _, _ in EXIT_CODES]
    assert len(codes) == len(set(codes))
    help_text = build_parser().format_help()
    for code, _, meaning in EXIT_CODES:
        assert f"{code:>2}  {meaning}" in help_text
    from sora_unified import errors

    assert {name: exit_code_for(getattr(errors, name)) for name in errors.__all__} == {
        "APIConnectionError": 11,
        "APIError": 13,
        "APITimeoutError": 11,
        "AuthenticationError": 5,
        "BadRequestError": 13,
        "CallbackVerificationError": 14,
        "ConfigurationError": 3,
        "DownloadError": 12,
        "FeatureDisabledError": 13,
        "GenerationFailedError": 8,
        "InsufficientCreditsError": 6,
        "LinkExpiredError": 12,
        "NotFoundError": 13,
        "PermissionDeniedError": 5,
        "RateLimitError": 7,
        "ServerError": 7,
        "ServiceUnavailableError": 7,
        "SoraError": 14,
        "SubmissionUncertainError": 10,
        "SubmitCancelledError": 14,  # only a library caller's before_send raises it
        "BudgetExceededError": 14,  # only a library caller's Budget raises these
        "PriceUnknownError": 14,
        "UnsupportedFeatureError": 4,
        "ValidationError": 4,
        "WaitTimeoutError": 9,
    }
    assert exit_code_for(ValueError("x")) == 1


@pytest.mark.subprocess
def test_help_starts_without_heavy_imports() -> None:
    code = (
        "import sys; from sora_unified.cli import build_parser; build_parser().format_help(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('httpx', 'kie_client', 'starlette', 'uvicorn', 'jsonschema')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.subprocess
def test_end_to_end_generate_subprocess(tmp_path: Path) -> None:
    config = tmp_path / "sandbox.json"
    config.write_text(
        json.dumps({"timing": {"queue_seconds": 0, "run_seconds": 0.2, "not_visible_seconds": 0.1}})
    )
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")} | {
        "SORA_UNIFIED_SANDBOX_CONFIG": str(config),
        "PYTHONFAULTHANDLER": "1",  # stacks on SIGABRT, should an interruption ever hang
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sora_unified.cli",
            "generate",
            "a corgi surfing",
            "--vendor",
            "modelverse",
            "--seconds",
            "8",
            "--orientation",
            "landscape",
            "--sandbox",
            "--json",
            "--out",
            str(tmp_path / "corgi.mp4"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.splitlines()[-1])
    video = (tmp_path / "corgi.mp4").read_bytes()
    assert video[4:8] == b"ftyp" and len(video) > 10_000
    info = read_mp4(video)
    assert info.seconds == pytest.approx(8, abs=0.3) and (info.width, info.height) == (1280, 720)
    assert data["seconds"] == 8 and data["size"] == "1280x720"


@pytest.mark.subprocess
def test_sandbox_command_serves_on_loopback(tmp_path: Path) -> None:
    import httpx

    process = subprocess.Popen(
        [sys.executable, "-m", "sora_unified.cli", "sandbox", "--port", "0", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        info = json.loads(process.stdout.readline())
        assert info["url"].startswith("http://127.0.0.1:") and info["key"] == "sandbox-key"
        answer = httpx.get(
            info["vendors"]["kie"] + "/api/v1/chat/credit?token=sk-in-a-query",
            headers={"Authorization": "Bearer sandbox-key"},
        )
        assert answer.json()["code"] == 200
        # Each answered request is logged once it is sent: method, path, status, time.
        logged = json.loads(process.stdout.readline())
        assert logged["event"] == "request" and logged["method"] == "GET"
        assert logged["path"] == "/kie/api/v1/chat/credit" and logged["status"] == 200
        assert logged["ms"] >= 0 and set(logged) == {"event", "method", "path", "status", "ms"}
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=10)
    assert "sk-in-a-query" not in out and "sandbox-key" not in out  # after the announcement


@pytest.mark.subprocess
def test_the_sandbox_logs_each_request_to_people_on_stderr(tmp_path: Path) -> None:
    import httpx

    process = subprocess.Popen(
        [sys.executable, "-m", "sora_unified.cli", "sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        url = process.stdout.readline().split()[3]  # "sora-unified sandbox on URL (key: ...)"
        httpx.get(url + "/kie/api/v1/chat/credit")  # no key: refused
        line = process.stderr.readline()
        assert re.fullmatch(r"GET /kie/api/v1/chat/credit (200|401) \d+ ms\n", line), line
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_task_that_never_finishes_ends_in_a_wait_timeout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "slow.json"
    config.write_text(json.dumps({"timing": {"queue_seconds": 3600, "run_seconds": 0}}))
    monkeypatch.setenv("SORA_UNIFIED_SANDBOX_CONFIG", str(config))
    monkeypatch.chdir(tmp_path)
    code, _, err = _run(capsys, "generate", "p", "--vendor", "kie", "--sandbox", "--timeout", "120")
    assert code == 9 and "still queued" in err and "sora-unified wait kie:" in err


def _interrupt(process: subprocess.Popen[str], signum: int) -> tuple[str, str]:
    """Send `signum`; the command must exit within 30 s. If it does not, its threads' stacks
    (faulthandler, on SIGABRT) go into the failure, so a rare hang can be diagnosed."""
    import signal

    process.send_signal(signum)
    try:
        return process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)
        _, err = process.communicate(timeout=30)
        pytest.fail(f"still running 30 s after signal {signum}; its stacks:\n{err[-6000:]}")


def _start_slow_generate(tmp_path: Path, *extra: str) -> subprocess.Popen[str]:
    import signal

    config = tmp_path / "slow.json"
    config.write_text(json.dumps({"timing": {"queue_seconds": 3600, "run_seconds": 1}}))
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")} | {
        "SORA_UNIFIED_SANDBOX_CONFIG": str(config),
        "PYTHONFAULTHANDLER": "1",  # stacks on SIGABRT, should an interruption ever hang
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sora_unified.cli",
            "generate",
            "a corgi",
            "--vendor",
            "kie",
            "--sandbox",
            "--out",
            str(tmp_path / "v.mp4"),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
        # Ctrl-C as a terminal sends it, whatever the disposition this suite was started with.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
    )


@pytest.mark.subprocess
@pytest.mark.parametrize(("signal_name", "code"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_json_mode_names_the_task_at_submit_and_on_interruption(
    tmp_path: Path, signal_name: str, code: int
) -> None:
    import signal

    process = _start_slow_generate(tmp_path, "--json")
    try:
        assert process.stdout is not None
        submitted = json.loads(process.stdout.readline())  # printed before any waiting
        assert submitted["event"] == "submitted" and submitted["task"].startswith("kie:")
        out, err = _interrupt(process, getattr(signal, signal_name))
    finally:
        process.kill()
    assert process.returncode == code, err
    last = json.loads(out.splitlines()[-1])
    assert last["event"] == "interrupted" and last["task"] == submitted["task"]
    assert f"sora-unified wait {submitted['task']}" in last["resume"]


@pytest.mark.subprocess
def test_text_mode_says_how_to_resume_after_ctrl_c(tmp_path: Path) -> None:
    import signal

    process = _start_slow_generate(tmp_path)
    try:
        assert process.stderr is not None
        priced = process.stderr.readline()  # the model and price come first, before the submit
        assert priced.startswith("kie sora-2-pro-text-to-video, 10 s")
        first = process.stderr.readline()
        while first.startswith("  note: "):
            first = process.stderr.readline()
        assert first.startswith("submitted kie:")
        task = first.split()[1]
        _, err = _interrupt(process, signal.SIGINT)
    finally:
        process.kill()
    assert process.returncode == 130
    assert "interrupted" in err and f"resume with: sora-unified wait {task}" in err
    assert not (tmp_path / "v.mp4").exists()


# -- a signal while the paid submit is on the wire ----------------------------------------------

SLOW_SUBMIT = INSTANT_SETTINGS | {"faults": [{"kind": "slow", "endpoint": "submit", "delay": 3}]}


def _generate_on_the_wire(
    tmp_path: Path,
    settings: dict[str, Any] = SLOW_SUBMIT,
    *arguments: str,
    until: str = "send_request_body.complete",
) -> subprocess.Popen[str]:
    """A generate against a sandbox with `settings`; returns once its debug log shows `until`
    (by default: its first request has left, the submit, answered after 3 s)."""
    import signal

    config = tmp_path / "sandbox.json"
    config.write_text(json.dumps(settings))
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")} | {
        "SORA_UNIFIED_SANDBOX_CONFIG": str(config),
        "PYTHONFAULTHANDLER": "1",
    }
    command = [sys.executable, "-m", "sora_unified.cli", "generate", "a corgi"]
    command += [*(arguments or ("--vendor", "kie")), "--sandbox", "--json", "--debug"]
    process = subprocess.Popen(
        [*command, "--out", str(tmp_path / "v.mp4")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
        # Ctrl-C as a terminal delivers it, whatever the shell that started the tests ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
    )
    assert process.stderr is not None
    for line in process.stderr:
        if until in line:
            return process
    pytest.fail(f"the submit never left; exit {process.wait(30)}")


@pytest.mark.subprocess
@pytest.mark.parametrize(("signal_name", "code"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_signal_during_the_submit_waits_for_its_task_and_names_it(
    tmp_path: Path, signal_name: str, code: int
) -> None:
    import signal

    process = _generate_on_the_wire(tmp_path)
    out, _ = _interrupt(process, getattr(signal, signal_name))
    assert process.returncode == code
    events = [json.loads(line) for line in out.splitlines()]
    assert [e["event"] for e in events] == ["stopping", "submitted", "interrupted"]
    task = events[1]["task"]
    assert task.startswith("kie:")
    assert events[2]["task"] == task and f"sora-unified wait {task}" in events[2]["resume"]


@pytest.mark.subprocess
def test_a_second_signal_during_the_submit_stops_at_once_and_says_a_task_may_exist(
    tmp_path: Path,
) -> None:
    import signal

    process = _generate_on_the_wire(tmp_path)
    process.send_signal(signal.SIGINT)
    assert process.stdout is not None
    assert json.loads(process.stdout.readline())["event"] == "stopping"
    out, _ = _interrupt(process, signal.SIGINT)
    assert process.returncode == 130
    (interrupted,) = [json.loads(line) for line in out.splitlines()]
    assert interrupted["event"] == "interrupted" and interrupted["task"] is None
    assert "may have created a task" in interrupted["hint"] and interrupted["resume"] is None


@pytest.mark.subprocess
def test_a_signal_before_the_submit_leaves_stops_at_once(tmp_path: Path) -> None:
    # The local image is uploaded first (slowly): Ctrl-C then must not let the paid submit go.
    import signal

    (tmp_path / "frame.png").write_bytes(png(1280, 720))
    slow_upload = INSTANT_SETTINGS | {
        "faults": [{"kind": "slow", "endpoint": "upload", "delay": 3}]
    }
    arguments = ("--vendor", "evolink", "--image", str(tmp_path / "frame.png"))
    process = _generate_on_the_wire(tmp_path, slow_upload, *arguments)
    out, _ = _interrupt(process, signal.SIGINT)
    assert process.returncode == 130
    uploading, interrupted = [json.loads(line) for line in out.splitlines()]
    assert uploading["event"] == "uploading"  # the step it was stopped in; no submit left
    assert interrupted["event"] == "interrupted" and interrupted["task"] is None


@pytest.mark.subprocess
def test_a_signal_in_the_backoff_after_a_refused_submit_sends_no_retry(tmp_path: Path) -> None:
    # The vendor refuses the first submit (429, nothing created); the client waits 3 s before
    # the retry. Asked to stop meanwhile, the command stops without sending it.
    import signal

    refused = INSTANT_SETTINGS | {
        "faults": [{"kind": "rate_limit", "endpoint": "submit", "nth": [1], "retry_after": 3}]
    }
    process = _generate_on_the_wire(tmp_path, refused, until="POST /api/v1/jobs/createTask -> 429")
    out, _ = _interrupt(process, signal.SIGINT)
    assert process.returncode == 130
    events = [json.loads(line) for line in out.splitlines()]
    assert [e["event"] for e in events] == ["stopping", "interrupted"]
    assert events[-1]["task"] is None


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("0", (None, 0.0)),
        ("90", (None, 90.0)),
        ("kie=90", ("kie", 90.0)),
        ("modelverse-openai=2.5", ("modelverse-openai", 2.5)),
        ("-1", "an amount >= 0"),
        ("kie=-0.01", "an amount >= 0"),
        ("nan", "an amount >= 0"),
        ("inf", "an amount >= 0"),
        ("ten", "an amount >= 0"),
        ("openai=5", "'openai' is not a vendor"),
        ("=5", "'' is not a vendor"),
    ],
)
def test_max_cost_takes_an_amount_or_a_vendor_and_amount(
    text: str, parsed: tuple[str | None, float] | str
) -> None:
    import argparse
    import re

    from sora_unified.cli._batch_plan import budget_item as _budget_item

    if isinstance(parsed, tuple):
        assert _budget_item(text) == parsed
    else:
        with pytest.raises(argparse.ArgumentTypeError, match=re.escape(parsed)):
            _budget_item(text)
