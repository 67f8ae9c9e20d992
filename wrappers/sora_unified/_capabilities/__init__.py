"""What each vendor and model offers, as data, and the check of a request against it.

The table is written from the vendors' pages, separately from specs/, and a contract test
compares the two mechanically (every limit probed at and past its edge). `check_request` runs
before any HTTP request and raises `ValidationError` or `UnsupportedFeatureError` naming
vendor, model, field, value and what is allowed.

A model has a `kind`: "video" (generate from a prompt, image or storyboard), "remix" (a new
video from an earlier task's), "character" (a cameo to cast later) or "watermark_removal".
A model that is known but whose fields are not described anywhere we can cite is listed with
`described=False` and refused.
"""

from __future__ import annotations

from ._checker import check_request
from ._schema import (
    KIND_METHODS,
    PROGRESS_CALLBACK,
    UPLOAD_METHOD,
    Capabilities,
    Kind,
    ModelCapabilities,
    Plan,
    VendorOption,
)
from ._table import MODELS

__all__ = [
    "KIND_METHODS",
    "MODELS",
    "PROGRESS_CALLBACK",
    "UPLOAD_METHOD",
    "Capabilities",
    "Kind",
    "ModelCapabilities",
    "Plan",
    "VendorOption",
    "capabilities",
    "check_request",
]


def capabilities() -> Capabilities:
    """Per vendor and model: kind, seconds, sizes, qualities, features and limits."""
    return Capabilities(MODELS)
