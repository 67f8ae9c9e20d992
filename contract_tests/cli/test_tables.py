"""The capability and price tables fit the terminal: wrapped, or one block per row, never
cut; piped output keeps one line per row for scripts."""

from __future__ import annotations

import re

import pytest
from sora_unified import capabilities, prices
from sora_unified.cli import main

TABLES = {"capabilities": lambda w: capabilities().table(w), "prices": lambda w: prices().table(w)}


def _words(text: str) -> list[str]:
    # Every word of every cell, in order; the layout words (rule, labels) left out.
    return sorted(w for w in re.split(r"[\s:]+", text) if w and set(w) != {"-"})


@pytest.mark.parametrize("name", sorted(TABLES))
@pytest.mark.parametrize("width", [60, 80, 100, 132, 200])
def test_a_table_fits_the_width_and_keeps_every_word(name: str, width: int) -> None:
    full = TABLES[name](None)
    fitted = TABLES[name](width)
    assert max(len(line) for line in fitted.splitlines()) <= width
    header = full.splitlines()[0].split()
    lost = set(_words(full)) - set(_words(fitted)) - set(header)  # "kie: sora-2" needs no labels
    assert not lost, lost
    assert set(_words(fitted)) - set(_words(full)) <= set(header)  # only labels are added


@pytest.mark.parametrize("name", sorted(TABLES))
def test_unlimited_is_one_line_a_row(name: str) -> None:
    lines = TABLES[name](None).splitlines()
    assert set(lines[1]) <= {"-", " "}
    rows = [line for line in lines[2:] if not line.lstrip().startswith("note: ")]
    assert len(rows) == len(list(capabilities() if name == "capabilities" else prices()))


def test_vendors_fits_the_terminal_and_keeps_rows_whole_when_piped(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["vendors"]) == 0
    assert max(len(line) for line in capsys.readouterr().out.splitlines()) <= 80
    monkeypatch.delenv("COLUMNS")
    assert main(["vendors"]) == 0  # captured: not a terminal
    out = capsys.readouterr().out
    assert out.startswith(capabilities().table(None))
