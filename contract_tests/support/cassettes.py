"""Cassettes: recorded conversations with a vendor, replayed as strict mock servers.

A cassette is one readable JSON file, `cassettes/<vendor>/<scenario>.json`:

    {"vendor": "kie", "scenario": "happy-sora-2-pro-text-to-video",
     "description": "...", "source": "recorded 2026-11-21 against http://127.0.0.1:8800/kie",
     "action": "generate", "request": {...VideoRequest fields...}, "client": {"max_retries": 3},
     "expect": {"status": "completed", ...} or {"error": "RateLimitError", "code": "429", ...},
     "interactions": [{"request": {"method", "path", "query", "headers", "json"},
                       "response": {"status", "headers", "json", "text" or "base64"}}, ...]}

`Replayer` answers each request with the next recorded response after checking that the
request matches the recording: same method, path and query, the same body fields with the
same types and values, a body valid against the spec's request schema, and an auth header of
the vendor's form. Anything else fails the test with a diff, as does an interaction never
reached.
"""

from __future__ import annotations

import base64
import difflib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit

import httpx

from contract_tests.support.specs import (
    auth_forms,
    form_fields,
    form_of,
    request_schema_pointer,
    schema_errors,
)

# Point the suite at your own recordings with SORA_UNIFIED_CASSETTES_DIR.
CASSETTE_DIR = Path(
    os.environ.get("SORA_UNIFIED_CASSETTES_DIR")
    or Path(__file__).resolve().parents[1] / "cassettes"
)
REDACTED = "<redacted>"
KEPT_REQUEST_HEADERS = ("authorization", "content-type")
KEPT_RESPONSE_HEADERS = ("content-type", "retry-after", "x-request-id")
BINARY_TYPES = ("video/", "application/octet-stream")
CREATE_OPERATIONS = {
    "kie": ("/api/v1/jobs/createTask", "createTask"),
    "evolink": ("/v1/videos/generations", "createVideoGeneration"),
    "modelverse": ("/v1/tasks/submit", "submitTask"),
    "modelverse-openai": ("/v1/videos", "createVideo"),
}


