"""What the kit is made of, on the sandbox itself: `reset`, `fail_next`, `callback_message`."""

from __future__ import annotations

import dataclasses

import pytest
from sora_unified import VideoRequest, parse_callback
from sora_unified.errors import CallbackVerificationError, GenerationFailedError, RateLimitError
from sora_unified.sandbox import SandboxConfig, Timing

INSTANT = Timing(queue_seconds=0, run_seconds=0, not_visible_seconds=0)
PROMPT = VideoRequest(prompt="a corgi surfing")


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """The shared `sandbox` (conftest.py): instant tasks, signed kie callbacks."""
    return SandboxConfig(timing=INSTANT, kie_hmac_key="a-test-hmac-key", unknown_fields="reject")


@pytest.fixture
def client(client_factory):
    return client_factory("kie", max_retries=0)


def test_reset_forgets_tasks_counts_credits_callbacks_and_scripted_faults(sandbox, client):
    task = client.submit(PROMPT)
    sandbox.fail_next("submit", "rate_limit")
    assert sandbox.state.tasks_created("kie") == 1
    assert sandbox.state.credits_used
    sandbox.reset()
    state = sandbox.state
    assert (state.tasks_created("kie"), state.request_count("kie", "submit")) == (0, 0)
    assert not state.credits_used and not state.callbacks and not state.tasks
    assert sandbox.scripted_faults() == ()
    assert sandbox.state.task("kie", task.id) is None
    client.submit(PROMPT)  # the scripted rate limit went with the reset
    assert sandbox.state.tasks_created("kie") == 1


def test_reset_with_a_config_changes_behaviour_and_a_plain_reset_restores_the_first(
    sandbox, client
):
    sandbox.reset(dataclasses.replace(sandbox.config, credits=0, kie_error_form="http"))
    with pytest.raises(Exception, match="credits are insufficient"):
        client.submit(PROMPT)
    assert sandbox.config.credits == 0
    sandbox.reset()
    assert sandbox.config.credits == SandboxConfig().credits and sandbox.config.kie_hmac_key
    client.submit(PROMPT)


def test_reset_with_new_timing_applies_to_the_next_task(sandbox, client):
    sandbox.reset(dataclasses.replace(sandbox.config, timing=Timing(queue_seconds=3600)))
    task = client.submit(PROMPT)
    assert client.retrieve(task).status == "queued"


def test_reset_refuses_to_change_what_is_fixed_while_serving(sandbox, tmp_path):
    with pytest.raises(ValueError, match="state and callback_transport are fixed"):
        sandbox.reset(dataclasses.replace(sandbox.config, state=str(tmp_path / "s.db")))


def test_reset_clears_uploaded_files(sandbox, client, tmp_path):
    image = tmp_path / "frame.png"
    from sora_unified.sandbox._app import FIRST_FRAME_PNG

    image.write_bytes(FIRST_FRAME_PNG)
    client.submit(VideoRequest(prompt="a corgi", image=str(image)))
    hosts = sandbox._emulator.file_hosts
    assert hosts.files
    sandbox.reset()
    assert not hosts.files


def test_fail_next_answers_one_call_then_the_sandbox_behaves(sandbox, client):
    sandbox.fail_next("submit", "rate_limit", retry_after=7)
    with pytest.raises(RateLimitError) as raised:
        client.submit(PROMPT)
    assert raised.value.retry_after == 7
    client.submit(PROMPT)
    assert sandbox.state.tasks_created("kie") == 1


def test_fail_next_times_and_vendor(sandbox, client):
    sandbox.fail_next("submit", "server_error", vendor="evolink")
    client.submit(PROMPT)  # kie is not evolink
    assert [f.vendor for f in sandbox.scripted_faults()] == ["evolink"]
    sandbox.fail_next("submit", "rate_limit", times=2)
    for _ in range(2):
        with pytest.raises(RateLimitError):
            client.submit(PROMPT)
    client.submit(PROMPT)


def test_fail_next_generation_failure_is_a_content_policy_failure(sandbox, client):
    sandbox.fail_next("submit", "fail_generation")
    with pytest.raises(GenerationFailedError) as failed:
        client.wait(client.submit(PROMPT))
    assert failed.value.video.content_policy_violation


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (("sbumit", "rate_limit"), "fault endpoint must be one of submit, status"),
        (("submit", "rate-limit"), "fault kind must be one of rate_limit"),
    ],
)
def test_fail_next_names_what_is_allowed(sandbox, call, message):
    with pytest.raises(ValueError, match=message):
        sandbox.fail_next(*call)


@pytest.mark.parametrize("times", [0, -1, 1.5, True])
def test_fail_next_times_is_a_whole_number(sandbox, times):
    with pytest.raises(ValueError, match=rf"times must be a whole number.*got {times!r}"):
        sandbox.fail_next("submit", "rate_limit", times=times)


def test_callback_message_is_what_kie_sends_signed(sandbox, client, clock):
    task = client.submit(PROMPT)
    body, headers = sandbox.callback_message("kie", task.id)
    now = clock.time()  # the sandbox signs on its clock
    video = parse_callback("kie", body, headers, secret="a-test-hmac-key", now=now)
    assert (video.task_id, video.status) == (task.id, "completed")
    with pytest.raises(CallbackVerificationError):
        parse_callback("kie", body, headers, secret="another-key", now=now)


def test_callback_message_refuses_what_no_vendor_would_send(sandbox, client):
    timing = Timing(queue_seconds=3600, not_visible_seconds=0)
    sandbox.reset(dataclasses.replace(sandbox.config, timing=timing))
    running = client.submit(PROMPT)
    with pytest.raises(ValueError, match=rf"kie task {running.id} has not ended \(queued\)"):
        sandbox.callback_message("kie", running.id)
    with pytest.raises(ValueError, match="no kie task 'nope'"):
        sandbox.callback_message("kie", "nope")
    with pytest.raises(ValueError, match="modelverse sends no callbacks; kie and evolink do"):
        sandbox.callback_message("modelverse", "x")
