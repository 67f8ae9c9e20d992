"""What a batch leaves behind: each job's video file name, `results.jsonl` (one line per job,
with its cost), and the summary with the batch's costs per unit."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._prices import number, unit_of, usd_of
from ._job_store import JobStore
from ._records import JobCost, JobRecord

__all__ = [
    "BatchSummary",
    "add_costs",
    "cost_text",
    "file_name",
    "remove_stale_parts",
    "result_line",
    "write_results",
]


@dataclass(slots=True)
class BatchSummary:
    """Jobs by state when this worker stopped; `elsewhere`: still held by other workers."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    results: Path | None = None
    # What the batch's submits cost, per unit ("kie credits": 90.0); `estimated_costs` names
    # the units where some figures are the price table's, not the vendor's.
    costs: dict[str, float] = field(default_factory=dict)
    estimated_costs: frozenset[str] = frozenset()
    unpriced_jobs: int = 0


def file_name(custom_id: str) -> str:
    """A safe, unique file name for a job's video."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", custom_id)[:100].lstrip(".") or "job"
    if safe != custom_id:
        safe += "-" + hashlib.sha256(custom_id.encode()).hexdigest()[:8]
    return f"{safe}.mp4"


def add_costs(summary: BatchSummary, records: list[JobRecord], costs: dict[str, JobCost]) -> None:
    vendors = {record.custom_id: record.vendor for record in records}
    estimated: set[str] = set()
    for custom_id, cost in costs.items():
        vendor = vendors.get(custom_id)
        if vendor is None:
            continue
        if cost.amount is None:
            summary.unpriced_jobs += 1
            continue
        unit = unit_of(vendor)
        summary.costs[unit] = summary.costs.get(unit, 0.0) + cost.amount
        if not cost.reported:
            estimated.add(unit)
    summary.estimated_costs = frozenset(estimated)


def cost_text(summary: BatchSummary) -> str:
    """ "90 kie credits (estimated)", per unit, or "nothing paid"."""
    parts = [
        f"{number(round(amount, 6))} {unit}"
        + (" (estimated)" if unit in summary.estimated_costs else "")
        for unit, amount in sorted(summary.costs.items())
    ]
    if summary.unpriced_jobs:
        parts.append(f"{summary.unpriced_jobs} job(s) of unknown price")
    return ", ".join(parts) or "nothing paid"


def remove_stale_parts(store: JobStore, out: Path, worker: str) -> int:
    """Partial downloads a killed run left (`.NAME.*.part`): removed, except those of jobs a
    live worker holds now (it may be writing them)."""
    parts = list(out.glob(".*.part"))
    if not parts:  # the usual case: no reading of the whole store
        return 0
    held = {
        file_name(record.custom_id)
        for record in store.records()
        if record.worker not in (None, worker) and record.state == "submitted"
    }
    removed = 0
    for part in parts:
        name = part.name[1:].rsplit(".", 2)[0]
        if name not in held:
            part.unlink(missing_ok=True)
            removed += 1
    return removed


def result_line(record: JobRecord, cost: JobCost | None = None) -> dict[str, Any]:
    custom_id: str | None = record.custom_id
    if record.state == "invalid" and record.custom_id.startswith("\x00"):
        custom_id = record.fields.get("custom_id")  # what the line said, if anything
    return {
        "custom_id": custom_id,
        "line": record.line,
        "vendor": record.vendor,
        "task": record.task,
        "status": record.state,
        "file": record.file,
        "error": None
        if record.error is None
        else {"code": record.error_code, "message": record.error},
        "cost": _job_cost(record, cost),
    }


def _job_cost(record: JobRecord, cost: JobCost | None) -> dict[str, Any] | None:
    if cost is None or cost.amount is None or record.vendor is None:
        return None
    return {
        "amount": round(cost.amount, 6),
        "unit": unit_of(record.vendor),
        "source": "reported" if cost.reported else "estimated",
        "usd": usd_of(record.vendor, cost.amount),
    }


def write_results(store: JobStore, out: Path) -> Path:
    """`out/results.jsonl`: one line per job, in input order (written whole, then renamed)."""
    target = out / "results.jsonl"
    partial = target.with_suffix(".jsonl.part")
    with partial.open("w", encoding="utf-8") as lines:
        costs = store.costs()
        for record in store.records():
            line = result_line(record, costs.get(record.custom_id))
            lines.write(json.dumps(line, ensure_ascii=False) + "\n")
    partial.replace(target)
    return target
