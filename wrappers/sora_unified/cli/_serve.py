"""`sora-unified serve`: the OpenAI Videos API gateway (see `sora_unified.gateway`)."""

from __future__ import annotations

import argparse
import os
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError
from ._output import Output, serve_until_interrupted
from ._session import SANDBOX_CONFIG_ENV, sandbox_config

LOOPBACK = ("127.0.0.1", "localhost", "::1")
WEBHOOK_SECRET_ENV = "SORA_UNIFIED_WEBHOOK_SECRET"  # noqa: S105 - a variable name


def cmd_serve(args: argparse.Namespace, output: Output) -> int:
    from ..gateway import Gateway, clients_for, gateway_keys

    keys, made_up = gateway_keys()
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
        if args.sandbox:
            from ..sandbox import Sandbox, client_options

            config = sandbox_config(os.environ.get(SANDBOX_CONFIG_ENV))
            if config.state is None:
                config = replace(config, state=str(db.with_name(db.name + ".sandbox.sqlite3")))
            sandbox = stack.enter_context(Sandbox(config))
            root = sandbox.url or ""

            def options(vendor: str) -> dict[str, Any]:
                return {**client_options(root, vendor)}

        else:

            def options(vendor: str) -> dict[str, Any]:
                return {}  # keys and URLs from <VENDOR>_API_KEY / <VENDOR>_BASE_URL

        gateway = Gateway(
            vendor=args.vendor,
            keys=keys,
            db=db,
            clients=clients_for(options),
            poll_after_ms=args.poll_after_ms,
            webhook=webhook,
        )
        try:
            gateway.start(host=args.host, port=args.port)
        except OSError as error:
            raise ConfigurationError(
                f"cannot serve on {args.host}:{args.port} ({error.strerror or error})"
            ) from None
        stack.callback(gateway.stop)
        lines = [f"sora-unified gateway on {gateway.url}/v1 (vendor {args.vendor})"]
        if made_up:
            lines.append(f"key for this run (set SORA_UNIFIED_GATEWAY_KEYS to choose): {keys[0]}")
        if args.host not in LOOPBACK:
            lines.append(f"WARNING: listening on {args.host}, not loopback only")
        lines.append("Ctrl-C to stop.")
        data = {"url": f"{gateway.url}/v1", "vendor": args.vendor}
        if made_up:
            data["key"] = keys[0]
        return serve_until_interrupted(output, data, "\n".join(lines))


def add_serve(commands: Any, vendors: tuple[str, ...], port_type: Any) -> None:
    serve = commands.add_parser("serve", help="OpenAI's Videos API in front of a vendor")
    serve.add_argument("--vendor", choices=vendors, default="kie", help="for sora-2 / sora-2-pro")
    serve.add_argument("--port", type=port_type, default=8000)
    serve.add_argument("--host", default="127.0.0.1", help="default: loopback only")
    serve.add_argument("--db", default="sora-unified-gateway.sqlite3", help="the video store")
    serve.add_argument("--sandbox", action="store_true", help="back it with the sandbox, no key")
    serve.add_argument(
        "--poll-after-ms", type=int, default=2000, help="the openai-poll-after-ms hint"
    )
    serve.add_argument(
        "--webhook-url",
        help="send video.completed / video.failed events here, signed with"
        f" {WEBHOOK_SECRET_ENV} (Standard Webhooks, as OpenAI)",
    )
    serve.add_argument("--json", action="store_true")
    serve.add_argument("--debug", action="store_true")
    serve.set_defaults(handler=cmd_serve)
