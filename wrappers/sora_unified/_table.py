"""Plain-text tables that fit a width. A table that fits is printed as it is; one that does
not has its widest columns wrapped (the narrow ones keep their width); one that cannot be
wrapped without cutting words becomes one block per row, `header: value` a line."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

GAP = "  "


def _fair_widths(rows: Sequence[Sequence[str]], width: int) -> list[int] | None:
    """Column widths within `width`: the narrowest columns first get all they need, the rest
    share what is left. None when a column would have to cut one of its words."""
    natural = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    longest_word = [
        max(len(word) for row in rows for word in (row[i].split() or [""]))
        for i in range(len(natural))
    ]
    room = width - len(GAP) * (len(natural) - 1)
    widths = list(natural)
    left = sorted(range(len(natural)), key=lambda i: natural[i])
    while left:
        share = room // len(left)
        column = left.pop(0)
        widths[column] = min(natural[column], share)
        room -= widths[column]
    if any(w < need for w, need in zip(widths, longest_word, strict=True)):
        return None
    return widths


def _records(rows: Sequence[Sequence[str]], width: int, notes: Sequence[str | None]) -> str:
    header, *body = rows
    label = max(len(name) for name in header[2:]) + 2  # "name: "
    indent = 2 + label
    blocks = []
    for index, row in enumerate(body, start=1):
        lines = [f"{row[0]}: {row[1]}"]
        for name, cell in zip(header[2:], row[2:], strict=True):
            wrapped = textwrap.wrap(cell, max(20, width - indent), break_on_hyphens=False) or [""]
            lines.append("  " + f"{name}:".ljust(label) + wrapped[0])
            lines.extend(" " * indent + more for more in wrapped[1:])
        note = notes[index] if index < len(notes) else None
        if note:
            lines.extend(textwrap.wrap("note: " + note, width, initial_indent="  ",
                                       subsequent_indent="  ", break_on_hyphens=False))  # fmt: skip
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def render(
    rows: Sequence[Sequence[str]],
    width: int | None = None,
    notes: Sequence[str | None] = (),
) -> str:
    """`rows` (the header first) in at most `width` columns (None: no limit), with a rule
    under the header; `notes[i]`, when given, goes under row i, indented."""
    natural = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    widths: list[int] | None = natural
    if width is not None and sum(natural) + len(GAP) * (len(natural) - 1) > width:
        widths = _fair_widths(rows, width)
        if widths is None:
            return _records(rows, width, notes)
    assert widths is not None
    lines: list[str] = []
    for index, row in enumerate(rows):
        cells = [
            textwrap.wrap(cell, w, break_on_hyphens=False) or [""] if len(cell) > w else [cell]
            for cell, w in zip(row, widths, strict=True)
        ]
        for depth in range(max(len(cell) for cell in cells)):
            parts = [
                (cell[depth] if depth < len(cell) else "").ljust(w)
                for cell, w in zip(cells, widths, strict=True)
            ]
            lines.append(GAP.join(parts).rstrip())
        if index == 0:
            lines.append(GAP.join("-" * w for w in widths))
        note = notes[index] if index < len(notes) else None
        if note:
            indent = " " * (widths[0] + len(GAP))
            room = None if width is None else max(20, width - len(indent))
            wrapped = (
                textwrap.wrap("note: " + note, room, break_on_hyphens=False)
                if room
                else ["note: " + note]
            )
            lines.extend(indent + line for line in wrapped)
    return "\n".join(lines)
