"""The capability table and the specs state the same rules, compared mechanically.

The table (sora_unified._capabilities) and the specs are written separately from the vendors'
pages, so each can catch a mistake in the other. For every model, probes are derived from
the numbers of both: every length the table allows and one past it, every bound the spec
declares and one past it, every duration, size and quality either side names, required fields
left out, URLs of every refused kind, storyboard counts, per-shot bounds and their sum. For
each probe the client's own verdict (check_request) is compared with the spec's verdict on the
body the adapter builds for the same request *without* the local check. They must agree.

Then, structurally: every field the spec declares for a model must be reachable from the
unified request (or be a declared vendor extra), and every value a spec enum lists must be one
the table can produce.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sora_unified import Shot, ValidationError, VideoRequest, capabilities
from sora_unified._capabilities import ModelCapabilities, check_request
from sora_unified.types import QUALITIES, SIZES

from contract_tests.bypass import Path, adapter_body, base_request, delete, leaves, paths_of
from contract_tests.specs import (
    create_operation,
    request_schema_pointer,
    resolve,
    schema_at,
    schema_errors,
    schema_paths,
)

MODELS = list(capabilities())
# Spec fields the unified request does not carry (the vendor's own options).
VENDOR_EXTRAS: dict[str, set[tuple[str, ...]]] = {
    "kie": {("input", "upload_method"), ("input", "character_id_list"), ("progressCallBackUrl",)},
    "evolink": set(),
    "modelverse": set(),
}
IMAGE = "https://example.com/first-frame.png"
HOOK = "https://hooks.example.com/done"


def _pointer(vendor: str) -> str:
    _, _, create = create_operation(vendor)
    return request_schema_pointer(vendor, create["operationId"])


def _request(values: dict[str, Any]) -> VideoRequest | None:
    try:
        return VideoRequest(**values)
    except ValidationError:
        return None  # refused by the unified vocabulary itself


def _table_refusal(caps: ModelCapabilities, values: dict[str, Any]) -> str | None:
    request = _request(values)
    if request is None:
        return "refused by VideoRequest"
    try:
        check_request(request, caps)
    except ValidationError as error:
        return str(error)
    return None


def _body(caps: ModelCapabilities, values: dict[str, Any]) -> dict[str, Any]:
    """The body the adapter builds for a request, without the local check."""
    return adapter_body(caps, VideoRequest(**values))


@dataclass
class Verdicts:
    caps: ModelCapabilities
    base: dict[str, Any]
    disagreements: list[str] = field(default_factory=list)
    unexpressible: list[str] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)  # bodies of accepted probes

    def probe(
        self, name: str, values: dict[str, Any], *, probed: str, drop: set[Path] | None = None
    ) -> None:
        """Compare the table's verdict on `values` with the spec's on the adapter's body
        (with the paths in `drop` removed, for fields the request leaves out).

        A value the table refuses and the adapter cannot even put into a body (the body is the
        same without the `probed` field) is left to the structural test: the spec must then
        have no field for it."""
        table = _table_refusal(self.caps, values)
        request = _request(values)
        if request is None:
            if table is None:
                self.disagreements.append(f"{name}: VideoRequest refused what the table allows")
            return
        body = _body(self.caps, values)
        for path in drop or ():
            delete(body, path)
        if table is not None and drop is None:
            reference = {k: v for k, v in values.items() if k != probed}
            if probed in self.base:
                reference[probed] = self.base[probed]
            if _request(reference) is not None and _body(self.caps, reference) == body:
                self.unexpressible.append(name)
                return
        spec = schema_errors(self.caps.vendor, _pointer(self.caps.vendor), body)
        if (table is None) != (not spec):
            self.disagreements.append(
                f"{name}: the table {'accepts' if table is None else 'refuses'}"
                f"{'' if table is None else f' ({table})'} but the spec"
                f" {'accepts' if not spec else 'refuses'} {json.dumps(body)[:300]}"
                f"{'' if not spec else f' ({spec})'}"
            )
        if table is None:
            self.sent.append(body)


def _spec_numbers(caps: ModelCapabilities, values: dict[str, Any], path: Path) -> dict[str, Any]:
    return schema_at(caps.vendor, _pointer(caps.vendor), _body(caps, values), path)


def _around(*bounds: float | None) -> Iterator[float]:
    for bound in bounds:
        if bound is not None:
            yield bound
            yield bound + 1


def _probe_prompt(v: Verdicts) -> None:
    caps, base = v.caps, v.base
    if caps.prompt == "no":
        v.probe("prompt given", {**base, "prompt": "a corgi"}, probed="prompt")
        return
    with_prompt = {**base, "prompt": "a corgi"}
    (path,) = paths_of(caps, with_prompt, {**base, "prompt": "a cat"})
    v.probe("prompt left out", {**base, "prompt": ""}, probed="prompt", drop={path})
    spec = _spec_numbers(caps, with_prompt, path)
    for length in sorted(set(_around(caps.max_prompt_chars, spec.get("maxLength"), 1))):
        prompt = "é" * int(length)
        v.probe(f"prompt of {length:g} characters", {**base, "prompt": prompt}, probed="prompt")


def _probe_seconds(v: Verdicts) -> None:
    caps, base = v.caps, v.base
    paths = paths_of(caps, base, {**base, "seconds": caps.seconds[-1]})
    named = {
        int(value) for path in paths for value in _spec_numbers(caps, base, path).get("enum", ())
    }
    for seconds in sorted(set(caps.seconds) | named | {1, 4, 8, 10, 12, 15, 20, 25, 30}):
        v.probe(f"{seconds} s", {**base, "seconds": seconds}, probed="seconds")


def _probe_shape_and_quality(v: Verdicts) -> None:
    caps, base = v.caps, v.base
    for size in SIZES:
        v.probe(f"size {size}", {**base, "size": size}, probed="size")
    for quality in QUALITIES:
        for seconds in caps.seconds:
            values = {**base, "quality": quality, "seconds": seconds}
            v.probe(f"quality {quality} at {seconds} s", values, probed="quality")


def _probe_image(v: Verdicts) -> None:
    caps, base = v.caps, v.base
    if caps.image_input == "no":
        v.probe("image given", {**base, "image_url": IMAGE}, probed="image_url")
        return
    other = {**base, "image_url": "https://example.org/b.jpg"}
    (path,) = {
        p[:-1] if isinstance(p[-1], int) else p
        for p in paths_of(caps, {**base, "image_url": IMAGE}, other)
    }
    v.probe("image left out", {**base, "image_url": None}, probed="image_url", drop={path})
    for url in (
        IMAGE,
        "http://example.com/a.webp",
        "ftp://example.com/a.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "example.com/a.png",
        "https://exa mple.com/a.png",
    ):
        v.probe(f"image {url}", {**base, "image_url": url}, probed="image_url")


def _probe_callback(v: Verdicts) -> None:
    caps, base = v.caps, v.base
    if not caps.callbacks:
        v.probe("callback given", {**base, "callback_url": HOOK}, probed="callback_url")
        return
    values = {**base, "callback_url": HOOK}
    (path,) = paths_of(caps, values, {**base, "callback_url": HOOK + "2"})
    spec = _spec_numbers(caps, values, path)
    for length in sorted(set(_around(caps.callback_max_chars, spec.get("maxLength")))):
        url = HOOK + "/" + "x" * (int(length) - len(HOOK) - 1)
        v.probe(
            f"callback of {length:g} characters",
            {**base, "callback_url": url},
            probed="callback_url",
        )
    for url in (
        "http://hooks.example.com/done",
        "ftp://hooks.example.com/done",
        "https://127.0.0.1/done",
        "https://2130706433/done",
        "https://[::ffff:127.0.0.1]/done",
        "https://10.0.0.7/done",
        "https://localhost/done",
    ):
        v.probe(f"callback {url}", {**base, "callback_url": url}, probed="callback_url")


def _probe_storyboard(v: Verdicts) -> None:
    caps, base = v.caps, v.base
    if caps.storyboard == "no":
        v.probe("storyboard given", {**base, "shots": (Shot("a", 1.0),)}, probed="shots")
        return
    values = {**base, "seconds": caps.seconds[-1]}
    one = {**values, "shots": (Shot("a", 1.0),)}
    (scene,) = paths_of(caps, one, {**values, "shots": (Shot("b", 1.0),)})
    (duration,) = paths_of(caps, one, {**values, "shots": (Shot("a", 2.0),)})
    shots_spec = _spec_numbers(caps, values, scene[:-2])
    counts = set(_around(caps.max_shots, shots_spec.get("maxItems"), shots_spec.get("minItems")))
    for count in sorted(counts | {0}):
        shots = tuple(Shot(f"shot {i}", 1.0) for i in range(int(count)))
        v.probe(f"{count:g} shots", {**values, "shots": shots}, probed="shots")
    shot_spec = _spec_numbers(caps, values, duration)
    low, high = caps.shot_seconds
    bounds = {low, high, low - 0.05, high + 0.1}
    for bound in (shot_spec.get("minimum"), shot_spec.get("maximum")):
        if bound is not None:
            bounds |= {bound, bound - 0.05, bound + 0.1}
    for seconds in sorted(b for b in bounds if b > 0):
        shot = (Shot("a", seconds),)
        v.probe(f"one shot of {seconds:g} s", {**values, "shots": shot}, probed="shots")
    for seconds in caps.seconds:
        half = seconds / 2
        fits = {**base, "seconds": seconds, "shots": (Shot("a", half), Shot("b", half))}
        over = {**base, "seconds": seconds, "shots": (Shot("a", half), Shot("b", half + 1))}
        v.probe(f"shots adding up to {seconds} s", fits, probed="shots")
        v.probe(f"shots adding up to {seconds + 1} s in {seconds} s", over, probed="shots")


def _probe_watermark(v: Verdicts) -> None:
    for flag in (True, False):
        values = {**v.base, "remove_watermark": flag}
        v.probe(f"remove_watermark {flag}", values, probed="remove_watermark")


def verdicts(caps: ModelCapabilities) -> Verdicts:
    v = Verdicts(caps, base=base_request(caps))
    v.probe("the smallest request", v.base, probed="model")
    for probe in (
        _probe_prompt,
        _probe_seconds,
        _probe_shape_and_quality,
        _probe_image,
        _probe_callback,
        _probe_storyboard,
        _probe_watermark,
    ):
        probe(v)
    return v


@pytest.mark.parametrize("caps", MODELS, ids=[f"{m.vendor}/{m.model}" for m in MODELS])
def test_table_and_spec_agree_on_every_probe(caps: ModelCapabilities) -> None:
    assert verdicts(caps).disagreements == []


def _star(path: Path) -> tuple[str, ...]:
    return tuple("*" if isinstance(token, int) else token for token in path)


@pytest.mark.parametrize("caps", MODELS, ids=[f"{m.vendor}/{m.model}" for m in MODELS])
def test_every_spec_field_and_value_is_reachable_from_the_table(caps: ModelCapabilities) -> None:
    sent = verdicts(caps).sent
    assert sent
    pointer = _pointer(caps.vendor)
    emitted = {_star(path) for body in sent for path in leaves(body)}
    emitted |= {path[:i] for path in emitted for i in range(1, len(path))}
    declared = schema_paths(caps.vendor, pointer, sent[0])
    unreachable = declared - emitted - VENDOR_EXTRAS[caps.vendor]
    assert unreachable == set(), "spec fields the unified request can never send"
    values: dict[tuple[str, ...], set[Any]] = {}
    for body in sent:
        for path, value in leaves(body).items():
            values.setdefault(_star(path), set()).add(value)
    for path, seen in values.items():
        concrete = next(p for body in sent for p in leaves(body) if _star(p) == path)
        enum = schema_at(caps.vendor, pointer, sent[0], concrete).get("enum")
        if enum is not None:
            assert set(enum) == seen, (
                f"{path}: the spec lists {enum}, the table sends {sorted(seen, key=str)}"
            )


def _spec_models(vendor: str) -> set[str]:
    schema = resolve(vendor, {"$ref": _pointer(vendor)})
    variants = schema.get("oneOf", [schema])
    return {resolve(vendor, variant)["properties"]["model"]["const"] for variant in variants}


def test_every_spec_model_is_in_the_table_and_back() -> None:
    table = {(m.vendor, m.model) for m in capabilities()}
    spec = {
        (vendor, model)
        for vendor in ("kie", "evolink", "modelverse")
        for model in _spec_models(vendor)
    }
    assert table == spec


def test_table_renders_every_row() -> None:
    text = capabilities().table()
    assert text.splitlines()[0].split()[:3] == ["vendor", "model", "seconds"]
    assert len(text.splitlines()) == 2 + len(capabilities().models)
    assert "sora-2-pro-storyboard" in text and "10, 15, 25" in text


@pytest.mark.parametrize("caps", MODELS, ids=[f"{m.vendor}/{m.model}" for m in MODELS])
def test_the_tables_defaults_are_the_documented_ones(caps: ModelCapabilities) -> None:
    """Where the spec documents a default length or shape, the table states the same one;
    where the vendor documents none (only the spec's x-sandbox-default), the table has none."""
    base = base_request(caps)
    body = adapter_body(caps, VideoRequest(**base))
    pointer = _pointer(caps.vendor)
    (seconds_path,) = paths_of(
        caps, {**base, "seconds": caps.seconds[0]}, {**base, "seconds": caps.seconds[1]}
    )
    (shape_path,) = paths_of(caps, {**base, "size": "1280x720"}, {**base, "size": "720x1280"})
    seconds = schema_at(caps.vendor, pointer, body, seconds_path).get("default")
    if seconds is not None and caps.storyboard == "no":
        assert int(seconds) == caps.default_seconds
    shape = schema_at(caps.vendor, pointer, body, shape_path).get("default")
    orientation = {
        "landscape": "landscape",
        "portrait": "portrait",
        "1280x720": "landscape",
        "720x1280": "portrait",
        "16:9": "landscape",
        "9:16": "portrait",
    }
    assert caps.default_orientation == (orientation[shape] if shape is not None else None)
