"""A package's names imported on first use: its `__getattr__` and `__dir__` (PEP 562).

Importing `sora_unified` (or its testing and temporal packages) then costs almost nothing,
and only what is used is loaded: a script that never makes a client never imports httpx, and
pytest loading the testing plugin does not start importing the sandbox.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def lazy_exports(
    package: str, homes: Mapping[str, str], namespace: dict[str, Any], exported: Iterable[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`(__getattr__, __dir__)` for `package`: each name of `homes` comes from its module
    (relative to the package) when first asked for, then stays in the package's namespace."""
    listed = tuple(exported)

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{home}", package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted([*namespace, *listed])

    return __getattr__, __dir__
