"""A sandbox started on a state file (`--state FILE`, `SandboxConfig(state=...)`) keeps its
tasks across a restart: another sandbox on the same file (another process, another port)
answers them as the first did, a failed one with its reason, a delivered callback as
delivered, and a task it never made as unknown."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from sora_unified import Client, NotFoundError, SoraError, VideoRequest
from sora_unified.sandbox import Fault, Sandbox, SandboxConfig, Timing

from contract_tests.support.fakes import FakeClock
from contract_tests.support.mocking import async_transport
from contract_tests.support.specs import VENDORS

SECONDS = {"kie": 10, "evolink": 10, "modelverse": 4, "modelverse-openai": 4}
TIMING = Timing(queue_seconds=1, run_seconds=2, not_visible_seconds=0)


def _view(client: Client, task: str) -> tuple[object, ...]:
    video = client.retrieve(task)
    return (
        video.status,
        video.model,
        video.seconds,
        video.size,
        video.error_message,
        len(video.video_urls),
    )


@pytest.mark.parametrize("vendor", VENDORS)
def test_tasks_outlive_the_sandbox_that_made_them(
    tmp_path: Path, vendor: str, client_factory: Any
) -> None:
    state = str(tmp_path / "sandbox.sqlite3")
    clock = FakeClock()
    failing = Fault(kind="fail_generation", vendor=vendor, endpoint="submit", nth=(2,))
    request = VideoRequest(prompt="kept", seconds=SECONDS[vendor])
    with Sandbox(
        SandboxConfig(timing=TIMING, state=state, faults=(failing,)), clock=clock
    ) as first:
        client = client_factory(vendor, sandbox=first)
        done, failed, running = (client.submit(request) for _ in range(3))
        clock.now += 3  # the first two finish; the third was made later
        running_later = client.submit(request)
        seen = {task.id: _view(client, str(task)) for task in (done, failed, running_later)}
    assert seen[done.id][0] == "completed" and seen[failed.id][0] == "failed"
    assert seen[running_later.id][0] in ("queued", "in_progress")
    with Sandbox(SandboxConfig(timing=TIMING, state=state), clock=clock) as second:
        again = client_factory(vendor, sandbox=second)
        assert {t.id: _view(again, str(t)) for t in (done, failed, running_later)} == seen
        clock.now += 3
        assert again.retrieve(running_later).status == "completed"  # time goes on for it
        assert again.retrieve(running).status == "completed"
        with pytest.raises(SoraError) as unknown:
            again.retrieve(f"{vendor}:{done.id[:-4]}beef")
        assert isinstance(unknown.value, NotFoundError) or "not found" in str(unknown.value)


def test_a_delivered_callback_stays_delivered_across_a_restart(
    tmp_path: Path, client_factory: Any
) -> None:
    state = str(tmp_path / "sandbox.sqlite3")
    clock = FakeClock()
    delivered = threading.Event()
    router = respx.Router(assert_all_mocked=True)
    router.post("https://hooks.example.com/kie").mock(
        side_effect=lambda request: delivered.set() or httpx.Response(200)
    )
    config = SandboxConfig(
        timing=TIMING,
        state=state,
        callback_transport=async_transport(router),
        callback_delivery="anywhere",
    )
    with Sandbox(config, clock=clock) as first:
        task = client_factory("kie", sandbox=first).submit(
            VideoRequest(prompt="p", seconds=10, callback_url="https://hooks.example.com/kie")
        )
        clock.now += 4
        assert delivered.wait(10), "the callback was never sent"
    with Sandbox(SandboxConfig(timing=TIMING, state=state), clock=clock) as second:
        kept = second.state.task("kie", task.id)
        assert kept is not None and kept.callback_done


def test_a_task_made_before_a_restart_still_calls_back_when_it_finishes(
    tmp_path: Path, client_factory: Any
) -> None:
    """The second sandbox takes the first one's running task in hand once asked about it: when
    the task finishes, its callback is delivered, once."""
    state = str(tmp_path / "sandbox.sqlite3")
    clock = FakeClock()
    delivered: list[httpx.Request] = []
    arrived = threading.Event()
    router = respx.Router(assert_all_mocked=True)
    router.post("https://hooks.example.com/kie").mock(
        side_effect=lambda request: (delivered.append(request), arrived.set(), httpx.Response(200))[
            -1
        ]
    )

    def config() -> SandboxConfig:
        return SandboxConfig(
            timing=TIMING,
            state=state,
            callback_transport=async_transport(router),
            callback_delivery="anywhere",
        )

    with Sandbox(config(), clock=clock) as first:
        task = client_factory("kie", sandbox=first).submit(
            VideoRequest(prompt="p", seconds=10, callback_url="https://hooks.example.com/kie")
        )
    assert delivered == []  # it had not finished
    with Sandbox(config(), clock=clock) as second:
        client = client_factory("kie", sandbox=second)
        assert client.retrieve(task).status in ("queued", "in_progress")
        with pytest.raises(SoraError):
            client.retrieve("kie:" + "f" * 32)  # an unknown id on the way changes nothing
        clock.now += 4
        assert arrived.wait(60), "the callback of the task made before the restart never came"
        assert client.retrieve(task).status == "completed"
    assert len(delivered) == 1
