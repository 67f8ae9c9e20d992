"""Replay every cassette through sora_unified as a strict mock server."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest
from sora_unified import Client
from sora_unified.sandbox import SANDBOX_KEY

from contract_tests.support.cassettes import (
    CASSETTE_DIR,
    Cassette,
    CassetteMismatch,
    Replayer,
    all_cassettes,
    expect_differences,
    redact,
)
from contract_tests.support.fakes import FakeClock
from contract_tests.support.record import record
from contract_tests.support.scenarios import (
    EVOLINK_STATUSES,
    EVOLINK_TASK_FAILURES,
    KIE_CODES,
    MODELVERSE_ERRORS,
    SCENARIOS,
    Scenario,
    request_from_dict,
    run_scenario,
)
from contract_tests.support.specs import (
    WIRE_FORMS,
    auth_forms,
    auth_header,
    call_body,
    call_operation,
    load_spec,
    operation,
    operations,
    response_schema_pointer,
    schema_errors,
)

CASSETTES = all_cassettes()
IDS = [f"{c.vendor}/{c.scenario}" for c in CASSETTES]
BASES = {
    "kie": "https://api.kie.ai",
    "evolink": "https://api.evolink.ai",
    "modelverse": "https://api.modelverse.cn",
    "modelverse-openai": "https://api.modelverse.cn",
}
KIE_CLASSES = {
    401: "AuthenticationError",
    402: "InsufficientCreditsError",
    404: "NotFoundError",
    422: "BadRequestError",
    429: "RateLimitError",
    433: "RateLimitError",
    455: "ServiceUnavailableError",
    500: "ServerError",
    501: "ServerError",
    505: "FeatureDisabledError",
}
EVOLINK_CLASSES = {
    400: "BadRequestError",
    401: "AuthenticationError",
    402: "InsufficientCreditsError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    413: "BadRequestError",
    429: "RateLimitError",
    500: "ServerError",
    502: "ServerError",
    503: "ServiceUnavailableError",
}
RETRYABLE = {"RateLimitError": True, "ServiceUnavailableError": True, "ServerError": True}


def replay(cassette: Cassette) -> tuple[dict[str, Any], Replayer]:
    replayer = Replayer(cassette)
    client = Client(
        cassette.vendor,
        api_key="sk-replay-key",
        base_url=BASES[cassette.vendor],
        transport=transport_for(replayer),
        clock=FakeClock(),
        max_retries=cassette.client.get("max_retries", 3),
    )
    result = run_scenario(
        cassette.action,
        client,
        request=request_from_dict(cassette.request) if cassette.request is not None else None,
        raw=cassette.raw,
        task=cassette.task,
        extra=cassette.extra,
    )
    return result, replayer


def transport_for(replayer: Replayer) -> Any:
    import httpx

    return httpx.MockTransport(replayer.handler)


@pytest.mark.parametrize("cassette", CASSETTES, ids=IDS)
def test_replay_matches_the_recording(cassette: Cassette) -> None:
    result, replayer = replay(cassette)
    replayer.assert_finished()
    assert result == cassette.expect


def test_every_scenario_has_a_cassette_and_back() -> None:
    assert {(c.vendor, c.scenario) for c in CASSETTES} == set(SCENARIOS)


def _expect(vendor: str, scenario: str) -> dict[str, Any]:
    return Cassette.load(CASSETTE_DIR / vendor / f"{scenario}.json").expect


@pytest.mark.parametrize("carrier", ["envelope", "http-status"])
@pytest.mark.parametrize("code", KIE_CODES)
def test_every_documented_kie_code(code: int, carrier: str) -> None:
    expect = _expect("kie", f"error-{code}-{carrier}")
    documented = load_spec("kie")["components"]["responses"]
    assert expect["error"] == KIE_CLASSES[code] and expect["code"] == str(code)
    assert expect["status_code"] == (200 if carrier == "envelope" else code)
    assert expect["retryable"] is (RETRYABLE.get(expect["error"], False) and code not in (433, 501))
    assert any(
        r["content"]["application/json"]["example"].get("msg") == expect["message"]
        for r in documented.values()
    )


@pytest.mark.parametrize("status", EVOLINK_STATUSES)
def test_every_documented_evolink_status(status: int) -> None:
    expect = _expect("evolink", f"error-{status}")
    assert expect["error"] == EVOLINK_CLASSES[status] and expect["status_code"] == status
    assert expect["retryable"] is RETRYABLE.get(expect["error"], False) and expect["message"]


@pytest.mark.parametrize("code", EVOLINK_TASK_FAILURES)
def test_every_documented_evolink_task_failure(code: str) -> None:
    expect = _expect("evolink", f"task-failed-{code.replace('_', '-')}")
    assert expect["error"] == "GenerationFailedError" and expect["code"] == code
    assert expect["content_policy_violation"] is (code == "content_policy_violation")


@pytest.mark.parametrize("vendor", ["modelverse", "modelverse-openai"])
@pytest.mark.parametrize(("status", "kind", "code", "message"), MODELVERSE_ERRORS)
def test_every_documented_modelverse_error(
    vendor: str, status: int, kind: str, code: str, message: str
) -> None:
    """The error-code table, met through both ModelVerse APIs: the same classes either way."""
    expect = _expect(vendor, f"error-{status}-{code.replace('_', '-')}")
    classes = {
        400: "BadRequestError",
        401: "AuthenticationError",
        403: "PermissionDeniedError",
        408: "ServerError",
        429: "RateLimitError",
        500: "ServerError",
        504: "ServerError",
    }
    assert expect["error"] == (
        "PermissionDeniedError" if code == "model_error" else classes[status]
    )
    assert (expect["code"], expect["message"], expect["status_code"]) == (code, message, status)
    assert expect["retryable"] is RETRYABLE.get(expect["error"], False)


def test_documented_codes_are_all_covered() -> None:
    kie_codes = {
        int(s) for s in load_spec("kie")["paths"]["/api/v1/jobs/createTask"]["post"]["responses"]
    } - {200}
    assert kie_codes == set(KIE_CODES)
    evolink = {
        int(s) for s in load_spec("evolink")["paths"]["/v1/videos/generations"]["post"]["responses"]
    } - {200}
    assert evolink == set(EVOLINK_STATUSES)
    modelverse_codes = load_spec("modelverse")["components"]["schemas"]["ErrorDetail"][
        "properties"
    ]["code"]["x-known-values"]
    assert sorted(modelverse_codes) == sorted(code for _, _, code, _ in MODELVERSE_ERRORS)
    openai_statuses = {
        int(status)
        for _, _, op in operations("modelverse-openai")
        if op["operationId"] == "createVideo"
        for status in op["responses"]
    } - {200}
    assert openai_statuses == {status for status, _, _, _ in MODELVERSE_ERRORS}


def test_content_not_ready_is_waited_out_not_a_failure() -> None:
    """The page's "task is not completed yet" answer on /content, replayed: the client asks
    again and keeps the whole video. Recorded from the spec's own example."""
    cassette = Cassette.load(
        CASSETTE_DIR / "modelverse-openai" / "content-not-ready-then-video.json"
    )
    not_ready = [
        step["response"]
        for step in cassette.interactions
        if step["request"]["path"].endswith("/content") and step["response"]["status"] == 400
    ]
    example = operation("modelverse-openai", "downloadVideoContent")[2]["responses"]["400"]
    documented = example["content"]["application/json"]["examples"]["notReady"]["value"]
    assert not_ready and all(answer["json"] == documented for answer in not_ready)
    result, replayer = replay(cassette)
    replayer.assert_finished()
    assert result == {"downloaded": cassette.expect["downloaded"], "mp4": True}


