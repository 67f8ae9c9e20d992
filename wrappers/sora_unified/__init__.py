"""sora-unified: one typed client for Sora 2 through kie.ai, evolink.ai and modelverse.cn.

    from sora_unified import Client, VideoRequest

    client = Client("kie")  # key from KIE_API_KEY
    task = client.submit(VideoRequest(prompt="a corgi surfing", seconds=10))
    video = client.wait(task, on_progress=lambda v: print(v.status, v.progress))
    client.download(video, "corgi.mp4")

Importing this package is cheap: the HTTP client, the vendor adapters and the generated
clients load on first use of the name that needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_exports
from ._version import __version__ as __version__

if TYPE_CHECKING:
    from ._budget import Budget, Reservation
    from ._capabilities import Capabilities, ModelCapabilities, capabilities
    from ._client import AsyncClient, Client, estimate, validate_request
    from ._limits import RateLimit
    from ._prices import Estimate, Price, PriceTable, prices
    from .callbacks import parse_callback, parse_status, sign_kie_callback
    from .errors import (
        APIConnectionError,
        APIError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        BudgetExceededError,
        CallbackVerificationError,
        ConfigurationError,
        DownloadError,
        FeatureDisabledError,
        GenerationFailedError,
        InsufficientCreditsError,
        LinkExpiredError,
        NotFoundError,
        PermissionDeniedError,
        PriceUnknownError,
        RateLimitError,
        ServerError,
        ServiceUnavailableError,
        SoraError,
        SubmissionUncertainError,
        SubmitCancelledError,
        UnsupportedFeatureError,
        ValidationError,
        WaitTimeoutError,
    )
    from .types import (
        Character,
        CharacterRequest,
        Cost,
        Shot,
        Task,
        Video,
        VideoRequest,
        WatermarkRemovalRequest,
    )

_EXPORTS: dict[str, str] = {
    "APIConnectionError": "errors",
    "APIError": "errors",
    "APITimeoutError": "errors",
    "AsyncClient": "_client",
    "AuthenticationError": "errors",
    "BadRequestError": "errors",
    "Budget": "_budget",
    "BudgetExceededError": "errors",
    "CallbackVerificationError": "errors",
    "Capabilities": "_capabilities",
    "Character": "types",
    "CharacterRequest": "types",
    "Client": "_client",
    "ConfigurationError": "errors",
    "Cost": "types",
    "DownloadError": "errors",
    "Estimate": "_prices",
    "FeatureDisabledError": "errors",
    "GenerationFailedError": "errors",
    "InsufficientCreditsError": "errors",
    "LinkExpiredError": "errors",
    "ModelCapabilities": "_capabilities",
    "NotFoundError": "errors",
    "PermissionDeniedError": "errors",
    "Price": "_prices",
    "PriceTable": "_prices",
    "PriceUnknownError": "errors",
    "RateLimit": "_limits",
    "RateLimitError": "errors",
    "Reservation": "_budget",
    "ServerError": "errors",
    "ServiceUnavailableError": "errors",
    "Shot": "types",
    "SoraError": "errors",
    "SubmissionUncertainError": "errors",
    "SubmitCancelledError": "errors",
    "Task": "types",
    "UnsupportedFeatureError": "errors",
    "ValidationError": "errors",
    "Video": "types",
    "VideoRequest": "types",
    "WaitTimeoutError": "errors",
    "WatermarkRemovalRequest": "types",
    "capabilities": "_capabilities",
    "estimate": "_client",
    "parse_callback": "callbacks",
    "parse_status": "callbacks",
    "prices": "_prices",
    "sign_kie_callback": "callbacks",
    "validate_request": "_client",
}

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AsyncClient",
    "AuthenticationError",
    "BadRequestError",
    "Budget",
    "BudgetExceededError",
    "CallbackVerificationError",
    "Capabilities",
    "Character",
    "CharacterRequest",
    "Client",
    "ConfigurationError",
    "Cost",
    "DownloadError",
    "Estimate",
    "FeatureDisabledError",
    "GenerationFailedError",
    "InsufficientCreditsError",
    "LinkExpiredError",
    "ModelCapabilities",
    "NotFoundError",
    "PermissionDeniedError",
    "Price",
    "PriceTable",
    "PriceUnknownError",
    "RateLimit",
    "RateLimitError",
    "Reservation",
    "ServerError",
    "ServiceUnavailableError",
    "Shot",
    "SoraError",
    "SubmissionUncertainError",
    "SubmitCancelledError",
    "Task",
    "UnsupportedFeatureError",
    "ValidationError",
    "Video",
    "VideoRequest",
    "WaitTimeoutError",
    "WatermarkRemovalRequest",
    "capabilities",
    "estimate",
    "parse_callback",
    "parse_status",
    "prices",
    "sign_kie_callback",
    "validate_request",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals(), __all__)
