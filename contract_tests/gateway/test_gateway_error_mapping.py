"""Every kind of vendor-side failure gets the OpenAI status, type and code the gateway
promises (README, "The gateway"): the status decides whether the openai package retries, so a
wrong one either hides a refusal behind retries or turns a retryable outage into a failure."""

from __future__ import annotations

import pytest
from sora_unified import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    InsufficientCreditsError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ServiceUnavailableError,
    SoraError,
    UnsupportedFeatureError,
    ValidationError,
)
from sora_unified.gateway._openai import error_body, error_code, from_sora_error


def _api(cls: type[APIError], status: int) -> APIError:
    return cls("the vendor said no", vendor="kie", status_code=status)


CASES = [
    (
        ValidationError("bad", vendor="kie", model=None, field="seconds", value=7, allowed="4, 8"),
        400,
        "invalid_request_error",
        "invalid_value",
    ),
    (
        UnsupportedFeatureError(
            "no", vendor="kie", model=None, field="remix", value=None, allowed="evolink"
        ),
        400,
        "invalid_request_error",
        "invalid_value",
    ),
    (_api(NotFoundError, 404), 404, "invalid_request_error", "not_found"),
    (_api(InsufficientCreditsError, 402), 429, "insufficient_quota", "insufficient_quota"),
    (_api(RateLimitError, 429), 429, "rate_limit_error", "rate_limit_exceeded"),
    (_api(AuthenticationError, 401), 502, "server_error", "upstream_auth"),
    (_api(PermissionDeniedError, 403), 502, "server_error", "upstream_auth"),
    (ConfigurationError("no key"), 502, "server_error", "upstream_auth"),
    (_api(ServiceUnavailableError, 503), 503, "server_error", "upstream_unavailable"),
    (APIConnectionError("down", vendor="kie"), 503, "server_error", "upstream_unavailable"),
    (APITimeoutError("slow", vendor="kie"), 503, "server_error", "upstream_unavailable"),
    (_api(ServerError, 500), 502, "server_error", "upstream_error"),
    (_api(BadRequestError, 400), 502, "server_error", "upstream_error"),
    (SoraError("odd"), 502, "server_error", "upstream_error"),
]


@pytest.mark.parametrize(
    ("error", "status", "kind", "code"), CASES, ids=[type(c[0]).__name__ for c in CASES]
)
def test_each_failure_has_its_promised_openai_status(
    error: SoraError, status: int, kind: str, code: str
) -> None:
    answer = from_sora_error(error)
    body = error_body(answer)["error"]
    assert (answer.status, body["type"], body["code"]) == (status, kind, code)
    assert error_code(error) == code
    if isinstance(error, ValidationError):
        assert body["param"] == error.field


ROUTES = [
    ("kie", "sora-2", False, "sora-2-text-to-video"),
    ("kie", "sora-2", True, "sora-2-image-to-video"),
    ("kie", "sora-2-pro", False, "sora-2-pro-text-to-video"),
    ("kie", "sora-2-pro", True, "sora-2-pro-image-to-video"),
    ("modelverse", "sora-2", False, "openai/sora-2/text-to-video"),
    ("modelverse", "sora-2", True, "openai/sora-2/image-to-video"),
    ("evolink", "sora-2-pro", True, "sora-2-pro"),
    ("modelverse-openai", "sora-2", True, "sora-2"),
]


@pytest.mark.parametrize(("vendor", "name", "with_image", "model"), ROUTES)
def test_an_openai_model_name_routes_to_the_vendors_model_for_text_or_image(
    vendor: str, name: str, with_image: bool, model: str
) -> None:
    """`input_reference` given, the image-to-video model of the tier; else the text one."""
    from sora_unified.gateway._openai import route

    chosen = route(name, vendor, with_image=with_image)
    assert (chosen.vendor, chosen.model) == (vendor, model)
