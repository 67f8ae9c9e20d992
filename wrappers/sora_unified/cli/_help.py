"""Help as the reference: every option's default shown, the environment variables a command
reads named under it, and a misspelt option answered with that command's usage and the
closest option."""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

# The variables a command may read, by what they configure.
VENDOR_VARIABLES = (
    ("<VENDOR>_API_KEY", "the key: KIE_API_KEY, EVOLINK_API_KEY, MODELVERSE_API_KEY"),
    ("<VENDOR>_BASE_URL", "another API host: KIE_BASE_URL, EVOLINK_BASE_URL, ..."),
    ("SORA_UNIFIED_VENDOR", "the vendor when --vendor is not given"),
)
SANDBOX_VARIABLES = (
    ("SORA_UNIFIED_SANDBOX=1", "as --sandbox"),
    ("SORA_UNIFIED_SANDBOX_CONFIG", "a JSON file of sandbox settings (timing, keys, faults)"),
    ("SORA_UNIFIED_SANDBOX_URL", "a running `sora-unified sandbox` to use instead"),
    ("SORA_UNIFIED_SANDBOX_STATE", "where --sandbox keeps its tasks between commands"),
)
OUTPUT_VARIABLES = (("NO_COLOR", "no colour, even on a terminal"),)


def environment(*groups: tuple[tuple[str, str], ...]) -> str:
    """A command's epilog: the environment variables it reads."""
    rows = [row for group in groups for row in group]
    width = max(len(name) for name, _ in rows)
    return "environment:\n" + "\n".join(f"  {name:<{width}}  {what}" for name, what in rows)


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Shows an option's default after its help, unless the help already says it (or there is
    none to show: a flag, an option that is off unless given)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if (
            action.option_strings
            and default not in (None, False, argparse.SUPPRESS)
            and "default" not in text
            and not isinstance(action, argparse._VersionAction)
        ):
            text += " (default: %(default)s)"
        return text


class CommandParser(argparse.ArgumentParser):
    """A command's own parser: an option it does not know is refused with its usage (not the
    top-level one) and the closest option it does know."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        found, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(self._unknown(extras))
        return found, extras

    def _unknown(self, extras: list[str]) -> str:
        known = [name for action in self._actions for name in action.option_strings]
        flag = next((word for word in extras if word.startswith("-")), None)
        if flag is None:
            return f"unexpected argument {extras[0]!r} (quote a prompt that has spaces)"
        close = difflib.get_close_matches(flag.split("=", 1)[0], known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}?" if close else f"; see {self.prog} --help"
        return f"unknown option {flag}{hint}"

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")
