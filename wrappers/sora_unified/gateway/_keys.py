"""The gateway's own keys and the tenants they name.

Every caller of the gateway holds one key; each key is one tenant. A tenant is stored as the
SHA-256 fingerprint of its key (never the key) and shown by its name, so logs and the store can
say whose work a row is without holding anything that would let a reader act as that tenant.

    SORA_UNIFIED_GATEWAY_KEYS=alice:sk-gw-...,bob:sk-gw-...   (or unnamed: sk-gw-...,sk-gw-...)
    SORA_UNIFIED_GATEWAY_KEYS_FILE=/etc/sora-unified/keys       (`name:key` a line, # comments)
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigurationError

__all__ = [
    "GATEWAY_KEYS_ENV",
    "GATEWAY_KEYS_FILE_ENV",
    "GatewayKey",
    "Tenant",
    "fingerprint",
    "gateway_keys",
    "parse_keys",
]

GATEWAY_KEYS_ENV = "SORA_UNIFIED_GATEWAY_KEYS"
GATEWAY_KEYS_FILE_ENV = "SORA_UNIFIED_GATEWAY_KEYS_FILE"
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")
# A key is sent in a header: printable ASCII without spaces, and long enough not to be guessed.
KEY = re.compile(r"[!-~]{8,512}")


def fingerprint(key: str) -> str:
    """What the store keeps of a key: enough to tell tenants apart, nothing to act as one."""
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Tenant:
    """One caller of the gateway: its name (for people) and its key's fingerprint (the owner of
    its videos in the store)."""

    name: str
    owner: str


@dataclass(frozen=True, slots=True)
class GatewayKey:
    key: str
    name: str = ""

    def __post_init__(self) -> None:
        if not KEY.fullmatch(self.key):
            raise ConfigurationError(
                "a gateway key is 8 to 512 printable ASCII characters without spaces"
                f" (the key named {self.name or 'with no name'} is not)"
            )
        if not self.name:
            object.__setattr__(self, "name", f"key-{fingerprint(self.key)[:8]}")
        elif not NAME.fullmatch(self.name):
            raise ConfigurationError(
                f"gateway key name {self.name!r}: letters, digits, '_', '.', '@' or '-',"
                " at most 64, starting with a letter or digit"
            )

    @property
    def tenant(self) -> Tenant:
        return Tenant(self.name, fingerprint(self.key))

    def __repr__(self) -> str:
        return f"GatewayKey(name={self.name!r}, key=<redacted>)"


def parse_keys(text: str, *, source: str = GATEWAY_KEYS_ENV) -> tuple[GatewayKey, ...]:
    """`name:key` or bare `key` items, separated by commas or new lines (`#` starts a comment)."""
    found: list[GatewayKey] = []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        for raw in line.split(","):
            item = raw.strip()
            if not item:
                continue
            name, colon, key = item.partition(":")
            if not colon or not NAME.fullmatch(name):
                name, key = "", item  # a bare key (it may itself hold a colon)
            try:
                found.append(GatewayKey(key.strip(), name))
            except ConfigurationError as error:
                raise ConfigurationError(f"{source}: {error}") from None
    if len({k.key for k in found}) != len(found):
        raise ConfigurationError(f"{source}: the same key is listed twice")
    names = [k.name for k in found]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise ConfigurationError(f"{source}: the name {twice[0]!r} is given to two keys")
    return tuple(found)


def gateway_keys(given: str | None = None) -> tuple[tuple[GatewayKey, ...], bool]:
    """The gateway's keys: the argument, else SORA_UNIFIED_GATEWAY_KEYS, else the file named by
    SORA_UNIFIED_GATEWAY_KEYS_FILE; else one made up for this run (the bool says so, to print
    it once)."""
    if given is None:
        given = os.environ.get(GATEWAY_KEYS_ENV, "")
        source = GATEWAY_KEYS_ENV
        if not given.strip() and os.environ.get(GATEWAY_KEYS_FILE_ENV):
            path = Path(os.environ[GATEWAY_KEYS_FILE_ENV])
            try:
                given = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise ConfigurationError(
                    f"{GATEWAY_KEYS_FILE_ENV}: cannot read {path} ({type(error).__name__})"
                ) from None
            source = f"{GATEWAY_KEYS_FILE_ENV} ({path})"
    else:
        source = "the gateway keys"
    keys = parse_keys(given, source=source)
    if keys:
        return keys, False
    return (GatewayKey(f"sk-gw-{secrets.token_urlsafe(24)}"),), True


def find_tenant(keys: tuple[GatewayKey, ...], authorization: str) -> Tenant | None:
    """The tenant whose key the `Authorization` header carries (`Bearer` in any case), comparing
    every key in constant time with no early exit, so the timing says nothing."""
    scheme, _, given = authorization.strip().partition(" ")
    given = given.strip()
    if scheme.lower() != "bearer" or not given:
        return None
    offered = given.encode()
    found: Tenant | None = None
    for key in keys:
        if hmac.compare_digest(offered, key.key.encode()):
            found = key.tenant
    return found
