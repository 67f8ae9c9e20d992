"""The command line's arguments."""

from __future__ import annotations

import argparse
import math
import os
from typing import Any

from ._batch import add_batch
from ._commands import (
    cmd_character,
    cmd_credits,
    cmd_download,
    cmd_generate,
    cmd_remix,
    cmd_remove_watermark,
    cmd_sandbox,
    cmd_status,
    cmd_vendors,
    cmd_wait,
)
from ._exit import exit_code_help
from ._help import (
    OUTPUT_VARIABLES,
    SANDBOX_VARIABLES,
    VENDOR_VARIABLES,
    CommandParser,
    HelpFormatter,
    environment,
)
from ._serve import add_serve
from ._session import SANDBOX_CONFIG_ENV, SANDBOX_ENV, VENDOR_ENV, VENDORS
from ._temporal import add_worker

CALLBACK_HELP = "a URL the vendor calls when the task ends"


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
        chosen = os.environ.get(VENDOR_ENV) or None
        parser.add_argument(
            "--vendor",
            choices=VENDORS,
            required=chosen is None,
            default=chosen,
            help=f"the vendor to use (default: ${VENDOR_ENV}, else required)",
        )
    parser.add_argument("--api-key", help="the vendor's key (default: $<VENDOR>_API_KEY)")
    parser.add_argument(
        "--base-url", help="the vendor's API host (default: $<VENDOR>_BASE_URL, else its own)"
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help=f"run against a local sandbox, no key needed (or {SANDBOX_ENV}=1;"
        f" {SANDBOX_CONFIG_ENV} may name a JSON file of sandbox settings)",
    )
    _output_flags(parser, commands_emit_events=True)
    parser.epilog = environment(VENDOR_VARIABLES, SANDBOX_VARIABLES, OUTPUT_VARIABLES)


def _output_flags(parser: argparse.ArgumentParser, *, commands_emit_events: bool) -> None:
    what = (
        "JSON Lines: events as they happen (submitted, progress), then the result or the error"
        if commands_emit_events
        else "one JSON object (or, on an error, an error event)"
    )
    parser.add_argument("--json", action="store_true", help=f"print {what}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")


def _length_and_shape(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--seconds",
        type=int,
        help="the video's length (default: the model's; `sora-unified vendors` lists them)",
    )
    shape = parser.add_mutually_exclusive_group()
    shape.add_argument(
        "--orientation",
        choices=("portrait", "landscape"),
        help="default: the first frame's, else the model's (portrait for most)",
    )
    shape.add_argument("--size", choices=("1280x720", "720x1280"), help="--orientation in pixels")


def _watermark_flags(parser: argparse.ArgumentParser) -> None:
    flag = parser.add_mutually_exclusive_group()
    flag.add_argument(
        "--remove-watermark",
        dest="remove_watermark",
        action="store_const",
        const=True,
        help="ask for a watermark-free result",
    )
    flag.add_argument(
        "--keep-watermark",
        dest="remove_watermark",
        action="store_const",
        const=False,
        help="keep it (evolink sora-2 and sora-2-pro remove it by default, at a higher price)",
    )


def _dry_run(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="check the request and print the model and price it would be paid at; send nothing",
    )


def _video_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        help="where to save the MP4, in a folder that exists (default: out/<vendor>-<task>.mp4,"
        " out/ made if missing)",
    )
    parser.add_argument("--no-wait", action="store_true", help="print the task and exit")
    parser.add_argument(
        "--timeout", type=_positive_seconds, default=900.0, help="seconds to wait (default 900)"
    )


def _add_generate(commands: Any) -> None:

    generate = commands.add_parser("generate", help="submit, wait and download one video")
    generate.add_argument(
        "prompt", nargs="?", default="", help="what the video shows (empty for a storyboard)"
    )
    _common(generate, vendor=True)
    generate.add_argument("--model", help="override the model the request would choose")
    _length_and_shape(generate)
    generate.add_argument(
        "--quality",
        choices=("standard", "high"),
        help="high where the model sells it (default: the model's; see `sora-unified vendors`)",
    )
    generate.add_argument(
        "--image",
        help="first frame: a local PNG/JPEG/WebP file (uploaded to the vendor's file host, or"
        " sent inline, before the paid submit) or an image URL",
    )
    generate.add_argument(
        "--storyboard", help='JSON file: [{"scene": "...", "seconds": 5}, ...] (kie)'
    )
    generate.add_argument(
        "--character",
        action="append",
        metavar="ID",
        help="cast a character made by `sora-unified character` (repeatable; kie)",
    )
    _watermark_flags(generate)
    generate.add_argument("--callback-url", help=CALLBACK_HELP)
    _video_output(generate)
    _dry_run(generate)
    generate.set_defaults(handler=cmd_generate)


