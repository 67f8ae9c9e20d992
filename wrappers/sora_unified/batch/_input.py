"""Reading a batch: JSON Lines in the OpenAI Batch style, or CSV.

JSON Lines, one job per line:

    {"custom_id": "cat-1", "body": {"prompt": "a cat", "seconds": 10}, "vendor": "kie"}

`body` holds `VideoRequest` fields; `vendor` is optional (the command's `--vendor` otherwise).
CSV: a header row naming `custom_id`, optionally `vendor`, and `VideoRequest` fields; an empty
cell leaves its field out. A line that cannot become a job is reported with its line number
and skipped; the rest go on. Files are read as people write them: UTF-8 with or without a BOM
(Excel writes one), CRLF or LF; a line that is not UTF-8, nests too deeply or is not an object
is that line's error only.
"""

from __future__ import annotations

import csv
import difflib
import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from ..errors import SoraError
from ..types import Shot, VideoRequest
from ..vendors import VENDOR_NAMES

__all__ = [
    "InvalidLine",
    "Job",
    "invalid_line_id",
    "read_jobs",
    "request_fields",
    "request_from_fields",
]

# What a line may set: VideoRequest's fields, minus a local image held in memory.
REQUEST_FIELDS = tuple(f.name for f in fields(VideoRequest))
INTEGER_FIELDS = ("seconds",)
BOOLEAN_FIELDS = ("remove_watermark",)
# A CSV's columns: the job's id and vendor, then request fields.
CSV_COLUMNS = ("custom_id", "vendor", *REQUEST_FIELDS)


@dataclass(frozen=True, slots=True)
class Job:
    """One line of the batch: `fields` are the VideoRequest's, kept as given (JSON-safe)."""

    line: int
    custom_id: str
    vendor: str | None
    fields: dict[str, Any]

    def request(self) -> VideoRequest:
        return request_from_fields(self.fields)


@dataclass(frozen=True, slots=True)
class InvalidLine:
    line: int
    custom_id: str | None
    error: str


def request_from_fields(values: dict[str, Any]) -> VideoRequest:
    """A VideoRequest from a job's fields (shots as [{"scene", "seconds"}])."""
    given = dict(values)
    if "shots" in given and given["shots"] is not None:
        given["shots"] = tuple(
            Shot(shot["scene"], shot["seconds"]) if isinstance(shot, dict) else shot
            for shot in given["shots"]
        )
    if "characters" in given and isinstance(given["characters"], list):
        given["characters"] = tuple(given["characters"])
    return VideoRequest(**given)


def request_fields(request: VideoRequest) -> dict[str, Any]:
    """The JSON-safe fields of a request that differ from the defaults."""
    found: dict[str, Any] = {}
    for name in REQUEST_FIELDS:
        value = getattr(request, name)
        if value is None:
            continue
        if name == "shots":
            value = [{"scene": shot.scene, "seconds": shot.seconds} for shot in value]
        elif name == "characters":
            value = list(value)
        elif name == "vendor_options":
            value = dict(value)
        found[name] = value
    return found


def read_jobs(path: str | Path) -> Iterator[Job | InvalidLine]:
    """Every line of a .jsonl or .csv batch, as a Job or as the reason it is not one."""
    source = Path(path)
    if source.suffix.lower() == ".csv":
        yield from _csv_jobs(source)
    else:
        yield from _jsonl_jobs(source)


def invalid_line_id(line: int) -> str:
    """The store's key for an invalid line: it starts with a control character, which no real
    custom_id may hold, so it never collides with a job (a job named `line-7` included)."""
    return f"\x00line-{line}"


def _has_control(text: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in text)


def _not_utf8(text: str) -> bool:
    """Bytes that were not UTF-8, as `surrogateescape` decoding keeps them."""
    return any("\udc80" <= char <= "\udcff" for char in text)


def _unknown_names(kind: str, unknown: list[str], allowed: Iterable[str]) -> str:
    """`secs is not a body field (did you mean seconds?); the body fields are ...`."""
    known = list(allowed)
    parts = []
    for name in unknown:
        close = difflib.get_close_matches(name, known, n=1)
        parts.append(f"{name!r}" + (f" (did you mean {close[0]}?)" if close else ""))
    verb = "is not a" if len(unknown) == 1 else "are not"
    noun = kind if len(unknown) == 1 else f"{kind}s"
    return f"{', '.join(parts)} {verb} {noun}; the {kind}s are {', '.join(known)}"


