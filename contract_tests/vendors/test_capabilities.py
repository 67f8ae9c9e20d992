"""The capability table and the specs state the same rules, compared mechanically.

The table (sora_unified._capabilities) and the specs are written separately from the vendors'
pages, so each can catch a mistake in the other. For every model, probes are derived from
the numbers of both: every length the table allows and one past it, every bound the spec
declares and one past it, every duration, size and quality either side names, required fields
left out, URLs of every refused kind, storyboard counts, per-shot bounds and their sum, cast
sizes, remix sources, character spans and texts, published links and vendor options. For each
probe the client's own verdict (its table, then its adapter's own checks) is compared with the
spec's verdict on the body the adapter builds for the same request *without* the local check.
They must agree.

Then, structurally: every field the spec declares for a model must be reachable from the
unified request (vendor options included), and every value a spec enum lists must be one the
table can produce (or, where the spec marks the values we send with `x-sent`, exactly those).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sora_unified import (
    CharacterRequest,
    Shot,
    UnsupportedFeatureError,
    ValidationError,
    VideoRequest,
    capabilities,
)
from sora_unified._capabilities import ModelCapabilities, check_request
from sora_unified.types import QUALITIES, SIZES
from sora_unified.vendors import VENDOR_NAMES, load_adapter

from contract_tests.support.bypass import (
    CLIP,
    SORA_LINK,
    SOURCE_TASKS,
    Path,
    adapter_body,
    base_request,
    body_pointer,
    client_refusal,
    delete,
    leaves,
    paths_of,
    request_class,
)
from contract_tests.support.bypass import (
    _plan as _bypass_plan,
)
from contract_tests.support.images import png
from contract_tests.support.specs import (
    call_operation,
    create_operation,
    operation,
    operations,
    request_schema_pointer,
    resolve,
    schema_at,
    schema_errors,
    schema_paths,
    task_references,
)

MODELS = list(capabilities())
DESCRIBED = [m for m in MODELS if m.described]
IDS = [f"{m.vendor}/{m.model}" for m in DESCRIBED]
IMAGE = "https://example.com/first-frame.png"
HOOK = "https://hooks.example.com/done"


def _pointer(vendor: str) -> str:
    _, _, create = create_operation(vendor)
    return request_schema_pointer(vendor, create["operationId"])


@dataclass
class Verdicts:
    caps: ModelCapabilities
    base: dict[str, Any]
    disagreements: list[str] = field(default_factory=list)
    unexpressible: list[str] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)  # bodies of accepted probes

    def request(self, values: dict[str, Any]) -> Any:
        try:
            return request_class(self.caps)(**values)
        except ValidationError:
            return None  # refused by the unified vocabulary itself

    def body(self, values: dict[str, Any]) -> dict[str, Any]:
        """The body the adapter builds for a request, without the local check."""
        return adapter_body(self.caps, request_class(self.caps)(**values))

    def probe(
        self,
        name: str,
        values: dict[str, Any],
        *,
        probed: str,
        drop: set[Path] | None = None,
        body_of: dict[str, Any] | None = None,
    ) -> None:
        """Compare the client's verdict on `values` with the spec's on the adapter's body
        (built from `body_of` when the adapter cannot build one for `values`, with the paths
        in `drop` removed, for fields the request leaves out).

        A value the client refuses and the adapter cannot even put into a body (the body is
        the same without the `probed` field) is left to the structural test: the spec must
        then have no field for it."""
        request = self.request(values)
        if request is None:
            if self.request(body_of or {}) is None and body_of is not None:
                self.disagreements.append(f"{name}: the body's request is refused itself")
            return
        table = client_refusal(self.caps, request)
        body = self.body(body_of or values)
        for path in drop or ():
            delete(body, path)
        if table is not None and drop is None and body_of is None:
            reference = {k: v for k, v in values.items() if k != probed}
            if probed in self.base:
                reference[probed] = self.base[probed]
            if self.request(reference) is not None and self.body(reference) == body:
                self.unexpressible.append(name)
                return
        spec = schema_errors(self.caps.vendor, body_pointer(self.caps), body)
        if (table is None) != (not spec):
            self.disagreements.append(
                f"{name}: the table {'accepts' if table is None else 'refuses'}"
                f"{'' if table is None else f' ({table})'} but the spec"
                f" {'accepts' if not spec else 'refuses'} {json.dumps(body)[:300]}"
                f"{'' if not spec else f' ({spec})'}"
            )
        if table is None:
            self.sent.append(body)

    def spec_numbers(self, values: dict[str, Any], path: Path) -> dict[str, Any]:
        return schema_at(self.caps.vendor, body_pointer(self.caps), self.body(values), path)

    def path_of(self, probed: str, a: Any, b: Any) -> Path:
        """The one body path the unified field `probed` is sent as (list items: the list)."""
        found = {
            p[:-1] if isinstance(p[-1], int) else p
            for p in paths_of(self.caps, {**self.base, probed: a}, {**self.base, probed: b})
        }
        (path,) = found
        return path


def _around(*bounds: float | None) -> Iterator[float]:
    for bound in bounds:
        if bound is not None:
            yield bound
            yield bound + 1


def _lengths(v: Verdicts, probed: str, sample: str, limit: int | None, pad: str = "é") -> None:
    """`probed` at every length either side declares and one past it (sample padded: texts
    with a two-byte character, so characters and bytes are told apart)."""
    path = v.path_of(probed, sample, sample + "x")
    spec = v.spec_numbers({**v.base, probed: sample}, path)
    for length in sorted(set(_around(limit, spec.get("maxLength"), 1))):
        text = (sample + pad * int(length))[: int(length)] if length >= len(sample) else None
        if text is not None:
            v.probe(f"{probed} of {length:g} characters", {**v.base, probed: text}, probed=probed)


def _probe_prompt(v: Verdicts) -> None:
    caps, base = v.caps, v.base
    if caps.prompt == "no":
        v.probe("prompt given", {**base, "prompt": "a corgi"}, probed="prompt")
        return
    path = v.path_of("prompt", "a corgi", "a cat")
    v.probe("prompt left out", {**base, "prompt": ""}, probed="prompt", drop={path})
    spec = v.spec_numbers({**base, "prompt": "a corgi"}, path)
    limit = caps.max_character_text if caps.kind == "character" else caps.max_prompt_chars
    for length in sorted(set(_around(limit, spec.get("maxLength"), 1))):
        prompt = "é" * int(length)
        v.probe(f"prompt of {length:g} characters", {**base, "prompt": prompt}, probed="prompt")


def _probe_seconds(v: Verdicts) -> None:
    caps, base = v.caps, v.base
    if caps.keeps_source_shape:  # nothing to choose: every length is refused, none is sent
        for seconds in (4, 8, 10, 12, 15, 25):
            v.probe(f"{seconds} s", {**base, "seconds": seconds}, probed="seconds")
        return
    paths = paths_of(caps, base, {**base, "seconds": caps.seconds[-1]})
    named = {int(value) for path in paths for value in v.spec_numbers(base, path).get("enum", ())}
    for seconds in sorted(set(caps.seconds) | named | {1, 4, 8, 10, 12, 15, 20, 25, 30}):
        v.probe(f"{seconds} s", {**base, "seconds": seconds}, probed="seconds")


def _probe_shape_and_quality(v: Verdicts) -> None:
    caps, base = v.caps, v.base
    for size in SIZES:
        v.probe(f"size {size}", {**base, "size": size}, probed="size")
    for quality in QUALITIES:
        for seconds in caps.seconds or (None,):
            values = {**base, "quality": quality, "seconds": seconds}
            v.probe(f"quality {quality} at {seconds} s", values, probed="quality")


URLS = (
    "http://example.com/a.webp",
    "ftp://example.com/a.png",
    "data:image/png;base64,iVBORw0KGgo=",
    "example.com/a.png",
    "https://exa mple.com/a.png",
)


def _probe_image(v: Verdicts) -> None:
    caps, base = v.caps, v.base
    if caps.image_input == "no":
        v.probe("image given", {**base, "image_url": IMAGE}, probed="image_url")
        return
    if not caps.remote_images:
        # A file part only: URLs are refused and cannot be put into a body at all.
        for url in (IMAGE, *URLS):
            v.probe(f"image {url}", {**base, "image_url": url}, probed="image_url")
        frame = png(720, 1280) if caps.default_orientation == "portrait" else png(1280, 720)
        v.probe("a local image", {**base, "image": frame}, probed="image")
        return
    path = v.path_of("image_url", IMAGE, "https://example.org/b.jpg")
    v.probe("image left out", {**base, "image_url": None}, probed="image_url", drop={path})
    for url in (IMAGE, *URLS):
        v.probe(f"image {url}", {**base, "image_url": url}, probed="image_url")


def _probe_callback(v: Verdicts) -> None:
    caps, base = v.caps, v.base
    if not caps.callbacks:
        v.probe("callback given", {**base, "callback_url": HOOK}, probed="callback_url")
        return
    path = v.path_of("callback_url", HOOK, HOOK + "2")
    spec = v.spec_numbers({**base, "callback_url": HOOK}, path)
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
    shots_spec = v.spec_numbers(values, scene[:-2])
    counts = set(_around(caps.max_shots, shots_spec.get("maxItems"), shots_spec.get("minItems")))
    for count in sorted(counts | {0}):
        shots = tuple(Shot(f"shot {i}", 1.0) for i in range(int(count)))
        v.probe(f"{count:g} shots", {**values, "shots": shots}, probed="shots")
    shot_spec = v.spec_numbers(values, duration)
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


def _cast(count: int) -> tuple[str, ...]:
    return tuple(f"character_{i:02d}" for i in range(count))


def _probe_characters(v: Verdicts) -> None:
    caps, base = v.caps, v.base
    if not caps.max_characters:
        v.probe("characters given", {**base, "characters": _cast(1)}, probed="characters")
        return
    path = v.path_of("characters", _cast(1), _cast(2))
    spec = v.spec_numbers({**base, "characters": _cast(1)}, path)
    for count in sorted(set(_around(caps.max_characters, spec.get("maxItems"), 1))):
        values = {**base, "characters": _cast(int(count))}
        v.probe(f"{count:g} characters", values, probed="characters")


def _probe_remix_source(v: Verdicts) -> None:
    caps, base = v.caps, v.base
    if caps.kind != "remix":
        source = SOURCE_TASKS.get(caps.vendor, "a-task-id")
        v.probe("remix_of given", {**base, "remix_of": source}, probed="remix_of")
        return
    if caps.keeps_source_shape:
        return  # the source is a path parameter: test_a_remix_source_in_the_path_...
    path = v.path_of("remix_of", SOURCE_TASKS[caps.vendor], SOURCE_TASKS[caps.vendor] + "x")
    v.probe("remix_of left out", {**base, "remix_of": None}, probed="remix_of", drop={path})
    for task in {*SOURCE_TASKS.values(), "video_68e8e7c5a3c48191", "task-unified-"}:
        v.probe(f"remix of {task}", {**base, "remix_of": task}, probed="remix_of")


def _probe_vendor_options(v: Verdicts) -> None:
    caps, base = v.caps, v.base
    pointer = body_pointer(caps)
    for option in caps.vendor_options:
        path = tuple(option.path.split("."))
        sample = option.values[0] if option.values else HOOK
        body = adapter_body(caps, request_class(caps)(**base, vendor_options={option.path: sample}))
        spec = schema_at(caps.vendor, pointer, body, path)
        values = {*option.values, *spec.get("enum", ()), "bogus", HOOK, "ftp://x.example/y"}
        for value in sorted(values):
            options = {option.path: value}
            v.probe(
                f"vendor option {option.path}={value}",
                {**base, "vendor_options": options},
                probed="vendor_options",
            )
    # Fields the spec declares but the table does not offer as options are refused by both.
    for unoffered in ("input.upload_method", "progressCallBackUrl", "input.n_frames", "seed"):
        if unoffered not in {o.path for o in caps.vendor_options}:
            options = {unoffered: "s3"}
            v.probe(
                f"vendor option {unoffered} not offered",
                {**base, "vendor_options": options},
                probed="vendor_options",
            )


def _probe_character_source(v: Verdicts) -> None:
    caps, base = v.caps, v.base
    if caps.character_source == "clip":
        path = v.path_of("video_url", CLIP, CLIP + "x")
        for url in (CLIP, *URLS):
            v.probe(f"clip {url}", {**base, "video_url": url}, probed="video_url")
        v.probe(
            "a task instead of a clip",
            {"model": caps.model, "task": SOURCE_TASKS[caps.vendor], "start": 1.0, "end": 2.0},
            probed="video_url",
            drop={path},
            body_of=base,
        )
        return
    _lengths(v, "task", SOURCE_TASKS[caps.vendor], caps.max_source_task_chars)
    (timestamps,) = paths_of(caps, base, {**base, "end": base["end"] + 1})
    v.probe(
        "a clip instead of a task",
        {"model": caps.model, "video_url": CLIP, "prompt": base.get("prompt", "")},
        probed="task",
        drop={timestamps, v.path_of("task", "a", "b")},
        body_of=base,
    )
    v.probe("end left out", {**base, "end": None}, probed="end", drop={timestamps}, body_of=base)
    rule = next(
        (
            r
            for r in v.spec_numbers(base, timestamps[:-1]).get("x-cross-field-rules", ())
            if r.get("span")
        ),
        {},
    )
    spans = {*caps.character_seconds, rule.get("at-least"), rule.get("at-most")}
    for span in sorted(
        {s + d for s in spans if s is not None for d in (-0.25, 0.0, 0.25)} | {-1.0}
    ):
        values = {**base, "start": 2.0, "end": 2.0 + span}
        if values["end"] >= 0:
            v.probe(f"a span of {span:g} s", values, probed="end")


def _probe_character_texts(v: Verdicts) -> None:
    caps = v.caps
    _lengths(v, "safety_instruction", "no violence", caps.max_character_text)
    if caps.character_source == "task":
        _lengths(v, "name", "orange_cat", caps.max_name_chars)
    else:
        v.probe("name given", {**v.base, "name": "orange_cat"}, probed="name")


def _probe_published_link(v: Verdicts) -> None:
    caps = v.caps
    _lengths(v, "video_url", SORA_LINK, caps.max_video_url_chars, pad="x")
    for url in (
        "https://example.com/p/s_68e8e7c5",
        "http://sora.chatgpt.com/p/s_68e8e7c5",
        "sora.chatgpt.com/p/s_68e8e7c5",
        "https://sora.chatgpt.com.example.com/p/s_68e8e7c5",
    ):
        v.probe(f"video_url {url}", {**v.base, "video_url": url}, probed="video_url")


Probe = Callable[[Verdicts], None]
VIDEO_PROBES: tuple[Probe, ...] = (
    _probe_prompt,
    _probe_seconds,
    _probe_shape_and_quality,
    _probe_image,
    _probe_callback,
    _probe_storyboard,
    _probe_watermark,
    _probe_characters,
    _probe_remix_source,
    _probe_vendor_options,
)
PROBES: dict[str, tuple[Probe, ...]] = {
    "video": VIDEO_PROBES,
    "remix": VIDEO_PROBES,
    "character": (
        _probe_prompt,
        _probe_character_source,
        _probe_character_texts,
        _probe_callback,
        _probe_vendor_options,
    ),
    "watermark_removal": (_probe_published_link, _probe_callback, _probe_vendor_options),
}


def verdicts(caps: ModelCapabilities) -> Verdicts:
    v = Verdicts(caps, base=base_request(caps))
    v.probe("the smallest request", v.base, probed="model")
    for probe in PROBES[caps.kind]:
        probe(v)
    return v


@pytest.mark.parametrize("caps", DESCRIBED, ids=IDS)
def test_table_and_spec_agree_on_every_probe(caps: ModelCapabilities) -> None:
    assert verdicts(caps).disagreements == []


def _star(path: Path) -> tuple[str, ...]:
    return tuple("*" if isinstance(token, int) else token for token in path)


@pytest.mark.parametrize("caps", DESCRIBED, ids=IDS)
def test_every_spec_field_and_value_is_reachable_from_the_table(caps: ModelCapabilities) -> None:
    sent = verdicts(caps).sent
    assert sent
    pointer = body_pointer(caps)
    emitted = {_star(path) for body in sent for path in leaves(body)}
    emitted |= {path[:i] for path in emitted for i in range(1, len(path))}
    declared = schema_paths(caps.vendor, pointer, sent[0])
    # A deprecated alias the spec accepts on the tolerant side is never sent (`duration`).
    top = resolve(caps.vendor, {"$ref": pointer}).get("properties", {})
    declared -= {(name,) for name, node in top.items() if node.get("deprecated")}
    assert declared - emitted == set(), "spec fields the unified request can never send"
    values: dict[tuple[str, ...], set[Any]] = {}
    for body in sent:
        for path, value in leaves(body).items():
            values.setdefault(_star(path), set()).add(value)
    for path, seen in values.items():
        concrete = next(p for body in sent for p in leaves(body) if _star(p) == path)
        schema = schema_at(caps.vendor, pointer, sent[0], concrete)
        enum = schema.get("x-sent", schema.get("enum"))
        if enum is not None:
            assert set(enum) == seen, (
                f"{path}: the spec lists {enum}, the table sends {sorted(seen, key=str)}"
            )


def _spec_models(vendor: str) -> set[str]:
    """The create operation's model variants, and the operations that are a model of their
    own in the table (`x-unified-model`, a remix endpoint)."""
    schema = resolve(vendor, {"$ref": _pointer(vendor)})
    variants = schema.get("oneOf", [schema])
    models = {resolve(vendor, variant)["properties"]["model"]["const"] for variant in variants}
    return models | {
        op["x-unified-model"] for _, _, op in operations(vendor) if "x-unified-model" in op
    }


def test_every_spec_model_is_in_the_table_and_back() -> None:
    table = {(m.vendor, m.model) for m in DESCRIBED}
    spec = {(vendor, model) for vendor in VENDOR_NAMES for model in _spec_models(vendor)}
    assert table == spec


@pytest.mark.parametrize(
    "caps", [m for m in MODELS if not m.described], ids=lambda m: f"{m.vendor}/{m.model}"
)
def test_a_known_but_undescribed_model_is_refused_locally_and_has_no_spec_variant(
    caps: ModelCapabilities,
) -> None:
    assert caps.model not in _spec_models(caps.vendor)
    request = VideoRequest(prompt="a corgi surfing", model=caps.model)
    with pytest.raises(UnsupportedFeatureError, match="known, but no field table") as caught:
        check_request(request, caps)
    assert caught.value.model == caps.model and caught.value.field == "model"
    assert "known, not described" in capabilities().table()


def test_table_renders_every_row() -> None:
    text = capabilities().table()
    lines = text.splitlines()
    assert lines[0].split()[:4] == ["vendor", "model", "kind", "seconds"]
    assert len(lines) == 2 + len(capabilities().models)
    for caps in MODELS:
        (row,) = [line for line in lines if line.split()[:2] == [caps.vendor, caps.model]]
        assert row.split()[2] == caps.kind
        for limit in caps.limits:
            assert limit in row
    assert "10, 15, 25" in text


@pytest.mark.parametrize(
    "caps",
    [m for m in DESCRIBED if m.kind in ("video", "remix") and not m.keeps_source_shape],
    ids=lambda m: f"{m.vendor}/{m.model}",
)
def test_the_tables_defaults_are_the_documented_ones(caps: ModelCapabilities) -> None:
    """Where the spec documents a default length or shape, the table states the same one;
    where the vendor documents none (only the spec's x-sandbox-default), the table has none."""
    base = base_request(caps)
    body = adapter_body(caps, VideoRequest(**base))
    pointer = body_pointer(caps)
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


def test_character_requests_are_told_apart_from_video_requests() -> None:
    """A request of the wrong kind names the method to use instead."""
    kie = {m.model: m for m in capabilities().vendor("kie")}
    with pytest.raises(UnsupportedFeatureError, match="create_character"):
        check_request(VideoRequest(prompt="a", model="sora-2-characters"), kie["sora-2-characters"])
    with pytest.raises(UnsupportedFeatureError, match="submit / generate"):
        check_request(
            CharacterRequest(video_url=CLIP, model="sora-2-text-to-video"),
            kie["sora-2-text-to-video"],
        )


@pytest.mark.parametrize(
    "caps", [m for m in DESCRIBED if m.kind == "remix"], ids=lambda m: f"{m.vendor}/{m.model}"
)
def test_the_models_a_remix_accepts_are_the_specs(caps: ModelCapabilities) -> None:
    body = adapter_body(caps, VideoRequest(**base_request(caps)))
    found = task_references(caps.vendor, body)
    if not found:  # the source is in the path (a remix endpoint): its parameter names it
        found = {("path",): _path_reference(caps)["x-references-task"]}
    (named,) = found.values()
    assert tuple(named) == caps.remix_sources


def _path_reference(caps: ModelCapabilities) -> dict[str, Any]:
    """The path parameter of the model's submit operation that names a source task."""
    call = load_adapter(caps.vendor).submit_call(
        _bypass_plan(caps, VideoRequest(**base_request(caps)))
    )
    _, _, op = operation(caps.vendor, call_operation(caps.vendor, call.method, call.path))
    (parameter,) = [
        resolve(caps.vendor, p)
        for p in op.get("parameters", [])
        if "x-references-task" in resolve(caps.vendor, p)
    ]
    return parameter


@pytest.mark.parametrize(
    "caps",
    [m for m in DESCRIBED if m.kind == "remix" and m.keeps_source_shape],
    ids=lambda m: f"{m.vendor}/{m.model}",
)
def test_a_remix_source_in_the_path_follows_the_parameters_pattern(
    caps: ModelCapabilities,
) -> None:
    """Where the source task is a path parameter, the table's id rule and the spec's agree:
    ids the table takes match the pattern, ids it refuses do not."""
    pattern = _path_reference(caps)["schema"]["pattern"]
    for task in {*SOURCE_TASKS.values(), "video_68e8e7c5a3c48191", "task-unified-", "video_"}:
        request = VideoRequest(**{**base_request(caps), "remix_of": task})
        table = client_refusal(caps, request) is None
        spec = re.search(pattern, task) is not None
        assert table == spec, f"{task}: the table {'takes' if table else 'refuses'} it"
