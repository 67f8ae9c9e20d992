"""kie's and evolink's file hosts: uploads by stream (multipart), base64 and URL, checked
against `specs/<vendor>_files.yaml`, kept in memory and served back under
`/files/uploads/<vendor>/...` until the vendor's documented retention runs out.

Both hosts answer in the `{success, code, msg, data}` envelope their pages and EvoLink's own
MCP server show; refusals use the same envelope with the HTTP status of the error.
"""

from __future__ import annotations

import base64
import binascii
import json
import mimetypes
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import httpx
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .._urls import is_loopback_host
from ._specs import (
    api_key,
    first_error,
    request_pointer,
    strip_unknown_fields,
    upload_media_types,
)

# Retention per host: kie says 3 days (and 14 elsewhere: the shorter is emulated), evolink 72 h.
RETENTION_SECONDS = {"kie": 3 * 24 * 3600.0, "evolink": 72 * 3600.0}
# kie's URL upload gives up after 30 s.
FETCH_TIMEOUT_SECONDS = 30.0
PATHS = {
    "kie": {
        "stream": "/api/file-stream-upload",
        "base64": "/api/file-base64-upload",
        "url": "/api/file-url-upload",
    },
    "evolink": {
        "stream": "/api/v1/files/upload/stream",
        "base64": "/api/v1/files/upload/base64",
        "url": "/api/v1/files/upload/url",
    },
}
# The request fields each host names its parts with.
FIELDS: dict[str, dict[str, str | None]] = {
    "kie": {"base64": "base64Data", "url": "fileUrl", "folder": "uploadPath", "name": "fileName"},
    "evolink": {"base64": "base64_data", "url": "file_url", "folder": None, "name": "file_name"},
}


@dataclass(frozen=True, slots=True)
class StoredFile:
    data: bytes
    media_type: str
    uploaded: float


