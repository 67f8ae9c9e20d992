"""`sora-unified batch`: many jobs from a JSON Lines or CSV file, durably."""

from __future__ import annotations

import argparse
import asyncio
import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SoraError
from ._batch_plan import (
    budget_item,
    budgets_for,
    dry_run,
    fallback_vendors,
    read_lines,
    report_invalid,
)
from ._batch_progress import BatchProgress
from ._exit import BatchStoreError, UsageError, batch_exit_code
from ._output import Output
from ._session import SANDBOX_CONFIG_ENV, SANDBOX_URL_ENV, sandbox_config, uses_sandbox
from ._stopping import GracefulStop, interruption
from ._temporal import add_engine_flags

if TYPE_CHECKING:
    from .._client import AsyncClient
    from ..batch import BatchSummary, JobRecord, JobStore

STORE_FILE = "batch.sqlite3"
SANDBOX_STATE_FILE = "sandbox.sqlite3"


RESULTS_FILE = "results.jsonl"


def _folder_holds_a_batch(out: Path) -> bool:
    """Results or videos of an earlier run: starting over here would pay for them again."""
    return (out / RESULTS_FILE).exists() or any(out.glob("*.mp4"))


def _rebuild_hint(args: argparse.Namespace, out: Path) -> str:
    return (
        f"rebuild it from {out / RESULTS_FILE} (every task id is there, so nothing is paid"
        f" again): sora-unified batch {args.jobs} --out {out} --vendor {args.vendor}"
        f"{' --sandbox' if args.sandbox else ''} --rebuild-store"
    )


def _store(args: argparse.Namespace, out: Path) -> tuple[JobStore, list[JobRecord]]:
    """The job store and the jobs it holds, refusing what would start a batch over: a damaged
    store, or a missing or empty one beside an earlier run's results."""
    import sqlite3

    from ..batch import open_store

    location = args.store or out / STORE_FILE
    named = _store_named(args, out)
    local = "://" not in str(location)
    lost = local and not args.rebuild_store and not _has_data(Path(location))
    # --resume on a folder with nothing in it starts the batch: nothing can be paid twice.
    if lost and _folder_holds_a_batch(out):
        raise BatchStoreError(
            f"{out} holds an earlier batch's results but its store {named} is missing or"
            f" empty; starting over would pay for every job again. {_rebuild_hint(args, out)}"
        )
    try:
        store = open_store(location)
        existing = store.records()
    except sqlite3.DatabaseError as error:
        raise BatchStoreError(
            f"{named} cannot be read ({type(error).__name__}: {error}). Move it aside, then"
            f" {_rebuild_hint(args, out)}"
        ) from None
    if not existing and not args.rebuild_store and _folder_holds_a_batch(out):
        store.close()
        raise BatchStoreError(
            f"{out} holds an earlier batch's results but {named} holds no jobs; starting over"
            f" would pay for every job again. {_rebuild_hint(args, out)}"
        )
    return store, existing