def _check(line: int, custom_id: Any, vendor: Any, body: Any) -> Job | InvalidLine:
    if not isinstance(custom_id, str) or not custom_id.strip():
        return InvalidLine(line, None, f"custom_id must be a non-empty string; got {custom_id!r}")
    if _has_control(custom_id) or _not_utf8(custom_id):
        return InvalidLine(
            line,
            None,
            f"custom_id {custom_id!r} holds control characters or bytes that are not UTF-8",
        )
    if vendor is not None and vendor not in VENDOR_NAMES:
        allowed = ", ".join(VENDOR_NAMES)
        return InvalidLine(line, custom_id, f"vendor must be one of {allowed}; got {vendor!r}")
    if not isinstance(body, dict):
        return InvalidLine(
            line, custom_id, f"body must be an object of request fields; got {body!r}"
        )
    unknown = sorted(set(body) - set(REQUEST_FIELDS))
    if unknown:
        return InvalidLine(line, custom_id, _unknown_names("body field", unknown, REQUEST_FIELDS))
    try:
        request_from_fields(body)
    except (SoraError, TypeError, ValueError, KeyError) as error:
        return InvalidLine(line, custom_id, str(error))
    return Job(line, custom_id, vendor, dict(body))


def _jsonl_jobs(source: Path) -> Iterator[Job | InvalidLine]:
    seen: set[str] = set()
    # utf-8-sig: a BOM is not part of the first line; surrogateescape: a line that is not
    # UTF-8 is found and refused on its own instead of failing the whole file.
    with source.open(encoding="utf-8-sig", errors="surrogateescape", newline=None) as lines:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            if _not_utf8(text):
                yield InvalidLine(number, None, "not UTF-8 text")
                continue
            try:
                record = json.loads(text)
            except ValueError as error:
                yield InvalidLine(number, None, f"not JSON: {error}")
                continue
            except RecursionError:
                yield InvalidLine(number, None, "not JSON this program can read: nested too deeply")
                continue
            if not isinstance(record, dict):
                yield InvalidLine(number, None, "a line must be a JSON object")
                continue
            extra = sorted(set(record) - {"custom_id", "body", "vendor", "method", "url"})
            if extra:
                yield InvalidLine(
                    number,
                    record.get("custom_id"),
                    f"unknown keys {', '.join(extra)} (allowed: custom_id, body, vendor)",
                )
                continue
            yield _unique(
                _check(number, record.get("custom_id"), record.get("vendor"), record.get("body")),
                seen,
            )


def _cell(name: str, text: str) -> Any:
    if name in INTEGER_FIELDS:
        return int(text) if text.strip().lstrip("-").isdigit() else text
    if name in BOOLEAN_FIELDS:
        lowered = text.strip().lower()
        return {"true": True, "1": True, "false": False, "0": False}.get(lowered, text)
    if name in ("shots", "characters", "vendor_options"):
        return json.loads(text)
    return text


def _csv_jobs(source: Path) -> Iterator[Job | InvalidLine]:
    seen: set[str] = set()
    with source.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as rows:
        reader = csv.DictReader(rows)
        columns = [name for name in reader.fieldnames or () if name]
        unknown = [name for name in columns if name not in CSV_COLUMNS]
        if unknown and not any(_not_utf8(name) for name in unknown):
            # Every row would be misread: the header line is the one to fix.
            yield InvalidLine(1, None, _unknown_names("column", unknown, CSV_COLUMNS))
            return
        for row in reader:
            number = reader.line_num
            cells = [*row.values(), *(reader.fieldnames or [])]
            if any(isinstance(cell, str) and _not_utf8(cell) for cell in cells):
                yield InvalidLine(number, None, "not UTF-8 text")
                continue
            values = {name: text for name, text in row.items() if name and text not in ("", None)}
            custom_id = values.pop("custom_id", None)
            vendor = values.pop("vendor", None)
            try:
                body = {name: _cell(name, text) for name, text in values.items()}
            except ValueError as error:
                yield InvalidLine(number, custom_id, f"a JSON cell does not parse: {error}")
                continue
            except RecursionError:
                yield InvalidLine(number, custom_id, "a JSON cell nests too deeply")
                continue
            yield _unique(_check(number, custom_id, vendor, body), seen)


def _unique(found: Job | InvalidLine, seen: set[str]) -> Job | InvalidLine:
    if isinstance(found, Job):
        if found.custom_id in seen:
            return InvalidLine(found.line, found.custom_id, "custom_id repeats an earlier line")
        seen.add(found.custom_id)
    return found
