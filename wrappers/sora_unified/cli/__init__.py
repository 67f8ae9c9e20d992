"""The `sora-unified` command: generate, remix, character, remove-watermark, status, wait,
download, vendors, credits and sandbox. Exit codes by error category are in `EXIT_CODES`."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import NoReturn

from ..errors import ConfigurationError
from ._exit import EXIT_CODES, Terminated, UsageError, exit_code_for, missing_extra
from ._hints import next_step
from ._output import Output, Progress
from ._parser import build_parser
from ._session import VENDOR_ENV, VENDORS, sandbox_state_file
from ._style import paint

__all__ = [
    "EXIT_CODES",
    "Progress",
    "UsageError",
    "build_parser",
    "exit_code_for",
    "main",
    "run",
    "sandbox_state_file",
]


def _report(
    error: BaseException,
    code: int,
    args: argparse.Namespace,
    output: Output,
    argv: Sequence[str],
) -> None:
    task = getattr(error, "task", None)
    step = next_step(error, args, argv)
    if isinstance(error, KeyboardInterrupt):
        what = "terminated" if isinstance(error, Terminated) else "interrupted"
        message = what
    elif code == 1:
        message = f"unexpected error: {error!r}"
    else:
        message = f"{type(error).__name__}: {error}"
    if args.json:
        output.event(
            "interrupted" if isinstance(error, KeyboardInterrupt) else "error",
            {
                "error": type(error).__name__,
                "message": message if isinstance(error, KeyboardInterrupt) else str(error),
                "exit_code": code,
                "task": str(task) if task else None,
                # What to do next (a sentence), and the command in it, runnable as printed.
                "hint": step.text if step else None,
                "resume": step.command if step else None,
            },
        )
        return
    print(paint(f"sora-unified: {message}", "error", sys.stderr), file=sys.stderr)
    if step is not None:
        print(paint(f"sora-unified: {step.text}", "hint", sys.stderr), file=sys.stderr)


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(words)
    chosen = getattr(args, "vendor", None)
    if chosen is not None and chosen not in VENDORS:  # from SORA_UNIFIED_VENDOR: not checked
        parser.error(f"{VENDOR_ENV}={chosen!r} is not a vendor; choose one of {', '.join(VENDORS)}")
    output = Output(as_json=args.json)
    if args.debug:
        import logging

        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")
    handler: Callable[[argparse.Namespace, Output], int] = args.handler
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return handler(args, output)
    except KeyboardInterrupt as error:
        code = 143 if isinstance(error, Terminated) else 130
        _report(error, code, args, output, words)
        return code
    except Exception as error:
        install = missing_extra(error)
        if install is not None:  # an optional dependency: say which extra, not a traceback
            error = ConfigurationError(install)
        code = exit_code_for(error)
        if args.debug:
            traceback.print_exc()
        _report(error, code, args, output, words)
        return code
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def run() -> NoReturn:
    """The `sora-unified` command as a process: `main()`, then exit with its code.

    A run that used Temporal leaves by `os._exit` once its output is flushed: temporalio's Rust
    runtime keeps threads that may call into Python while the interpreter finalizes, and the
    process then aborts (SIGABRT, exit -6) instead of exiting with the command's code
    (temporalio/sdk-python#300). Everything the command writes is closed before main returns."""
    code = main()
    if "temporalio" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
