"""The body an adapter builds for a request *without* the local check.

Contract tests compare the client's own verdict on a request (check_request) with the spec's
verdict on the body the adapter would send for it; for that the body must be built even for
requests the client refuses.
"""

from __future__ import annotations

import copy
from typing import Any

from sora_unified import VideoRequest
from sora_unified._capabilities import ModelCapabilities, Plan
from sora_unified.vendors import load_adapter


def adapter_body(caps: ModelCapabilities, request: VideoRequest) -> dict[str, Any]:
    shots_total = sum(shot.seconds for shot in request.shots or ())
    seconds = request.seconds or next(
        (s for s in caps.seconds if s >= shots_total), caps.default_seconds
    )
    plan = Plan(
        request,
        caps,
        seconds,
        request.resolved_orientation or caps.default_orientation,
        request.quality,
    )
    body = load_adapter(caps.vendor).submit_call(plan).json
    assert isinstance(body, dict)
    return copy.deepcopy(body)