def _operation_for(vendor: str, method: str, path: str) -> tuple[str, dict[str, Any]]:
    for template, verb, op in operations(vendor):
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if verb == method.lower() and re.match(pattern, path):
            return op["operationId"], op
    raise AssertionError(f"{vendor} spec has no {method} {path}")


@pytest.mark.parametrize("cassette", CASSETTES, ids=IDS)
def test_recorded_responses_validate_against_the_spec(cassette: Cassette) -> None:
    for step in cassette.interactions:
        request, response = step["request"], step["response"]
        operation_id, op = _operation_for(cassette.vendor, request["method"], request["path"])
        assert str(response["status"]) in op["responses"], (
            f"{operation_id} does not document {response['status']}"
        )
        if "base64" in response:  # a file: its media type is the one documented
            documented = op["responses"][str(response["status"])]["content"]
            assert response["headers"]["content-type"].split(";")[0] in documented
            continue
        assert "json" in response
        assert (
            schema_errors(
                cassette.vendor,
                response_schema_pointer(cassette.vendor, operation_id, response["status"]),
                response["json"],
                strict=True,
            )
            == []
        )


@pytest.mark.parametrize(
    ("vendor", "rename"),
    [
        ("kie", ("generating", "rendering")),
        ("evolink", ("processing", "working")),
        ("modelverse", ("Running", "InProgress")),
        ("modelverse-openai", ("in_progress", "processing")),
    ],
)
def test_a_recording_with_an_undocumented_state_word_is_drift(
    vendor: str, rename: tuple[str, str]
) -> None:
    """At run time an unknown state is tolerated (treated as running); in a recording it is
    the vendor's vocabulary drifting, so it must fail until the spec says otherwise."""
    cassette = copy.deepcopy(
        next(c for c in CASSETTES if c.vendor == vendor and c.scenario.startswith("happy"))
    )
    old, new = rename
    drifted = [
        step for step in cassette.interactions if old in json.dumps(step["response"].get("json"))
    ]
    assert drifted, f"the {vendor} happy cassette never reports {old!r}"
    body = json.loads(json.dumps(drifted[0]["response"]["json"]).replace(f'"{old}"', f'"{new}"'))
    operation_id, _ = _operation_for(
        vendor, drifted[0]["request"]["method"], drifted[0]["request"]["path"]
    )
    pointer = response_schema_pointer(vendor, operation_id, 200)
    assert schema_errors(vendor, pointer, body) == []  # tolerated at run time
    assert any(
        "x-known-values" in error for error in schema_errors(vendor, pointer, body, strict=True)
    )


