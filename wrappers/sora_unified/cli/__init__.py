"""The `sora-unified` command: generate, remix, character, remove-watermark, status, wait,
download, vendors, credits and sandbox. Exit codes by error category are in `EXIT_CODES`."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Sequence

from ..errors import DownloadError, GenerationFailedError
from ._exit import EXIT_CODES, Terminated, UsageError, exit_code_for
from ._output import Output
from ._parser import build_parser
from ._session import sandbox_state_file

__all__ = [
    "EXIT_CODES",
    "UsageError",
    "build_parser",
    "exit_code_for",
    "main",
    "sandbox_state_file",
]


def _resume_hint(task: object, code: int) -> str:
    """How to pick a paid task up again after the command stopped."""
    if code == exit_code_for(DownloadError):
        return f"task {task} finished; fetch it with: sora-unified download {task} --out FILE"
    return f"task {task} keeps running; resume with: sora-unified wait {task}"


def _report(error: BaseException, code: int, args: argparse.Namespace, output: Output) -> None:
    task = getattr(error, "task", None)
    # A command with its own way to pick up again (batch: --resume) says so on the error.
    hint = getattr(error, "resume_hint", None) or (_resume_hint(task, code) if task else None)
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
                "resume": hint,
            },
        )
        return
    print(f"sora-unified: {message}", file=sys.stderr)
    if hint is not None and code != exit_code_for(GenerationFailedError):
        print(f"sora-unified: {hint}", file=sys.stderr)


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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
        _report(error, code, args, output)
        return code
    except Exception as error:
        code = exit_code_for(error)
        if args.debug:
            traceback.print_exc()
        _report(error, code, args, output)
        return code
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
