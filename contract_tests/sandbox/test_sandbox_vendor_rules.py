"""Rules the sandbox applies as its vendors document them, read where the spec states them:
evolink's task-id form, and what a task costs (the price table, or `unpriced_charge` where no
price is published)."""

from __future__ import annotations

import httpx
import pytest
from sora_unified.sandbox import SANDBOX_KEY, Sandbox, SandboxConfig, Timing

INSTANT = Timing(queue_seconds=0, run_seconds=0, not_visible_seconds=0)


@pytest.mark.parametrize(
    ("task_id", "status", "code"),
    [
        ("not-a-task-id", 400, "invalid_task_id"),
        ("task-unified", 400, "invalid_task_id"),  # the prefix is `task-unified-`
        ("TASK-UNIFIED-1", 400, "invalid_task_id"),
        ("task-unified-1-unknown", 404, None),
    ],
)
def test_evolink_refuses_a_malformed_task_id_and_does_not_find_an_unknown_one(
    task_id: str, status: int, code: str | None
) -> None:
    with Sandbox(SandboxConfig(timing=INSTANT)) as sandbox:
        answer = httpx.get(
            f"{sandbox.base_url('evolink')}/v1/tasks/{task_id}",
            headers={"Authorization": f"Bearer {SANDBOX_KEY}"},
        )
    assert answer.status_code == status, answer.text
    if code is not None:
        assert answer.json()["error"]["code"] == code


@pytest.mark.parametrize(("charge", "expected"), [(0.0, 0.0), (7.5, 7.5)])
def test_an_unpriced_model_is_charged_the_configured_amount(charge: float, expected: float) -> None:
    """kie's sora-2-image-to-video-stable has no published price: it costs `unpriced_charge`;
    a priced model costs its row of the table."""
    with Sandbox(SandboxConfig(timing=INSTANT, unpriced_charge=charge)) as sandbox:
        url = f"{sandbox.base_url('kie')}/api/v1/jobs/createTask"
        headers = {"Authorization": f"Bearer {SANDBOX_KEY}"}
        unpriced = {
            "model": "sora-2-image-to-video-stable",
            "input": {"prompt": "p", "image_urls": ["https://files.example.com/a.png"]},
        }
        answer = httpx.post(url, json=unpriced, headers=headers)
        assert answer.json()["code"] == 200, answer.text
        assert sandbox.state.credits_used[("kie", SANDBOX_KEY)] == expected
        priced = {"model": "sora-2-text-to-video", "input": {"prompt": "p", "n_frames": "10"}}
        assert httpx.post(url, json=priced, headers=headers).json()["code"] == 200
        assert sandbox.state.credits_used[("kie", SANDBOX_KEY)] == expected + 30


@pytest.mark.parametrize(
    ("durations", "accepted"),
    [((7.5, 7.5), True), ((7.5, 7.0), True), ((7.5, 8.0), False), ((10.0, 5.2), False)],
)
def test_kie_storyboard_shots_may_not_add_up_past_n_frames(
    durations: tuple[float, float], accepted: bool
) -> None:
    """kie's storyboard rule, read from the spec's x-cross-field-rules: the shots' durations
    add up to at most n_frames (15 here), not a fraction of a second more."""
    body = {
        "model": "sora-2-pro-storyboard",
        "input": {
            "shots": [{"Scene": f"shot {n}", "duration": d} for n, d in enumerate(durations)],
            "n_frames": "15",
            "image_urls": ["https://files.example.com/first.png"],
            "aspect_ratio": "landscape",
        },
    }
    with Sandbox(SandboxConfig(timing=INSTANT)) as sandbox:
        answer = httpx.post(
            f"{sandbox.base_url('kie')}/api/v1/jobs/createTask",
            json=body,
            headers={"Authorization": f"Bearer {SANDBOX_KEY}"},
        ).json()
    assert (answer["code"] == 200) is accepted, answer
    if not accepted:
        assert "n_frames" in answer["msg"]
