"""What a batch would do, decided before it runs: its lines read, its fallback vendors, its
budgets per vendor and, for `--dry-run`, every line checked and priced with no request."""

from __future__ import annotations

import argparse
import math
from collections import Counter
from typing import TYPE_CHECKING

from ..errors import SoraError
from ._exit import UsageError
from ._output import Output

if TYPE_CHECKING:
    from ..batch import InvalidLine, Job

__all__ = [
    "budget_item",
    "budgets_for",
    "dry_run",
    "fallback_vendors",
    "read_lines",
    "report_invalid",
]


def read_lines(path: str) -> list[Job | InvalidLine]:
    from ..batch import read_jobs

    try:
        return list(read_jobs(path))
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise UsageError(f"{path} is not UTF-8 text: {error}") from None


def fallback_vendors(text: str | None, vendor: str) -> tuple[str, ...]:
    from ..vendors import VENDOR_NAMES

    names = tuple(name.strip() for name in (text or "").split(",") if name.strip())
    for name in names:
        if name not in VENDOR_NAMES:
            raise UsageError(
                f"--fallback: {name!r} is not a vendor; expected some of {', '.join(VENDOR_NAMES)}"
            )
    return tuple(name for name in names if name != vendor)


def report_invalid(items: list[Job | InvalidLine], output: Output) -> int:
    from ..batch import InvalidLine

    invalid = [item for item in items if isinstance(item, InvalidLine)]
    for item in invalid:
        output.event(
            "invalid",
            {"line": item.line, "custom_id": item.custom_id, "error": item.error},
            f"line {item.line}: skipped: {item.error}",
        )
    return len(invalid)


def dry_run(
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

    refused = report_invalid(items, output)
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


def budget_item(text: str) -> tuple[str | None, float]:
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


def budgets_for(
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
