"""The CLI's model commands against the sandbox: remix, character (from a clip and from a
task, then cast with generate --character), remove-watermark, and `vendors` listing every
model with its limits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sora_unified import capabilities
from sora_unified.cli import main

from contract_tests.support.mp4 import read_mp4

pytestmark = pytest.mark.usefixtures("fake_waits", "fast_sandbox")  # cli/conftest.py


def _events(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict[str, Any]]]:
    code = main([*argv, "--sandbox", "--json"])
    out = capsys.readouterr().out
    return code, [json.loads(line) for line in out.splitlines()]


def test_remix_round_trip(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, events = _events(capsys, "generate", "a cat", "--vendor", "evolink", "--out", "a.mp4")
    assert code == 0
    source = events[-1]["task"]
    code, events = _events(
        capsys, "remix", source, "the cat at night", "--orientation", "portrait", "--out", "r.mp4"
    )
    assert code == 0, events
    assert events[0]["event"] == "submitted" and events[0]["model"] == "sora-2-pro-remix"
    done = events[-1]
    assert done["event"] == "completed" and done["file"] == "r.mp4"
    clip = read_mp4((tmp_path / "r.mp4").read_bytes())
    assert clip.seconds == pytest.approx(15, abs=0.3) and (clip.width, clip.height) == (720, 1280)


def test_remix_where_the_vendor_has_none_is_refused_locally(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, events = _events(capsys, "remix", "kie:26278f7a6d23157b48d04e0083322046", "p")
    assert code == 4
    assert events[-1]["error"] == "UnsupportedFeatureError" and "no remix" in events[-1]["message"]


def test_character_round_trip_from_a_clip_and_from_a_task_then_cast(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, events = _events(
        capsys, "character", "--video-url", "https://example.com/cat.mp4", "--prompt", "a cat"
    )
    assert code == 0, events
    clip_character = events[-1]
    assert clip_character["event"] == "completed" and clip_character["username"] is None
    assert clip_character["task"].startswith("kie:")

    code, events = _events(capsys, "generate", "a cat", "--vendor", "kie", "--no-wait")
    source = events[-1]["task"]
    code, events = _events(
        capsys,
        "character",
        "--task",
        source,
        "--start",
        "1",
        "--end",
        "3.5",
        "--name",
        "orangecat",
        "--prompt",
        "the cat",
    )
    assert code == 0, events
    assert events[-1]["username"] == "orangecat"
    cut = events[-1]["character"]

    code, events = _events(
        capsys,
        "generate",
        "@orangecat surfs",
        "--vendor",
        "kie",
        "--character",
        clip_character["character"],
        "--character",
        cut,
        "--out",
        "cast.mp4",
    )
    assert code == 0, events
    assert events[-1]["event"] == "completed" and events[-1]["model"] == "sora-2-pro-text-to-video"
    assert (tmp_path / "cast.mp4").stat().st_size > 1000


def test_character_plain_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["character", "--video-url", "https://example.com/cat.mp4", "--sandbox"])
    out = capsys.readouterr().out.strip()
    assert code == 0 and out.startswith("ch_") and "@" not in out


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["character", "--task", "kie:abc", "--vendor", "evolink"], 2, "is kie's"),
        (
            ["character", "--task", "kie:abc", "--start", "1", "--end", "9", "--prompt", "p"],
            4,
            "an end 1 to 4 s after the start",
        ),
        (
            ["character", "--video-url", "https://example.com/a.mp4", "--vendor", "evolink"],
            4,
            "evolink sells no model for characters",
        ),
        (["remove-watermark", "https://example.com/x"], 4, "published Sora links only"),
    ],
)
def test_model_command_refusals(
    capsys: pytest.CaptureFixture[str], argv: list[str], code: int, message: str
) -> None:
    assert main([*argv, "--sandbox"]) == code
    assert message in capsys.readouterr().err


def test_remove_watermark_round_trip(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, events = _events(
        capsys, "remove-watermark", "https://sora.chatgpt.com/p/s_68e8e7c5", "--out", "clean.mp4"
    )
    assert code == 0, events
    assert events[0]["model"] == "sora-watermark-remover"
    clip = read_mp4((tmp_path / "clean.mp4").read_bytes())
    assert (clip.width, clip.height) == (1280, 720)


def test_vendors_lists_every_model_with_its_limits(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)  # xdist sets it: piped output is unlimited
    assert main(["vendors", "--json"]) == 0
    rows = {(r["vendor"], r["model"]): r for r in json.loads(capsys.readouterr().out)["models"]}
    table = capabilities()
    assert set(rows) == {(m.vendor, m.model) for m in table}
    for caps in table:
        row = rows[(caps.vendor, caps.model)]
        assert row["kind"] == caps.kind and row["seconds"] == list(caps.seconds)
        assert row["limits"] == list(caps.limits) and row["described"] == caps.described
    assert main(["vendors"]) == 0
    text = capsys.readouterr().out
    for caps in table:
        assert any(line.split()[:2] == [caps.vendor, caps.model] for line in text.splitlines())
