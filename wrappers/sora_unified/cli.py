"""The `sora-unified` command. Imports stay inside the commands so `--help` starts fast."""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .errors import ConfigurationError, DownloadError, GenerationFailedError

if TYPE_CHECKING:
    from ._client import Client
    from .types import Task, Video

VENDORS = ("kie", "evolink", "modelverse")
SANDBOX_ENV = "SORA_UNIFIED_SANDBOX"
SANDBOX_CONFIG_ENV = "SORA_UNIFIED_SANDBOX_CONFIG"  # JSON file: timing, keys, faults
SANDBOX_URL_ENV = "SORA_UNIFIED_SANDBOX_URL"  # a running `sora-unified sandbox` to use instead
SANDBOX_STATE_ENV = "SORA_UNIFIED_SANDBOX_STATE"  # where --sandbox keeps its tasks

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


class UsageError(Exception):
    """A bad command-line argument or argument file (exit code 2)."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: the paid task is named so it can be resumed."""


def exit_code_for(error: BaseException | type[BaseException]) -> int:
    kind = error if isinstance(error, type) else type(error)
    if issubclass(kind, UsageError):
        return 2
    names = {cls.__name__ for cls in kind.__mro__}
    for code, classes, _ in EXIT_CODES:
        if classes and names & set(classes.split()):
            return code
    return 1


def _exit_code_help() -> str:
    lines = ["exit codes:"]
    lines += [f"  {code:>2}  {meaning}" for code, _, meaning in EXIT_CODES]
    return "\n".join(lines)


# -- output -----------------------------------------------------------------------------------


class Progress:
    """One status line with a bar, status and elapsed time, redrawn in place on a terminal."""

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream = stream
        self.label = label
        self.started = time.monotonic()
        self.live = stream.isatty()
        self.last = ""

    def update(self, status: str, percent: float | None) -> None:
        elapsed = time.monotonic() - self.started
        bar = ""
        if percent is not None:
            filled = int(max(0.0, min(100.0, percent)) / 5)
            bar = f"[{'#' * filled}{'.' * (20 - filled)}] {percent:3.0f}% "
        line = f"{self.label} {bar}{status} {elapsed:5.1f}s"
        if self.live:
            self.stream.write("\r\x1b[2K" + line)
        elif line.split()[:-1] != self.last.split()[:-1]:
            self.stream.write(line + "\n")
        self.stream.flush()
        self.last = line

    def done(self) -> None:
        if self.live and self.last:
            self.stream.write("\n")
            self.stream.flush()


def _video_dict(video: Video) -> dict[str, Any]:
    return {
        "vendor": video.vendor,
        "task": str(video.task),
        "status": video.status,
        "progress": video.progress,
        "model": video.model,
        "seconds": video.seconds,
        "size": video.size,
        "url": video.url,
        "video_urls": list(video.video_urls),
        "watermarked_urls": list(video.watermarked_urls),
        "error_code": video.error_code,
        "error_message": video.error_message,
        "content_policy_violation": video.content_policy_violation,
        "vendor_status": video.vendor_status,
        "created_at": video.created_at.isoformat() if video.created_at else None,
        "completed_at": video.completed_at.isoformat() if video.completed_at else None,
    }


class Output:
    """Text for people, or with --json one JSON object per line: streaming commands emit
    events as they happen (`submitted` first, then `progress`, then `completed` or `error`),
    so a task id is on stdout the moment it exists."""

    def __init__(self, as_json: bool, quiet_progress: bool = False) -> None:
        self.as_json = as_json
        self.quiet_progress = quiet_progress

    def result(self, data: dict[str, Any], text: str) -> None:
        print(json.dumps(data, ensure_ascii=False) if self.as_json else text, flush=True)

    def event(self, name: str, data: dict[str, Any], text: str | None = None) -> None:
        if self.as_json:
            print(json.dumps({"event": name, **data}, ensure_ascii=False), flush=True)
        elif text is not None:
            print(text, file=sys.stderr, flush=True)

    @contextmanager
    def progress(self, label: str) -> Iterator[Progress | None]:
        if self.as_json or self.quiet_progress:
            yield None
            return
        bar = Progress(sys.stderr, label)
        try:
            yield bar
        finally:
            bar.done()


# -- client and sandbox -----------------------------------------------------------------------


def sandbox_state_file() -> Path:
    """Where `--sandbox` keeps its tasks, so a task outlives the command that created it:
    $SORA_UNIFIED_SANDBOX_STATE, else the user's state folder (a temporary folder when the
    home folder cannot be written)."""
    explicit = os.environ.get(SANDBOX_STATE_ENV)
    if explicit:
        return Path(explicit)
    base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    for folder in (
        base / "sora-unified",
        Path(tempfile.gettempdir()) / f"sora-unified-{os.getuid()}",
    ):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return folder / "sandbox.sqlite3"
    raise ConfigurationError(f"no writable folder for the sandbox state; set {SANDBOX_STATE_ENV}")


