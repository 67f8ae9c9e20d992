"""Every command of the README's command-line block runs as written against the sandbox
(`SORA_UNIFIED_SANDBOX=1`), its placeholders filled in from what earlier commands printed: the
task ids, the character id, a frame and a jobs file made here. The servers (`sandbox`,
`serve`) are started on a free port, checked to answer, and stopped."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sora_unified.cli import main

from contract_tests.support.fakes import INSTANT_SETTINGS, FakeClock
from contract_tests.support.images import png

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SERVERS = ("sandbox", "serve")


def readme_commands() -> list[str]:
    """The block's commands, one per entry: comments dropped, `a | b` lines split, and an
    optional `[--flag]` run without it and then with it."""
    section = README[README.index("## Command line") :]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    assert block is not None, "the README lost its command block"
    commands = []
    for line in block.group(1).splitlines():
        text = re.sub(r"\s+#.*$", "", line).strip()
        for part in re.split(r"\s+\|\s+", text):
            command = part if part.startswith("sora-unified ") else f"sora-unified {part}"
            optional = re.search(r"\s*\[(--[a-z-]+)\]", command)
            if optional and " " not in optional.group(1):
                plain = command.replace(optional.group(0), "")
                commands += [plain, f"{plain} {optional.group(1)}"]
            else:
                commands.append(re.sub(r"\[(.*?)\]", r"\1", command))
    return commands


COMMANDS = readme_commands()


@pytest.fixture
def shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "sandbox.json"
    config.write_text(json.dumps(INSTANT_SETTINGS))
    for name in list(os.environ):
        if name.endswith("_API_KEY") or name == "SORA_UNIFIED_VENDOR":
            monkeypatch.delenv(name)
    monkeypatch.setenv("SORA_UNIFIED_SANDBOX", "1")
    monkeypatch.setenv("SORA_UNIFIED_SANDBOX_CONFIG", str(config))
    monkeypatch.setattr("sora_unified._client_base.SystemClock", FakeClock)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "frame.png").write_bytes(png(1280, 720))
    (tmp_path / "shots.json").write_text(
        json.dumps([{"scene": "a kitten wakes", "seconds": 5}, {"scene": "it yawns", "seconds": 5}])
    )
    jobs = [{"custom_id": f"job-{n}", "body": {"prompt": f"a corgi {n}"}} for n in range(2)]
    (tmp_path / "jobs.jsonl").write_text("".join(json.dumps(job) + "\n" for job in jobs))
    return tmp_path


def test_the_block_is_read_whole() -> None:
    names = [shlex.split(command)[1] for command in COMMANDS]
    assert {"generate", "remix", "character", "remove-watermark", "status", "wait"} <= set(names)
    assert {"download", "vendors", "credits", "sandbox", "batch", "serve"} <= set(names)
    assert any("--resume" in command for command in COMMANDS)


def _fill(command: str, seen: dict[str, str]) -> list[str]:
    filled = (
        command.replace("https://.../frame.png", "https://example.com/frame.png")
        .replace("https://.../cat.mp4", "https://example.com/cat.mp4")
        .replace("https://sora.chatgpt.com/p/s_...", "https://sora.chatgpt.com/p/s_68e83b6d")
        .replace("evolink:task-unified-...", seen.get("evolink", "evolink:?"))
        .replace("kie:2627...", seen.get("kie", "kie:?"))
        .replace("ch_...", seen.get("character", "ch_?"))
        .replace(" TASK", " " + seen.get("evolink", "evolink:?"))
    )
    return shlex.split(filled)[1:]


def _run_server(argv: list[str]) -> None:
    """Start a server command (on a free port), check it answers, stop it."""
    words = ["0" if word in ("8000", "8800") else word for word in argv]
    process = subprocess.Popen(
        [sys.executable, "-m", "sora_unified", *words, "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        announced = json.loads(process.stdout.readline() or "{}")
        assert announced.get("url"), process.stderr.read() if process.stderr else ""
        health = announced["url"] + (
            "/health" if words[0] == "serve" else "/kie/api/v1/chat/credit"
        )
        assert httpx.get(health).status_code < 500
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.subprocess
@pytest.mark.timeout(600)
def test_every_readme_command_runs_as_written_against_the_sandbox(
    shell: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: dict[str, str] = {}
    for command in COMMANDS:
        argv = _fill(command, seen)
        if argv[0] in SERVERS:
            _run_server(argv)
            continue
        code = main(argv)
        out, err = capsys.readouterr()
        assert code == 0, (command, err)
        submitted = re.search(r"^submitted ((kie|evolink|modelverse):\S+)", err, re.MULTILINE)
        printed = out.strip().splitlines()[-1] if out.strip() else ""
        task = submitted.group(1) if submitted else printed
        if argv[0] == "generate" and task.startswith(("kie:", "evolink:")):
            seen.setdefault(task.split(":")[0], task)
            if "--no-wait" in argv:
                seen["evolink"] = task
        if argv[0] == "character":
            seen["character"] = printed.split()[0]
    assert {"kie", "evolink", "character"} <= set(seen)
    assert (shell / "corgi.mp4").stat().st_size > 1000 and (shell / "clean.mp4").exists()
    assert (shell / "run" / "results.jsonl").exists()
