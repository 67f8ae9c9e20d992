"""The hint after a command stops is right for what happened (not found, still running,
finished, failed, uncertain), and the command it prints runs as printed."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import pytest
from sora_unified.cli import main
from sora_unified.sandbox import SANDBOX_KEY, Sandbox, SandboxConfig, Timing

from contract_tests.support.fakes import INSTANT_SETTINGS, FakeClock

# A task that stays queued for an hour: waits on the fake clock give up long before.
STUCK: dict[str, Any] = {"timing": {**INSTANT_SETTINGS["timing"], "queue_seconds": 3600}}


@pytest.fixture(autouse=True)
def fake_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sora_unified._client_base.SystemClock", FakeClock)


class Shell:
    """Commands run in-process against `--sandbox`, its settings rewritable between runs."""

    def __init__(self, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.config = folder / "sandbox.json"
        self.capsys = capsys
        self.settings(INSTANT_SETTINGS)

    def settings(self, settings: dict[str, Any]) -> None:
        self.config.write_text(json.dumps(settings))

    def run(self, *argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err

    def run_printed(self, command: str) -> tuple[int, str, str]:
        """A hint's command, pasted as a user would."""
        words = shlex.split(command)
        assert words[0] == "sora-unified", command
        return self.run(*words[1:])

    def events(self, *argv: str) -> tuple[int, list[dict[str, Any]]]:
        code, out, _ = self.run(*argv, "--json")
        return code, [json.loads(line) for line in out.splitlines()]

    def queued_task(self) -> str:
        self.settings(STUCK)
        code, out, err = self.run(
            "generate", "a corgi", "--vendor", "kie", "--sandbox", "--no-wait"
        )
        assert code == 0, err
        return out.strip()


@pytest.fixture
def shell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Shell:
    made = Shell(tmp_path, capsys)
    monkeypatch.setenv("SORA_UNIFIED_SANDBOX_CONFIG", str(made.config))
    monkeypatch.delenv("SORA_UNIFIED_SANDBOX", raising=False)
    monkeypatch.chdir(tmp_path)
    return made


def _hint(err: str) -> str:
    """The hint line of a text-mode error (the line after the error itself)."""
    lines = err.strip().splitlines()
    assert len(lines) >= 2 and lines[-1].startswith("sora-unified: "), err
    return lines[-1].removeprefix("sora-unified: ")


def _printed_command(hint: str) -> str:
    return hint[hint.index("sora-unified ") :]


GENERATE = ("generate", "a corgi", "--vendor", "kie", "--sandbox", "--out", "c.mp4")


def test_a_failed_task_is_not_said_to_keep_running(shell: Shell) -> None:
    shell.settings(
        INSTANT_SETTINGS | {"faults": [{"kind": "fail_generation", "endpoint": "submit"}]}
    )
    code, _, err = shell.run(*GENERATE)
    assert code == 8
    hint = _hint(err)
    assert "ended failed: there is nothing to resume" in hint and "keeps running" not in err
    code, events = shell.events(*GENERATE)
    assert code == 8 and events[-1]["event"] == "error"
    assert "ended failed" in events[-1]["hint"] and events[-1]["resume"] is None


def test_a_task_still_running_is_resumed_by_the_printed_wait(shell: Shell, tmp_path: Path) -> None:
    shell.settings(STUCK)
    code, _, err = shell.run(*GENERATE, "--timeout", "5")
    assert code == 9
    hint = _hint(err)
    task = hint.split()[1]
    assert hint == (
        f"task {task} keeps running; resume with: sora-unified wait {task} --out c.mp4 --sandbox"
    )
    shell.settings(INSTANT_SETTINGS)  # the task finishes now
    code, out, err = shell.run_printed(_printed_command(hint))
    assert code == 0, err
    assert out.strip() == "c.mp4" and (tmp_path / "c.mp4").stat().st_size > 1000


