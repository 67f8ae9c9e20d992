"""The protocol every vendor adapter implements, and what adapters share.

An adapter only maps: a checked request to the vendor's body, the vendor's answers to a
`Video` or an `APIError`. Retry, polling, download, configuration and logging live in the
shared client code.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from .._api_errors import api_error
from .._capabilities import Plan
from .._images import LocalImage
from .._limits import RateLimit
from .._prices import unit_of, usd_of
from .._urls import split_http_url
from .._wire import HttpCall, HttpReply
from ..errors import APIError, UnsupportedFeatureError, ValidationError
from ..types import AnyRequest, Cost, VendorOptionsArg, Video, option_pairs


@dataclass(frozen=True, slots=True)
class CallbackSigning:
    """How a vendor signs callbacks: HMAC-SHA256 over `<task id>.<timestamp>`, base64."""

    timestamp_header: str
    signature_header: str


ImageTransport = Literal["upload", "data-url", "inline"]


class VendorAdapter(Protocol):
    name: str
    default_base_url: str
    api_key_env: str
    base_url_env: str
    callback_signing: CallbackSigning | None
    # Where result links live: (lifetime in hours, or None when undocumented).
    result_link_hours: int | None
    # How a local first frame reaches the vendor: uploaded to its file host first, sent as a
    # data: URL, or inline in the (multipart) submit itself.
    image_transport: ImageTransport
    default_files_base_url: str | None
    files_base_url_env: str | None
    # Whether results are fetched from the vendor's own API with the key (OpenAI-style
    # `/content`) rather than from a public link.
    results_need_key: bool
    # Client-side rate limits the vendor documents ("submit", "status" -> RateLimit); none
    # documented, none imposed.
    documented_rate_limits: Mapping[str, RateLimit]

    def auth_headers(self, api_key: str) -> dict[str, str]: ...

    def choose_model(self, request: AnyRequest) -> str:
        """The model a request without `model` uses (UnsupportedFeatureError when the vendor
        sells no model of that kind)."""
        ...

    def submit_call(self, plan: Plan) -> HttpCall: ...

    def task_id_from_submit(self, body: Any) -> str | None: ...

    def submit_cost(self, body: Any) -> Cost | None:
        """What the create answer says the task reserves or costs, if the vendor says."""
        ...

    def status_call(self, task_id: str) -> HttpCall: ...

    def parse_status(self, body: Any, *, task_id: str | None = None) -> Video: ...

    def credits_call(self) -> HttpCall: ...

    def parse_credits(self, body: Any) -> float: ...

    def error_from_reply(self, call: HttpCall, reply: HttpReply) -> APIError | None: ...

    def callback_task_id(self, body: Any) -> str | None: ...

    def fresh_link_call(self, url: str) -> HttpCall | None:
        """The request for a fresh link to an expired result `url`, or None when the vendor
        offers no such thing."""
        ...

    def parse_fresh_link(self, body: Any) -> str | None: ...

    def upload_call(self, image: LocalImage, files_base_url: str) -> HttpCall:
        """The upload of a local image to the vendor's file host (image_transport "upload")."""
        ...

    def content_path(self, task_id: str) -> str | None:
        """The path (on the API's host) of a completed task's video, for vendors whose results
        are fetched with the key; None when results are public links."""
        ...

    def uploaded_url(self, body: Any) -> str | None:
        """The public link of an uploaded file, from the file host's answer."""
        ...


def reported_cost(vendor: str, value: Any, basis: str) -> Cost | None:
    """A vendor's own cost figure as a Cost (None unless a finite number >= 0)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    amount = float(value)
    if not math.isfinite(amount) or amount < 0:
        return None
    usd = usd_of(vendor, amount)
    return Cost(amount=amount, unit=unit_of(vendor), source="reported", usd=usd, basis=basis)


class NoReportedCost:
    """For vendors whose create answer says nothing of cost."""

    def submit_cost(self, body: Any) -> Cost | None:
        return None


class NoUploads:
    """For vendors that take a local image in the request itself (a data: URL or inline)."""

    default_files_base_url: str | None = None
    files_base_url_env: str | None = None

    def upload_call(self, image: LocalImage, files_base_url: str) -> HttpCall:
        raise NotImplementedError("this vendor takes images in the request itself")

    def uploaded_url(self, body: Any) -> str | None:
        return None


def multipart_parts(
    parts: Sequence[tuple[str, tuple[str | None, Any, str]]],
) -> list[tuple[str, tuple[str | None, bytes, str]]]:
    """Multipart parts with every payload read into bytes, so a retried upload sends them
    whole again (a file object would be empty the second time)."""
    read = []
    for name, (file_name, payload, content_type) in parts:
        content = payload.read() if hasattr(payload, "read") else payload
        data = content.encode() if isinstance(content, str) else bytes(content)
        read.append((name, (file_name, data, content_type)))
    return read


def link_in(body: Any, *paths: tuple[str, ...]) -> str | None:
    """The first absolute http(s) URL found at one of `paths` in a JSON body."""
    for path in paths:
        value: Any = body
        for key in path:
            value = mapping(value).get(key)
        if isinstance(value, str) and split_http_url(value) is not None:
            return value
    return None


class LinkedResults:
    """For vendors whose status answers carry public result links (no key to download)."""

    results_need_key = False

    def content_path(self, task_id: str) -> str | None:
        return None


class NoFreshLinks:
    """For vendors whose expired result links cannot be renewed."""

    def fresh_link_call(self, url: str) -> HttpCall | None:
        return None

    def parse_fresh_link(self, body: Any) -> str | None:
        return None


def json_body_reply(body: Any) -> HttpReply:
    """An HttpReply standing for a body a user handed to parse_status or parse_callback."""
    return HttpReply(200, {}, json.dumps(body, default=str).encode())


def malformed(vendor: str, what: str, body: Any) -> APIError:
    return api_error(
        vendor,
        json_body_reply(body),
        status=200,
        message=f"malformed {what}: expected the documented JSON object",
        from_vendor=False,
        cls=APIError,
    )


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def no_model(vendor: str, request: AnyRequest, what: str) -> UnsupportedFeatureError:
    return UnsupportedFeatureError(
        f"{vendor} sells no model for {what}",
        vendor=vendor,
        model=None,
        field="model",
        value=type(request).__name__,
        allowed=f"a vendor with {what} (see sora_unified.capabilities())",
    )


def merge_vendor_options(body: dict[str, Any], options: VendorOptionsArg | None) -> dict[str, Any]:
    """A copy of `body` with each (dotted path, value) of `options` set."""
    merged = copy.deepcopy(body)
    for path, value in option_pairs(options):
        *parents, leaf = path.split(".")
        target = merged
        for name in parents:
            target = target.setdefault(name, {})
        target[leaf] = value
    return merged


def with_vendor_options(body: dict[str, Any], plan: Plan, model_class: Any) -> dict[str, Any]:
    """The body with the request's vendor options set at their paths, each checked by parsing
    the body with the generated model (the spec's enums and types) before it is sent."""
    merged = body
    for path, value in option_pairs(plan.request.vendor_options):
        merged = merge_vendor_options(merged, ((path, value),))
        try:
            model_class.from_dict(merged)
        except (TypeError, ValueError, KeyError) as error:
            raise ValidationError(
                f"{plan.model.vendor} {plan.model.model}: vendor_options[{path!r}] = {value!r}"
                f" is refused by the vendor's spec ({error})",
                vendor=plan.model.vendor,
                model=plan.model.model,
                field=f"vendor_options[{path!r}]",
                value=value,
                allowed="a value the vendor's spec allows",
            ) from None
    return merged
