"""How a refused value is shown in a message: as a person writes it, never as a repr."""

from __future__ import annotations

from pathlib import Path


def shown(value: object) -> str:
    """A refused value as a message shows it: strings quoted (long ones cut, with their
    length), numbers as written, several values listed, never a Python repr of a container."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, bytes):
        return f"{len(value):,} bytes"
    if isinstance(value, str | Path):
        text = str(value)
        if len(text) > 80:
            return f"{text[:60]!r}... ({len(text):,} characters)"
        return repr(text)
    if isinstance(value, tuple | list):
        if value and all(hasattr(item, "scene") for item in value):  # a storyboard's shots
            return f"{len(value)} shot" + ("s" if len(value) > 1 else "")
        return ", ".join(shown(item) for item in value) or "none"
    if value is None:
        return "nothing"
    return type(value).__name__