def test_without_out_the_hint_names_the_file_generate_would_have_written(shell: Shell) -> None:
    shell.settings(STUCK)
    code, events = shell.events(
        "generate", "a corgi", "--vendor", "kie", "--sandbox", "--timeout", "5"
    )
    assert code == 9
    task = events[0]["task"]
    assert events[-1]["resume"] == (
        f"sora-unified wait {task} --out out/{task.replace(':', '-')}.mp4 --sandbox"
    )


def test_a_finished_task_whose_download_failed_is_fetched_by_the_printed_download(
    shell: Shell, tmp_path: Path
) -> None:
    shell.settings(
        INSTANT_SETTINGS | {"faults": [{"kind": "server_error", "endpoint": "download"}]}
    )
    code, _, err = shell.run(*GENERATE)
    assert code == 12
    hint = _hint(err)
    task = hint.split()[1]
    assert hint == (
        f"task {task} finished; fetch it with: sora-unified download {task} --out c.mp4 --sandbox"
    )
    shell.settings(INSTANT_SETTINGS)
    code, _, err = shell.run_printed(_printed_command(hint))
    assert code == 0, err
    assert (tmp_path / "c.mp4").stat().st_size > 1000


def test_an_uncertain_submit_prints_no_command_to_run_again(shell: Shell) -> None:
    shell.settings(INSTANT_SETTINGS | {"faults": [{"kind": "drop_after", "endpoint": "submit"}]})
    code, events = shell.events(*GENERATE)
    assert code == 10
    error = events[-1]
    assert "task list before submitting again" in error["hint"]
    assert error["resume"] is None and "sora-unified " not in error["hint"]


@pytest.mark.parametrize("command", ["status", "wait", "download"])
def test_an_unknown_task_is_a_wrong_id_not_a_running_task(shell: Shell, command: str) -> None:
    extra = ("--out", "x.mp4") if command == "download" else ()
    code, _, err = shell.run(command, "kie:nope", "--sandbox", *extra)
    assert code == 13
    assert _hint(err) == "kie knows no task nope: check the id (generate prints it as vendor:id)"
    assert "keeps running" not in err and "finished" not in err


def test_download_of_a_running_task_says_to_wait_and_the_printed_wait_downloads(
    shell: Shell, tmp_path: Path
) -> None:
    task = shell.queued_task()
    code, _, err = shell.run("download", task, "--sandbox", "--out", "v.mp4")
    assert code == 12
    hint = _hint(err)
    assert hint == (
        f"task {task} is still queued; wait for it and download it with:"
        f" sora-unified wait {task} --out v.mp4 --sandbox"
    )
    shell.settings(INSTANT_SETTINGS)
    code, _, err = shell.run_printed(_printed_command(hint))
    assert code == 0, err
    assert (tmp_path / "v.mp4").stat().st_size > 1000


def test_download_of_a_failed_task_says_there_is_no_video(shell: Shell) -> None:
    shell.settings(
        INSTANT_SETTINGS | {"faults": [{"kind": "fail_generation", "endpoint": "submit"}]}
    )
    code, out, _ = shell.run("generate", "a corgi", "--vendor", "kie", "--sandbox", "--no-wait")
    assert code == 0
    task = out.strip()
    code, _, err = shell.run("download", task, "--sandbox", "--out", "v.mp4")
    assert code == 12
    assert _hint(err) == f"task {task} is failed: there is no video to download"


def test_a_status_the_vendor_could_not_answer_is_asked_again(shell: Shell) -> None:
    task = shell.queued_task()
    shell.settings(STUCK | {"faults": [{"kind": "server_error", "endpoint": "status"}]})
    code, _, err = shell.run("status", task, "--sandbox")
    assert code == 7
    hint = _hint(err)
    assert hint == (
        f"the state of task {task} is unknown; ask again with: sora-unified status {task} --sandbox"
    )
    shell.settings(STUCK)
    code, out, err = shell.run_printed(_printed_command(hint))
    assert code == 0, err
    assert out.startswith(f"{task} queued")


