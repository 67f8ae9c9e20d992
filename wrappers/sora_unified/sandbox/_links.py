"""Fresh result links: kie renews an expired link to a file it generated, for 20 minutes.

A fresh link is the file's own URL with `expires` (Unix seconds) and a `token` signing the
path and that time, so a link cannot be extended by editing it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

FRESH_LINK_SECONDS = 20 * 60  # "Valid for 20 minutes" (kie's download-url page)


class LinkSigner:
    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def _token(self, path: str, expires: int) -> str:
        message = f"{path}\n{expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:32]

    def fresh(self, url: str, now: float) -> str:
        """`url` (a file this sandbox serves) as a link valid for FRESH_LINK_SECONDS."""
        parts = urlsplit(url)
        expires = int(now + FRESH_LINK_SECONDS)
        query = urlencode({"expires": expires, "token": self._token(parts.path, expires)})
        return parts._replace(query=query, fragment="").geturl()

    def valid(self, path: str, query: Mapping[str, str], now: float) -> bool:
        """Whether the request for `path` carries a fresh link's unexpired, genuine signature."""
        expires, token = query.get("expires", ""), query.get("token", "")
        if not expires.isdigit() or not token:
            return False
        genuine = hmac.compare_digest(token, self._token(path, int(expires)))
        return genuine and now <= int(expires)
