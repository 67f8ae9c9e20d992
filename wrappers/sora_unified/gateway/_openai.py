"""OpenAI's Videos API words: the video object, the error envelope, and how a `model` name
picks a vendor and model.

`sora-2` and `sora-2-pro` map to a documented default per vendor (text or image to video by
whether a first frame is given); `vendor/model` (say `kie/sora-2-pro-storyboard`) names any
model of the capability table. A request the target cannot honour is OpenAI's 400 naming the
supported values, never a silent change of what was asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._capabilities import capabilities
from ..errors import (
    APIConnectionError,
    AuthenticationError,
    ConfigurationError,
    InsufficientCreditsError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
    SoraError,
    ValidationError,
)
from ..vendors import VENDOR_NAMES

__all__ = [
    "DEFAULT_MODELS",
    "OpenAIError",
    "Route",
    "error_body",
    "error_code",
    "from_sora_error",
    "model_list",
    "route",
]

# OpenAI model name -> (text-to-video, image-to-video) model of each vendor. A vendor that does
# not sell the tier is missing from its row.
DEFAULT_MODELS: dict[str, dict[str, tuple[str, str]]] = {
    "kie": {
        "sora-2": ("sora-2-text-to-video", "sora-2-image-to-video"),
        "sora-2-pro": ("sora-2-pro-text-to-video", "sora-2-pro-image-to-video"),
    },
    "evolink": {"sora-2": ("sora-2", "sora-2"), "sora-2-pro": ("sora-2-pro", "sora-2-pro")},
    "modelverse": {"sora-2": ("openai/sora-2/text-to-video", "openai/sora-2/image-to-video")},
    "modelverse-openai": {"sora-2": ("sora-2", "sora-2")},
}


class OpenAIError(Exception):
    """An answer in OpenAI's error envelope."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        kind: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind
        self.code = code
        self.param = param


def _encodable(text: str | None) -> str | None:
    """Text that can always be sent as UTF-8: a lone surrogate a caller sent is shown escaped."""
    if text is None:
        return None
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def error_body(error: OpenAIError) -> dict[str, Any]:
    return {
        "error": {
            "message": _encodable(error.message),
            "type": error.kind,
            "param": _encodable(error.param),
            "code": error.code,
        }
    }


@dataclass(frozen=True, slots=True)
class Route:
    vendor: str
    model: str | None  # None: the vendor's own choice (a tier's default is explicit)


def route(
    name: str, default_vendor: str, *, with_image: bool, served: tuple[str, ...] = VENDOR_NAMES
) -> Route:
    """The vendor and model an OpenAI `model` value selects (`served`: the vendors this gateway
    holds keys for)."""
    vendor, slash, model = name.partition("/")
    if slash and vendor in VENDOR_NAMES:
        if vendor not in served:
            raise OpenAIError(
                400,
                f"model {name!r}: this gateway does not serve {vendor}"
                f" (it serves {', '.join(served)})",
                param="model",
                code="invalid_model",
            )
        offered = [m.model for m in capabilities().vendor(vendor) if m.kind in ("video", "remix")]
        if model not in offered:
            raise OpenAIError(
                400,
                f"model {name!r}: {vendor} offers {', '.join(offered)}",
                param="model",
                code="invalid_model",
            )
        return Route(vendor, model)
    tiers = DEFAULT_MODELS[default_vendor]
    if name not in tiers:
        allowed = [*tiers, *(f"{v}/<model>" for v in served)]
        raise OpenAIError(
            400,
            f"model {name!r} is not served by {default_vendor}; supported: {', '.join(allowed)}"
            " (`sora-unified vendors` lists every model)",
            param="model",
            code="invalid_model",
        )
    text, image = tiers[name]
    return Route(default_vendor, image if with_image else text)


def from_sora_error(error: SoraError) -> OpenAIError:
    """A vendor-side failure in OpenAI's terms. Whether a retry is safe decides the status:
    the openai package retries 408, 409, 429 and 5xx on its own, so those are only answered
    when nothing was created (an ambiguous submit is a `failed` video instead, never an error)."""
    message = str(error)
    if isinstance(error, ValidationError):
        return OpenAIError(400, message, param=error.field, code="invalid_value")
    if isinstance(error, NotFoundError):
        return OpenAIError(404, message, code="not_found")
    if isinstance(error, InsufficientCreditsError):
        return OpenAIError(429, message, kind="insufficient_quota", code="insufficient_quota")
    if isinstance(error, RateLimitError):
        return OpenAIError(429, message, kind="rate_limit_error", code="rate_limit_exceeded")
    if isinstance(error, AuthenticationError | PermissionDeniedError | ConfigurationError):
        # The gateway's own vendor key was refused: the operator's problem, not the caller's.
        return OpenAIError(502, f"the vendor refused the gateway's key: {message}",
                           kind="server_error", code="upstream_auth")  # fmt: skip
    if isinstance(error, ServiceUnavailableError | APIConnectionError):
        return OpenAIError(503, message, kind="server_error", code="upstream_unavailable")
    return OpenAIError(502, message, kind="server_error", code="upstream_error")


def error_code(error: SoraError) -> str:
    """The `error.code` of a video whose submit the vendor refused (its create had answered)."""
    answer = from_sora_error(error)
    return answer.code or "upstream_error"


def model_list(default_vendor: str, served: tuple[str, ...]) -> list[dict[str, Any]]:
    """`GET /v1/models`: the OpenAI names the gateway routes, then every `vendor/model`."""
    names = list(DEFAULT_MODELS[default_vendor])
    for vendor in served:
        names += [f"{vendor}/{m.model}" for m in capabilities().vendor(vendor) if m.kind == "video"]
    owner = {name: name.partition("/")[0] if "/" in name else default_vendor for name in names}
    return [
        {"id": name, "object": "model", "created": 0, "owned_by": owner[name]} for name in names
    ]
