"""The gateway (OpenAI's Videos API) on the kit's sandbox, for code written against OpenAI."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any

from ..gateway import Gateway, GatewayKey, clients_for
from ._sandbox import SandboxKit

# Two tenants: the code under test uses the first; the second shows what another team sees.
API_KEY = "sk-sora-unified-testing-0001"
OTHER_API_KEY = "sk-sora-unified-testing-0002"


class GatewayKit:
    """A gateway serving OpenAI's Videos API in front of `vendor` on the kit's sandbox:

        with GatewayKit(kit, folder=tmp_path) as gateway:
            openai_client = OpenAI(**gateway.openai_options())

    Its store lives in `folder`; the vendor calls go to the sandbox (so `kit.submits()` counts
    what the gateway paid for). The pytest plugin gives it as the `sora_gateway` fixture."""

    def __init__(self, kit: SandboxKit, *, folder: str | Path, vendor: str = "kie") -> None:
        self.kit = kit
        self.vendor = vendor
        self.api_key, self.other_api_key = API_KEY, OTHER_API_KEY
        self.gateway = Gateway(
            vendor=vendor,
            keys=(GatewayKey(API_KEY, "tests"), GatewayKey(OTHER_API_KEY, "other-tenant")),
            db=Path(folder) / "sora-unified-gateway.sqlite3",
            clients=clients_for(kit.client_options),
            # the openai package polls at the pace the gateway suggests: milliseconds here
            poll_after_ms=10,
        )

    def __repr__(self) -> str:
        return f"GatewayKit(vendor={self.vendor!r}, url={self.gateway.url!r})"  # no keys

    def start(self) -> GatewayKit:
        self.gateway.start()
        return self

    def stop(self) -> None:
        self.gateway.stop()

    def __enter__(self) -> GatewayKit:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self.gateway.url is None:
            raise RuntimeError("the gateway is not serving; call start() or use it in a with block")
        return self.gateway.url

    @property
    def base_url(self) -> str:
        """What `OpenAI(base_url=...)` takes: the gateway's /v1."""
        return f"{self.url}/v1"

    def openai_options(self, *, other_tenant: bool = False) -> dict[str, Any]:
        """`OpenAI(**gateway.openai_options())`: the base URL and a tenant's key (the second
        tenant's with `other_tenant=True`)."""
        return {
            "base_url": self.base_url,
            "api_key": self.other_api_key if other_tenant else self.api_key,
        }
