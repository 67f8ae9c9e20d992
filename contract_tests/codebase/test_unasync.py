"""The sync client is generated from the async text (tools/unasync.py) and checked like the
generated vendor clients: a stale copy or a rule that matches nothing fails the check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tools import unasync


@pytest.mark.regeneration
def test_the_sync_client_is_the_async_text_unasynced(capsys: pytest.CaptureFixture[str]) -> None:
    assert unasync.main(["--check"]) == 0, capsys.readouterr().err


@pytest.mark.regeneration
def test_a_hand_edit_of_the_sync_client_fails_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    edited = tmp_path / "_sync_client.py"
    shutil.copy(unasync.TARGET, edited)
    edited.write_text(edited.read_text().replace("attempt += 1", "attempt += 2", 1))
    monkeypatch.setattr(unasync, "TARGET", edited)
    assert unasync.main(["--check"]) == 1
    assert "does not match _async_client.py; run `make generate`" in capsys.readouterr().err


@pytest.mark.regeneration
def test_a_rule_that_matches_nothing_fails_the_check(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(unasync, "RULES", (*unasync.RULES, ("AsyncNoSuchThing", "NoSuchThing")))
    assert unasync.main(["--check"]) == 1
    assert "rules that match nothing: AsyncNoSuchThing" in capsys.readouterr().err


def test_the_renames_are_whole_words_and_the_keywords_go() -> None:
    text, used = unasync.unasync(
        "async def f(self):\n    async with AsyncSlots(2):\n        await send_async(x)\n"
        "    return send_asynchronously, MyAsyncSlots\n"
    )
    assert text == (
        "def f(self):\n    with ThreadSlots(2):\n        send(x)\n"
        "    return send_asynchronously, MyAsyncSlots\n"
    )
    assert used["AsyncSlots"] == 1 and used["send_async"] == 1 and used["await"] == 1


def test_the_sync_client_performs_no_async_call() -> None:
    text = unasync.TARGET.read_text()
    for word in ("async def", "async with", "async for", "await ", "AsyncSlots", "send_async"):
        assert word not in text, word
