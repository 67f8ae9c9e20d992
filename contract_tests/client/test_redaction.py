"""The key a vendor echoes reaches the user nowhere: not in a returned Video (its fields and
raw body), not in an exception (its message, attributes, task or video, and every error it was
raised from or while handling), not in a batch's results.jsonl or store, not in the gateway's
answers or store.

A vendor may echo anything it was sent; these tests put the key, in every form text can take,
into every string field of every documented answer and look for it in everything that comes
back.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sora_unified import AsyncClient, Client, GenerationFailedError, SoraError, Video, VideoRequest
from sora_unified._redact import REDACTED, redact_value, scrub_error
from sora_unified.batch import BatchOptions, Job, SQLiteJobStore, run_batch
from sora_unified.sandbox import SANDBOX_KEY, Fault, Sandbox, SandboxConfig, Timing

from contract_tests.support.fakes import BASE_URLS, FakeClock
from contract_tests.support.specs import (
    VENDORS,
    create_operation,
    operation,
    resolve,
    status_operation_id,
)

# A key with characters that change under URL-encoding, so every form differs.
KEY = "sk-live/Abc+123=xyz_0123456789"
FORMS = (KEY, quote(KEY, safe=""), quote_plus(KEY), json.dumps(KEY)[1:-1])


def reachable_strings(value: Any, seen: set[int] | None = None, depth: int = 0) -> Iterator[str]:
    """Every string a user's code can reach from `value` (and its repr and str)."""
    seen = set() if seen is None else seen
    if id(value) in seen or depth > 40:
        return
    seen.add(id(value))
    if isinstance(value, str):
        yield value
        return
    if isinstance(value, bytes):
        yield value.decode("utf-8", "replace")
        return
    if isinstance(value, bool | int | float) or value is None:
        return
    yield repr(value)
    yield str(value)
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from reachable_strings(key, seen, depth + 1)
            yield from reachable_strings(item, seen, depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from reachable_strings(item, seen, depth + 1)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from reachable_strings(getattr(value, item.name), seen, depth + 1)
    elif isinstance(value, BaseException):
        yield from reachable_strings(value.args, seen, depth + 1)
        yield from reachable_strings(
            {k: v for k, v in vars(value).items() if not k.startswith("__")}, seen, depth + 1
        )
        yield from reachable_strings(getattr(value, "__notes__", []), seen, depth + 1)
        for linked in (value.__cause__, value.__context__):
            if linked is not None:
                yield from reachable_strings(linked, seen, depth + 1)


def assert_no_key(value: Any) -> None:
    for text in reachable_strings(value):
        for form in FORMS:
            assert form not in text, f"the key ({form!r}) is readable in {text[:300]!r}"


# -- the pieces ----------------------------------------------------------------------------------


def test_scrub_error_follows_the_cause_and_the_context_both() -> None:
    """An error raised `from` one error while handling another: both are scrubbed."""
    try:
        try:
            raise ValueError(f"handling this: {KEY}")
        except ValueError:
            raise SoraError("outer") from KeyError(f"caused by {quote(KEY, safe='')}")
    except SoraError as raised:
        outer = raised
    assert outer.__context__ is not None and outer.__cause__ is not None
    assert_no_key(scrub_error(outer, (KEY,)))
    assert REDACTED in str(outer.__context__) and REDACTED in str(outer.__cause__)


def test_scrub_error_follows_an_implicit_chain() -> None:
    try:
        try:
            raise OSError(f"connect failed for Bearer {KEY}")
        except OSError:
            raise SoraError("while reading the status") from None
    except SoraError as raised:
        error = raised
    error.__suppress_context__ = False  # `from None` hides it from tracebacks, not from code
    assert_no_key(scrub_error(error, (KEY,)))


def test_every_string_attribute_of_an_error_is_scrubbed() -> None:
    error = SoraError(f"message {KEY}")
    error.vendor_detail = {"echo": [f"x{KEY}y"]}  # type: ignore[attr-defined]
    error.add_note(f"note {json.dumps(KEY)[1:-1]}")
    assert_no_key(scrub_error(error, (KEY,)))


def test_a_clean_value_comes_back_as_itself() -> None:
    video = Video(vendor="kie", task_id="t", status="completed", raw={"a": ["b", {"c": "d"}]})
    assert redact_value(video, (KEY,)) is video


# -- through a client ----------------------------------------------------------------------------


def _string_paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths to every string leaf; a string holding JSON (kie's resultJson) is entered too."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _string_paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _string_paths(value, (*prefix, index))
    elif isinstance(node, str):
        yield prefix
        try:
            decoded = json.loads(node)
        except ValueError:
            return
        if isinstance(decoded, dict | list):
            for inner in _string_paths(decoded):
                yield (*prefix, "#json", *inner)


def _put(body: Any, path: tuple[Any, ...], make: Any) -> None:
    *parents, last = path
    if "#json" in path:
        split = path.index("#json")
        holder = body
        for token in path[: split - 1]:
            holder = holder[token]
        decoded = json.loads(holder[path[split - 1]])
        _put(decoded, path[split + 1 :], make)
        holder[path[split - 1]] = json.dumps(decoded)
        return
    holder = body
    for token in parents:
        holder = holder[token]
    holder[last] = make(holder[last])


def _status_bodies() -> list[tuple[str, Any]]:
    found = []
    for vendor in VENDORS:
        _, _, op = operation(vendor, status_operation_id(vendor))
        media = resolve(vendor, op["responses"]["200"])["content"]["application/json"]
        for example in media.get("examples", {}).values():
            found.append((vendor, example["value"]))
    return found


STATUS_BODIES = _status_bodies()


@st.composite
def echoing_bodies(draw: st.DrawFn) -> tuple[str, Any]:
    vendor, example = draw(st.sampled_from(STATUS_BODIES))
    body = copy.deepcopy(example)
    paths = list(_string_paths(body))
    chosen = draw(st.lists(st.sampled_from(paths), min_size=1, unique=True)) if paths else []
    for path in chosen:
        form = draw(st.sampled_from(FORMS))
        where = draw(st.sampled_from(["replace", "prefix", "suffix"]))

        def make(old: str, form: str = form, where: str = where) -> str:
            return {"replace": form, "prefix": form + " " + old, "suffix": old + ": " + form}[where]

        try:
            _put(body, path, make)
        except (KeyError, IndexError, TypeError, ValueError):
            continue  # an earlier change re-encoded the JSON this path pointed into
    return vendor, body


def _client(vendor: str, answer: Any) -> Client:
    return Client(
        vendor,
        api_key=KEY,
        base_url=BASE_URLS[vendor],
        transport=httpx.MockTransport(answer),
        max_retries=0,
        clock=FakeClock(),  # a poll's sleep moves fake time only
    )


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(echoing_bodies())
def test_a_key_echoed_in_any_status_field_is_nowhere_in_what_comes_back(
    drawn: tuple[str, Any],
) -> None:
    vendor, body = drawn
    client = _client(vendor, lambda request: httpx.Response(200, json=body))
    try:
        video = client.retrieve(f"{vendor}:task-unified-1")
    except SoraError as error:
        assert_no_key(error)
        return
    assert_no_key(video)
    try:
        client.wait(f"{vendor}:task-unified-1", timeout=30)
    except SoraError as error:  # a failed task raises with its video
        assert_no_key(error)


def _error_bodies() -> list[tuple[str, int, Any]]:
    found = []
    for vendor in VENDORS:
        _, _, create = create_operation(vendor)
        for status, response in create["responses"].items():
            media = resolve(vendor, response).get("content", {}).get("application/json", {})
            for example in media.get("examples", {}).values():
                if str(status) != "200":
                    found.append((vendor, int(status), example["value"]))
            if "example" in media and str(status) != "200":
                found.append((vendor, int(status), media["example"]))
    return found


ERROR_BODIES = _error_bodies()


@pytest.mark.parametrize(("vendor", "status", "body"), ERROR_BODIES)
def test_a_key_echoed_in_a_refusal_is_nowhere_in_the_error(
    vendor: str, status: int, body: Any
) -> None:
    echoed = copy.deepcopy(body)
    for path in list(_string_paths(echoed)):
        _put(echoed, path, lambda old: f"{old} (key {KEY})")
    headers = {"x-request-id": f"req-{KEY}", "retry-after": "1"}
    client = _client(vendor, lambda request: httpx.Response(status, json=echoed, headers=headers))
    with pytest.raises(SoraError) as raised:
        client.submit(VideoRequest(prompt="a cat", seconds=10 if vendor == "kie" else 4))
    assert_no_key(raised.value)


def test_a_key_in_a_transport_failure_and_its_chain_is_scrubbed() -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        try:
            raise RuntimeError(f"proxy said: Authorization {KEY}")
        except RuntimeError:
            raise httpx.ConnectError(f"connect failed ({quote_plus(KEY)})", request=request)  # noqa: B904 (the implicit chain is the point)

    client = _client("evolink", broken)
    with pytest.raises(SoraError) as raised:
        client.retrieve("evolink:task-unified-1")
    assert_no_key(raised.value)


def test_a_failed_videos_key_echo_is_scrubbed_from_the_generation_error() -> None:
    body = {
        "id": "task-unified-1",
        "status": "failed",
        "error": {"code": KEY, "message": f"bad key {KEY}"},
    }
    client = _client("evolink", lambda request: httpx.Response(200, json=body))
    with pytest.raises(GenerationFailedError) as raised:
        client.wait("evolink:task-unified-1", timeout=30)
    assert_no_key(raised.value)
    assert raised.value.video.error_message == f"bad key {REDACTED}"


# -- the batch and the gateway -------------------------------------------------------------------

ECHO = Fault(
    kind="fail_generation", message=f"refused for key {SANDBOX_KEY} (Bearer {SANDBOX_KEY})"
)
INSTANT = Timing(queue_seconds=0, run_seconds=0.05, not_visible_seconds=0)
SANDBOX_FORMS = (SANDBOX_KEY, quote(SANDBOX_KEY, safe=""))


def _files_hold_no_key(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for form in SANDBOX_FORMS:
                assert form.encode() not in data, f"{path.name} holds the key"


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_batch_writes_no_echoed_key_to_results_or_store(tmp_path: Path, vendor: str) -> None:
    seconds = {"kie": 10, "evolink": 10, "modelverse": 4, "modelverse-openai": 4}[vendor]
    with Sandbox(SandboxConfig(timing=INSTANT, faults=(ECHO,))) as sandbox:
        store = SQLiteJobStore(tmp_path / "batch.sqlite3")
        try:
            store.add([Job(1, "echo", vendor, {"prompt": "a cat", "seconds": seconds})], vendor)
            summary = run_batch(
                store,
                lambda v: AsyncClient(v, **sandbox.client_options(v), max_retries=0),
                BatchOptions(out=tmp_path / "out"),
            )
        finally:
            store.close()
    assert summary.counts == {"failed": 1}, summary
    assert REDACTED in (tmp_path / "out" / "results.jsonl").read_text()
    _files_hold_no_key(tmp_path)


def test_the_gateway_answers_and_stores_no_echoed_key(tmp_path: Path) -> None:
    from contract_tests.support.gateway_world import SECONDS, World, wait_until

    world = World(tmp_path, "kie", faults=(ECHO,))
    try:
        video = world.alice.videos.create(model="sora-2", prompt="a cat", seconds=SECONDS["kie"])  # type: ignore[arg-type]

        def failed() -> bool:
            return world.alice.videos.retrieve(video.id).status == "failed"

        wait_until(failed, what="the echoing task to fail")
        answer = world.http().get(f"/v1/videos/{video.id}").text
        for form in SANDBOX_FORMS:
            assert form not in answer
        assert REDACTED in answer
    finally:
        world.close()
    _files_hold_no_key(tmp_path)


@pytest.mark.parametrize("key", ["a", "ab", "abc"])
def test_a_key_too_short_to_be_a_secret_does_not_blank_every_letter(key: str) -> None:
    """A three-letter "key" is a mistake, not a secret: redacting it would blank every "a" of
    every message and hide what went wrong; four letters and up are redacted."""
    text = "a cat sat on a mat; abc abcd"
    assert scrub_error(SoraError(text), (key,)).args == (text,)
    assert redact_value({"m": text}, (key,)) == {"m": text}
    assert REDACTED in str(scrub_error(SoraError(text), ("abcd",)))
