"""The client a command uses (the vendor, or the local sandbox), and waiting and downloading
with progress shown."""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError
from ..vendors import VENDOR_NAMES
from ._output import Output

if TYPE_CHECKING:
    from .._client import Client
    from ..types import Task, Video

VENDORS = VENDOR_NAMES
SANDBOX_ENV = "SORA_UNIFIED_SANDBOX"
VENDOR_ENV = "SORA_UNIFIED_VENDOR"  # the vendor when --vendor is not given
SANDBOX_CONFIG_ENV = "SORA_UNIFIED_SANDBOX_CONFIG"  # JSON file: timing, keys, faults
SANDBOX_URL_ENV = "SORA_UNIFIED_SANDBOX_URL"  # a running `sora-unified sandbox` to use instead
SANDBOX_STATE_ENV = "SORA_UNIFIED_SANDBOX_STATE"  # where --sandbox keeps its tasks


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


def sandbox_config(path: str | None) -> Any:
    from ..sandbox import SandboxConfig

    if not path:
        return SandboxConfig()
    try:
        return SandboxConfig.from_file(path)
    except (OSError, ValueError, TypeError) as error:
        raise ConfigurationError(f"sandbox settings {path}: {error}") from None


def sandbox_asked(args: argparse.Namespace) -> bool:
    """--sandbox or SORA_UNIFIED_SANDBOX=1 (not 0 or false)."""
    return bool(args.sandbox) or os.environ.get(SANDBOX_ENV, "") not in ("", "0", "false")


def uses_sandbox(args: argparse.Namespace) -> bool:
    """Whether the sandbox was asked for; a key or host given with it would be ignored, so it
    is refused instead."""
    if not sandbox_asked(args):
        return False
    ignored = [
        flag
        for flag, value in (("--api-key", args.api_key), ("--base-url", args.base_url))
        if value
    ]
    if ignored:
        from ._exit import UsageError

        why = "--sandbox" if args.sandbox else f"{SANDBOX_ENV}={os.environ[SANDBOX_ENV]}"
        raise UsageError(
            f"{' and '.join(ignored)} would be ignored with {why}: the sandbox takes its own key"
            f" and host; drop {'them' if len(ignored) > 1 else 'it'}, or drop {why}"
        )
    return True


@contextmanager
def client_for(args: argparse.Namespace, vendor: str) -> Iterator[Client]:
    """The client a command uses: the vendor, or with --sandbox a running sandbox
    ($SORA_UNIFIED_SANDBOX_URL) or one started here on the per-user state file."""
    from .. import Client

    use_sandbox = uses_sandbox(args)
    if not use_sandbox:
        with Client(vendor, api_key=args.api_key, base_url=args.base_url) as client:
            yield client
        return
    from ..sandbox import Sandbox, client_options

    running = os.environ.get(SANDBOX_URL_ENV)
    if running:
        with Client(vendor, **client_options(running, vendor)) as client:
            yield client
        return
    config = sandbox_config(os.environ.get(SANDBOX_CONFIG_ENV))
    if config.state is None:
        config = replace(config, state=str(sandbox_state_file()))
    with (
        Sandbox(config) as sandbox,
        Client(vendor, **sandbox.client_options(vendor)) as client,
    ):
        yield client


def wait_with_progress(client: Client, task: Task | str, output: Output, timeout: float) -> Video:
    with output.progress(f"{task}") as bar:

        def show(video: Video) -> None:
            if bar is not None:
                bar.update(video.status, video.progress)
            output.event(
                "progress",
                {"task": str(task), "status": video.status, "progress": video.progress},
            )

        return client.wait(task, timeout=timeout, on_progress=show, raise_on_failure=True)


def download_with_progress(client: Client, video: Video, path: Path, output: Output) -> Path:
    with output.progress(f"download {path.name}") as bar:
        if bar is not None:
            bar.update("downloading", None)
        saved = client.download(video, path)
        if bar is not None:
            bar.update(f"saved {saved.stat().st_size} bytes", 100)
        return saved
