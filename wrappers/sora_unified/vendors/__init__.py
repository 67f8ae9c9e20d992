"""One adapter module per vendor behind the `VendorAdapter` protocol, loaded on first use."""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING

from .._vendor_names import VENDOR_NAMES

if TYPE_CHECKING:
    from .base import VendorAdapter

__all__ = ["VENDOR_NAMES", "load_adapter"]


@cache
def load_adapter(vendor: str) -> VendorAdapter:
    """The adapter for `vendor`; its generated client is imported only now."""
    from ..errors import ConfigurationError

    if vendor not in VENDOR_NAMES:
        raise ConfigurationError(
            f"unknown vendor {vendor!r}; expected one of {', '.join(VENDOR_NAMES)}"
        )
    module = importlib.import_module(f"{__name__}.{vendor.replace('-', '_')}")
    adapter: VendorAdapter = module.ADAPTER
    return adapter
