"""Hypothesis strategies over the unified request space, valid and invalid, per the capability
table: videos, remixes, characters and watermark removals, vendor options included."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from sora_unified import Shot, capabilities
from sora_unified._capabilities import ModelCapabilities

from contract_tests.support.bypass import request_class
from contract_tests.support.images import png

MODELS = [m for m in capabilities() if m.described]
PUBLIC_HOSTS = st.sampled_from(
    ["example.com", "cdn.example.org", "files.example.net", "xn--bcher-kva.example"]
)
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    min_size=1,
    max_size=60,
).filter(lambda text: text.strip())
SLUG = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)
PRIVATE_CALLBACKS = [
    "https://127.0.0.1/cb",
    "https://2130706433/cb",
    "https://0x7f000001/cb",
    "https://[::ffff:127.0.0.1]/cb",
    "https://10.1.2.3/x",
    "https://[::1]/h",
    "http://example.com/cb",
    "https://localhost/cb",
    "https://192.168.0.5/",
]
BAD_URLS = ["ftp://example.com/a.png", "not a url", "https://", "example.com/a.png"]


@st.composite
def https_url(draw: st.DrawFn, path: str = "") -> str:
    segment = draw(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=12)
    )
    return f"https://{draw(PUBLIC_HOSTS)}/{path}{segment}"


@st.composite
def text_up_to(draw: st.DrawFn, limit: int | None) -> str:
    if limit is not None and draw(st.booleans()):
        # Edge lengths: exactly at the limit, or one character.
        return draw(st.sampled_from(["é" * limit, "x" * limit, "a"]))
    return draw(TEXT)


@st.composite
def shots_for(draw: st.DrawFn, seconds: int) -> tuple[Shot, ...]:
    count = draw(st.integers(1, 10))
    budget = float(seconds)
    shots = []
    for index in range(count):
        remaining_shots = count - index - 1
        high = min(15.0, budget - 0.1 * remaining_shots)
        if high < 0.1:
            break
        length = round(draw(st.floats(0.1, high, allow_nan=False)), 1)
        length = min(max(length, 0.1), high)
        budget -= length
        shots.append(Shot(draw(TEXT), length))
    return tuple(shots)


@st.composite
def vendor_options_for(draw: st.DrawFn, caps: ModelCapabilities) -> dict[str, Any] | None:
    if not caps.vendor_options:
        return None
    chosen = draw(st.lists(st.sampled_from(caps.vendor_options), unique=True, max_size=2))
    if not chosen:
        return None
    return {
        option.path: draw(st.sampled_from(option.values))
        if option.values
        else draw(https_url("progress/"))
        for option in chosen
    }


@st.composite
def source_task(draw: st.DrawFn, caps: ModelCapabilities) -> str:
    tail = draw(SLUG)
    return f"{caps.source_task_prefix}{tail}" if caps.source_task_prefix else tail * 2


@st.composite
def video_values(draw: st.DrawFn, caps: ModelCapabilities) -> dict[str, Any]:
    if caps.keeps_source_shape:  # a remix endpoint: the prompt and the source, nothing else
        return {
            "model": caps.model,
            "prompt": draw(text_up_to(caps.max_prompt_chars)) or "p",
            "remix_of": draw(source_task(caps)),
        }
    seconds = draw(st.sampled_from(caps.seconds))
    values: dict[str, Any] = {"model": caps.model, "seconds": seconds}
    if caps.prompt != "no":
        values["prompt"] = draw(text_up_to(caps.max_prompt_chars))
    shape = draw(st.sampled_from(["orientation", "size", None]))
    if shape == "orientation":
        values["orientation"] = draw(st.sampled_from(["portrait", "landscape"]))
    elif shape == "size":
        values["size"] = draw(st.sampled_from(caps.sizes))
    if draw(st.booleans()):
        values["quality"] = draw(st.sampled_from(caps.qualities_at(seconds)))
    if caps.image_input == "required" or (caps.image_input == "optional" and draw(st.booleans())):
        if caps.remote_images:
            values["image_url"] = draw(https_url("img/"))
        else:  # a local file, of the exact size where the model needs it
            wanted = (
                values.get("size")
                or {"landscape": "1280x720", "portrait": "720x1280"}[
                    values.get("orientation") or caps.default_orientation or "portrait"
                ]
            )
            width, height = map(int, wanted.split("x"))
            values["image"] = png(width, height)
    if caps.storyboard == "required":
        values["shots"] = draw(shots_for(seconds))
    if caps.remove_watermark and draw(st.booleans()):
        values["remove_watermark"] = draw(st.booleans())
    if caps.max_characters and draw(st.booleans()):
        count = draw(st.integers(1, caps.max_characters))
        values["characters"] = tuple(f"ch_{draw(SLUG)}" for _ in range(count))
    if caps.kind == "remix":
        values["remix_of"] = draw(source_task(caps))
    return values


@st.composite
def character_values(draw: st.DrawFn, caps: ModelCapabilities) -> dict[str, Any]:
    values: dict[str, Any] = {"model": caps.model}
    if caps.character_source == "clip":
        values["video_url"] = draw(https_url("clips/"))
    else:
        low, high = caps.character_seconds
        start = draw(st.sampled_from([0.0, 1.0, 2.5, 3.55]))
        span = draw(st.sampled_from([low, (low + high) / 2, high]))
        values |= {"task": draw(source_task(caps)), "start": start, "end": start + span}
        if draw(st.booleans()):
            values["name"] = draw(SLUG)
    if caps.prompt == "required" or draw(st.booleans()):
        values["prompt"] = draw(text_up_to(caps.max_character_text))
    if draw(st.booleans()):
        values["safety_instruction"] = draw(text_up_to(caps.max_character_text))
    return values


@st.composite
def watermark_values(draw: st.DrawFn, caps: ModelCapabilities) -> dict[str, Any]:
    return {"model": caps.model, "video_url": f"{caps.video_url_prefix}p/s_{draw(SLUG)}"}


VALUES = {
    "video": video_values,
    "remix": video_values,
    "character": character_values,
    "watermark_removal": watermark_values,
}


@st.composite
def valid_values(draw: st.DrawFn) -> tuple[ModelCapabilities, dict[str, Any]]:
    caps = draw(st.sampled_from(MODELS))
    values = draw(VALUES[caps.kind](caps))
    if caps.callbacks and draw(st.booleans()):
        values["callback_url"] = draw(https_url("hooks/"))
    options = draw(vendor_options_for(caps))
    if options:
        values["vendor_options"] = options
    return caps, values


@st.composite
def valid_request(draw: st.DrawFn) -> tuple[ModelCapabilities, Any]:
    caps, values = draw(valid_values())
    return caps, request_class(caps)(**values)


def _video_mistakes(caps: ModelCapabilities) -> dict[str, str]:
    mistakes = {"seconds": "seconds", "two_images": "image_url", "bad_image_url": "image_url"}
    if caps.prompt == "no":
        mistakes["prompt_given"] = "prompt"
    elif caps.max_prompt_chars is not None:
        mistakes["prompt_too_long"] = "prompt"
    elif caps.prompt == "required":
        mistakes["prompt_empty"] = "prompt"
    mistakes[
        "image"
        if caps.image_input == "no"
        else "no_image"
        if caps.image_input == "required"
        else "bad_image_url"
    ] = "image_url"
    mistakes["storyboard" if caps.storyboard == "no" else "storyboard_budget"] = "shots"
    if not caps.remove_watermark:
        mistakes["remove_watermark"] = "remove_watermark"
    if len(caps.qualities) == 1:
        mistakes["quality"] = "quality"
    if caps.quality_by_seconds:
        mistakes["quality_at_length"] = "quality"
    mistakes["too_many_characters" if caps.max_characters else "characters"] = "characters"
    mistakes["no_remix_source" if caps.kind == "remix" else "remix_of"] = "remix_of"
    if caps.source_task_prefix:
        mistakes["foreign_remix_source"] = "remix_of"
    return mistakes


def _character_mistakes(caps: ModelCapabilities) -> dict[str, str]:
    mistakes = {"text_too_long": "prompt", "safety_too_long": "safety_instruction"}
    if caps.character_source == "clip":
        mistakes |= {"bad_clip_url": "video_url", "name_on_clip": "name"}
    else:
        mistakes |= {"span": "end", "name_too_long": "name", "task_too_long": "task"}
    if caps.prompt == "required":
        mistakes["prompt_empty"] = "prompt"
    return mistakes


def _watermark_mistakes(caps: ModelCapabilities) -> dict[str, str]:
    return {"unpublished_link": "video_url", "link_too_long": "video_url"}


def _apply(draw: st.DrawFn, caps: ModelCapabilities, mistake: str, values: dict[str, Any]) -> None:
    if mistake == "seconds":
        values["seconds"] = draw(st.integers(1, 40).filter(lambda s: s not in caps.seconds))
        if caps.storyboard != "no":
            values["shots"] = (Shot("a", 0.5),)
    elif mistake == "prompt_given":
        values["prompt"] = draw(TEXT)
    elif mistake == "prompt_too_long":
        values["prompt"] = "x" * ((caps.max_prompt_chars or 0) + 1)
    elif mistake == "prompt_empty":
        values["prompt"] = ""
    elif mistake == "two_images":
        values["image_url"] = [draw(https_url()), draw(https_url())]
    elif mistake == "bad_image_url":
        values["image_url"] = draw(st.sampled_from(BAD_URLS))
    elif mistake == "image":
        values["image_url"] = draw(https_url())
    elif mistake == "no_image":
        values["image_url"] = None
    elif mistake == "storyboard":
        values["shots"] = (Shot("a", 1.0),)
    elif mistake == "storyboard_budget":
        values["shots"] = (Shot("a", 15.0), Shot("b", 15.0), Shot("c", 0.5))
        values["seconds"] = None
    elif mistake == "remove_watermark":
        values["remove_watermark"] = True
    elif mistake == "callback":
        values["callback_url"] = draw(https_url())
    elif mistake == "private_callback":
        values["callback_url"] = draw(st.sampled_from(PRIVATE_CALLBACKS))
    elif mistake == "quality":
        values["quality"] = "high"
    elif mistake == "quality_at_length":
        seconds = draw(st.sampled_from([s for s, _ in caps.quality_by_seconds]))
        allowed = caps.qualities_at(seconds)
        values |= {
            "seconds": seconds,
            "quality": next(q for q in caps.qualities if q not in allowed),
        }
    elif mistake == "characters":
        values["characters"] = ("ch_1",)
    elif mistake == "too_many_characters":
        values["characters"] = tuple(f"ch_{i}" for i in range(caps.max_characters + 1))
    elif mistake == "remix_of":
        values["remix_of"] = "task-unified-1-abc"
    elif mistake == "no_remix_source":
        values["remix_of"] = None
    elif mistake == "foreign_remix_source":
        values["remix_of"] = "26278f7a6d23157b48d04e0083322046"
    elif mistake == "text_too_long":
        values["prompt"] = "x" * ((caps.max_character_text or 0) + 1)
    elif mistake == "safety_too_long":
        values["safety_instruction"] = "x" * ((caps.max_character_text or 0) + 1)
    elif mistake == "bad_clip_url":
        values["video_url"] = draw(st.sampled_from(BAD_URLS))
    elif mistake == "name_on_clip":
        values["name"] = draw(SLUG)
    elif mistake == "span":
        low, high = caps.character_seconds
        values["end"] = values["start"] + draw(st.sampled_from([low - 0.5, high + 0.5]))
    elif mistake == "name_too_long":
        values["name"] = "n" * ((caps.max_name_chars or 0) + 1)
    elif mistake == "task_too_long":
        values["task"] = "t" * ((caps.max_source_task_chars or 0) + 1)
    elif mistake == "unpublished_link":
        values["video_url"] = draw(https_url("p/"))
    elif mistake == "link_too_long":
        limit = caps.max_video_url_chars or 0
        values["video_url"] = values["video_url"] + "x" * (limit + 1 - len(values["video_url"]))
    elif mistake == "bad_vendor_option":
        option = draw(st.sampled_from(caps.vendor_options))
        values["vendor_options"] = {option.path: "not-" + (option.values or ("a url",))[0]}
    elif mistake == "unknown_vendor_option":
        values["vendor_options"] = {"input.n_frames": "10"}
    else:
        raise AssertionError(mistake)


MISTAKES = {
    "video": _video_mistakes,
    "remix": _video_mistakes,
    "character": _character_mistakes,
    "watermark_removal": _watermark_mistakes,
}


@st.composite
def invalid_request(draw: st.DrawFn) -> tuple[ModelCapabilities, dict[str, Any], str]:
    """Request values one step outside what the model offers, and the field that must be named."""
    caps, values = draw(valid_values())
    values.pop("vendor_options", None)
    mistakes = MISTAKES[caps.kind](caps)
    if not caps.callbacks:
        mistakes["callback"] = "callback_url"
    elif caps.public_callback_hosts:
        mistakes["private_callback"] = "callback_url"
    if caps.vendor_options:
        mistakes["bad_vendor_option"] = "vendor_options"
    mistakes["unknown_vendor_option"] = "vendor_options"
    mistake = draw(st.sampled_from(sorted(mistakes)))
    _apply(draw, caps, mistake, values)
    return caps, values, mistakes[mistake]