class UploadRefused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def envelope(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    body = {"success": False, "code": status, "msg": message, "data": None}
    return JSONResponse(body, status_code=status, headers=headers)


def _decode_base64(text: str) -> tuple[bytes, str | None]:
    """The bytes of base64 text or a data URL, and the data URL's media type."""
    media_type = None
    if text.startswith("data:"):
        header, _, text = text.partition(",")
        if not header.endswith(";base64"):
            raise UploadRefused(400, "Base64 decoding failed: a data URL must be base64")
        media_type = header[5:].removesuffix(";base64") or None
    try:
        return base64.b64decode(text, validate=True), media_type
    except (binascii.Error, ValueError):
        raise UploadRefused(400, "Base64 decoding failed: Invalid Base64 format") from None


class FileHosts:
    """Both vendors' file hosts; `routes()` gives the handlers keyed by (vendor, mode)."""

    def __init__(
        self,
        *,
        keys: Callable[[str], frozenset[str]],
        now: Callable[[], float],
        fetch_anywhere: bool,
        ignored: Callable[[str, str], None] | None,
    ) -> None:
        self._keys = keys
        self._now = now
        self._fetch_anywhere = fetch_anywhere
        # Called for each field the spec does not list, which is then ignored (None: refused).
        self._ignored = ignored
        self.files: dict[tuple[str, str], StoredFile] = {}

    def reconfigure(
        self, *, fetch_anywhere: bool, ignored: Callable[[str, str], None] | None
    ) -> None:
        """Another sandbox configuration from now on; the stored files are forgotten."""
        self._fetch_anywhere, self._ignored = fetch_anywhere, ignored
        self.files.clear()

    # -- serving -----------------------------------------------------------------------------

    def served(self, vendor: str, path: str) -> StoredFile | None:
        stored = self.files.get((vendor, path))
        if stored is None or self._now() > stored.uploaded + RETENTION_SECONDS[vendor]:
            return None
        return stored

    def _link(self, request: Request, vendor: str, path: str) -> str:
        # Percent-encoded: a stored name may hold any character, a link must be a valid URI.
        return f"{str(request.base_url).rstrip('/')}/files/uploads/{vendor}/{quote(path)}"

    # -- uploading ---------------------------------------------------------------------------

    def handler(self, vendor: str, mode: str) -> Callable[[Request], Awaitable[Response]]:
        async def route(request: Request) -> Response:
            key = api_key(f"{vendor}_files", request.headers)
            if key is None or key not in self._keys(vendor):
                return envelope(401, "Authentication failed: Invalid API Key")
            try:
                data, media_type, name, folder = await self._read(request, vendor, mode)
                return self._store(
                    request, vendor, data=data, media_type=media_type, name=name, folder=folder
                )
            except UploadRefused as refused:
                return envelope(refused.status, refused.message)

        return route

    async def _read(
        self, request: Request, vendor: str, mode: str
    ) -> tuple[bytes, str | None, str | None, str | None]:
        path, names = PATHS[vendor][mode], FIELDS[vendor]
        if mode == "stream":
            fields, upload = await self._form(request)
            self._check(vendor, path, fields, "multipart/form-data")
            data = await upload.read()
            media_type = upload.content_type
            name = fields.get(names["name"] or "") or upload.filename
        else:
            body = await self._json(request)
            self._check(vendor, path, body, "application/json")
            if mode == "base64":
                data, media_type = _decode_base64(body[names["base64"]])
                media_type = media_type or body.get("mime_type")
            else:
                data, media_type = await self._fetch(request, vendor, body[names["url"]])
            name = body.get(names["name"] or "")
            fields = body
        folder = fields.get(names["folder"]) if names["folder"] else None
        return data, media_type, name, folder

    @staticmethod
    async def _form(request: Request) -> tuple[dict[str, Any], UploadFile]:
        try:
            form = await request.form()
        except Exception:  # any unreadable form is the client's error, never a 500
            raise UploadRefused(400, "the body is not multipart/form-data") from None
        fields: dict[str, Any] = {}
        upload = None
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                if name != "file" or upload is not None:
                    raise UploadRefused(400, f"{name}: one file, in the part named file")
                upload, fields[name] = value, "<file>"
            else:
                fields[name] = value
        if upload is None:
            raise UploadRefused(400, "Missing required parameter: file")
        return fields, upload

    @staticmethod
    async def _json(request: Request) -> Any:
        try:
            return json.loads(await request.body())
        except (ValueError, RecursionError):
            raise UploadRefused(400, "the body is not valid JSON") from None

    def _check(self, vendor: str, path: str, body: Any, media_type: str) -> None:
        if self._ignored is not None and isinstance(body, dict):
            for field in strip_unknown_fields(f"{vendor}_files", path, body, media_type):
                self._ignored(vendor, field)
        problem = first_error(f"{vendor}_files", path, body, request_pointer(path, media_type))
        if problem is not None:
            field, message = problem
            raise UploadRefused(400, f"{field}: {message}")

    async def _fetch(self, request: Request, vendor: str, url: str) -> tuple[bytes, str | None]:
        own = f"{str(request.base_url).rstrip('/')}/files/uploads/"
        if url.startswith(own):
            owner, _, path = url.removeprefix(own).partition("/")
            stored = self.served(owner, unquote(path))
            if stored is None:
                raise UploadRefused(400, f"could not download {url}: not found")
            return stored.data, stored.media_type
        host = urlsplit(url).hostname or ""
        if not is_loopback_host(host) and not self._fetch_anywhere:
            raise UploadRefused(
                400,
                f"the sandbox fetches URL uploads from loopback hosts only (not {host}); "
                "start it with url_uploads_anywhere to fetch public URLs",
            )
        try:
            async with httpx.AsyncClient(timeout=FETCH_TIMEOUT_SECONDS) as client:
                response = await client.get(url)
        except httpx.HTTPError as error:
            raise UploadRefused(400, f"could not download {url}: {type(error).__name__}") from None
        if response.status_code != 200:
            raise UploadRefused(400, f"could not download {url}: HTTP {response.status_code}")
        return response.content, response.headers.get("content-type")

    def _store(
        self,
        request: Request,
        vendor: str,
        *,
        data: bytes,
        media_type: str | None,
        name: str | None,
        folder: str | None,
    ) -> Response:
        if not data:
            raise UploadRefused(400, "the file is empty")
        media_type = (media_type or "").split(";")[0].strip().lower()
        if not media_type or media_type == "application/octet-stream":
            media_type = (mimetypes.guess_type(name or "")[0]) or "application/octet-stream"
        # The formats the host's spec lists (evolink's file API; kie names none).
        accepted = upload_media_types(f"{vendor}_files")
        if accepted is not None and media_type not in accepted:
            raise UploadRefused(400, f"Unsupported file type {media_type}: {', '.join(accepted)}")
        now = self._now()
        if vendor == "kie":
            file_name = (
                name or f"{secrets.token_hex(8)}{mimetypes.guess_extension(media_type) or ''}"
            )
            path = f"{folder}/{file_name}" if folder else file_name
            self.files[(vendor, path)] = StoredFile(data, media_type, now)
            link = self._link(request, vendor, path)
            data_out: dict[str, Any] = {
                "fileName": file_name,
                "filePath": path,
                "downloadUrl": link,
                "fileSize": len(data),
                "mimeType": media_type,
                "uploadedAt": _iso(now),
            }
            return JSONResponse(
                {
                    "success": True,
                    "code": 200,
                    "msg": "File uploaded successfully",
                    "data": data_out,
                }
            )
        file_id = f"file_{secrets.token_hex(8)}"
        path = f"{file_id}{mimetypes.guess_extension(media_type) or ''}"
        self.files[(vendor, path)] = StoredFile(data, media_type, now)
        link = self._link(request, vendor, path)
        return JSONResponse(
            {
                "success": True,
                "code": 200,
                "msg": "ok",
                "data": {
                    "file_id": file_id,
                    "file_url": link,
                    "download_url": link,
                    "file_size": len(data),
                    "mime_type": media_type,
                    "expires_at": _iso(now + RETENTION_SECONDS[vendor]),
                },
            }
        )


def _iso(seconds: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