def test_wait_without_out_resumes_with_wait_alone(shell: Shell) -> None:
    task = shell.queued_task()
    code, events = shell.events("wait", task, "--sandbox", "--timeout", "5")
    assert code == 9
    assert events[-1]["resume"] == f"sora-unified wait {task} --sandbox"


def test_a_key_given_on_the_command_line_is_named_not_printed(
    shell: Shell, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    stuck = Timing(queue_seconds=3600, run_seconds=0, not_visible_seconds=0)
    with Sandbox(SandboxConfig(timing=stuck)) as sandbox:
        base_url = sandbox.base_url("kie")
        code, _, err = shell.run(
            "generate", "a corgi", "--vendor", "kie", "--base-url", base_url,
            "--api-key", SANDBOX_KEY, "--timeout", "5", "--out", "k.mp4",
        )  # fmt: skip
        assert code == 9
        hint = _hint(err)
        task = hint.split()[1]
        assert SANDBOX_KEY not in err
        assert hint == (
            f"task {task} keeps running; resume with: sora-unified wait {task} --out k.mp4"
            f" --base-url {base_url} (with your --api-key)"
        )
        command = _printed_command(hint).removesuffix(" (with your --api-key)")
        code, events = shell.events(
            *shlex.split(command)[1:], "--api-key", SANDBOX_KEY, "--timeout", "5"
        )
        assert code == 9 and events[-1]["task"] == task  # the same task, on the same host


def _paying_command(shell: Shell, name: str) -> list[str]:
    """`name` as a user runs it against the sandbox (a remix needs a finished evolink task)."""
    if name == "generate":
        return ["generate", "a corgi", "--vendor", "kie", "--sandbox", "--out", "v.mp4"]
    if name == "remove-watermark":
        return ["remove-watermark", "https://sora.chatgpt.com/p/s_1", "--sandbox", "--out", "v.mp4"]
    if name == "character":
        return ["character", "--video-url", "https://example.com/c.mp4", "--prompt", "a cat",
                "--sandbox"]  # fmt: skip
    shell.settings(INSTANT_SETTINGS)
    code, out, err = shell.run("generate", "a cat", "--vendor", "evolink", "--sandbox", "--no-wait")
    assert code == 0, err
    assert shell.run("wait", out.strip(), "--sandbox")[0] == 0
    return ["remix", out.strip(), "the cat plays a violin", "--sandbox", "--out", "v.mp4"]


@pytest.mark.parametrize("name", ["generate", "remix", "remove-watermark", "character"])
def test_every_paying_command_names_how_to_resume_its_running_task(shell: Shell, name: str) -> None:
    argv = _paying_command(shell, name)
    shell.settings(STUCK)
    code, events = shell.events(*argv, "--timeout", "5")
    assert code == 9
    task = next(e["task"] for e in events if e["event"] == "submitted")
    out = [] if name == "character" else ["--out", "v.mp4"]
    assert events[-1]["resume"] == shlex.join(["sora-unified", "wait", task, *out, "--sandbox"])
    assert events[-1]["hint"] == f"task {task} keeps running; resume with: {events[-1]['resume']}"


@pytest.mark.parametrize("name", ["generate", "remix", "remove-watermark", "character"])
def test_every_paying_command_says_a_failed_task_has_nothing_to_resume(
    shell: Shell, name: str
) -> None:
    argv = _paying_command(shell, name)
    failing = INSTANT_SETTINGS | {"faults": [{"kind": "fail_generation", "endpoint": "submit"}]}
    shell.settings(failing)
    code, events = shell.events(*argv)
    assert code == 8
    task = next(e["task"] for e in events if e["event"] == "submitted")
    assert events[-1]["hint"] == f"task {task} ended failed: there is nothing to resume or download"
    assert events[-1]["resume"] is None
