"""The commands. Imports stay inside them so `--help` starts fast."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError
from ._exit import UsageError
from ._hints import TaskNotFinished, default_video_path
from ._output import Output, estimate_dict, request_logger, serve_until_interrupted, video_dict
from ._session import (
    VENDORS,
    client_for,
    download_with_progress,
    sandbox_config,
    wait_with_progress,
)
from ._stopping import SubmitGuard
from ._style import terminal_width

if TYPE_CHECKING:
    from .._client import BeforeSend, Client
    from .._prices import Estimate
    from ..types import AnyRequest, Task


def _shots(path: str) -> tuple[Any, ...]:
    """The storyboard file's shots. A file that cannot be read as a list of
    {"scene", "seconds"} objects is a usage error; values Shot refuses are refused requests."""
    from ..types import Shot

    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(f"--storyboard {path}: cannot read it ({error.strerror})") from None
    except (ValueError, RecursionError) as error:
        raise UsageError(f"--storyboard {path}: not JSON ({error})") from None
    shot = '{"scene": "...", "seconds": 5}'
    if not isinstance(raw, list) or not raw:
        got = "an empty list" if raw == [] else f"a JSON {_json_kind(raw)}"
        raise UsageError(
            f"--storyboard {path}: expected a JSON list of shots like {shot}; got {got}"
        )
    shots = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or set(item) != {"scene", "seconds"}:
            got = (
                f"the keys {', '.join(sorted(map(str, item))) or 'none'}"
                if isinstance(item, dict)
                else f"a JSON {_json_kind(item)}"
            )
            raise UsageError(
                f"--storyboard {path}: shot {index + 1} must be an object like {shot}; got {got}"
            )
        shots.append(Shot(scene=item["scene"], seconds=item["seconds"]))
    return tuple(shots)


def _json_kind(value: object) -> str:
    """What a JSON value is, in JSON's words."""
    if isinstance(value, bool):
        return "boolean"
    names = {dict: "object", list: "list", str: "string", int: "number", float: "number"}
    return next((n for kind, n in names.items() if isinstance(value, kind)), "null")


def _request_from(args: argparse.Namespace) -> Any:
    from ..types import VideoRequest

    shots = _shots(args.storyboard) if args.storyboard else None
    return VideoRequest(
        prompt=args.prompt or "",
        image=args.image,
        seconds=args.seconds,
        orientation=args.orientation,
        size=args.size,
        quality=args.quality,
        remove_watermark=args.remove_watermark,
        shots=shots,
        callback_url=args.callback_url,
        model=args.model,
        characters=tuple(args.character) if args.character else None,
    )


def _vendor_selling(kind: str, given: str | None) -> str:
    """The vendor a command for a kind of model uses: the one given, or the only one selling
    that kind (a usage error when several do)."""
    from .._capabilities import capabilities

    if given:
        return given
    sellers = sorted({m.vendor for m in capabilities() if m.kind == kind and m.described})
    if len(sellers) != 1:
        raise UsageError(f"--vendor is required: {', '.join(sellers) or 'no vendor'} sell this")
    return sellers[0]


def _priced(output: Output, vendor: str, request: AnyRequest, *, dry_run: bool) -> int | None:
    """The request's model and price, and where they differ from what was asked, printed
    before anything is paid (checked as submit checks it). A dry run ends here (0)."""
    from .. import estimate

    priced = estimate(vendor, request)
    if not dry_run:
        # To people, on stderr; --json keeps its first line for the task (`submitted`).
        if not output.as_json:
            output.event("estimate", estimate_dict(priced), _estimate_text(priced))
    else:
        output.result(
            {"dry_run": True, **estimate_dict(priced)},
            _estimate_text(priced) + "\ndry run: nothing was sent",
        )
        return 0
    return None


def _estimate_text(priced: Estimate) -> str:
    return "\n".join([f"{priced.vendor} {priced.shape}: {priced.price_text}"] + [
        f"  note: {notice}" for notice in priced.notices
    ])  # fmt: skip


def _announce_upload(output: Output, vendor: str, request: Any) -> None:
    """Say that a local first frame goes to the vendor's file host first (free, before the
    paid submit), so the pause before `submitted` is explained."""
    from ..vendors import load_adapter

    image = request.image
    if image is None or load_adapter(vendor).image_transport != "upload":
        return
    name = image.name if isinstance(image, Path) else "the image"
    size = image.stat().st_size if isinstance(image, Path) else len(image)
    output.event(
        "uploading",
        {"vendor": vendor, "file": str(image) if isinstance(image, Path) else None, "bytes": size},
        f"uploading {name} ({size:,} bytes) to {vendor}'s file host (free), then the submit",
    )


