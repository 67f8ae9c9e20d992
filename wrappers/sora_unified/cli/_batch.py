"""`sora-unified batch`: many jobs from a JSON Lines or CSV file, durably."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError, SoraError
from ._exit import UsageError
from ._output import Output
from ._session import SANDBOX_CONFIG_ENV, SANDBOX_ENV, SANDBOX_URL_ENV, sandbox_config
from ._stopping import GracefulStop, interruption

if TYPE_CHECKING:
    from .._client import AsyncClient
    from ..batch import BatchSummary, InvalidLine, Job, JobStore

STORE_FILE = "batch.sqlite3"
SANDBOX_STATE_FILE = "sandbox.sqlite3"
PROGRESS_SECONDS = 0.5


def _read(path: str) -> list[Job | InvalidLine]:
    from ..batch import read_jobs

    try:
        return list(read_jobs(path))
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise UsageError(f"{path} is not UTF-8 text: {error}") from None


def _fallback(text: str | None, vendor: str) -> tuple[str, ...]:
    from ..vendors import VENDOR_NAMES

    names = tuple(name.strip() for name in (text or "").split(",") if name.strip())
    for name in names:
        if name not in VENDOR_NAMES:
            raise UsageError(
                f"--fallback: {name!r} is not a vendor; expected some of {', '.join(VENDOR_NAMES)}"
            )
    return tuple(name for name in names if name != vendor)


def _report_invalid(items: list[Job | InvalidLine], output: Output) -> int:
    from ..batch import InvalidLine

    invalid = [item for item in items if isinstance(item, InvalidLine)]
    for item in invalid:
        output.event(
            "invalid",
            {"line": item.line, "custom_id": item.custom_id, "error": item.error},
            f"line {item.line}: skipped: {item.error}",
        )
    return len(invalid)


def _dry_run(args: argparse.Namespace, items: list[Job | InvalidLine], output: Output) -> int:
    """Every line checked locally as submit would check it; the plan printed; no request."""
    from .. import validate_request
    from ..batch import Job

    refused = _report_invalid(items, output)
    planned: Counter[tuple[str, str]] = Counter()
    for item in items:
        if not isinstance(item, Job):
            continue
        vendor = item.vendor or args.vendor
        try:
            model = validate_request(vendor, item.request())
        except SoraError as error:
            refused += 1
            output.event(
                "invalid",
                {"line": item.line, "custom_id": item.custom_id, "error": str(error)},
                f"line {item.line} ({item.custom_id}): refused: {error}",
            )
            continue
        planned[(vendor, model)] += 1
        output.event(
            "planned",
            {"line": item.line, "custom_id": item.custom_id, "vendor": vendor, "model": model},
        )
    total = sum(planned.values())
    text = "\n".join(
        [f"dry run: {total} job(s) would be submitted, {refused} line(s) refused; no request made"]
        + [f"  {count:>5} x {vendor} {model}" for (vendor, model), count in sorted(planned.items())]
    )
    output.result({"planned": total, "refused": refused, "dry_run": True}, text)
    return 0 if refused == 0 else 4


def _store(args: argparse.Namespace, out: Path) -> JobStore:
    from ..batch import open_store

    return open_store(args.store or out / STORE_FILE)


def _store_named(args: argparse.Namespace, out: Path) -> str:
    """The job store as messages name it: a database URL may carry a password, so it is not
    repeated."""
    if args.store and "://" in args.store:
        return "the --store database"
    return str(args.store or out / STORE_FILE)


@contextmanager
def _client_options(args: argparse.Namespace, out: Path) -> Iterator[Any]:
    """A function vendor -> AsyncClient keyword arguments: the vendor (keys from the
    environment; --api-key/--base-url for --vendor), or the sandbox, whose tasks live next to
    the output so a resumed run finds them."""
    use_sandbox = args.sandbox or os.environ.get(SANDBOX_ENV, "") not in ("", "0", "false")
    concurrency = {"max_concurrency": args.max_concurrency}
    if not use_sandbox:

        def real(vendor: str) -> dict[str, Any]:
            own = vendor == args.vendor
            return {
                "api_key": args.api_key if own else None,
                "base_url": args.base_url if own else None,
                **concurrency,
            }

        yield real
        return
    from ..sandbox import Sandbox, client_options

    running = os.environ.get(SANDBOX_URL_ENV)
    with ExitStack() as stack:
        if running:
            root = running
        else:
            config = sandbox_config(os.environ.get(SANDBOX_CONFIG_ENV))
            if config.state is None:
                config = replace(config, state=str(out / SANDBOX_STATE_FILE))
            sandbox = stack.enter_context(Sandbox(config))
            assert sandbox.url is not None
            root = sandbox.url
        yield lambda vendor: {**client_options(root, vendor), **concurrency}


class _Progress:
    """Per-status counts, rate and ETA on one line (stderr), or JSON events on stdout."""

    def __init__(
        self,
        output: Output,
        total: int,
        counts: Counter[str],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.output = output
        self.total = total
        self.counts = counts
        self.clock = clock
        self.started = clock()
        self.done_at_start = counts["completed"] + counts["failed"]
        self.live = sys.stderr.isatty()
        self.shown = ""

    def event(self, name: str, data: dict[str, Any]) -> None:
        if name == "invalid":
            self.total -= 1
        if name == "skipped_pending":  # the budget is spent: every queued job at once
            self.counts["pending"] -= data["count"]
            self.counts["skipped"] += data["count"]
            self.output.event(
                name, data, f"skipped: {data['count']} queued job(s) ({data['reason']})"
            )
            return
        moves = {
            "submitted": ("pending", "running"),
            "completed": ("running", "completed"),
            "failed": ("running", "failed"),
            "uncertain": ("pending", "uncertain"),
            "skipped": ("pending", "skipped"),
            "invalid": ("pending", "invalid"),
        }
        if name in moves:
            source, target = moves[name]
            if name == "failed" and "task" not in data:
                source = "pending"  # refused before a task existed
            self.counts[source] -= 1
            self.counts[target] += 1
        text = None
        if name in ("invalid", "uncertain", "failed", "fallback"):
            detail = data.get("error", "")
            text = f"{name}: {data['custom_id']} ({data.get('vendor')}): {detail}"
        self.output.event(name, data, text if not self.live else None)

    def line(self) -> str:
        finished = self.counts["completed"] + self.counts["failed"]
        elapsed = max(self.clock() - self.started, 1e-6)
        rate = (finished - self.done_at_start) / elapsed
        left = self.total - finished - self.counts["uncertain"] - self.counts["skipped"]
        eta = f"ETA {left / rate:.0f}s" if rate > 0 and left > 0 else ""
        shown = ", ".join(
            f"{self.counts[name]} {name}"
            for name in ("completed", "running", "pending", "failed", "uncertain", "skipped")
            if self.counts[name]
        )
        return f"batch {finished}/{self.total}: {shown} | {rate:.1f} jobs/s {eta}".rstrip()

    def render(self) -> None:
        """The line in place on a terminal; elsewhere a new line each time it changes."""
        text = self.line()
        if self.live:
            sys.stderr.write("\r\x1b[2K" + text)
        elif text != self.shown:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()
        self.shown = text

    async def show(self) -> None:
        if self.output.as_json:
            return
        while True:
            await asyncio.sleep(PROGRESS_SECONDS)
            self.render()

    def finish(self) -> None:
        """The last line says where the run ended, however close together its last jobs did."""
        if self.output.as_json:
            return
        self.render()
        if self.live:
            sys.stderr.write("\n")


async def _run(
    args: argparse.Namespace, store: JobStore, options: Any, client_kwargs: Any, output: Output
) -> BatchSummary:
    from .. import AsyncClient
    from ..batch import run_batch_async

    made: dict[str, AsyncClient] = {}

    def client(vendor: str) -> AsyncClient:
        if vendor not in made:
            made[vendor] = AsyncClient(vendor, **client_kwargs(vendor))
        return made[vendor]

    records = store.records()
    # As this run will see them: a resume waits on submitted jobs and retries skipped ones.
    shown_as = {"submitted": "running", "submitting": "running", "skipped": "pending"}
    counts: Counter[str] = Counter(shown_as.get(r.state, r.state) for r in records)
    total = len(records) - counts["invalid"]
    progress = _Progress(output, total, counts)
    showing = asyncio.create_task(progress.show())
    stop = GracefulStop(output)
    running = asyncio.current_task()
    assert running is not None
    stop.install(running)
    try:
        return await run_batch_async(store, client, options, on_event=progress.event)
    except asyncio.CancelledError:
        if len(stop.received) != 1:  # not ours, or a second signal already interrupted the run
            raise
        raise interruption(stop.received[0]) from None
    finally:
        stop.remove()
        showing.cancel()
        for made_client in made.values():
            await made_client.close()
        progress.finish()


def cmd_batch(args: argparse.Namespace, output: Output) -> int:
    from ..batch import BatchOptions

    out = Path(args.out)
    items = _read(args.jobs)
    if args.dry_run:
        return _dry_run(args, items, output)
    fallback = _fallback(args.fallback, args.vendor)
    store = _store(args, out)
    try:
        existing = store.records()
        if existing and not args.resume:
            raise UsageError(
                f"{_store_named(args, out)} already holds a batch ({len(existing)} jobs):"
                " add --resume to continue it (submitted jobs are never resubmitted), or choose"
                " another --out"
            )
        _report_invalid(items, output)
        store.add(items, default_vendor=args.vendor)
        options = BatchOptions(
            out=out,
            fallback=fallback,
            max_jobs=args.max_jobs,
            max_cost=args.max_cost,
            resubmit_uncertain=args.resubmit_uncertain,
            job_slots=args.job_slots,
            wait_timeout=args.timeout,
        )
        if args.max_cost is not None:
            _check_credits_endpoints({args.vendor, *fallback})
        try:
            with _client_options(args, out) as client_kwargs:
                summary = asyncio.run(_run(args, store, options, client_kwargs, output))
        except KeyboardInterrupt as stopped:  # Ctrl-C or SIGTERM
            stopped.resume_hint = (  # type: ignore[attr-defined]
                f"the batch is kept in {_store_named(args, out)}: run the same command"
                " with --resume to continue it (submitted jobs are waited on, never resubmitted)"
            )
            raise
        uncertain = [r for r in store.records() if r.state == "uncertain"]
    finally:
        store.close()
    for record in uncertain:
        output.event(
            "uncertain_job",
            {"custom_id": record.custom_id, "line": record.line, "vendor": record.vendor},
            f"uncertain: {record.custom_id} (line {record.line}, {record.vendor}): its submit"
            " may have created a task; check the vendor, then --resume --resubmit-uncertain"
            " only if it did not",
        )
    counts = dict(sorted(summary.counts.items()))
    text = (
        f"batch finished in {summary.seconds:.1f}s: "
        + ", ".join(f"{count} {state}" for state, count in counts.items())
        + f"\nresults: {summary.results}"
    )
    output.result({"counts": counts, "results": str(summary.results)}, text)
    unfinished = set(counts) - {"completed", "invalid", "elsewhere"}
    return 0 if not unfinished else 1


def _check_credits_endpoints(vendors: set[str]) -> None:
    from ..vendors import load_adapter

    for vendor in sorted(vendors):
        try:
            load_adapter(vendor).credits_call()
        except (NotImplementedError, SoraError):
            raise ConfigurationError(
                f"--max-cost needs the vendor's credits endpoint and {vendor} has none;"
                " use --max-jobs to bound the batch instead"
            ) from None


def add_batch(commands: Any, common: Any, positive_seconds: Any) -> None:
    batch = commands.add_parser(
        "batch", help="many videos from a JSON Lines or CSV file, resumable"
    )
    batch.add_argument(
        "jobs",
        help='.jsonl ({"custom_id", "body": {VideoRequest fields}, "vendor"?} per line) or .csv',
    )
    common(batch, vendor=True)
    batch.add_argument("--out", required=True, help="folder for the videos and results.jsonl")
    batch.add_argument("--resume", action="store_true", help="continue the batch in --out")
    batch.add_argument(
        "--store", help=f"job store: a SQLite file (default OUT/{STORE_FILE}) or postgresql:// URL"
    )
    batch.add_argument("--dry-run", action="store_true", help="check every line, send nothing")
    batch.add_argument("--max-jobs", type=_count, help="stop submitting after this many")
    batch.add_argument(
        "--max-cost", type=positive_seconds, help="stop submitting once this many credits are spent"
    )
    batch.add_argument(
        "--fallback", help="vendors to try, in order, for a job refused before a task existed"
    )
    batch.add_argument(
        "--resubmit-uncertain",
        action="store_true",
        help="with --resume: submit uncertain jobs again (may pay twice: check the vendor first)",
    )
    batch.add_argument("--job-slots", type=_count, default=256, help="jobs worked on at once")
    batch.add_argument(
        "--max-concurrency", type=_count, default=20, help="requests in flight per vendor"
    )
    batch.add_argument(
        "--timeout", type=positive_seconds, default=3600.0, help="longest wait for one task"
    )
    batch.set_defaults(handler=cmd_batch)


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"a whole number >= 1; got {text!r}")
    return int(text)
