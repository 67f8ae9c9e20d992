"""Reading what a caller sent: bodies (JSON or multipart, as OpenAI takes them), field values and
query values, each refused with OpenAI's 400 naming the field when it is not what is allowed.

Nothing here trusts its input: Unicode digits (`"²".isdigit()` is true), lone surrogates, deep
nesting, huge numbers and broken multipart all become 400s, never a 500 the openai package would
retry, and never a silent default (`seconds: null` is refused, not taken as omitted).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request

from ._openai import OpenAIError

__all__ = [
    "MAX_FORM_FIELDS",
    "MAX_PROMPT",
    "Body",
    "check_text",
    "invalid",
    "json_object",
    "read_body",
    "refuse_unknown",
    "request_hash",
    "shown",
    "whole_number",
]

MAX_FORM_FIELDS = 16  # more parts than any Videos API request has is refused, not parsed
MAX_FORM_FILES = 2
MAX_PART_BYTES = 21 * 1024 * 1024  # a text part may carry an image_url of OpenAI's 20 MiB
MAX_PROMPT = 32000  # OpenAI's maxLength
ASCII_DIGITS = re.compile(r"[0-9]{1,6}")


def shown(value: object, limit: int = 60) -> str:
    """A caller's value as a message shows it: JSON-quoted (lone surrogates and control
    characters escaped, so the answer can always be encoded), cut to `limit` characters."""
    try:
        text = json.dumps(value, ensure_ascii=True)
    except (TypeError, ValueError, RecursionError):
        text = type(value).__name__
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def invalid(param: str, value: object, allowed: str, code: str = "invalid_value") -> OpenAIError:
    return OpenAIError(
        400, f"Invalid '{param}': {shown(value)}; {allowed}.", param=param, code=code
    )


def refuse_unknown(names: Iterable[str], allowed: Iterable[str]) -> None:
    """OpenAI's 400 naming the first field (or query parameter) that is not among `allowed`."""
    unknown = sorted(set(names) - set(allowed))
    if unknown:
        raise OpenAIError(
            400,
            f"Unknown parameter: {shown(unknown[0])}.",
            param=unknown[0][:64],
            code="unknown_parameter",
        )


def check_text(param: str, value: object, *, required: bool, limit: int) -> str | None:
    """A string field: a str of 1 to `limit` characters, valid Unicode (no lone surrogates)."""
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        if required and (value is None or value == ""):
            raise OpenAIError(
                400,
                f"Missing required parameter: '{param}'.",
                param=param,
                code="missing_required_parameter",
            )
        raise invalid(param, value, "expected a non-empty string")
    if len(value) > limit:
        raise invalid(param, value, f"at most {limit} characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise invalid(param, value, "the text is not valid Unicode (a lone surrogate)") from None
    return value


def whole_number(param: str, value: object, allowed: str) -> int:
    """`"10"` or `10` (many clients send ints); never `"²"`, `"1e3"`, `10.5`, `true` or null."""
    if isinstance(value, str) and ASCII_DIGITS.fullmatch(value):
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**6:
        return value
    raise invalid(param, value, allowed)


def json_object(text: str) -> Any:
    """JSON text a form field carries; ValueError for anything unreadable (too deep included)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None


@dataclass(frozen=True, slots=True)
class Body:
    """A body's fields: JSON values, or for multipart, text parts and (name -> bytes) files."""

    fields: dict[str, Any]
    files: dict[str, bytes]
    multipart: bool


async def read_body(request: Request) -> Body:
    """The body as JSON or multipart form data; anything else is a 400 in OpenAI's envelope."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        return await _read_form(request)
    raw = await request.body()
    if kind not in ("", "application/json") and not kind.endswith("+json"):
        raise OpenAIError(
            400,
            f"Unsupported content type {shown(kind)}: send application/json or"
            " multipart/form-data.",
            code="invalid_request",
        )
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):  # broken, not UTF-8, over-long numbers, too deep
        raise OpenAIError(
            400,
            "The body is not valid JSON (or nests too deeply); send a JSON object.",
            code="invalid_json",
        ) from None
    if not isinstance(body, dict):
        raise OpenAIError(400, "The body must be a JSON object.", code="invalid_json")
    return Body(body, {}, False)


async def _read_form(request: Request) -> Body:
    try:
        form = await request.form(
            max_files=MAX_FORM_FILES, max_fields=MAX_FORM_FIELDS, max_part_size=MAX_PART_BYTES
        )
    except HTTPException as error:  # starlette's MultiPartException, as a 400
        raise OpenAIError(
            400, f"The multipart body cannot be read: {error.detail}", code="invalid_multipart"
        ) from None
    except (ValueError, UnicodeError) as error:
        raise OpenAIError(
            400, f"The multipart body cannot be read ({type(error).__name__}).",
            code="invalid_multipart",
        ) from None  # fmt: skip
    fields: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    try:
        for name, value in form.multi_items():
            if name in fields or name in files:
                raise invalid(name, name, "each field may be given once", "duplicate_parameter")
            if isinstance(value, UploadFile):
                files[name] = await value.read()
            else:
                fields[name] = value
    finally:
        await form.close()
    return Body(fields, files, True)


def request_hash(operation: str, fields: dict[str, Any], files: dict[str, bytes]) -> str:
    """What makes two requests the same request (Stripe's Idempotency-Key rule): the operation,
    the checked fields and each file's digest."""
    canonical = {
        "operation": operation,
        "fields": fields,
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()
