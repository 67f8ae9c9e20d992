"""Hypothesis strategies over the unified request space, valid and invalid, per the capability table."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from sora_unified import Shot, VideoRequest, capabilities
from sora_unified._capabilities import ModelCapabilities

MODELS = list(capabilities())
PUBLIC_HOSTS = st.sampled_from(
    ["example.com", "cdn.example.org", "files.example.net", "xn--bcher-kva.example"]
)
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    min_size=1,
    max_size=60,
).filter(lambda text: text.strip())


@st.composite
def https_url(draw: st.DrawFn, path: str = "") -> str:
    segment = draw(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=12)
    )
    return f"https://{draw(PUBLIC_HOSTS)}/{path}{segment}"


@st.composite
def prompt_for(draw: st.DrawFn, caps: ModelCapabilities) -> str:
    if caps.prompt == "no":
        return ""
    if caps.max_prompt_chars is not None and draw(st.booleans()):
        # Edge lengths: exactly at the limit, or one character.
        return draw(
            st.sampled_from(["é" * caps.max_prompt_chars, "x" * caps.max_prompt_chars, "a"])
        )
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
def valid_request(draw: st.DrawFn) -> tuple[ModelCapabilities, VideoRequest]:
    caps = draw(st.sampled_from(MODELS))
    seconds = draw(st.sampled_from(caps.seconds))
    values: dict[str, Any] = {
        "model": caps.model,
        "seconds": seconds,
        "prompt": draw(prompt_for(caps)),
    }
    shape = draw(st.sampled_from(["orientation", "size", None]))
    if shape == "orientation":
        values["orientation"] = draw(st.sampled_from(["portrait", "landscape"]))
    elif shape == "size":
        values["size"] = draw(st.sampled_from(caps.sizes))
    if draw(st.booleans()):
        values["quality"] = draw(st.sampled_from(caps.qualities))
    if caps.image_input == "required" or (caps.image_input == "optional" and draw(st.booleans())):
        values["image_url"] = draw(https_url("img/"))
    if caps.storyboard == "required":
        values["shots"] = draw(shots_for(seconds))
    if caps.remove_watermark and draw(st.booleans()):
        values["remove_watermark"] = draw(st.booleans())
    if caps.callbacks and draw(st.booleans()):
        values["callback_url"] = draw(https_url("hooks/"))
    return caps, VideoRequest(**values)


@st.composite
def invalid_request(draw: st.DrawFn) -> tuple[ModelCapabilities, dict[str, Any], str]:
    """Request values one step outside what the model offers, and the field that must be named."""
    caps, request = draw(valid_request())
    values = {name: getattr(request, name) for name in VideoRequest.__dataclass_fields__}
    mistakes: dict[str, str] = {
        "seconds": "seconds",
        "two_images": "image_url",
        "bad_image_url": "image_url",
    }
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
    if not caps.callbacks:
        mistakes["callback"] = "callback_url"
    elif caps.public_callback_hosts:
        mistakes["private_callback"] = "callback_url"
    if len(caps.qualities) == 1:
        mistakes["quality"] = "quality"
    mistake = draw(st.sampled_from(sorted(mistakes)))
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
        values["image_url"] = draw(
            st.sampled_from(
                ["ftp://example.com/a.png", "not a url", "https://", "example.com/a.png"]
            )
        )
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
        values["callback_url"] = draw(
            st.sampled_from(
                [
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
            )
        )
    elif mistake == "quality":
        values["quality"] = "high"
    return caps, values, mistakes[mistake]