def cmd_generate(args: argparse.Namespace, output: Output) -> int:
    request = _request_from(args)
    ended = _priced(output, args.vendor, request, dry_run=args.dry_run)
    if ended is not None:
        return ended
    _announce_upload(output, args.vendor, request)
    return _paid_video(
        args, output, args.vendor, lambda client, hook: client.submit(request, before_send=hook)
    )


def cmd_remix(args: argparse.Namespace, output: Output) -> int:
    from .._client import remix_request
    from ..types import Task

    source = Task.parse(args.task)
    options: dict[str, Any] = {
        "seconds": args.seconds,
        "orientation": args.orientation,
        "size": args.size,
        "remove_watermark": args.remove_watermark,
        "callback_url": args.callback_url,
        "model": args.model,
    }
    planned = remix_request(source.vendor, source, args.prompt, dict(options))
    ended = _priced(output, source.vendor, planned, dry_run=args.dry_run)
    if ended is not None:
        return ended

    def submit(client: Client, hook: BeforeSend) -> Task:
        return client.remix(source, args.prompt, **options, before_send=hook)

    return _paid_video(args, output, source.vendor, submit)


def cmd_remove_watermark(args: argparse.Namespace, output: Output) -> int:
    from ..types import WatermarkRemovalRequest

    request = WatermarkRemovalRequest(
        video_url=args.video_url, callback_url=args.callback_url, model=args.model
    )
    vendor = _vendor_selling("watermark_removal", args.vendor)
    ended = _priced(output, vendor, request, dry_run=args.dry_run)
    if ended is not None:
        return ended
    return _paid_video(
        args, output, vendor, lambda client, hook: client.submit(request, before_send=hook)
    )


def checked_out(out: str | None) -> Path | None:
    """--out as a Path, refused when its folder is missing: only the default out/ folder is
    made for the user (a typo in a path should not become a new folder tree)."""
    if out is None:
        return None
    from .._download import check_output_path

    path = Path(out)
    if not path.parent.exists():
        raise UsageError(
            f"--out {out}: the folder {str(path.parent)!r} does not exist; create it first"
            " (only the default out/ folder is made for you)"
        )
    return check_output_path(path, "--out")


def _paid_video(
    args: argparse.Namespace,
    output: Output,
    vendor: str,
    submit: Callable[[Client, BeforeSend], Task],
) -> int:
    """Submit one paid video task, then (unless --no-wait) wait for it and download it."""
    from .._download import check_output_path

    # Checked before anything is paid for (the default name needs the task id: its folder).
    if not args.no_wait and checked_out(args.out) is None:
        check_output_path(Path("out") / "video.mp4", "--out")
    with client_for(args, vendor) as client:
        started = time.monotonic()
        with SubmitGuard(output) as guard:
            task = submit(client, guard.before_send)
        try:  # from here on, whatever stops the command names the paid task
            output.event(
                "submitted",
                {"task": str(task), "vendor": task.vendor, "model": task.model},
                f"submitted {task}",
            )
            guard.stop_if_asked()
            if args.no_wait:
                output.result({"task": str(task), "status": "queued"}, str(task))
                return 0
            video = wait_with_progress(client, task, output, args.timeout)
            path = Path(args.out) if args.out else default_video_path(task)
            saved = download_with_progress(client, video, path, output)
        except BaseException as error:  # Ctrl-C and SIGTERM included: the task must be named
            if not getattr(error, "task", None):
                error.task = task  # type: ignore[attr-defined]
            raise
        data = video_dict(video) | {
            "file": str(saved),
            "bytes": saved.stat().st_size,
            "wall_seconds": round(time.monotonic() - started, 2),
        }
        if output.as_json:
            output.event("completed", data)
        else:
            output.result(data, str(saved))
    return 0