def test_cassettes_hold_no_secrets() -> None:
    for path in CASSETTE_DIR.glob("*/*.json"):
        text = path.read_text()
        assert SANDBOX_KEY not in text and not re.search(r"(?<![A-Za-z])sk-", text), path
        for match in re.finditer(r'"authorization": "([^"]*)"', text):
            assert match.group(1) in ("Bearer <redacted>", "<redacted>"), path


UNIFIED = [c for c in CASSETTES if c.request is not None]


@pytest.mark.parametrize("cassette", UNIFIED, ids=[f"{c.vendor}/{c.scenario}" for c in UNIFIED])
def test_no_drift_in_the_request_we_build(cassette: Cassette) -> None:
    """What sora_unified sends today must equal the recording; re-record on purpose to change it."""
    assert cassette.request is not None
    client = Client(cassette.vendor, api_key="sk-drift-check")
    call = client._adapter.submit_call(client._plan(request_from_dict(cassette.request)))
    first = cassette.interactions[0]["request"]
    sent = call_body(call)  # the JSON body, or the multipart parts by name
    recorded = first.get("json", first.get("form"))
    assert (call.method, call.path, sent) == (first["method"], first["path"], recorded)


def _a_happy_cassette() -> Cassette:
    return copy.deepcopy(
        next(c for c in CASSETTES if c.scenario.startswith("happy") and c.vendor == "kie")
    )


def test_replayer_fails_on_a_changed_body() -> None:
    cassette = _a_happy_cassette()
    cassette.interactions[0]["request"]["json"]["input"]["n_frames"] = "15"
    with pytest.raises(CassetteMismatch, match="body differs") as caught:
        replay(cassette)
    assert '-      "n_frames": "15"' in str(caught.value) or "n_frames" in str(caught.value)


def test_replayer_fails_on_a_type_change() -> None:
    cassette = _a_happy_cassette()
    cassette.request = dict(cassette.request or {}, seconds=15)
    with pytest.raises(CassetteMismatch):
        replay(cassette)


def test_replayer_fails_on_an_interaction_never_reached() -> None:
    cassette = _a_happy_cassette()
    cassette.interactions.append(copy.deepcopy(cassette.interactions[-1]))
    _, replayer = replay(cassette)
    with pytest.raises(CassetteMismatch, match="never reached"):
        replayer.assert_finished()


def test_replayer_fails_on_an_unexpected_request() -> None:
    cassette = _a_happy_cassette()
    cassette.interactions = cassette.interactions[:2]
    with pytest.raises(CassetteMismatch, match="unexpected request"):
        replay(cassette)


@pytest.mark.parametrize("vendor", ["kie", "evolink", "modelverse"])
@pytest.mark.parametrize("form", sorted(WIRE_FORMS))
def test_replayer_accepts_exactly_the_auth_forms_of_the_spec(vendor: str, form: str) -> None:
    cassette = next(c for c in CASSETTES if c.vendor == vendor and c.scenario.startswith("happy"))
    first = cassette.interactions[0]["request"]
    request = httpx.Request(
        first["method"],
        BASES[vendor] + first["path"],
        json=first["json"],
        headers=auth_header(form, "sk-x"),
    )
    if form in auth_forms(vendor):
        assert Replayer(copy.deepcopy(cassette)).handler(request).status_code == 200
    else:
        with pytest.raises(CassetteMismatch, match="securitySchemes"):
            Replayer(copy.deepcopy(cassette)).handler(request)


def test_cassette_files_are_readable_json() -> None:
    for path in CASSETTE_DIR.glob("*/*.json"):
        data = json.loads(path.read_text())
        assert data["description"] and data["source"] and data["interactions"], path


DOCUMENTED = [s for s in SCENARIOS.values() if s.source == "documented"]


