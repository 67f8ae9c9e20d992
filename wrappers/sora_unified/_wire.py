"""What an adapter asks for and what it reads back: a request as data (`HttpCall`) and the
reply as bytes (`HttpReply`).

A leaf without the network code: the vendor adapters map requests, statuses and errors with
these alone (sans-IO, as h11 keeps its state machine), and `_http` is the one module that sends.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["HttpCall", "HttpReply"]


@dataclass(frozen=True, slots=True)
class HttpCall:
    """A request an adapter wants made. `operation` names it for logs and error mapping."""

    operation: str
    method: str
    path: str
    params: Mapping[str, str] | None = None
    json: Any = None
    creates_task: bool = False
    files: Sequence[tuple[str, tuple[str | None, bytes, str]]] | None = None
    data: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class HttpReply:
    status_code: int
    headers: Mapping[str, str]
    content: bytes
    _decoded: list[Any] = field(default_factory=list, repr=False, compare=False)

    def json(self) -> Any:
        """The decoded JSON body; raises ValueError for an empty, truncated, non-JSON or
        absurdly nested body."""
        if not self._decoded:
            try:
                self._decoded.append(json.loads(self.content))
            except RecursionError:
                raise ValueError("the JSON is nested too deeply to read") from None
            except UnicodeDecodeError as error:
                raise ValueError(f"the body is not UTF-8: {error}") from None
        return self._decoded[0]

    def json_or_none(self) -> Any:
        try:
            return self.json()
        except ValueError:
            return None
