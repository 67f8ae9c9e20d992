"""Colour on a terminal: off when the stream is piped, for TERM=dumb, and with NO_COLOR set
(no-color.org: present and not empty)."""

from __future__ import annotations

import os
import shutil
import sys
from typing import TextIO

STYLES = {"error": "1;31", "hint": "36", "done": "32", "note": "2"}


def colour_on(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, style: str, stream: TextIO) -> str:
    """`text` in `style` (a key of STYLES) when `stream` shows colour, else as it is."""
    if not colour_on(stream):
        return text
    return f"\x1b[{STYLES[style]}m{text}\x1b[0m"


def terminal_width() -> int | None:
    """The columns tables must fit: the terminal's (or $COLUMNS), None when piped."""
    if os.environ.get("COLUMNS") or sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None
