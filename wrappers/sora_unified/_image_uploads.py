"""A local first frame on its way to the vendor: uploaded to its file host, sent inline as a
data: URL, or passed as it is, whichever the adapter's `image_transport` says."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from ._api_errors import excerpt
from ._capabilities import Plan
from ._wire import HttpCall
from .errors import APIError
from .types import VideoRequest
from .vendors.base import VendorAdapter

__all__ = ["upload_call", "with_image"]

logger = logging.getLogger("sora_unified")


def upload_call(adapter: VendorAdapter, plan: Plan, files_base_url: str | None) -> HttpCall | None:
    """The upload a local image needs before the submit (the vendor's file host), if any."""
    if plan.image is None or adapter.image_transport != "upload":
        return None
    assert files_base_url is not None  # every adapter that uploads names its file host
    return adapter.upload_call(plan.image, files_base_url)


def with_image(adapter: VendorAdapter, plan: Plan, uploaded: Any = None) -> Plan:
    """The plan with its local image turned into what the vendor takes: the uploaded file's
    link (`uploaded` is the file host's answer), or a data: URL (an inline image stays as it
    is). The orientation the image chose is written into the request, so re-planning it later
    gives the same video."""
    transport = adapter.image_transport
    if plan.image is None or transport == "inline":
        return plan
    if transport == "data-url":
        url = plan.image.data_url
    else:
        found = adapter.uploaded_url(uploaded)
        if found is None:
            raise APIError(
                f"the file host accepted the image but sent no link: {excerpt(str(uploaded))}",
                vendor=adapter.name,
                status_code=200,
            )
        url = found
        logger.info("%s: uploaded %r to %s", adapter.name, plan.image, url)
    request = plan.request
    assert isinstance(request, VideoRequest)  # only a video request carries a first frame
    pinned = request.orientation or (None if request.size else plan.orientation)
    ready = replace(request, image=None, image_url=url, orientation=pinned)
    return replace(plan, request=ready, image=None)
