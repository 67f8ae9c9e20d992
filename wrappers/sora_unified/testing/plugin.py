"""The pytest plugin (entry point `sora_unified`, with `sora-unified[testing]` installed).

Fixtures:
    sora_sandbox       the session's sandbox of every vendor, clean for each test (SandboxKit)
    sora_vendor        the vendor the client fixtures use: "kie"; parametrise it for others
    sora_client        a Client of `sora_vendor` on the sandbox and its fake clock
    sora_async_client  the same as an AsyncClient
    sora_gateway       OpenAI's Videos API (the gateway) on the sandbox, for one test (GatewayKit)

Marker:
    @pytest.mark.sora_sandbox(timing=Timing(queue_seconds=30), credits=100, ...)
        this test's sandbox settings (SandboxConfig fields); the rest are the kit's defaults.

Nothing heavy is imported until a fixture is used: the plugin costs a test run that does not
use it nothing, and one without the extra's packages gets a clear error only when it does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .. import AsyncClient, Client
    from ._gateway import GatewayKit
    from ._sandbox import SandboxKit

MARKER = "sora_sandbox"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(timing=None, **settings): this test's sora-unified sandbox settings"
        " (sora_unified.sandbox.SandboxConfig fields)",
    )


def _kit() -> type[SandboxKit]:
    try:
        from ._sandbox import SandboxKit
    except ImportError as error:  # the sandbox's server packages are the extra's
        raise pytest.UsageError(
            f"the sora_sandbox fixtures need sora-unified[testing] installed ({error})"
        ) from error
    return SandboxKit


@pytest.fixture(scope="session")
def sora_sandbox_session() -> Iterator[SandboxKit]:
    """The one serving sandbox of this session (of this worker, under pytest-xdist)."""
    with _kit()() as kit:
        yield kit


@pytest.fixture
def sora_sandbox(request: pytest.FixtureRequest, sora_sandbox_session: SandboxKit) -> SandboxKit:
    """The session's sandbox, reset for this test with the settings of its `sora_sandbox`
    marker (nearest first): no tasks, counts, credits spent, callbacks or scripted faults."""
    settings: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        if marker.args:
            raise pytest.UsageError(
                f"@pytest.mark.{MARKER} takes keyword settings only (timing=..., credits=...);"
                f" got {marker.args!r}"
            )
        settings.update(marker.kwargs)
    sora_sandbox_session.reset(**settings)
    return sora_sandbox_session


@pytest.fixture
def sora_vendor() -> str:
    """The vendor of `sora_client`, `sora_async_client` and `sora_gateway`. Run a test for
    several: `@pytest.mark.parametrize("sora_vendor", ["kie", "evolink"])`."""
    return "kie"


@pytest.fixture
def sora_client(sora_sandbox: SandboxKit, sora_vendor: str) -> Iterator[Client]:
    client = sora_sandbox.client(sora_vendor)
    yield client
    client.close()


@pytest.fixture
def sora_async_client(sora_sandbox: SandboxKit, sora_vendor: str) -> Iterator[AsyncClient]:
    """An AsyncClient; a sync fixture, so it works under any async test plugin (or none).
    A test that runs its own event loop closes it there (`async with sora_async_client:`):
    its connections belong to that loop. Otherwise it is closed after the test."""
    client = sora_sandbox.async_client(sora_vendor)
    yield client
    import asyncio  # here: a run that uses no async client does not import it

    try:
        asyncio.run(client.close())
    except RuntimeError as error:
        if "closed" not in str(error):
            raise
        raise pytest.UsageError(
            "sora_async_client was used in an event loop that is closed now, and its"
            " connections with it: close the client in that loop (`async with"
            " sora_async_client:`)"
        ) from error


@pytest.fixture
def sora_gateway(
    sora_sandbox: SandboxKit, sora_vendor: str, tmp_path: Path
) -> Iterator[GatewayKit]:
    """The gateway in front of `sora_vendor` on the sandbox, its store in `tmp_path`:
    `OpenAI(**sora_gateway.openai_options())`."""
    from ._gateway import GatewayKit

    with GatewayKit(sora_sandbox, folder=tmp_path, vendor=sora_vendor) as gateway:
        yield gateway