def _has_data(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def _rebuild(store: JobStore, out: Path, output: Output) -> int:
    """The store's jobs set back to what results.jsonl recorded (tasks included)."""
    import json

    results = out / RESULTS_FILE
    try:
        text = results.read_text(encoding="utf-8")
    except OSError as error:
        raise BatchStoreError(
            f"--rebuild-store needs {results}: {error.strerror or error}"
        ) from None
    restored = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
        except ValueError:
            raise BatchStoreError(
                f"{results} line {number} is not JSON: it cannot be trusted"
            ) from None
        if line.get("status") == "invalid" or not line.get("custom_id"):
            continue
        if store.restore(line, out):
            restored += 1
        else:
            output.event(
                "not_in_jobs",
                {"custom_id": line.get("custom_id"), "task": line.get("task")},
                f"{results} line {number}: {line.get('custom_id')} is not in the jobs file"
                + (f" (its task {line['task']} stays unaccounted)" if line.get("task") else ""),
            )
    return restored


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
    use_sandbox = uses_sandbox(args)
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
            sandbox_options: Callable[[str], Mapping[str, Any]] = partial(client_options, running)
        else:
            config = sandbox_config(os.environ.get(SANDBOX_CONFIG_ENV))
            if config.state is None:
                config = replace(config, state=str(out / SANDBOX_STATE_FILE))
            # Its own options: they carry a wait pace that fits its timing.
            sandbox_options = stack.enter_context(Sandbox(config)).client_options
        yield lambda vendor: {**sandbox_options(vendor), **concurrency}


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
    progress = BatchProgress(output, total, counts)
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
    items = read_lines(args.jobs)
    fallback = fallback_vendors(args.fallback, args.vendor)
    if args.dry_run:
        return dry_run(args, items, fallback, output)
    budgets = budgets_for(args.max_cost, items, args.vendor, fallback)
    if args.engine == "temporal":
        from ._temporal import run_batch

        report_invalid(items, output)
        return run_batch(args, items, budgets, output)
    store, existing = _store(args, out)
    try:
        if existing and args.rebuild_store:
            raise UsageError(
                f"--rebuild-store: {_store_named(args, out)} already holds this batch"
                f" ({len(existing)} jobs); continue it with --resume"
            )
        if existing and not args.resume:
            raise UsageError(
                f"{_store_named(args, out)} already holds a batch ({len(existing)} jobs):"
                " add --resume to continue it (submitted jobs are never resubmitted), or choose"
                " another --out"
            )
        report_invalid(items, output)
        store.add(items, default_vendor=args.vendor)
        if args.rebuild_store:
            restored = _rebuild(store, out, output)
            output.event("rebuilt", {"jobs": restored}, f"store rebuilt: {restored} job(s)")
        options = BatchOptions(
            out=out,
            fallback=fallback,
            max_jobs=args.max_jobs,
            max_cost=budgets,
            resubmit_uncertain=args.resubmit_uncertain,
            job_slots=args.job_slots,
            wait_timeout=args.timeout,
            submits_at_once=args.submits_at_once,
        )
        try:
            with _client_options(args, out) as client_kwargs:
                summary = asyncio.run(_run(args, store, options, client_kwargs, output))
        except KeyboardInterrupt as stopped:  # Ctrl-C or SIGTERM
            stopped.resume_hint = (  # type: ignore[attr-defined]
                f"the batch is kept in {_store_named(args, out)}; continue it (submitted jobs"
                " are waited on, never resubmitted) with"
            )
            stopped.rerun_adding = ("--resume",)  # type: ignore[attr-defined]
            raise
        uncertain = [r for r in store.records() if r.state == "uncertain"]
    finally:
        store.close()
    for record in uncertain:
        output.event(
            "uncertain_job",
            {"custom_id": record.custom_id, "line": record.line, "vendor": record.vendor},
            f"uncertain: {record.custom_id} (line {record.line}, {record.vendor}): its submit"
            " may have created a task; find it on the vendor's side and give it to the job"
            f" (sora-unified adopt {record.custom_id} {record.vendor}:TASK_ID --out {out}), or"
            " if there is none, --resume --resubmit-uncertain",
        )
    counts = dict(sorted(summary.counts.items()))
    code, meaning = batch_exit_code(counts)
    from ..batch import cost_text

    text = (
        f"batch finished in {summary.seconds:.1f}s: "
        + ", ".join(f"{count} {state}" for state, count in counts.items())
        + f"\ncost: {cost_text(summary)}"
        + f"\nresults: {summary.results}"
        + ("" if code == 0 else f"\nexit {code}: {meaning}")
    )
    data = {
        "counts": counts,
        "results": str(summary.results),
        "exit_code": code,
        "costs": [
            {"unit": unit, "amount": round(amount, 6), "estimated": unit in summary.estimated_costs}
            for unit, amount in sorted(summary.costs.items())
        ],
        "unpriced_jobs": summary.unpriced_jobs,
    }
    output.result(data, text)
    return code


def cmd_adopt(args: argparse.Namespace, output: Output) -> int:
    """Give an uncertain job the task found on the vendor's side."""
    from ..types import Task

    out = Path(args.out)
    try:
        task = Task.parse(args.task)
    except (ValueError, SoraError) as error:
        raise UsageError(f"task {args.task!r}: {error} (expected VENDOR:TASK_ID)") from None
    location = args.store or out / STORE_FILE
    if "://" not in str(location) and not _has_data(Path(location)):
        raise BatchStoreError(f"there is no batch in {out} ({_store_named(args, out)} is missing)")
    from ..batch import open_store

    store = open_store(location)
    try:
        record = store.record(args.custom_id)
        if record is None:
            raise UsageError(f"the batch in {out} has no job {args.custom_id!r}")
        if record.vendor != task.vendor:
            raise UsageError(
                f"job {args.custom_id!r} was sent to {record.vendor}, not {task.vendor}"
            )
        try:
            store.adopt(args.custom_id, str(task))
        except ValueError as error:
            raise UsageError(str(error)) from None
    finally:
        store.close()
    output.result(
        {"custom_id": args.custom_id, "task": str(task), "state": "submitted"},
        f"{args.custom_id} now has task {task}: the next `sora-unified batch ... --out {out}"
        " --resume` waits on it and downloads its video (nothing is submitted again)",
    )
    return 0


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
        "--max-cost",
        type=budget_item,
        action="append",
        metavar="[VENDOR=]AMOUNT",
        help="the most the batch may pay in all (across --resume and workers), in the vendor's"
        " unit (kie credits, evolink credits, CNY): each job's price is reserved before its"
        " submit leaves; repeat VENDOR=AMOUNT when it may pay several vendors",
    )
    batch.add_argument(
        "--fallback", help="vendors to try, in order, for a job refused before a task existed"
    )
    batch.add_argument(
        "--resubmit-uncertain",
        action="store_true",
        help="with --resume: submit uncertain jobs again (may pay twice: check the vendor first)",
    )
    batch.add_argument(
        "--rebuild-store",
        action="store_true",
        help="the store was lost: rebuild it from OUT/results.jsonl (its task ids), then resume",
    )
    batch.add_argument(
        "--submits-at-once",
        type=_count,
        help="paid submits on the wire at once per vendor (default: the vendor's documented"
        " submit rate per second, else 4); a kill can leave at most this many uncertain",
    )
    batch.add_argument("--job-slots", type=_count, default=256, help="jobs worked on at once")
    batch.add_argument(
        "--max-concurrency", type=_count, default=20, help="requests in flight per vendor"
    )
    batch.add_argument(
        "--timeout", type=positive_seconds, default=3600.0, help="longest wait for one task"
    )
    add_engine_flags(batch)
    batch.add_argument(
        "--no-worker",
        action="store_true",
        help="with --engine temporal: start the batch and wait, the workers run elsewhere",
    )
    batch.set_defaults(handler=cmd_batch)

    adopt = commands.add_parser(
        "adopt",
        help="give an uncertain batch job the task found on the vendor's side",
        description="An uncertain job's submit may have created a task. Found on the vendor's"
        " dashboard, it is given back to its job here; the next `batch --resume` waits on it and"
        " downloads its video, and nothing is submitted again.",
    )
    adopt.add_argument("custom_id", help="the job's custom_id")
    adopt.add_argument("task", help="the task, VENDOR:TASK_ID (say kie:4f1c...)")
    adopt.add_argument("--out", required=True, help="the batch's folder")
    adopt.add_argument("--store", help=f"job store (default OUT/{STORE_FILE}) or postgresql:// URL")
    adopt.add_argument("--json", action="store_true", help="print one JSON object")
    adopt.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    adopt.set_defaults(handler=cmd_adopt)


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"a whole number >= 1; got {text!r}")
    return int(text)
