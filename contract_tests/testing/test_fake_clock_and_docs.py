"""The kit's clock, and the README naming everything the kit offers (users read only it)."""

from __future__ import annotations

import asyncio
import inspect
import math
import threading

import pytest
import sora_unified.testing as kit
from sora_unified import VideoRequest
from sora_unified.sandbox import Timing
from sora_unified.testing import FakeClock, GatewayKit, MockVendor, SandboxKit
from sora_unified.testing import plugin as plugin_module

from contract_tests.support.specs import ROOT


def test_time_moves_only_when_something_sleeps_or_advances():
    clock = FakeClock(start=1000.0)
    assert (clock.time(), clock.monotonic()) == (1000.0, 0.0)
    clock.sleep(2.5)
    asyncio.run(clock.sleep_async(0.5))
    clock.advance(7)
    assert (clock.time(), clock.monotonic()) == (1010.0, 10.0)
    assert clock.sleeps == [2.5, 0.5]


@pytest.mark.parametrize("seconds", [-1, math.nan])
def test_time_never_goes_back(seconds):
    clock = FakeClock()
    for move in (clock.sleep, clock.advance):
        with pytest.raises(ValueError, match="seconds must be a number >= 0"):
            move(seconds)


def test_resync_brings_time_back_to_now_but_not_monotonic():
    clock = FakeClock(start=0.0)
    clock.sleep(100)
    clock.resync()
    assert clock.time() > 1_700_000_000 and clock.monotonic() == 100 and clock.sleeps == []


def test_threads_sleeping_on_one_clock_lose_no_time():
    clock = FakeClock(start=0.0)

    def sleeper() -> None:
        for _ in range(1000):
            clock.sleep(0.001)

    threads = [threading.Thread(target=sleeper) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert clock.monotonic() == pytest.approx(4.0) and len(clock.sleeps) == 4000


@pytest.mark.sora_sandbox(timing=Timing(queue_seconds=30, run_seconds=60, not_visible_seconds=0))
def test_advance_moves_the_sandboxs_tasks(sora_client, sora_sandbox):
    task = sora_client.submit(VideoRequest(prompt="a corgi"))
    assert sora_client.retrieve(task).status == "queued"
    sora_sandbox.advance(31)
    assert sora_client.retrieve(task).status == "in_progress"
    sora_sandbox.advance(60)
    assert sora_client.retrieve(task).status == "completed"


def _public(cls: type) -> set[str]:
    return {n for n, _ in inspect.getmembers(cls) if not n.startswith("_")}


def test_the_readme_names_every_fixture_helper_and_method():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Testing your own code") : readme.index("## Specs and")]
    fixtures = {
        name
        for name, value in vars(plugin_module).items()
        if name.startswith("sora_") and callable(value) and name != "sora_sandbox_session"
    }
    assert fixtures == {
        "sora_sandbox", "sora_vendor", "sora_client", "sora_async_client", "sora_gateway",
    }  # fmt: skip
    wanted = (
        fixtures
        | {"sora-unified[testing]", "@pytest.mark.sora_sandbox", "examples/testing-kit/"}
        | {"mock_vendor", "sample_video", "SandboxKit", "GatewayKit", "FakeClock", "INSTANT"}
        | {"KIE_HMAC_KEY"}
        | (_public(SandboxKit) - {"start", "stop", "url", "sandbox", "base_config", "clock"})
        | {"clock", "sleeps", "openai_options", "other_tenant"}
        | (
            _public(MockVendor)
            - {"start", "stop", "router", "vendor", "base_url", "outcome", "video"}
            - {"submit_answer", "status_answer", "async_transport"}
        )
    )
    missing = sorted(name for name in wanted if name not in section)
    assert not missing, f"the README's testing section does not mention {missing}"
    assert set(kit.__all__) >= {"mock_vendor", "SandboxKit", "GatewayKit", "FakeClock"}
    assert GatewayKit.openai_options.__doc__


def test_an_async_sleep_lets_the_loops_other_tasks_run():
    clock = FakeClock()

    async def main() -> bool:
        flag: list[int] = []

        async def waiter() -> bool:
            for _ in range(100):
                if flag:
                    return True
                await clock.sleep_async(1)
            return False

        async def setter() -> None:
            flag.append(1)

        waiting = asyncio.create_task(waiter())
        setting = asyncio.create_task(setter())
        found = await waiting
        await setting
        return found

    assert asyncio.run(main())
