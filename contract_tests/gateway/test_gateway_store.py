"""The gateway's store, step by step: each rule that keeps a paid task from being lost or paid
twice holds inside one transaction, whatever a racing reader or a delete does in between."""

from __future__ import annotations

from pathlib import Path

import pytest
from sora_unified.gateway import GatewayStore

FACTS = {"request": {"prompt": "p"}, "model": "sora-2", "seconds": 10, "size": "720x1280"}


def _store(tmp_path: Path, *video_ids: str) -> GatewayStore:
    store = GatewayStore(tmp_path / "gateway.sqlite3")
    for video_id in video_ids:
        store.create_video(video_id=video_id, owner="o", tenant="t", vendor="kie", fields=FACTS,
                           request_hash=video_id, idempotency_key=None)  # fmt: skip
    return store


def test_a_video_deleted_after_its_claim_is_never_sent(tmp_path: Path) -> None:
    store = _store(tmp_path, "video_a")
    assert store.claim_pending("worker") is not None  # the worker holds it ...
    assert store.delete_video("video_a", "o")  # ... when its owner deletes it
    assert not store.begin_video_submit("video_a", "worker")  # so the submit is cancelled
    record = store.record("video_a")
    assert record is not None and (record.state, record.error_code) == ("failed", "deleted")
    assert store.submits() == []


def test_a_final_status_is_written_once_with_one_event(tmp_path: Path) -> None:
    store = _store(tmp_path, "video_a")
    store.claim_pending("worker")
    store.begin_video_submit("video_a", "worker")
    store.submitted("video_a", "kie:task")
    assert store.settle("video_a", "completed")
    assert not store.settle("video_a", "completed")  # the second reader changes nothing
    assert not store.settle("video_a", "failed", error="late", code="x")
    assert [(e[1], e[2]) for e in store.events()] == [("video_a", "due")]
    record = store.record("video_a")
    assert record is not None and record.state == "completed" and record.error is None


def test_a_status_once_answered_is_never_answered_lower(tmp_path: Path) -> None:
    store = _store(tmp_path, "video_a")
    assert store.show_status("video_a", "in_progress") == "in_progress"
    assert store.show_status("video_a", "queued") == "in_progress"
    assert store.show_status("video_a", "completed") == "completed"
    assert store.show_status("video_a", "in_progress") == "completed"


def test_another_owner_cannot_delete(tmp_path: Path) -> None:
    store = _store(tmp_path, "video_a")
    assert not store.delete_video("video_a", "someone else")
    assert store.video("video_a", "o") is not None
    assert store.video("video_a", "someone else") is None


def test_a_retry_is_matched_to_its_video_only_within_the_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The openai package's retry of a create (no Idempotency-Key) is the same request again:
    within `retry_window` seconds it gets the video the first try made; later, the same
    request is a new video (a person asking twice), not the old one."""
    import time

    from sora_unified.gateway import _store as store_module

    store = GatewayStore(tmp_path / "gateway.sqlite3")
    now = [time.time()]
    monkeypatch.setattr(store_module.time, "time", lambda: now[0])

    def create(video_id: str) -> tuple[str | None, bool]:
        outcome = store.create_video(video_id=video_id, owner="o", tenant="t", vendor="kie",
                                     fields=FACTS, request_hash="same", idempotency_key=None,
                                     retry_window=60.0)  # fmt: skip
        return outcome.video_id, outcome.made

    assert create("video_first") == ("video_first", True)
    now[0] += 59.0
    assert create("video_retry") == ("video_first", False)  # a retry: the same video
    now[0] += 2.0  # 61 s after the first
    assert create("video_later") == ("video_later", True)
    assert create("video_again") == ("video_later", False)  # a retry of the later one
