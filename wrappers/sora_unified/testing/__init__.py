"""Test your own video code against the vendors without paying: `pip install
"sora-unified[testing]"` and pytest has the fixtures (`sora_sandbox`, `sora_client`,
`sora_async_client`, `sora_gateway`, `sora_vendor`); `mock_vendor` needs no server at all.

    def test_my_pipeline(sora_client, sora_sandbox, tmp_path):
        sora_sandbox.fail_next("submit", "rate_limit")
        my_pipeline(sora_client, out=tmp_path)      # retried, then a video
        assert sora_sandbox.submits() == 1           # paid once

Outside pytest, `SandboxKit` and `GatewayKit` are the same things as context managers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from ._clock import FakeClock
    from ._gateway import API_KEY, OTHER_API_KEY, GatewayKit
    from ._mock import MOCK_FAULTS, MockVendor, mock_vendor, sample_video
    from ._sandbox import INSTANT, KIE_HMAC_KEY, SandboxKit, default_config

# Imported on first use: pytest loads the plugin (a submodule) in every test run of a project
# that has the package installed, and must not pay for the sandbox's server there.
_HOMES = {
    "FakeClock": "_clock",
    "API_KEY": "_gateway",
    "OTHER_API_KEY": "_gateway",
    "GatewayKit": "_gateway",
    "MOCK_FAULTS": "_mock",
    "MockVendor": "_mock",
    "mock_vendor": "_mock",
    "sample_video": "_mock",
    "INSTANT": "_sandbox",
    "KIE_HMAC_KEY": "_sandbox",
    "SandboxKit": "_sandbox",
    "default_config": "_sandbox",
}
__all__ = [
    "API_KEY",
    "INSTANT",
    "KIE_HMAC_KEY",
    "MOCK_FAULTS",
    "OTHER_API_KEY",
    "FakeClock",
    "GatewayKit",
    "MockVendor",
    "SandboxKit",
    "default_config",
    "mock_vendor",
    "sample_video",
]


__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals(), __all__)
