"""The JSON examples printed on the five vendor pages, stored under fixtures/pages/."""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PAGES_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "pages"


@dataclass(frozen=True)
class PageExample:
    vendor: str
    name: str
    source: str
    operation: str
    kind: str  # "request" or "response"
    status: int | None
    model_path: str
    body: Any

    @property
    def model(self) -> Any:
        module_name, _, class_name = self.model_path.rpartition(".")
        return getattr(importlib.import_module(module_name), class_name)


def page_examples() -> list[PageExample]:
    examples = []
    for path in sorted(PAGES_DIR.glob("*/*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        examples.append(
            PageExample(
                vendor=path.parent.name,
                name=path.stem,
                source=record["source"],
                operation=record["operation"],
                kind=record["kind"],
                status=record.get("status"),
                model_path=record["model"],
                body=record["body"],
            )
        )
    return examples