def _sandbox_config(path: str | None) -> Any:
    from .sandbox import SandboxConfig

    if not path:
        return SandboxConfig()
    try:
        return SandboxConfig.from_file(path)
    except (OSError, ValueError, TypeError) as error:
        raise ConfigurationError(f"sandbox settings {path}: {error}") from None


@contextmanager
def _client(args: argparse.Namespace, vendor: str) -> Iterator[Client]:
    """The client a command uses: the vendor, or with --sandbox a running sandbox
    ($SORA_UNIFIED_SANDBOX_URL) or one started here on the per-user state file."""
    from . import Client

    use_sandbox = args.sandbox or os.environ.get(SANDBOX_ENV, "") not in ("", "0", "false")
    if not use_sandbox:
        with Client(vendor, api_key=args.api_key, base_url=args.base_url) as client:
            yield client
        return
    from .sandbox import SANDBOX_KEY, Sandbox

    running = os.environ.get(SANDBOX_URL_ENV)
    if running:
        base_url = f"{running.rstrip('/')}/{vendor}"
        with Client(vendor, api_key=SANDBOX_KEY, base_url=base_url) as client:
            yield client
        return
    config = _sandbox_config(os.environ.get(SANDBOX_CONFIG_ENV))
    if config.state is None:
        config = replace(config, state=str(sandbox_state_file()))
    with (
        Sandbox(config) as sandbox,
        Client(vendor, api_key=SANDBOX_KEY, base_url=sandbox.base_url(vendor)) as client,
    ):
        yield client


def _wait_with_progress(client: Client, task: Task | str, output: Output, timeout: float) -> Video:
    with output.progress(f"{task}") as bar:

        def show(video: Video) -> None:
            if bar is not None:
                bar.update(video.status, video.progress)
            output.event(
                "progress",
                {"task": str(task), "status": video.status, "progress": video.progress},
            )

        return client.wait(task, timeout=timeout, on_progress=show, raise_on_failure=True)


def _download_with_progress(client: Client, video: Video, path: Path, output: Output) -> Path:
    with output.progress(f"download {path.name}") as bar:
        if bar is not None:
            bar.update("downloading", None)
        saved = client.download(video, path)
        if bar is not None:
            bar.update(f"saved {saved.stat().st_size} bytes", 100)
        return saved


# -- commands ---------------------------------------------------------------------------------


def _shots(path: str) -> tuple[Any, ...]:
    """The storyboard file's shots. A file that cannot be read as a list of
    {"scene", "seconds"} objects is a usage error; values Shot refuses are refused requests."""
    from .types import Shot

    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(f"--storyboard {path}: cannot read it ({error.strerror})") from None
    except (ValueError, RecursionError) as error:
        raise UsageError(f"--storyboard {path}: not JSON ({error})") from None
    expected = 'a JSON list of {"scene": "...", "seconds": 5} objects'
    if not isinstance(raw, list) or not raw:
        raise UsageError(f"--storyboard {path}: expected {expected}; got {type(raw).__name__}")
    shots = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or set(item) != {"scene", "seconds"}:
            raise UsageError(f"--storyboard {path}: item {index} is not {expected[7:-1]}")
        shots.append(Shot(scene=item["scene"], seconds=item["seconds"]))
    return tuple(shots)


def _request_from(args: argparse.Namespace) -> Any:
    from .types import VideoRequest

    shots = _shots(args.storyboard) if args.storyboard else None
    return VideoRequest(
        prompt=args.prompt or "",
        image_url=args.image,
        seconds=args.seconds,
        orientation=args.orientation,
        size=args.size,
        quality=args.quality,
        remove_watermark=True if args.remove_watermark else None,
        shots=shots,
        callback_url=args.callback_url,
        model=args.model,
    )


def cmd_generate(args: argparse.Namespace, output: Output) -> int:
    from ._download import check_output_path

    request = _request_from(args)
    # Checked before anything is paid for (the default name needs the task id: its folder).
    if not args.no_wait:
        check_output_path(args.out or Path("out") / "video.mp4", "--out")
    with _client(args, args.vendor) as client:
        started = time.monotonic()
        task = client.submit(request)
        try:  # from here on, whatever stops the command names the paid task
            output.event(
                "submitted",
                {"task": str(task), "vendor": task.vendor, "model": task.model},
                f"submitted {task}",
            )
            if args.no_wait:
                output.result({"task": str(task), "status": "queued"}, str(task))
                return 0
            video = _wait_with_progress(client, task, output, args.timeout)
            path = Path(args.out) if args.out else Path("out") / f"{task.vendor}-{task.id}.mp4"
            saved = _download_with_progress(client, video, path, output)
        except BaseException as error:  # Ctrl-C and SIGTERM included: the task must be named
            if not getattr(error, "task", None):
                error.task = task  # type: ignore[attr-defined]
            raise
        data = _video_dict(video) | {
            "file": str(saved),
            "bytes": saved.stat().st_size,
            "wall_seconds": round(time.monotonic() - started, 2),
        }
        if output.as_json:
            output.event("completed", data)
        else:
            output.result(data, str(saved))
    return 0


