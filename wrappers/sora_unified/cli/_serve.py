"""`sora-unified serve`: the OpenAI Videos API gateway (see `sora_unified.gateway`)."""

from __future__ import annotations

import argparse
import os
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError
from ._help import SANDBOX_VARIABLES, VENDOR_VARIABLES, environment
from ._output import Output, request_logger, serve_until_interrupted
from ._session import SANDBOX_CONFIG_ENV, sandbox_asked, sandbox_config

LOOPBACK = ("127.0.0.1", "localhost", "::1")
WEBHOOK_SECRET_ENV = "SORA_UNIFIED_WEBHOOK_SECRET"  # noqa: S105 - a variable name


def cmd_serve(args: argparse.Namespace, output: Output) -> int:
    from ..gateway import (
        GATEWAY_KEYS_ENV,
        GATEWAY_KEYS_FILE_ENV,
        Gateway,
        clients_for,
        gateway_keys,
    )
    from ..vendors import VENDOR_NAMES, load_adapter

    keys, made_up = gateway_keys()
    if made_up and args.host not in LOOPBACK:
        raise ConfigurationError(
            f"--host {args.host} serves beyond this machine: set {GATEWAY_KEYS_ENV} (or"
            f" {GATEWAY_KEYS_FILE_ENV}) to the keys callers use, so no one else can spend"
            " the vendor key"
        )
    if args.max_body_mb <= 0:
        raise ConfigurationError(f"--max-body-mb must be above 0; got {args.max_body_mb:g}")
    db = Path(args.db)
    webhook = None
    if args.webhook_url:
        from ..gateway import WebhookTarget

        secret = os.environ.get(WEBHOOK_SECRET_ENV, "")
        if not secret:
            raise ConfigurationError(
                f"--webhook-url needs {WEBHOOK_SECRET_ENV}=whsec_<base64> (the signing secret)"
            )
        webhook = WebhookTarget(args.webhook_url, secret)
    with ExitStack() as stack:
        if sandbox_asked(args):
            from ..sandbox import Sandbox

            config = sandbox_config(os.environ.get(SANDBOX_CONFIG_ENV))
            if config.state is None:
                config = replace(config, state=str(db.with_name(db.name + ".sandbox.sqlite3")))
            sandbox = stack.enter_context(Sandbox(config))

            def options(vendor: str) -> dict[str, Any]:
                return {**sandbox.client_options(vendor)}

            served = VENDOR_NAMES
        else:

            def options(vendor: str) -> dict[str, Any]:
                return {}  # keys and URLs from <VENDOR>_API_KEY / <VENDOR>_BASE_URL

            # The vendors whose key is set (the default one must be: its absence is exit 3
            # naming the variable, not a gateway that refuses every create later).
            served = tuple(
                vendor
                for vendor in VENDOR_NAMES
                if vendor == args.vendor or os.environ.get(load_adapter(vendor).api_key_env)
            )
        clients = clients_for(options)
        clients(args.vendor)  # raises ConfigurationError without the vendor's key

        gateway = Gateway(
            vendor=args.vendor,
            keys=keys,
            db=db,
            clients=clients,
            poll_after_ms=args.poll_after_ms,
            webhook=webhook,
            vendors=served,
            max_body_bytes=int(args.max_body_mb * 1024 * 1024),
        )
        try:
            gateway.start(host=args.host, port=args.port, access_log=request_logger(output))
        except OSError as error:
            raise ConfigurationError(
                f"cannot serve on {args.host}:{args.port} ({error.strerror or error})"
            ) from None
        stack.callback(gateway.stop)
        names = ", ".join(key.name for key in keys)
        lines = [
            f"sora-unified gateway on {gateway.url}/v1 (vendor {args.vendor}; tenants {names})"
        ]
        if made_up:
            lines.append(f"key for this run (set {GATEWAY_KEYS_ENV} to choose): {keys[0].key}")
        if args.host not in LOOPBACK:
            lines.append(f"WARNING: listening on {args.host}, not loopback only")
        lines.append("Ctrl-C to stop.")
        data = {"url": f"{gateway.url}/v1", "vendor": args.vendor}
        if made_up:
            data["key"] = keys[0].key
        return serve_until_interrupted(output, data, "\n".join(lines))


def add_serve(commands: Any, vendors: tuple[str, ...], port_type: Any) -> None:
    serve = commands.add_parser(
        "serve",
        help="OpenAI's Videos API in front of a vendor",
        description="OpenAI's Videos API in front of a vendor, for a team: each key in"
        " SORA_UNIFIED_GATEWAY_KEYS (name:key,name:key) or SORA_UNIFIED_GATEWAY_KEYS_FILE is one"
        " tenant, who sees only its own videos. The vendor key comes from <VENDOR>_API_KEY.",
    )
    serve.epilog = environment(
        (
            ("SORA_UNIFIED_GATEWAY_KEYS", "the callers' keys, name:key,name:key (one tenant each)"),
            ("SORA_UNIFIED_GATEWAY_KEYS_FILE", "a file of them, name:key a line (# comments)"),
            (WEBHOOK_SECRET_ENV, "whsec_<base64>: signs the events sent to --webhook-url"),
        ),
        VENDOR_VARIABLES[:2],
        SANDBOX_VARIABLES[:2],
    )
    serve.add_argument("--vendor", choices=vendors, default="kie", help="for sora-2 / sora-2-pro")
    serve.add_argument("--port", type=port_type, default=8000, help="0 picks a free one")
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (default: 127.0.0.1, loopback only)",
    )
    serve.add_argument(
        "--db",
        default="sora-unified-gateway.sqlite3",
        help="the video store, a SQLite file (default: %(default)s, made in the current folder)",
    )
    serve.add_argument(
        "--sandbox",
        action="store_true",
        help="back it with the sandbox, no key (or SORA_UNIFIED_SANDBOX=1)",
    )
    serve.add_argument(
        "--poll-after-ms", type=int, default=2000, help="the openai-poll-after-ms hint"
    )
    serve.add_argument(
        "--webhook-url",
        help="send video.completed / video.failed events here, signed with"
        f" {WEBHOOK_SECRET_ENV} (Standard Webhooks, as OpenAI)",
    )
    serve.add_argument(
        "--max-body-mb",
        type=float,
        default=32.0,
        help="refuse larger request bodies with a 413 (default: 32)",
    )
    serve.add_argument("--json", action="store_true", help="print one JSON object once serving")
    serve.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    serve.set_defaults(handler=cmd_serve)
