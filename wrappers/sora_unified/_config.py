"""Client settings: keyword argument, then environment variable, then a named default.

Settings are checked here, at construction, so a bad one never turns into a confusing failure
(or a "may have cost credits") later. A key is stripped of surrounding whitespace (keys read
from secret files and `.env` readers often end in a newline) and must then be printable ASCII
without spaces: anything else cannot travel in an HTTP header, and the error names where the
key came from, never the key itself.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import httpx

from ._constants import DEFAULT_CONNECT_TIMEOUT_SECONDS, DEFAULT_TIMEOUT_SECONDS
from ._urls import split_http_url
from .errors import ConfigurationError
from .vendors import load_adapter
from .vendors.base import VendorAdapter

DEFAULT_TIMEOUT = httpx.Timeout(DEFAULT_TIMEOUT_SECONDS, connect=DEFAULT_CONNECT_TIMEOUT_SECONDS)


@dataclass(frozen=True, slots=True)
class ClientConfig:
    adapter: VendorAdapter
    api_key: str
    base_url: str
    timeout: httpx.Timeout
    max_retries: int
    files_base_url: str | None = None  # the vendor's file host (uploads), if it has one

    @property
    def request_seconds(self) -> float:
        """The overall bound on one request, body included: the timeout's largest part."""
        parts = (self.timeout.connect, self.timeout.read, self.timeout.write, self.timeout.pool)
        return max(part for part in parts if part is not None)

    def __repr__(self) -> str:  # never show the key
        return f"ClientConfig(vendor={self.adapter.name!r}, base_url={self.base_url!r})"


def clean_api_key(raw: str, source: str) -> str:
    """The key without surrounding whitespace; ConfigurationError (naming `source`, never the
    value) when what is left cannot be sent in an HTTP header."""
    if not isinstance(raw, str):
        raise ConfigurationError(f"{source} must be a string; got {type(raw).__name__}")
    key = raw.strip()
    if not key:
        raise ConfigurationError(f"{source} is empty")
    problems = []
    if any(ord(char) > 126 for char in key):
        problems.append("non-ASCII characters (a pasted curly quote?)")
    if any(char.isspace() for char in key):
        problems.append("whitespace inside it")
    if any(ord(char) < 32 or ord(char) == 127 for char in key if not char.isspace()):
        problems.append("control characters")
    if problems:
        raise ConfigurationError(
            f"{source} contains {' and '.join(problems)}; an API key is printable ASCII"
            " without spaces (the value is not shown)"
        )
    return key


def _seconds(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigurationError(f"{name} must be a number of seconds; got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise ConfigurationError(f"{name} must be finite seconds above 0; got {value!r}")
    return float(value)


def check_timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout:
    if timeout is None:
        raise ConfigurationError(
            "timeout=None would let a request hang forever; pass seconds or an httpx.Timeout"
        )
    if isinstance(timeout, httpx.Timeout):
        for part in ("connect", "read", "write", "pool"):
            value = getattr(timeout, part)
            if value is not None:
                _seconds(value, f"timeout.{part}")
        if all(getattr(timeout, p) is None for p in ("connect", "read", "write", "pool")):
            raise ConfigurationError("an httpx.Timeout without any limit lets a request hang")
        return timeout
    return httpx.Timeout(_seconds(timeout, "timeout"))


def resolve_config(
    vendor: str,
    *,
    api_key: str | None,
    base_url: str | None,
    timeout: float | httpx.Timeout | None,
    max_retries: int,
    files_base_url: str | None = None,
) -> ClientConfig:
    adapter = load_adapter(vendor)
    if api_key is not None:
        key = clean_api_key(api_key, "api_key")
    else:
        raw = os.environ.get(adapter.api_key_env)
        if not raw or not raw.strip():
            raise ConfigurationError(
                f"no API key for {vendor}: pass api_key=... or set the {adapter.api_key_env}"
                " environment variable"
            )
        key = clean_api_key(raw, f"the {adapter.api_key_env} environment variable")
    url = _url(vendor, "base_url", base_url, adapter.base_url_env, adapter.default_base_url)
    files_url = None
    if adapter.files_base_url_env is not None:
        files_url = _url(
            vendor,
            "files_base_url",
            files_base_url,
            adapter.files_base_url_env,
            adapter.default_files_base_url,
        )
    elif files_base_url is not None:
        raise ConfigurationError(
            f"{vendor} has no file host (its images travel in the request): drop files_base_url"
        )
    resolved = check_timeout(timeout)
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ConfigurationError(f"max_retries must be a whole number >= 0; got {max_retries!r}")
    return ClientConfig(adapter, key, url, resolved, max_retries, files_url)


def _url(vendor: str, name: str, given: str | None, env: str, default: str | None) -> str:
    """A URL setting: the argument, then the environment variable, then the default."""
    url = given or os.environ.get(env) or default or ""
    if split_http_url(url) is None:
        raise ConfigurationError(
            f"{name} for {vendor} must be an absolute http:// or https:// URL; got {url!r}"
            f" (from {name if given else env})"
        )
    return url.rstrip("/")