def cmd_status(args: argparse.Namespace, output: Output) -> int:
    from .types import Task

    task = Task.parse(args.task)
    with _client(args, task.vendor) as client:
        video = client.retrieve(task)
    output.result(
        _video_dict(video), f"{task} {video.status} {video.progress}% {video.url or ''}".rstrip()
    )
    return 0


def cmd_wait(args: argparse.Namespace, output: Output) -> int:
    from .types import Task

    task = Task.parse(args.task)
    with _client(args, task.vendor) as client:
        try:
            video = _wait_with_progress(client, task, output, args.timeout)
        except BaseException as error:
            if not getattr(error, "task", None):
                error.task = task  # type: ignore[attr-defined]
            raise
    if output.as_json:
        output.event("completed", _video_dict(video))
    else:
        output.result(_video_dict(video), f"{task} {video.status} {video.url or ''}".rstrip())
    return 0


def cmd_download(args: argparse.Namespace, output: Output) -> int:
    from .errors import DownloadError
    from .types import Task

    task = Task.parse(args.task)
    with _client(args, task.vendor) as client:
        video = client.retrieve(task)
        if video.status != "completed":
            raise DownloadError(f"{task} is {video.status}, not completed", url="", task=task)
        saved = _download_with_progress(client, video, Path(args.out), output)
    output.result(
        {"task": str(task), "file": str(saved), "bytes": saved.stat().st_size}, str(saved)
    )
    return 0


def cmd_vendors(args: argparse.Namespace, output: Output) -> int:
    from ._capabilities import capabilities

    table = capabilities()
    rows = [
        {
            "vendor": m.vendor,
            "model": m.model,
            "seconds": list(m.seconds),
            "sizes": list(m.sizes),
            "qualities": list(m.qualities),
            "features": list(m.features),
        }
        for m in table
    ]
    output.result({"models": rows}, table.table())
    return 0


def cmd_credits(args: argparse.Namespace, output: Output) -> int:
    with _client(args, args.vendor) as client:
        remaining = client.credits()
    output.result({"vendor": args.vendor, "credits": remaining}, f"{remaining:g}")
    return 0


def cmd_sandbox(args: argparse.Namespace, output: Output) -> int:
    from .sandbox import SANDBOX_KEY, Sandbox

    config = _sandbox_config(args.config)
    overrides = {
        "state": args.state,
        "unknown_fields": args.unknown_fields,
        "kie_error_form": args.kie_error_form,
        "callback_delivery": args.callbacks,
        "callback_log": args.callback_log,
        "evolink_private_callbacks": args.evolink_private_callbacks or None,
    }
    try:
        config = replace(config, **{k: v for k, v in overrides.items() if v is not None})
    except ValueError as error:
        raise ConfigurationError(f"sandbox settings: {error}") from None
    try:
        sandbox = Sandbox(config).start(port=args.port)
    except OSError as error:
        raise ConfigurationError(
            f"cannot serve the sandbox on 127.0.0.1:{args.port} ({error.strerror or error});"
            " choose another --port (0 picks a free one)"
        ) from None
    with sandbox:
        vendors = {vendor: sandbox.base_url(vendor) for vendor in VENDORS}
        text = "\n".join(
            [f"sora-unified sandbox on {sandbox.url} (key: {SANDBOX_KEY})"]
            + [f"  {vendor:<11} {url}" for vendor, url in vendors.items()]
            + ["Ctrl-C to stop."]
        )
        output.result({"url": sandbox.url, "key": SANDBOX_KEY, "vendors": vendors}, text)
        sys.stdout.flush()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


# -- parser -----------------------------------------------------------------------------------