@pytest.mark.parametrize("scenario", DOCUMENTED, ids=[f"{s.vendor}/{s.name}" for s in DOCUMENTED])
def test_documented_cassettes_follow_the_specs_examples(scenario: Scenario) -> None:
    """A documented cassette is the spec's error example as the client meets it. Recording it
    again from the spec as it is now must give the stored file: neither can change alone."""
    fresh = record(scenario)
    stored = Cassette.load(fresh.path)
    assert fresh.interactions == stored.interactions, "the spec's example changed: make record-all"
    assert fresh.expect == stored.expect


def test_happy_paths_yield_results_and_a_watermark_free_one_when_asked() -> None:
    happy = [c for c in CASSETTES if c.scenario.startswith("happy")]
    assert happy
    for cassette in happy:
        if "character" in cassette.expect:
            # A character task ends with a character, its handle when one was asked for.
            assert cassette.expect["character"] == "an id", cassette.scenario
            if (cassette.extra or {}).get("name") is not None:
                assert cassette.expect["username"] is True, cassette.scenario
            continue
        assert cassette.expect["status"] == "completed", cassette.scenario
        assert cassette.expect["results"] >= 1, cassette.scenario
        if (cassette.request or {}).get("remove_watermark"):
            # `results` counts watermark-free links only; the watermarked ones are separate.
            assert cassette.expect["results"] >= 1, cassette.scenario


def test_key_is_redacted_in_every_form_a_vendor_may_echo() -> None:
    key = "sk-live/abc+def=="
    echoed = {
        "msg": f"invalid key {key}",
        "url": f"https://x.example/?key={quote(key, safe='')}&k2={quote_plus(key)}",
        "quoted": json.dumps({"key": key}),
    }
    text = json.dumps(redact(echoed, (key,)))
    for form in (key, quote(key, safe=""), quote_plus(key), "sk-live"):
        assert form not in text


def test_rerecording_keeps_the_expected_outcome_and_reports_drift(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import contract_tests.support.cassettes as cassettes_module
    import contract_tests.support.record as record_module

    monkeypatch.setattr(cassettes_module, "CASSETTE_DIR", tmp_path)
    scenario = SCENARIOS[("evolink", "error-429")]
    recorded = record(scenario)
    recorded.save()
    # The vendor drifts: its 429 becomes a 503 with another message.
    drifted = dataclasses.replace(
        scenario,
        responder=lambda request: httpx.Response(
            503, json={"error": {"code": "busy", "message": "try later", "type": "x"}}
        ),
    )
    monkeypatch.setitem(SCENARIOS, ("evolink", "error-429"), drifted)
    code = record_module.main(["--vendor", "evolink", "--scenario", "error-429"])
    assert code == 1
    kept = Cassette.load(recorded.path)
    assert kept.expect == recorded.expect  # the old outcome stays until accepted
    assert kept.interactions != recorded.interactions  # the new conversation is saved
    drift = expect_differences(recorded.expect, record(drifted).expect)
    assert {line.split(":")[0] for line in drift} >= {"error", "status_code", "code", "message"}
    with pytest.raises(AssertionError):
        result, _ = replay(kept)
        assert result == kept.expect  # make test fails on the re-recorded cassette
    assert record_module.main(["--vendor", "evolink", "--scenario", "error-429", "--accept"]) == 0
    assert Cassette.load(recorded.path).expect == record(drifted).expect


def _last_submitted_model(cassette: Any) -> str | None:
    """The model of the last paid request: its body's `model`, or the table's name of the
    operation it was sent to (`x-unified-model`, a remix endpoint)."""
    posts = [i for i in cassette.interactions if i["request"]["method"] == "POST"]
    if not posts:
        return None
    request = posts[-1]["request"]
    body = request.get("json", request.get("form"))
    if isinstance(body, dict) and "model" in body:
        return str(body["model"])
    _, _, op = operation(cassette.vendor, call_operation(cassette.vendor, "POST", request["path"]))
    return op.get("x-unified-model")


def test_every_model_has_a_happy_and_a_content_policy_cassette() -> None:
    """Each model the table describes ends a happy recording (it is the last thing submitted)
    and a recording failed for content policy."""
    from sora_unified import capabilities

    happy: set[tuple[str, str | None]] = set()
    refused: set[tuple[str, str | None]] = set()
    for cassette in CASSETTES:
        model = (cassette.vendor, _last_submitted_model(cassette))
        if cassette.scenario.startswith("happy"):
            happy.add(model)
        if cassette.expect.get("content_policy_violation") is True:
            refused.add(model)
    described = {(m.vendor, m.model) for m in capabilities() if m.described}
    assert described - happy == set()
    assert described - refused == set()
