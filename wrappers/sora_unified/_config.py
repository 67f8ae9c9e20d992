"""Client settings: keyword argument, then environment variable, then a named default."""

from __future__ import annotations

import os
from dataclasses import dataclass

import httpx

from ._constants import DEFAULT_CONNECT_TIMEOUT_SECONDS, DEFAULT_TIMEOUT_SECONDS
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

    def __repr__(self) -> str:  # never show the key
        return f"ClientConfig(vendor={self.adapter.name!r}, base_url={self.base_url!r})"


def resolve_config(
    vendor: str,
    *,
    api_key: str | None,
    base_url: str | None,
    timeout: float | httpx.Timeout | None,
    max_retries: int,
) -> ClientConfig:
    adapter = load_adapter(vendor)
    key = api_key if api_key is not None else os.environ.get(adapter.api_key_env)
    if not key:
        raise ConfigurationError(
            f"no API key for {vendor}: pass api_key=... or set the {adapter.api_key_env}"
            " environment variable"
        )
    url = base_url or os.environ.get(adapter.base_url_env) or adapter.default_base_url
    if not url.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"base_url for {vendor} must start with http:// or https://; got {url!r}"
            f" (from {'base_url' if base_url else adapter.base_url_env})"
        )
    if timeout is None:
        raise ConfigurationError(
            "timeout=None would let a request hang forever; pass seconds or an httpx.Timeout"
        )
    resolved = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(float(timeout))
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ConfigurationError(f"max_retries must be a whole number >= 0; got {max_retries!r}")
    return ClientConfig(adapter, key, url.rstrip("/"), resolved, max_retries)
