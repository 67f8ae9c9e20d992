"""`sora-unified batch`: many jobs from a JSON Lines or CSV file, durably."""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SoraError
from ._exit import BatchStoreError, UsageError, batch_exit_code
from ._output import Output
from ._session import SANDBOX_CONFIG_ENV, SANDBOX_URL_ENV, sandbox_config, uses_sandbox
from ._stopping import GracefulStop, interruption

if TYPE_CHECKING:
    from .._client import AsyncClient
    from ..batch import BatchSummary, InvalidLine, Job, JobRecord, JobStore

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


def _dry_run(
    args: argparse.Namespace,
    items: list[Job | InvalidLine],
    fallback: tuple[str, ...],
    output: Output,
) -> int:
    """Every line checked locally as the run would check it (its vendor, then each fallback in
    turn) and priced; the plan and its total per vendor and model printed; no request. The
    same lines are refused as in a run."""
    from .. import estimate
    from .._prices import number
    from ..batch import Job

    refused = _report_invalid(items, output)
    planned: Counter[tuple[str, str]] = Counter()
    totals: dict[tuple[str, str], float | None] = {}
    units: dict[tuple[str, str], str] = {}
    for item in items:
        if not isinstance(item, Job):
            continue
        first = item.vendor or args.vendor
        chosen = None
        reasons: list[str] = []
        for vendor in (first, *(v for v in fallback if v != first)):
            try:
                chosen = estimate(vendor, item.request())
                break
            except SoraError as error:
                reasons.append(str(error))
        if chosen is None:
            refused += 1
            output.event(
                "invalid",
                {"line": item.line, "custom_id": item.custom_id, "error": reasons[-1]},
                f"line {item.line} ({item.custom_id}): refused: {reasons[-1]}",
            )
            continue
        key = (chosen.vendor, chosen.model)
        planned[key] += 1
        units[key] = chosen.unit
        before = totals.get(key, 0.0)
        amount = chosen.amount
        totals[key] = None if before is None or amount is None else before + amount
        output.event(
            "planned",
            {
                "line": item.line,
                "custom_id": item.custom_id,
                "vendor": chosen.vendor,
                "model": chosen.model,
                "seconds": chosen.seconds,
                "price": amount,
                "unit": chosen.unit,
                "usd": chosen.usd,
                "notices": list(chosen.notices),
            },
        )
    total = sum(planned.values())
    lines = [
        f"dry run: {total} job(s) would be submitted, {refused} line(s) refused; no request made"
    ]
    for (vendor, model), count in sorted(planned.items()):
        spent = totals[(vendor, model)]
        price = (
            "price unknown"
            if spent is None
            else f"{number(round(spent, 6))} {units[(vendor, model)]}"
        )
        lines.append(f"  {count:>5} x {vendor} {model}: {price}")
    by_unit: dict[str, float] = {}
    unknown = 0
    for key, spent in totals.items():
        if spent is None:
            unknown += planned[key]
        else:
            by_unit[units[key]] = by_unit.get(units[key], 0.0) + spent
    summary = [f"{number(round(v, 6))} {u}" for u, v in sorted(by_unit.items())]
    if unknown:
        summary.append(f"{unknown} job(s) of unknown price")
    lines.append(f"total: {', '.join(summary) or 'nothing'} (the price table's estimates)")
    output.result(
        {
            "planned": total,
            "refused": refused,
            "dry_run": True,
            "totals": [
                {"vendor": v, "model": m, "jobs": planned[(v, m)], "amount": totals[(v, m)],
                 "unit": units[(v, m)]}
                for v, m in sorted(planned)
            ],
            "unpriced_jobs": unknown,
        },
        "\n".join(lines),
    )  # fmt: skip
    return 0 if refused == 0 else 4


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
    fallback = _fallback(args.fallback, args.vendor)
    if args.dry_run:
        return _dry_run(args, items, fallback, output)
    budgets = _budgets(args.max_cost, items, args.vendor, fallback)
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
        _report_invalid(items, output)
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


def _budget_item(text: str) -> tuple[str | None, float]:
    """An argparse type for --max-cost: AMOUNT, or VENDOR=AMOUNT."""
    from ..vendors import VENDOR_NAMES

    vendor, equals, amount = text.rpartition("=")
    if equals and vendor not in VENDOR_NAMES:
        raise argparse.ArgumentTypeError(
            f"{vendor!r} is not a vendor; expected AMOUNT or VENDOR=AMOUNT with VENDOR one of"
            f" {', '.join(VENDOR_NAMES)}"
        )
    try:
        value = float(amount)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"an amount >= 0 in the vendor's unit; got {amount!r}")
    return (vendor or None), value


def _budgets(
    given: list[tuple[str | None, float]] | None,
    items: list[Job | InvalidLine],
    vendor: str,
    fallback: tuple[str, ...],
) -> dict[str, float] | None:
    """--max-cost per vendor the batch may pay. One bare amount is for a batch that pays one
    vendor (its unit); otherwise each vendor needs its own (kie credits are not evolink's).
    Every job's price must be known: a budget cannot hold an unknown one."""
    from .. import estimate
    from .._prices import unit_of
    from ..batch import Job

    if not given:
        return None
    jobs = [item for item in items if isinstance(item, Job)]
    paid = sorted({vendor, *fallback, *(job.vendor for job in jobs if job.vendor)})
    bare = [amount for name, amount in given if name is None]
    named = {name: amount for name, amount in given if name is not None}
    if bare and (named or len(paid) > 1):
        raise UsageError(
            f"--max-cost {bare[0]:g}: this batch may pay {', '.join(paid)}, each in its own unit"
            f" ({', '.join(unit_of(v) for v in paid)}); give one budget per vendor: "
            + " ".join(f"--max-cost {v}=AMOUNT" for v in paid)
        )
    budgets = {paid[0]: bare[-1]} if bare else named
    missing = [v for v in paid if v not in budgets]
    if missing:
        raise UsageError(
            f"--max-cost: no budget for {', '.join(missing)}, which this batch may pay; add "
            + " ".join(f"--max-cost {v}=AMOUNT" for v in missing)
        )
    for job in jobs:
        try:
            priced = estimate(job.vendor or vendor, job.request())
        except SoraError:
            continue  # refused in the run, nothing paid
        if priced.amount is None:
            raise UsageError(
                f"--max-cost: line {job.line} ({job.custom_id}) would be {priced.vendor}"
                f" {priced.shape}, and no price is published for it, so no budget can hold it;"
                " name a model with a price in the line (sora-unified vendors lists them) or"
                " drop --max-cost"
            )
    return budgets


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
        type=_budget_item,
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
