"""Exit codes by error category, and the errors only the command line raises."""

from __future__ import annotations

# Exit codes by error category (also in --help and the README).
EXIT_CODES: tuple[tuple[int, str, str], ...] = (
    (0, "", "success"),
    (1, "", "unexpected error (run with --debug for the traceback)"),
    (2, "", "usage error (bad arguments)"),
    (3, "ConfigurationError", "configuration: missing API key, unknown vendor, bad setting"),
    (4, "ValidationError", "the request was refused locally (nothing was sent)"),
    (5, "AuthenticationError PermissionDeniedError", "the key was refused"),
    (6, "InsufficientCreditsError", "not enough credits"),
    (
        7,
        "RateLimitError ServiceUnavailableError ServerError",
        "the vendor is busy or failing: try later",
    ),
    (8, "GenerationFailedError", "the task ended failed (e.g. content policy)"),
    (9, "WaitTimeoutError", "gave up waiting; the task keeps running"),
    (10, "SubmissionUncertainError", "a submit may have created a task: check before resubmitting"),
    (11, "APIConnectionError", "no answer from the vendor (connection or timeout)"),
    (12, "DownloadError", "the result could not be downloaded (e.g. expired link)"),
    (13, "APIError", "any other error the vendor answered (bad request, not found, ...)"),
    (14, "CallbackVerificationError SoraError", "any other sora-unified error"),
)


# How a batch ended (`sora-unified batch`, run and dry run alike), most urgent first: the
# first that applies is the exit code.
BATCH_EXIT_CODES: tuple[tuple[int, str, str], ...] = (
    (24, "store", "the folder's store is missing, empty or damaged: nothing was sent"),
    (21, "uncertain", "some submits may have created a task: check, then `sora-unified adopt`"),
    (20, "failed", "some jobs failed (a paid video not downloaded is fetched by --resume)"),
    (25, "running", "some tasks were still running at --timeout: --resume waits on them"),
    (22, "skipped", "the budget stopped the batch (--max-jobs, --max-cost): --resume goes on"),
    (23, "elsewhere", "other workers still hold jobs of this batch"),
    (4, "invalid", "some lines are invalid (refused locally, nothing sent for them)"),
    (0, "", "every job completed"),
)  # fmt: skip


def batch_exit_code(counts: dict[str, int]) -> tuple[int, str]:
    """The exit code of a batch by its job counts, and what it means."""
    present = {state for state, count in counts.items() if count}
    if present & {"submitted", "submitting", "pending"}:
        present.add("running")
    for code, state, meaning in BATCH_EXIT_CODES:
        if not state or state in present:
            return code, meaning
    return 0, ""


class BatchStoreError(Exception):
    """The folder and its store disagree (exit code 24): starting over would pay again."""


class UsageError(Exception):
    """A bad command-line argument or argument file (exit code 2)."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: the paid task is named so it can be resumed."""


def exit_code_for(error: BaseException | type[BaseException]) -> int:
    kind = error if isinstance(error, type) else type(error)
    if issubclass(kind, UsageError):
        return 2
    if issubclass(kind, BatchStoreError):
        return 24
    names = {cls.__name__ for cls in kind.__mro__}
    for code, classes, _ in EXIT_CODES:
        if classes and names & set(classes.split()):
            return code
    return 1


def exit_code_help() -> str:
    lines = ["exit codes:"]
    lines += [f"  {code:>2}  {meaning}" for code, _, meaning in EXIT_CODES]
    lines += ["batch exit codes:"]
    lines += [f"  {code:>2}  {meaning}" for code, _, meaning in sorted(BATCH_EXIT_CODES)]
    return "\n".join(lines)


# The modules each extra brings: one missing means that extra is not installed.
EXTRA_MODULES = {
    "sandbox": ("starlette", "uvicorn", "httptools", "multipart", "python_multipart",
                "jsonschema", "rfc3986_validator", "yaml", "imageio_ffmpeg"),
    "postgres": ("psycopg",),
}  # fmt: skip


def missing_extra(error: BaseException) -> str | None:
    """For an import of an optional dependency that failed, what to install instead."""
    if not isinstance(error, ModuleNotFoundError) or not error.name:
        return None
    top = error.name.split(".")[0]
    for extra, modules in EXTRA_MODULES.items():
        if top in modules:
            return (
                f"this needs the {extra} extra, which is not installed (no module {top!r}):"
                f' pip install "sora-unified[{extra}]"'
            )
    return None
