"""The sandbox keeps each key's tasks to that key, as the vendors keep them to an account: a
second key's status read, download or remix of the first key's task is answered exactly as for
a task that does not exist, and creates nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sora_unified import APIError, SoraError, VideoRequest
from sora_unified.sandbox import Sandbox, SandboxConfig, Timing

from contract_tests.support.specs import VENDORS

ONE, TWO = "sandbox-key-one-1234", "sandbox-key-two-5678"
SECONDS = {"kie": 10, "evolink": 10, "modelverse": 4, "modelverse-openai": 4}
UNKNOWN = {
    "kie": "kie:" + "0" * 32,
    "evolink": "evolink:task-unified-1-00000000",
    "modelverse": "modelverse:00000000-0000-0000-0000-000000000000",
    "modelverse-openai": "modelverse-openai:video_" + "0" * 32,
}


# One sandbox with two keys per vendor for the whole module (in place of the shared `sandbox`):
# every test makes its own tasks, and what one key sees of the other's is the subject.
@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    config = SandboxConfig(
        timing=Timing(queue_seconds=0, run_seconds=0, not_visible_seconds=0),
        api_keys={vendor: frozenset({ONE, TWO}) for vendor in VENDORS},
    )
    with Sandbox(config) as running:
        yield running


def _refusal(call: object) -> tuple[type[BaseException], int | None]:
    try:
        call()  # type: ignore[operator]
    except SoraError as error:
        return type(error), getattr(error, "status_code", None)
    raise AssertionError("the call was not refused")


@pytest.mark.parametrize("vendor", VENDORS)
def test_another_key_reads_a_task_as_if_it_did_not_exist(
    sandbox: Sandbox, vendor: str, client_factory: Any
) -> None:
    owner, other = (
        client_factory(vendor, sandbox=sandbox, api_key=ONE),
        client_factory(vendor, sandbox=sandbox, api_key=TWO),
    )
    task = owner.submit(VideoRequest(prompt="mine", seconds=SECONDS[vendor]))
    assert owner.wait(task, timeout=30).status == "completed"
    theirs = _refusal(lambda: other.retrieve(task))
    nobodys = _refusal(lambda: other.retrieve(UNKNOWN[vendor]))
    assert theirs == nobodys
    assert issubclass(theirs[0], APIError)
    assert owner.retrieve(task).status == "completed"  # untouched


@pytest.mark.parametrize("vendor", ["evolink", "modelverse-openai"])
def test_another_key_cannot_remix_a_task_and_pays_for_nothing(
    sandbox: Sandbox, vendor: str, client_factory: Any
) -> None:
    owner, other = (
        client_factory(vendor, sandbox=sandbox, api_key=ONE),
        client_factory(vendor, sandbox=sandbox, api_key=TWO),
    )
    source = owner.submit(VideoRequest(prompt="mine", seconds=SECONDS[vendor]))
    owner.wait(source, timeout=30)
    before = sandbox.state.tasks_created(vendor, TWO)
    with pytest.raises(APIError):
        other.remix(source, "their idea")
    assert sandbox.state.tasks_created(vendor, TWO) == before


def test_another_key_cannot_fetch_a_modelverse_videos_content(
    sandbox: Sandbox, tmp_path: Path, client_factory: Any
) -> None:
    owner, other = (
        client_factory("modelverse-openai", sandbox=sandbox, api_key=ONE),
        client_factory("modelverse-openai", sandbox=sandbox, api_key=TWO),
    )
    video = owner.wait(owner.submit(VideoRequest(prompt="mine", seconds=4)), timeout=30)
    owner.download(video, tmp_path / "mine.mp4")
    with pytest.raises(SoraError):
        other.download(video, tmp_path / "theirs.mp4")
    assert not (tmp_path / "theirs.mp4").exists()
