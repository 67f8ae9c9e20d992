"""A verifying TLS context that reads its CA bundle at the first handshake, not when a client is
built.

Reading the bundle (certifi's, or `SSL_CERT_FILE` / `SSL_CERT_DIR` exactly as httpx honours
them) takes tens of milliseconds, more than the rest of `Client(...)`; many programs build a
client long before their first HTTPS request, and loopback servers (the sandbox, tests) never
need it. Verification itself is unchanged: the context is `PROTOCOL_TLS_CLIENT` (certificate and
host name required) and every handshake, sync (`wrap_socket`) or async (`wrap_bio`, which anyio
uses), loads the trust store first if it has not been loaded yet.
"""

from __future__ import annotations

import os
import ssl
import sys
import threading
from typing import Any


class LazyTrustContext(ssl.SSLContext):
    """`ssl.create_default_context()` as httpx builds it, with the CA bundle read on first use."""

    _trust_lock: threading.Lock
    _trust_source: dict[str, str]
    _trust_loaded: bool

    def __new__(cls) -> LazyTrustContext:
        context = super().__new__(cls, ssl.PROTOCOL_TLS_CLIENT)
        context._trust_lock = threading.Lock()
        context._trust_source = _trust_source()
        context._trust_loaded = False
        # What ssl.create_default_context adds to PROTOCOL_TLS_CLIENT's defaults.
        if sys.version_info >= (3, 13):
            context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN | ssl.VERIFY_X509_STRICT
        keylog = os.environ.get("SSLKEYLOGFILE")
        if keylog and not sys.flags.ignore_environment:
            context.keylog_filename = keylog
        return context

    def load_trust(self) -> None:
        """Read the CA bundle now (once per context; safe from several threads)."""
        if self._trust_loaded:
            return
        with self._trust_lock:
            if not self._trust_loaded:
                self.load_verify_locations(**self._trust_source)
                self._trust_loaded = True

    def wrap_socket(self, *args: Any, **kwargs: Any) -> ssl.SSLSocket:
        self.load_trust()
        return super().wrap_socket(*args, **kwargs)

    def wrap_bio(self, *args: Any, **kwargs: Any) -> ssl.SSLObject:
        self.load_trust()
        return super().wrap_bio(*args, **kwargs)


def _trust_source() -> dict[str, str]:
    """Where httpx (`create_ssl_context`) would read trusted CAs from, and failing where it fails:
    an `SSL_CERT_FILE` that names no file when the client is built; an `SSL_CERT_DIR` is only
    searched during handshakes (OpenSSL looks certificates up there by hash), so one that does
    not exist leaves nothing trusted and every HTTPS handshake fails verification."""
    if cafile := os.environ.get("SSL_CERT_FILE"):
        if not os.path.isfile(cafile):
            raise FileNotFoundError(f"SSL_CERT_FILE names no file: {cafile!r}")
        return {"cafile": cafile}
    if capath := os.environ.get("SSL_CERT_DIR"):
        return {"capath": capath}
    import certifi  # httpx's own dependency, imported only where a client is built

    return {"cafile": certifi.where()}