def cmd_character(args: argparse.Namespace, output: Output) -> int:
    from ..errors import SoraError
    from ..types import CharacterRequest, Task

    source = Task.parse(args.task) if args.task else None
    if source is not None and args.vendor and args.vendor != source.vendor:
        raise UsageError(f"--vendor {args.vendor} but the task {source} is {source.vendor}'s")
    vendor = source.vendor if source else _vendor_selling("character", args.vendor)
    request = CharacterRequest(
        video_url=args.video_url,
        task=source.id if source else None,
        start=args.start,
        end=args.end,
        prompt=args.prompt or "",
        name=args.name,
        safety_instruction=args.safety_instruction,
        callback_url=args.callback_url,
        model=args.model,
    )
    ended = _priced(output, vendor, request, dry_run=args.dry_run)
    if ended is not None:
        return ended
    with client_for(args, vendor) as client:
        with SubmitGuard(output) as guard:
            task = client.submit(request, before_send=guard.before_send)
        try:  # from here on, whatever stops the command names the paid task
            output.event(
                "submitted",
                {"task": str(task), "vendor": task.vendor, "model": task.model},
                f"submitted {task}",
            )
            guard.stop_if_asked()
            video = wait_with_progress(client, task, output, args.timeout)
            character = video.character
            if character is None:
                raise SoraError(f"{task} finished without a character id in its result")
        except BaseException as error:
            if not getattr(error, "task", None):
                error.task = task  # type: ignore[attr-defined]
            raise
    data = {"task": str(task), "character": character.id, "username": character.username}
    text = character.id + (f" @{character.username}" if character.username else "")
    if output.as_json:
        output.event("completed", data)
    else:
        output.result(data, text)
    return 0


def cmd_status(args: argparse.Namespace, output: Output) -> int:
    from ..types import Task

    task = Task.parse(args.task)
    with client_for(args, task.vendor) as client:
        video = client.retrieve(task)
    output.result(
        video_dict(video), f"{task} {video.status} {video.progress}% {video.url or ''}".rstrip()
    )
    return 0


def cmd_wait(args: argparse.Namespace, output: Output) -> int:
    from ..types import Task

    task = Task.parse(args.task)
    checked_out(args.out)
    with client_for(args, task.vendor) as client:
        try:
            video = wait_with_progress(client, task, output, args.timeout)
            saved = None
            if args.out:
                saved = download_with_progress(client, video, Path(args.out), output)
        except BaseException as error:
            if not getattr(error, "task", None):
                error.task = task  # type: ignore[attr-defined]
            raise
    data = video_dict(video)
    text = f"{task} {video.status} {video.url or ''}".rstrip()
    if video.character is not None:
        data["character"] = video.character.id
        text += f" character {video.character.id}"
    if saved is not None:
        data |= {"file": str(saved), "bytes": saved.stat().st_size}
        text = str(saved)
    if output.as_json:
        output.event("completed", data)
    else:
        output.result(data, text)
    return 0


def cmd_download(args: argparse.Namespace, output: Output) -> int:
    from ..types import Task

    task = Task.parse(args.task)
    target = checked_out(args.out) or default_video_path(task)
    with client_for(args, task.vendor) as client:
        video = client.retrieve(task)
        if video.status != "completed":
            raise TaskNotFinished(task, video.status)
        saved = download_with_progress(client, video, target, output)
    output.result(
        {"task": str(task), "file": str(saved), "bytes": saved.stat().st_size}, str(saved)
    )
    return 0


def cmd_vendors(args: argparse.Namespace, output: Output) -> int:
    from .._capabilities import capabilities

    table = capabilities()
    rows = [
        {
            "vendor": m.vendor,
            "model": m.model,
            "kind": m.kind,
            "described": m.described,
            "seconds": list(m.seconds),
            "sizes": list(m.sizes) if m.kind in ("video", "remix") else [],
            "qualities": list(m.qualities) if m.kind in ("video", "remix") else [],
            "features": list(m.features),
            "limits": list(m.limits),
            "max_prompt_chars": m.max_prompt_chars,
        }
        for m in table
    ]
    from .._prices import prices

    price_rows = [
        {
            "vendor": row.vendor,
            "model": row.model,
            "seconds": row.seconds,
            "quality": row.quality,
            "remove_watermark": row.remove_watermark,
            "amount": row.amount,
            "unit": row.unit,
            "per": row.per,
            "usd": row.for_video(1)[1],
            "source": row.source,
            "note": row.note or None,
        }
        for row in prices()
    ]
    width = terminal_width()
    text = (
        f"{table.table(width)}\n\nWhat it costs (the price table; unknown: no source publishes"
        f" it)\n{prices().table(width)}"
    )
    output.result({"models": rows, "prices": price_rows}, text)
    return 0


def cmd_credits(args: argparse.Namespace, output: Output) -> int:
    with client_for(args, args.vendor) as client:
        remaining = client.credits()
    output.result({"vendor": args.vendor, "credits": remaining}, f"{remaining:g}")
    return 0


def cmd_sandbox(args: argparse.Namespace, output: Output) -> int:
    from ..sandbox import SANDBOX_KEY, Sandbox

    config = sandbox_config(args.config)
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
        sandbox = Sandbox(config).start(port=args.port, access_log=request_logger(output))
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
        data = {"url": sandbox.url, "key": SANDBOX_KEY, "vendors": vendors}
        return serve_until_interrupted(output, data, text)
