"""What to do after a command stopped: a hint right for what happened (the task not found,
still running, finished, failed, or a submit left uncertain), whose command runs as printed:
the same task, its output file, and the options that pointed the command where it ran."""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import (
    DownloadError,
    GenerationFailedError,
    LinkExpiredError,
    NotFoundError,
    SubmissionUncertainError,
)

if TYPE_CHECKING:  # imported lazily: `--help` starts without the types module
    from ..types import Task

# Commands given a task by the user: a task the vendor does not know is a wrong id there.
GIVEN_A_TASK = ("status", "wait", "download")
# Commands that pay for a task and then wait for it (and, but for character, download it).
PAYING = ("generate", "remix", "remove-watermark", "character")


@dataclass(frozen=True)
class NextStep:
    """A hint: the sentence shown, and the command in it (None when there is none to run)."""

    text: str
    command: str | None = None


class TaskNotFinished(DownloadError):
    """`download` of a task that has not (or not successfully) finished."""

    def __init__(self, task: Task, status: str) -> None:
        super().__init__(f"{task} is {status}, not completed", url="", task=task)
        self.status = status


def default_video_path(task: Task) -> Path:
    """Where a paying command saves a video when no --out is given."""
    return Path("out") / f"{task.vendor}-{task.id}.mp4"


def rerun_options(args: argparse.Namespace) -> list[str]:
    """The options that pointed the command where it ran (never a key's value)."""
    options = []
    if getattr(args, "sandbox", False):
        options.append("--sandbox")
    if getattr(args, "base_url", None):
        options += ["--base-url", args.base_url]
    return options


def _key_note(args: argparse.Namespace) -> str:
    # A key given on the command line is not repeated in a hint (hints end up in logs).
    return " (with your --api-key)" if getattr(args, "api_key", None) else ""


def command_line(words: Sequence[str]) -> str:
    return shlex.join(["sora-unified", *words])


def _run(args: argparse.Namespace, text: str, *words: str) -> NextStep:
    command = command_line([*words, *rerun_options(args)])
    return NextStep(f"{text}: {command}{_key_note(args)}", command)


def _out(args: argparse.Namespace, task: Task) -> str:
    given = getattr(args, "out", None)
    return str(given) if given else str(default_video_path(task))


def without_key(argv: Sequence[str]) -> list[str]:
    """The command's words without an --api-key and its value."""
    words: list[str] = []
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word == "--api-key":
            skip = True
        elif not word.startswith("--api-key="):
            words.append(word)
    return words


def next_step(
    error: BaseException, args: argparse.Namespace, argv: Sequence[str] = ()
) -> NextStep | None:
    """The hint after `error` stopped the command of `args` (run as `argv`), or None."""
    explicit = getattr(error, "resume_hint", None)  # the command knows better (batch, a stop)
    again: Sequence[str] | None = getattr(error, "rerun_adding", None)
    if explicit and again is not None:  # the same command again, with these words
        words = without_key(argv)
        rerun = command_line([*words, *(word for word in again if word not in words)])
        return NextStep(f"{explicit}: {rerun}{_key_note(args)}", rerun)
    if explicit:
        return NextStep(str(explicit))
    if isinstance(error, SubmissionUncertainError):
        # No command: running this one again is exactly what could pay twice.
        return NextStep(
            f"{error.vendor} may have created the task (and charged for it): look for it in"
            f" {error.vendor}'s task list before submitting again"
        )
    task: Task | None = getattr(error, "task", None)
    if task is None:
        return None
    command = getattr(args, "command", None)
    if isinstance(error, NotFoundError) and command in GIVEN_A_TASK:
        return NextStep(
            f"{task.vendor} knows no task {task.id}: check the id (generate prints it as vendor:id)"
        )
    if isinstance(error, GenerationFailedError):
        return NextStep(f"task {task} ended failed: there is nothing to resume or download")
    if isinstance(error, TaskNotFinished):
        if error.status in ("queued", "in_progress"):
            return _run(
                args, f"task {task} is still {error.status}; wait for it and download it with",
                "wait", str(task), "--out", _out(args, task),
            )  # fmt: skip
        return NextStep(f"task {task} is {error.status}: there is no video to download")
    if isinstance(error, LinkExpiredError):
        return NextStep(f"task {task} finished, but {task.vendor} no longer serves its video")
    if isinstance(error, DownloadError):
        return _run(
            args, f"task {task} finished; fetch it with",
            "download", str(task), "--out", _out(args, task),
        )  # fmt: skip
    if command == "status":
        return _run(
            args, f"the state of task {task} is unknown; ask again with", "status", str(task)
        )
    if command == "download":
        return _run(
            args, f"task {task} was not downloaded; try again with",
            "download", str(task), "--out", _out(args, task),
        )  # fmt: skip
    if command == "character":
        return _run(args, f"task {task} keeps running; resume with", "wait", str(task))
    if command in PAYING or getattr(args, "out", None):
        return _run(
            args, f"task {task} keeps running; resume with",
            "wait", str(task), "--out", _out(args, task),
        )  # fmt: skip
    return _run(args, f"task {task} keeps running; resume with", "wait", str(task))
