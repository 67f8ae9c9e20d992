"""What a URL we send to a vendor must look like, checked before any request.

One place for the checks every URL field needs (image, callback, result links to refresh):
an absolute http(s) URL that `urllib` can take apart without raising, with a valid port and
none of the characters RFC 3986 never allows, and, where a vendor refuses private callback
hosts, a host that is public in every spelling an address can take (`127.0.0.1`,
`2130706433`, `0x7f000001`, `0177.0.0.1`, `127.1`, `[::ffff:127.0.0.1]`, `localhost.`).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import SplitResult, urlsplit

__all__ = ["is_loopback_host", "is_public_host", "split_http_url"]

# Characters RFC 3986 never allows in a URI (the specs declare `format: uri`).
_UNSAFE = re.compile(r"[\s<>\"{}|\\^`\x00-\x1f\x7f]")
# What a numeric IPv4 literal can be spelled with (decimal, octal, hex, dotted or not).
_NUMERIC_HOST = re.compile(r"^[0-9a-fx.]+$", re.IGNORECASE)


def split_http_url(url: str, schemes: tuple[str, ...] = ("http", "https")) -> SplitResult | None:
    """The parts of an absolute URL with one of `schemes`, or None when it is not one."""
    if not isinstance(url, str) or _UNSAFE.search(url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError outside 0..65535 or when not a number
    except ValueError:
        return None
    if parts.scheme not in schemes or not parts.hostname or port == 0:
        return None
    return parts


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_HOST.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def is_public_host(host: str) -> bool:
    """False for loopback, private, link-local, reserved or unspecified hosts, however written."""
    name = host.strip("[]").rstrip(".").lower()
    if not name or name in ("localhost", "localhost.localdomain") or name.endswith(".localhost"):
        return False
    address = _address(name)
    if address is None:
        return True  # a name; where it resolves is the vendor's business
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global


def is_loopback_host(host: str) -> bool:
    """True only for this machine, named or written literally in any spelling."""
    name = host.strip("[]").rstrip(".").lower()
    if name in ("localhost", "localhost.localdomain") or name.endswith(".localhost"):
        return True
    address = _address(name)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address is not None and address.is_loopback
