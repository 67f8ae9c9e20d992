"""Write the synchronous client from the asynchronous one, or check that it is up to date.

    python tools/unasync.py            # wrappers/sora_unified/_async_client.py -> _sync_client.py
    python tools/unasync.py --check    # fail if _sync_client.py differs, or a rule is unused

The async text is the only one anybody edits. Each rule pairs an async name with its sync twin
(`AsyncSlots` / `ThreadSlots`, `send_async` / `send`, ...), matched as whole words; `async`
and `await` are then dropped. The result goes through ruff (import order, then the format) with
the project's own settings, so the written file passes `make lint` as it is. (Its nested `with`
statements mirror the async text, where `async with` cannot join a plain one: pyproject.toml
lets SIM117 pass there.)

A rule that matches nothing fails the check: it is either dead or a sign that the async text
started spelling a primitive differently, which would leave the sync client calling an async one.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "wrappers" / "sora_unified"
SOURCE = PACKAGE / "_async_client.py"
TARGET = PACKAGE / "_sync_client.py"
# The name ruff is told the text has (its per-file settings apply to it).
STDIN_NAME = "wrappers/sora_unified/_sync_client.py"
HEADER = (
    "# Generated from _async_client.py by tools/unasync.py (make generate): edit that file,\n"
    "# not this one. make check-generated fails when the two disagree.\n"
)

# (async spelling, sync spelling): whole words, applied in this order.
RULES: tuple[tuple[str, str], ...] = (
    ("AsyncClient", "Client"),  # the class itself and httpx's client
    ("AsyncBaseTransport", "BaseTransport"),
    ("AsyncSlots", "ThreadSlots"),
    ("AsyncOnceLock", "OnceLock"),
    ("AsyncProgressCallback", "ProgressCallback"),
    ("send_async", "send"),
    ("sleep_async", "sleep"),
    ("notify_async", "notify"),
    ("aiter_bytes", "iter_bytes"),
    ("aclose", "close"),
    ("__aenter__", "__enter__"),
    ("__aexit__", "__exit__"),
    ("asynchronous", "synchronous"),
)
# Keywords dropped after the renames: `async def` -> `def`, `await x` -> `x`, ...
KEYWORDS: tuple[tuple[str, str], ...] = (
    ("async def ", "def "),
    ("async with ", "with "),
    ("async for ", "for "),
    ("await ", ""),
)


def unasync(text: str) -> tuple[str, dict[str, int]]:
    """The sync text of `text`, and how often each rule matched."""
    used: dict[str, int] = {}
    for old, new in RULES:
        text, count = re.subn(rf"\b{re.escape(old)}\b", new, text)
        used[old] = count
    for old, new in KEYWORDS:
        text, count = re.subn(rf"\b{re.escape(old)}", new, text)
        used[old.strip()] = count
    return text, used


def _ruff(arguments: list[str], text: str) -> str:
    ruff = Path(sys.executable).with_name("ruff")
    command = [str(ruff) if ruff.exists() else "ruff", *arguments]
    done = subprocess.run(
        [*command, "--stdin-filename", STDIN_NAME, "-"],
        input=text,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"ruff {' '.join(arguments)} failed on the sync text:\n{done.stderr}")
    return done.stdout


def sync_text() -> tuple[str, dict[str, int]]:
    text, used = unasync(SOURCE.read_text())
    text = _ruff(["check", "--select", "I", "--fix-only", "--quiet"], HEADER + text)
    return _ruff(["format", "--quiet"], text), used


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the sync client is stale")
    args = parser.parse_args(argv)
    text, used = sync_text()
    unused = [name for name, count in used.items() if count == 0]
    if unused:
        print(f"tools/unasync.py: rules that match nothing: {', '.join(unused)}", file=sys.stderr)
        return 1
    relative = TARGET.relative_to(ROOT) if TARGET.is_relative_to(ROOT) else TARGET
    if args.check:
        if not TARGET.exists() or TARGET.read_text() != text:
            print(f"{relative} does not match {SOURCE.name}; run `make generate`", file=sys.stderr)
            return 1
        print(f"{relative} matches {SOURCE.name}")
        return 0
    TARGET.write_text(text)
    print(f"{relative} from {SOURCE.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