@dataclass
class Cassette:
    vendor: str
    scenario: str
    description: str
    source: str
    action: str
    request: dict[str, Any] | None
    expect: dict[str, Any]
    interactions: list[dict[str, Any]]
    client: dict[str, Any] = field(default_factory=dict)
    task: str | None = None
    raw: dict[str, Any] | None = None
    extra: dict[str, Any] | None = None

    @property
    def path(self) -> Path:
        return CASSETTE_DIR / self.vendor / f"{self.scenario}.json"

    def to_json(self) -> str:
        data = {
            "vendor": self.vendor,
            "scenario": self.scenario,
            "description": self.description,
            "source": self.source,
            "action": self.action,
            "request": self.request,
            "raw": self.raw,
            "extra": self.extra,
            "task": self.task,
            "client": self.client,
            "expect": self.expect,
            "interactions": self.interactions,
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def save(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(self.to_json(), encoding="utf-8")
        return self.path

    @classmethod
    def load(cls, path: Path) -> Cassette:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(**data)


def expect_differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Each field of a scenario's outcome that changed (outcome kind, error class, code,
    message, retryability, result count, ...), as `field: old -> new`."""
    return [
        f"{name}: {old.get(name, '<absent>')!r} -> {new.get(name, '<absent>')!r}"
        for name in sorted(old.keys() | new.keys())
        if old.get(name, "<absent>") != new.get(name, "<absent>")
    ]


def all_cassettes() -> list[Cassette]:
    return [Cassette.load(path) for path in sorted(CASSETTE_DIR.glob("*/*.json"))]


# -- recording ----------------------------------------------------------------------------------


def secret_forms(secret: str) -> list[str]:
    """The ways a key can appear in a recording: as written, URL-encoded (a vendor echoing a
    query string or a redirect) and JSON-escaped (a vendor quoting it inside a JSON string)."""
    forms = {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]}
    return sorted((form for form in forms if form), key=len, reverse=True)


def redact(value: Any, secrets: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        for secret in secrets:
            for form in secret_forms(secret) if secret else ():
                value = value.replace(form, REDACTED)
        return value
    if isinstance(value, list):
        return [redact(item, secrets) for item in value]
    if isinstance(value, dict):
        return {key: redact(item, secrets) for key, item in value.items()}
    return value


def _body(content: bytes, content_type: str = "") -> dict[str, Any]:
    if not content:
        return {"text": ""}
    if content_type.startswith(BINARY_TYPES):  # a video: kept exactly, it is checked on replay
        return {"base64": base64.b64encode(content).decode()}
    try:
        return {"json": json.loads(content)}
    except ValueError:
        return {"text": content.decode("utf-8", "replace")}


def interaction(
    request: httpx.Request, response: httpx.Response, *, base_path: str, secrets: tuple[str, ...]
) -> dict[str, Any]:
    """One request/response pair as stored in a cassette, with every secret redacted."""
    path = request.url.path.removeprefix(base_path) or "/"
    request_headers = {
        name: value
        for name, value in request.headers.items()
        if name.lower() in KEPT_REQUEST_HEADERS
    }
    if "authorization" in request_headers:
        scheme, _, _ = request_headers["authorization"].partition(" ")
        request_headers["authorization"] = (
            f"{scheme} {REDACTED}" if scheme == "Bearer" else REDACTED
        )
    recorded_request: dict[str, Any] = {
        "method": request.method,
        "path": path,
        "query": dict(parse_qsl(request.url.query.decode())),
        "headers": request_headers,
    }
    content_type = request.headers.get("content-type", "")
    if request.content and content_type.startswith("multipart/form-data"):
        # The parts, not the bytes: a boundary is random, and a file is not worth keeping.
        recorded_request["form"] = form_fields(content_type, request.content)
        request_headers["content-type"] = "multipart/form-data"
    elif request.content:
        recorded_request |= _body(request.content)
    response_headers = {
        name: value
        for name, value in response.headers.items()
        if name.lower() in KEPT_RESPONSE_HEADERS
    }
    recorded_response = {"status": response.status_code, "headers": response_headers} | _body(
        response.content, response.headers.get("content-type", "")
    )
    return redact({"request": recorded_request, "response": recorded_response}, secrets)


class RecordingTransport(httpx.BaseTransport):
    """Passes requests to `inner` and keeps every exchange for a cassette."""

    def __init__(
        self, inner: httpx.BaseTransport, *, base_path: str, secrets: tuple[str, ...]
    ) -> None:
        self.inner = inner
        self.base_path = base_path
        self.secrets = secrets
        self.interactions: list[dict[str, Any]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # multipart bodies stream: keep them readable for the recording
        response = self.inner.handle_request(request)
        response.read()
        if urlsplit(str(request.url)).path.startswith(self.base_path):
            self.interactions.append(
                interaction(request, response, base_path=self.base_path, secrets=self.secrets)
            )
        return response

    def close(self) -> None:
        self.inner.close()


# -- replaying ----------------------------------------------------------------------------------


def _types(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _types(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_types(item) for item in value]
    return type(value).__name__


def _diff(expected: Any, actual: Any) -> str:
    want = json.dumps(expected, indent=2, sort_keys=True, ensure_ascii=False).splitlines()
    have = json.dumps(actual, indent=2, sort_keys=True, ensure_ascii=False).splitlines()
    return "\n".join(difflib.unified_diff(want, have, "recorded", "sent", lineterm=""))


class CassetteMismatch(AssertionError):
    pass


class Replayer:
    """Serves a cassette's responses in order, checking each request against the recording."""

    def __init__(self, cassette: Cassette, *, base_path: str = "") -> None:
        self.cassette = cassette
        self.base_path = base_path
        self.position = 0
        self.problems: list[str] = []

    def _fail(self, message: str) -> CassetteMismatch:
        self.problems.append(message)
        return CassetteMismatch(message)

    def handler(self, request: httpx.Request) -> httpx.Response:
        cassette = self.cassette
        where = f"{cassette.vendor}/{cassette.scenario} interaction {self.position + 1}"
        if self.position >= len(cassette.interactions):
            raise self._fail(
                f"{where}: unexpected request {request.method} {request.url}, the cassette has no more"
            )
        recorded = cassette.interactions[self.position]
        self.position += 1
        want = recorded["request"]
        path = request.url.path.removeprefix(self.base_path)
        if (request.method, path) != (want["method"], want["path"]):
            raise self._fail(
                f"{where}: expected {want['method']} {want['path']}, got {request.method} {path}"
            )
        query = dict(parse_qsl(request.url.query.decode()))
        if query != want.get("query", {}):
            raise self._fail(f"{where}: query differs\n{_diff(want.get('query', {}), query)}")
        form = form_of(dict(request.headers))
        if form not in auth_forms(cassette.vendor):
            raise self._fail(
                f"{where}: the key is sent as {form or 'nothing'}, not in a form the"
                f" {cassette.vendor} spec's securitySchemes allow ({sorted(auth_forms(cassette.vendor))})"
            )
        if "form" in want:
            sent_form = form_fields(request.headers.get("content-type", ""), request.read())
            if sent_form != want["form"]:
                raise self._fail(
                    f"{where}: form differs from the recording\n{_diff(want['form'], sent_form)}"
                )
            create_path, operation = CREATE_OPERATIONS[cassette.vendor]
            if path == create_path and cassette.raw is None:  # a raw body is invalid on purpose
                pointer = request_schema_pointer(cassette.vendor, operation)
                if errors := schema_errors(cassette.vendor, pointer, sent_form):
                    raise self._fail(f"{where}: form violates the spec: {errors}")
        if "json" in want:
            sent = json.loads(request.content) if request.content else None
            if sent != want["json"] or _types(sent) != _types(want["json"]):
                raise self._fail(
                    f"{where}: body differs from the recording\n{_diff(want['json'], sent)}"
                )
            create_path, operation = CREATE_OPERATIONS[cassette.vendor]
            if path == create_path and cassette.raw is None:  # a raw body is invalid on purpose
                errors = schema_errors(
                    cassette.vendor, request_schema_pointer(cassette.vendor, operation), sent
                )
                if errors:
                    raise self._fail(f"{where}: body violates the spec: {errors}")
        answer = recorded["response"]
        headers = dict(answer.get("headers", {}))
        if "json" in answer:
            return httpx.Response(answer["status"], json=answer["json"], headers=headers)
        if "base64" in answer:
            content = base64.b64decode(answer["base64"])
            return httpx.Response(answer["status"], content=content, headers=headers)
        return httpx.Response(answer["status"], text=answer.get("text", ""), headers=headers)

    def assert_finished(self) -> None:
        remaining = len(self.cassette.interactions) - self.position
        if remaining:
            raise CassetteMismatch(
                f"{self.cassette.vendor}/{self.cassette.scenario}: {remaining} recorded interaction(s)"
                f" never reached (next: {self.cassette.interactions[self.position]['request']['method']}"
                f" {self.cassette.interactions[self.position]['request']['path']})"
            )
