"""`batch --engine temporal` and `worker --engine temporal`: jobs as Temporal workflows.

The batch command starts the batch's workflow (or attaches to it: one batch per --out folder),
runs a worker of its own unless --no-worker, and waits for the result. `worker` runs workers
only, on any number of machines; killing one loses no job and pays for none twice (the engine
reschedules its waits and downloads; a submit it held becomes uncertain, never sent again).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError
from ._exit import UsageError, batch_exit_code
from ._output import Output
from ._session import SANDBOX_URL_ENV, uses_sandbox

ADDRESS_ENV = "TEMPORAL_ADDRESS"
# The store engine's flags that mean nothing to Temporal (it resumes by itself, and a job
# refused before a task existed fails instead of moving to another vendor).
STORE_ONLY = (
    ("store", "--store"),
    ("fallback", "--fallback"),
    ("resubmit_uncertain", "--resubmit-uncertain"),
    ("rebuild_store", "--rebuild-store"),
    ("submits_at_once", "--submits-at-once"),
)


def _temporal() -> Any:
    try:
        import temporalio  # noqa: F401
    except ImportError:
        raise ConfigurationError(
            '--engine temporal needs the Temporal SDK: pip install "sora-unified[temporal]"'
        ) from None
    from .. import temporal

    return temporal


def _vendor_keys(args: argparse.Namespace, vendors: list[str]) -> dict[str, str]:
    """vendor -> its key on this machine (never printed or sent to Temporal: only its
    fingerprint names the vendor key's submit queue)."""
    if uses_sandbox(args):
        from ..sandbox import SANDBOX_KEY

        return dict.fromkeys(vendors, SANDBOX_KEY)
    from .._config import resolve_config

    keys: dict[str, str] = {}
    for vendor in vendors:
        own = vendor == getattr(args, "vendor", None)
        given = getattr(args, "api_key", None) if own else None
        config = resolve_config(vendor, api_key=given, base_url=None, timeout=None, max_retries=0)
        keys[vendor] = config.api_key
    return keys


def _client_source(args: argparse.Namespace) -> Callable[[str], Any]:
    """vendor -> AsyncClient on this machine: the vendor, or the sandbox that
    SORA_UNIFIED_SANDBOX_URL names (several workers must share one to share its tasks)."""
    from .. import AsyncClient

    made: dict[str, Any] = {}
    concurrency = {"max_concurrency": args.max_concurrency}
    if uses_sandbox(args):
        from ..sandbox import client_options

        running = os.environ.get(SANDBOX_URL_ENV)
        if not running:
            raise UsageError(
                f"--engine temporal --sandbox: the workers share one sandbox; start it"
                f" (sora-unified sandbox --port 8800) and set {SANDBOX_URL_ENV}"
                "=http://127.0.0.1:8800"
            )

        def options(vendor: str) -> Mapping[str, Any]:
            return {**client_options(running, vendor), **concurrency}
    else:

        def options(vendor: str) -> Mapping[str, Any]:
            own = vendor == getattr(args, "vendor", None)
            return {
                "api_key": getattr(args, "api_key", None) if own else None,
                "base_url": getattr(args, "base_url", None) if own else None,
                **concurrency,
            }

    def client(vendor: str) -> Any:
        if vendor not in made:
            made[vendor] = AsyncClient(vendor, **options(vendor))
        return made[vendor]

    return client


def _address(args: argparse.Namespace) -> str:
    return str(args.temporal_address or os.environ.get(ADDRESS_ENV) or "localhost:7233")


async def _connect(args: argparse.Namespace) -> Any:
    from temporalio.client import Client as TemporalClient

    address = _address(args)
    try:
        return await TemporalClient.connect(address, namespace=args.temporal_namespace)
    except Exception as error:  # the SDK raises its own RuntimeError on refusal
        source = (
            "--temporal-address" if args.temporal_address else f"${ADDRESS_ENV}, else the default"
        )
        raise ConfigurationError(
            f"cannot reach the Temporal server at {address} ({source}): {error}"
        ) from None


def _submit_rates(args: argparse.Namespace) -> dict[str, float]:
    rates: dict[str, float] = {}
    for item in args.submit_rate or ():
        vendor, _, number = item.partition("=")
        try:
            rate = float(number)
        except ValueError:
            rate = -1.0
        if not vendor or rate <= 0:
            raise UsageError(f"--submit-rate {item!r}: expected VENDOR=SUBMITS_PER_SECOND (> 0)")
        rates[vendor] = rate
    return rates


def _workers(
    args: argparse.Namespace,
    temporal_client: Any,
    vendors: list[str],
    stop: asyncio.Event,
    failures: list[BaseException],
) -> list[Any]:
    """This process's workers; one that fails for good stops the command (and says why)
    instead of leaving it waiting on work nobody takes."""
    temporal = _temporal()

    async def fatal(error: BaseException) -> None:
        failures.append(error)
        stop.set()

    return list(
        temporal.workers(
            temporal_client,
            _client_source(args),
            _vendor_keys(args, vendors),
            task_queue=args.task_queue,
            submit_rates=_submit_rates(args),
            max_concurrent_activities=args.max_concurrency * 5,
            on_fatal_error=fatal,
        )
    )


def _raise_fatal(failures: list[BaseException]) -> None:
    if failures:
        raise RuntimeError(f"a Temporal worker of this process stopped: {failures[0]}")


def run_batch(args: argparse.Namespace, items: list[Any], budgets: Any, output: Output) -> int:
    """`sora-unified batch ... --engine temporal`."""
    given = [flag for name, flag in STORE_ONLY if getattr(args, name, None)]
    if given:
        raise UsageError(
            f"{', '.join(given)}: not with --engine temporal (the engine resumes by itself; a"
            " refused job fails instead of moving to another vendor)"
        )
    temporal = _temporal()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    vendors = sorted({getattr(item, "vendor", None) or args.vendor for item in items} - {""})
    if isinstance(budgets, float):
        budgets = dict.fromkeys(vendors, budgets)
    batch = temporal.batch_input(
        items,
        out=out,
        default_vendor=args.vendor,
        keys=_vendor_keys(args, vendors),
        max_jobs=args.max_jobs,
        max_cost=budgets,
        jobs_at_once=args.job_slots,
        heartbeat_seconds=args.heartbeat,
        wait_timeout_seconds=args.timeout,
        task_queue=args.task_queue,
    )

    failures: list[BaseException] = []

    async def run() -> Any:
        async with _stop_signals() as stop:
            return await attached(stop)

    async def attached(stop: asyncio.Event) -> Any:
        temporal_client = await _connect(args)
        handle = await temporal.start_batch(temporal_client, batch, task_queue=args.task_queue)
        output.event(
            "started",
            {"workflow_id": handle.id, "jobs": len(batch.jobs)},
            f"batch workflow {handle.id}: {len(batch.jobs)} job(s) on {_address(args)}",
        )
        waiting = asyncio.ensure_future(handle.result())
        made = [] if args.no_worker else _workers(args, temporal_client, vendors, stop, failures)
        async with _Running(made):
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait((waiting, stopping), return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
        if not waiting.done():
            waiting.cancel()
            return None
        return waiting.result()

    result = asyncio.run(run())
    _raise_fatal(failures)
    if result is None:
        output.event(
            "detached",
            {"workflow_id": temporal.batch_id(out)},
            f"stopped waiting: the batch goes on in Temporal (workflow {temporal.batch_id(out)});"
            " the same command attaches to it again (nothing is submitted twice)",
        )
        return 130
    counts = dict(sorted(result.counts.items()))
    code, meaning = batch_exit_code(counts)
    text = (
        "batch finished: "
        + ", ".join(f"{count} {state}" for state, count in counts.items())
        + f"\nresults: {result.results_file}"
        + ("" if code == 0 else f"\nexit {code}: {meaning}")
    )
    output.result({"counts": counts, "results": result.results_file, "exit_code": code}, text)
    return code


@contextlib.asynccontextmanager
async def _stop_signals() -> AsyncIterator[asyncio.Event]:
    """An event set by Ctrl-C or SIGTERM, from the start: the workers are then shut down in
    the loop (a signal raised as KeyboardInterrupt would leave the SDK's threads behind)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stop.set)
    try:
        yield stop
    finally:
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(number)


class _Running:
    """Workers running for the duration of a `with` (stopped, their work handed back, after)."""

    def __init__(self, made: list[Any]) -> None:
        self.made = made

    async def __aenter__(self) -> None:
        for worker in self.made:
            await worker.__aenter__()

    async def __aexit__(self, *exc: object) -> None:
        for worker in reversed(self.made):
            await worker.__aexit__(None, None, None)


def cmd_worker(args: argparse.Namespace, output: Output) -> int:
    """`sora-unified worker --engine temporal`: run workers until Ctrl-C or SIGTERM."""
    if args.engine != "temporal":
        raise UsageError("worker: only --engine temporal has workers of its own")
    if args.api_key or args.base_url:
        raise UsageError(
            "worker: --api-key and --base-url name one vendor's; a worker serves several, so"
            " their keys come from the environment ($KIE_API_KEY, $EVOLINK_API_KEY,"
            " $MODELVERSE_API_KEY)"
        )
    _temporal()
    vendors = args.vendors.split(",") if args.vendors else None

    failures: list[BaseException] = []

    async def run() -> None:
        async with _stop_signals() as stop:
            temporal_client = await _connect(args)
            serving = vendors or _vendors_with_keys(args)
            made = _workers(args, temporal_client, serving, stop, failures)
            async with _Running(made):
                output.event(
                    "worker",
                    {"vendors": serving, "task_queue": args.task_queue},
                    f"worker on {_address(args)} ({args.task_queue}): submits for"
                    f" {', '.join(serving) or 'no vendor'}; Ctrl-C stops it",
                )
                await stop.wait()
        output.event("stopped", {}, "worker stopped; its unfinished steps go to other workers")

    asyncio.run(run())
    _raise_fatal(failures)
    return 0


def _vendors_with_keys(args: argparse.Namespace) -> list[str]:
    from ..vendors import VENDOR_NAMES, load_adapter

    if uses_sandbox(args):
        return list(VENDOR_NAMES)
    return [v for v in VENDOR_NAMES if os.environ.get(load_adapter(v).api_key_env, "").strip()]


def add_engine_flags(parser: argparse.ArgumentParser, *, batch: bool = True) -> None:
    parser.add_argument(
        "--engine",
        choices=("store", "temporal"),
        default="store",
        help="store: the job store coordinates (SQLite, or PostgreSQL for a few machines);"
        " temporal: every job a Temporal workflow, for many machines",
    )
    parser.add_argument(
        "--temporal-address",
        help="the Temporal server, HOST:PORT (default: $TEMPORAL_ADDRESS, else localhost:7233)",
    )
    parser.add_argument("--temporal-namespace", default="default", help="the Temporal namespace")
    parser.add_argument(
        "--task-queue",
        default="sora-unified",
        help="the general task queue (each vendor key's submits get their own beside it)",
    )
    parser.add_argument(
        "--submit-rate",
        action="append",
        metavar="VENDOR=PER_SECOND",
        help="submits per second per vendor key across every worker (default: the vendor's"
        " documented window, the server's burst allowed for; kie 1.6)",
    )
    if batch:
        parser.add_argument(
            "--heartbeat",
            type=float,
            default=20.0,
            help="seconds a silent worker keeps a step: then a wait or download moves to another"
            " worker, and a submit it held is uncertain",
        )


def add_worker(commands: Any, common: Any) -> None:
    worker = commands.add_parser(
        "worker", help="run Temporal workers for batches (--engine temporal), on any machine"
    )
    common(worker, vendor=False)
    add_engine_flags(worker, batch=False)
    worker.add_argument(
        "--vendors",
        help="comma-separated vendors whose submits this worker makes (default: those with a"
        " key in the environment; every vendor with --sandbox)",
    )
    worker.add_argument(
        "--max-concurrency", type=int, default=20, help="requests in flight per vendor"
    )
    worker.set_defaults(handler=cmd_worker)
