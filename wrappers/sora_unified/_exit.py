"""The one way out of every public client method: whatever goes wrong leaves as a `SoraError`
(a submit's unforeseen failure after sending as `SubmissionUncertainError`), with the API key
scrubbed from it and, once a task exists, the task attached."""

from __future__ import annotations

from typing import Literal

import httpx

from ._redact import scrub_error
from ._retry import uncertain_submission
from .errors import SoraError
from .types import Task

__all__ = ["UNFORESEEN", "ClientExit", "note_task"]

# What bad data or a misbehaving peer can make Python raise anywhere (a value that does not
# fit, JSON nested too deep, a file system refusal, an httpx failure no boundary foresaw).
# An AssertionError is not among them: it is a broken invariant (or a test double's verdict).
UNFORESEEN = (
    ArithmeticError,
    AttributeError,
    LookupError,
    OSError,
    RecursionError,
    TypeError,
    ValueError,
    httpx.HTTPError,
)


class ClientExit:
    """Everything raised inside leaves as a scrubbed SoraError carrying `task`.

    An exception sora_unified did not foresee becomes a SoraError saying so, or, while a paid
    submit is on the wire (`submitting`), a SubmissionUncertainError. A class, not a
    generator-based context manager, because every request passes through it."""

    __slots__ = ("_key", "_submitting", "_task", "_vendor")

    def __init__(self, vendor: str, key: str, task: Task | None, submitting: bool) -> None:
        self._vendor, self._key, self._task, self._submitting = vendor, key, task, submitting

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _: object
    ) -> Literal[False]:
        if isinstance(error, SoraError):
            if self._task is not None and error.task is None:
                error.task = self._task
            scrub_error(error, (self._key,))
            return False  # the same error goes on
        if isinstance(error, UNFORESEEN):
            detail = f"{type(error).__name__}: {error}"
            wrapped: SoraError
            if self._submitting:
                wrapped = uncertain_submission(self._vendor, SoraError(f"unexpected {detail}"))
            else:
                wrapped = SoraError(f"{self._vendor}: unexpected {detail}", task=self._task)
            raise scrub_error(wrapped, (self._key,)) from scrub_error(error, (self._key,))
        return False


def note_task(error: BaseException, task: Task) -> None:
    """A foreign exception (raised by the caller's own callback) keeps its type; it gets a
    note saying which paid task it interrupted."""
    note = f"sora-unified: task {task} was submitted; resume with: sora-unified wait {task}"
    if note not in getattr(error, "__notes__", ()):
        error.add_note(note)
