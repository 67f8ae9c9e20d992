"""parse_callback: kie HMAC signatures with a replay window; evolink bodies; refusals."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sora_unified import (
    APIError,
    CallbackVerificationError,
    ConfigurationError,
    UnsupportedFeatureError,
    parse_callback,
    parse_status,
    sign_kie_callback,
)

from contract_tests.support.fakes import VIDEO_URL, status_body

SECRET = "whk-test-secret"
NOW = 1_800_000_000
TASK = "26278f7a6d23157b48d04e0083322046"


def _kie_callback() -> dict[str, object]:
    body = status_body("kie", "success", urls=[VIDEO_URL], task_id=TASK)
    body["msg"] = "Playground task completed successfully."
    return body


def _headers(timestamp: int, signature: str | None = None) -> dict[str, str]:
    return {
        "X-Webhook-Timestamp": str(timestamp),
        "X-Webhook-Signature": signature or sign_kie_callback(TASK, timestamp, SECRET),
    }


def test_signature_matches_the_documented_formula() -> None:
    import base64
    import hashlib
    import hmac

    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{TASK}.{NOW}".encode(), hashlib.sha256).digest()
    ).decode()
    assert sign_kie_callback(TASK, NOW, SECRET) == expected


def test_valid_signature_parses(tmp_path: object) -> None:
    video = parse_callback(
        "kie", json.dumps(_kie_callback()).encode(), _headers(NOW), secret=SECRET, now=NOW + 5
    )
    assert video.status == "completed" and video.url == VIDEO_URL and video.task_id == TASK


def test_headers_are_case_insensitive() -> None:
    headers = {k.lower(): v for k, v in _headers(NOW).items()}
    assert (
        parse_callback("kie", _kie_callback(), headers, secret=SECRET, now=NOW).status
        == "completed"
    )


@pytest.mark.parametrize(
    ("headers", "now", "message"),
    [
        (_headers(NOW, signature="AAAA"), NOW, "does not match"),
        (
            _headers(NOW, signature=sign_kie_callback("other-task", NOW, SECRET)),
            NOW,
            "does not match",
        ),
        (
            _headers(NOW, signature=sign_kie_callback(TASK, NOW, "wrong-secret")),
            NOW,
            "does not match",
        ),
        (
            _headers(NOW, signature=sign_kie_callback(TASK, NOW, SECRET)[:-2] + "AA"),
            NOW,
            "does not match",
        ),  # all but its end right: the whole signature is compared
        (
            _headers(NOW, signature=sign_kie_callback(TASK, NOW, SECRET)[:12]),
            NOW,
            "does not match",
        ),
        (_headers(NOW - 301), NOW, "too old"),
        (_headers(NOW + 301), NOW, "too far in the future"),
        ({}, NOW, "without"),
        (
            {"X-Webhook-Timestamp": "yesterday", "X-Webhook-Signature": "x"},
            NOW,
            "not a Unix timestamp",
        ),
    ],
)
def test_bad_signatures_are_refused(headers: dict[str, str], now: int, message: str) -> None:
    with pytest.raises(CallbackVerificationError, match=message):
        parse_callback("kie", _kie_callback(), headers, secret=SECRET, now=now)


def test_window_edges_are_accepted() -> None:
    for skew in (-300, 300):
        assert parse_callback(
            "kie", _kie_callback(), _headers(NOW + skew), secret=SECRET, now=NOW
        ).done


def test_tampered_task_id_is_refused() -> None:
    body = _kie_callback()
    body["data"]["taskId"] = "someone-elses-task"  # type: ignore[index]
    with pytest.raises(CallbackVerificationError):
        parse_callback("kie", body, _headers(NOW), secret=SECRET, now=NOW)


def test_kie_printed_examples_with_trailing_commas_parse() -> None:
    text = (
        '{"code": 501, "msg": "Playground task failed.", "data": {"taskId": "t", "state": "fail",'
        ' "failCode": "500", "failMsg": "Internal server error", "resultJson": null,\n    },}'
    )
    video = parse_callback("kie", text)
    assert video.status == "failed" and video.error_message == "Internal server error"


def test_garbage_body_is_a_typed_error() -> None:
    with pytest.raises(CallbackVerificationError, match="not JSON"):
        parse_callback("kie", b"<html>")


def test_evolink_callback_and_refusals() -> None:
    video = parse_callback("evolink", status_body("evolink", "completed", urls=[VIDEO_URL]))
    assert video.status == "completed"
    cancelled = parse_callback("evolink", status_body("evolink", "cancelled"))
    assert cancelled.status == "failed" and cancelled.error_code == "request_cancelled"
    with pytest.raises(UnsupportedFeatureError, match="no callback signature"):
        parse_callback("evolink", status_body("evolink", "completed"), {}, secret=SECRET)
    with pytest.raises(UnsupportedFeatureError, match="no callbacks"):
        parse_callback("modelverse", status_body("modelverse", "Success"))


FORGED = {
    "code": 200,
    "data": {"state": "success", "resultJson": '{"resultUrls":["https://evil.example/x.mp4"]}'},
}


@pytest.mark.parametrize("signature", ["AAAA", "", sign_kie_callback("", NOW, SECRET)])
def test_a_body_without_a_task_id_is_never_accepted_with_a_secret(signature: str) -> None:
    """Nothing to verify is not the same as verified: a forged 'completed' body without a
    task id must not parse as a finished video, whatever the signature says."""
    headers = {"X-Webhook-Timestamp": str(NOW), "X-Webhook-Signature": signature}
    with pytest.raises(CallbackVerificationError):
        parse_callback("kie", FORGED, headers, secret=SECRET, now=NOW)


def test_a_missing_timestamp_is_refused_not_replaced_by_the_receivers_clock() -> None:
    headers = {"X-Webhook-Signature": sign_kie_callback(TASK, NOW, SECRET)}
    with pytest.raises(CallbackVerificationError, match="X-Webhook-Timestamp"):
        parse_callback("kie", _kie_callback(), headers, secret=SECRET, now=NOW)


def test_a_missing_signature_is_refused() -> None:
    headers = {"X-Webhook-Timestamp": str(NOW)}
    with pytest.raises(CallbackVerificationError, match="X-Webhook-Signature"):
        parse_callback("kie", _kie_callback(), headers, secret=SECRET, now=NOW)


def test_the_signature_covers_exactly_task_id_dot_timestamp() -> None:
    """A signature made over another string (the body, the id alone, another separator)
    does not verify."""
    import base64
    import hashlib
    import hmac

    def sign(message: str) -> str:
        digest = hmac.new(SECRET.encode(), message.encode(), hashlib.sha256).digest()
        return base64.b64encode(digest).decode()

    for message in (
        TASK,
        f"{NOW}.{TASK}",
        f"{TASK}:{NOW}",
        f"{TASK}.{NOW}.",
        json.dumps(_kie_callback()),
    ):
        headers = {"X-Webhook-Timestamp": str(NOW), "X-Webhook-Signature": sign(message)}
        with pytest.raises(CallbackVerificationError):
            parse_callback("kie", _kie_callback(), headers, secret=SECRET, now=NOW)
    good = {"X-Webhook-Timestamp": str(NOW), "X-Webhook-Signature": sign(f"{TASK}.{NOW}")}
    assert parse_callback("kie", _kie_callback(), good, secret=SECRET, now=NOW).done


# -- whatever arrives, only the documented errors come out ----------------------------------------


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
BODIES = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200),
    JSON.map(lambda value: json.dumps(value, allow_nan=True)),
    st.builds(
        lambda data, state: json.dumps({"code": 200, "data": {**data, "state": state}}),
        st.dictionaries(
            st.sampled_from(["taskId", "task_id", "resultJson", "progress", "failCode"]), JSON
        ),
        st.sampled_from(["success", "fail", "generating", "completed", 7, None]),
    ),
)
HEADERS = st.dictionaries(
    st.sampled_from(["X-Webhook-Timestamp", "X-Webhook-Signature", "x-webhook-timestamp", "Other"]),
    st.text(max_size=40) | st.integers(-(10**30), 10**30).map(str),
    max_size=3,
)
DOCUMENTED = (CallbackVerificationError, UnsupportedFeatureError, ConfigurationError)


@given(
    vendor=st.sampled_from(["kie", "evolink", "modelverse"]),
    body=BODIES,
    headers=HEADERS,
    secret=st.none() | st.text(min_size=1, max_size=10),
)
def test_parse_callback_raises_only_what_it_documents(
    vendor: str, body: bytes | str, headers: dict[str, str], secret: str | None
) -> None:
    try:
        video = parse_callback(vendor, body, headers, secret=secret, now=NOW)
    except DOCUMENTED:
        return
    assert video.status in ("queued", "in_progress", "completed", "failed")
    if secret is not None:
        # Accepted with a secret: the signature over "<task id>.<timestamp>" verified.
        timestamp = next(v for k, v in headers.items() if k.lower() == "x-webhook-timestamp")
        signature = next(v for k, v in headers.items() if k.lower() == "x-webhook-signature")
        data = json.loads(body)["data"]
        task_id = data.get("taskId") or data.get("task_id")
        assert signature.strip() == sign_kie_callback(str(task_id), int(timestamp), secret)


@given(vendor=st.sampled_from(["kie", "evolink", "modelverse"]), body=BODIES)
def test_parse_status_raises_only_what_it_documents(vendor: str, body: bytes | str) -> None:
    try:
        video = parse_status(vendor, body)
    except APIError:
        return
    assert video.status in ("queued", "in_progress", "completed", "failed")
    assert 0 <= video.progress <= 100