def _add_remix(commands: Any) -> None:
    remix = commands.add_parser("remix", help="a new video from an earlier task's (evolink)")
    remix.add_argument("task", help="vendor:id of the task to remix")
    remix.add_argument("prompt", help="what changes")
    _common(remix, vendor=False)
    remix.add_argument("--model", help="the remix model (default: the vendor's)")
    _length_and_shape(remix)
    _watermark_flags(remix)
    remix.add_argument("--callback-url", help=CALLBACK_HELP)
    _video_output(remix)
    _dry_run(remix)
    remix.set_defaults(handler=cmd_remix)


def _add_character(commands: Any) -> None:
    character = commands.add_parser(
        "character", help="make a character to cast in later videos (kie); prints its id"
    )
    source = character.add_mutually_exclusive_group(required=True)
    source.add_argument("--video-url", help="a 1-4 s clip of the character (mp4, webm, avi)")
    source.add_argument("--task", help="vendor:id of a video task to cut the character from")
    character.add_argument("--start", type=float, help="with --task: where the character starts")
    character.add_argument("--end", type=float, help="with --task: 1 to 4 s after --start")
    character.add_argument("--prompt", help="who the character is")
    character.add_argument("--name", help="with --task: the handle prompts mention as @name")
    character.add_argument(
        "--safety-instruction", help="kie's safety_instruction for the character (free text)"
    )
    character.add_argument("--callback-url", help=CALLBACK_HELP)
    character.add_argument("--model", help="the character model (default: the vendor's)")
    _common(character, vendor=False)
    character.add_argument("--vendor", choices=VENDORS, help="default: the one selling it")
    character.add_argument(
        "--timeout", type=_positive_seconds, default=900.0, help="seconds to wait (default 900)"
    )
    _dry_run(character)
    character.set_defaults(handler=cmd_character)


def _add_remove_watermark(commands: Any) -> None:
    unmark = commands.add_parser(
        "remove-watermark", help="a watermark-free copy of a published Sora video (kie)"
    )
    unmark.add_argument("video_url", help="the sora.chatgpt.com link")
    _common(unmark, vendor=False)
    unmark.add_argument("--vendor", choices=VENDORS, help="default: the one selling it")
    unmark.add_argument("--model", help="the watermark-removal model (default: the vendor's)")
    unmark.add_argument("--callback-url", help=CALLBACK_HELP)
    _video_output(unmark)
    _dry_run(unmark)
    unmark.set_defaults(handler=cmd_remove_watermark)


def _add_task_commands(commands: Any) -> None:
    for name, handler, about in (
        ("status", cmd_status, "show a task's status"),
        ("wait", cmd_wait, "wait for a task to finish"),
        ("download", cmd_download, "download a finished task's video"),
    ):
        command = commands.add_parser(name, help=about)
        command.add_argument("task", help="vendor:id, as printed by generate")
        _common(command, vendor=False)
        if name == "wait":
            command.add_argument(
                "--timeout",
                type=_positive_seconds,
                default=900.0,
                help="seconds to wait before giving up; the task keeps running (default 900)",
            )
            command.add_argument(
                "--out", help="then download the MP4 here, in a folder that exists (default: none)"
            )
        if name == "download":
            command.add_argument(
                "--out",
                help="where to save the MP4, in a folder that exists"
                " (default: out/<vendor>-<task>.mp4, out/ made if missing)",
            )
        command.set_defaults(handler=handler)


def _add_vendors(commands: Any) -> None:
    vendors = commands.add_parser("vendors", help="what each vendor and model offers")
    _output_flags(vendors, commands_emit_events=False)
    vendors.set_defaults(handler=cmd_vendors)


def _add_credits(commands: Any) -> None:
    credits = commands.add_parser("credits", help="remaining credits (kie, evolink)")
    _common(credits, vendor=True)
    credits.set_defaults(handler=cmd_credits)


def _add_sandbox(commands: Any) -> None:
    sandbox = commands.add_parser("sandbox", help="serve the local vendor sandbox")
    sandbox.epilog = environment(OUTPUT_VARIABLES)
    sandbox.add_argument("--port", type=_port, default=8800, help="0 picks a free one")
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
    _output_flags(sandbox, commands_emit_events=False)
    sandbox.set_defaults(handler=cmd_sandbox)


def build_parser() -> argparse.ArgumentParser:
    from .._version import __version__

    parser = argparse.ArgumentParser(
        prog="sora-unified",
        description="Generate Sora 2 videos through kie.ai, evolink.ai or modelverse.cn.",
        epilog=exit_code_help(),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sora-unified {__version__}")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=CommandParser
    )
    _add_generate(commands)
    _add_remix(commands)
    _add_character(commands)
    _add_remove_watermark(commands)
    _add_task_commands(commands)
    _add_vendors(commands)
    _add_credits(commands)
    _add_sandbox(commands)
    add_batch(commands, _common, _positive_seconds)
    add_worker(commands, _common)
    add_serve(commands, VENDORS, _port)
    return parser