def _positive_seconds(text: str) -> float:
    """An argparse type: a finite number of seconds above 0 (`nan` would never expire)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be finite seconds above 0; got {text!r}")
    return value


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0 to 65535; got {text!r}")
    return int(text)


def _common(parser: argparse.ArgumentParser, *, vendor: bool) -> None:
    if vendor:
        parser.add_argument("--vendor", choices=VENDORS, required=True)
    parser.add_argument("--api-key", help="default: <VENDOR>_API_KEY")
    parser.add_argument("--base-url", help="default: <VENDOR>_BASE_URL or the vendor's URL")
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help=f"run against a local sandbox, no key needed (or {SANDBOX_ENV}=1;"
        f" {SANDBOX_CONFIG_ENV} may name a JSON file of sandbox settings)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object, no progress")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sora-unified",
        description="Generate Sora 2 videos through kie.ai, evolink.ai or modelverse.cn.",
        epilog=_exit_code_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    generate = commands.add_parser("generate", help="submit, wait and download one video")
    generate.add_argument(
        "prompt", nargs="?", default="", help="what the video shows (empty for a storyboard)"
    )
    _common(generate, vendor=True)
    generate.add_argument("--model", help="override the model the request would choose")
    generate.add_argument("--seconds", type=int)
    shape = generate.add_mutually_exclusive_group()
    shape.add_argument("--orientation", choices=("portrait", "landscape"))
    shape.add_argument("--size", choices=("1280x720", "720x1280"))
    generate.add_argument("--quality", choices=("standard", "high"))
    generate.add_argument("--image", help="first-frame image URL")
    generate.add_argument(
        "--storyboard", help='JSON file: [{"scene": "...", "seconds": 5}, ...] (kie)'
    )
    generate.add_argument("--remove-watermark", action="store_true", help="(kie)")
    generate.add_argument("--callback-url")
    generate.add_argument("--out", help="where to save the MP4 (default out/<vendor>-<task>.mp4)")
    generate.add_argument("--no-wait", action="store_true", help="print the task and exit")
    generate.add_argument(
        "--timeout", type=_positive_seconds, default=900.0, help="seconds to wait (default 900)"
    )
    generate.set_defaults(handler=cmd_generate)

    for name, handler, about in (
        ("status", cmd_status, "show a task's status"),
        ("wait", cmd_wait, "wait for a task to finish"),
        ("download", cmd_download, "download a finished task's video"),
    ):
        command = commands.add_parser(name, help=about)
        command.add_argument("task", help="vendor:id, as printed by generate")
        _common(command, vendor=False)
        if name == "wait":
            command.add_argument("--timeout", type=_positive_seconds, default=900.0)
        if name == "download":
            command.add_argument("--out", required=True)
        command.set_defaults(handler=handler)

    vendors = commands.add_parser("vendors", help="what each vendor and model offers")
    vendors.add_argument("--json", action="store_true")
    vendors.add_argument("--debug", action="store_true")
    vendors.set_defaults(handler=cmd_vendors)

    credits = commands.add_parser("credits", help="remaining credits (kie, evolink)")
    _common(credits, vendor=True)
    credits.set_defaults(handler=cmd_credits)

    sandbox = commands.add_parser("sandbox", help="serve the local vendor sandbox")
    sandbox.add_argument("--port", type=_port, default=8800)
    sandbox.add_argument("--config", help="JSON file with timing, keys, faults and settings")
    sandbox.add_argument("--state", help="SQLite file keeping tasks across runs")
    sandbox.add_argument(
        "--unknown-fields",
        choices=("ignore", "reject"),
        help="request fields the specs do not list (default ignore: logged and counted)",
    )
    sandbox.add_argument(
        "--kie-error-form",
        choices=("envelope", "http", "mixed"),
        help="kie errors in the HTTP-200 envelope, as HTTP statuses, or as its docs say (mixed)",
    )
    sandbox.add_argument(
        "--callbacks",
        choices=("loopback", "log", "anywhere"),
        help="where callbacks go (default loopback: this machine only)",
    )
    sandbox.add_argument("--callback-log", help="JSON Lines file for --callbacks log")
    sandbox.add_argument(
        "--evolink-private-callbacks",
        action="store_true",
        help="accept loopback and private evolink callback hosts (evolink refuses them)",
    )
    sandbox.add_argument("--json", action="store_true")
    sandbox.add_argument("--debug", action="store_true")
    sandbox.set_defaults(handler=cmd_sandbox)
    return parser


def _resume_hint(task: object, code: int) -> str:
    """How to pick a paid task up again after the command stopped."""
    if code == exit_code_for(DownloadError):
        return f"task {task} finished; fetch it with: sora-unified download {task} --out FILE"
    return f"task {task} keeps running; resume with: sora-unified wait {task}"


def _report(error: BaseException, code: int, args: argparse.Namespace, output: Output) -> None:
    task = getattr(error, "task", None)
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
                "resume": _resume_hint(task, code) if task else None,
            },
        )
        return
    print(f"sora-unified: {message}", file=sys.stderr)
    if task is not None and code != exit_code_for(GenerationFailedError):
        print(f"sora-unified: {_resume_hint(task, code)}", file=sys.stderr)


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


if __name__ == "__main__":
    raise SystemExit(main())
