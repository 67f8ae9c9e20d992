"""The capability table agrees with the enums and limits in specs/."""

from __future__ import annotations

from typing import Any

from sora_unified import capabilities

from contract_tests.specs import load_spec, resolve

KIE_VARIANTS = {
    "sora-2-text-to-video": "TextToVideoRequest",
    "sora-2-image-to-video": "ImageToVideoRequest",
    "sora-2-pro-text-to-video": "ProTextToVideoRequest",
    "sora-2-pro-image-to-video": "ProImageToVideoRequest",
    "sora-2-pro-storyboard": "StoryboardRequest",
}
QUALITY_WORDS = {"standard": "standard", "high": "high"}


def _schema(vendor: str, name: str) -> dict[str, Any]:
    return resolve(vendor, load_spec(vendor)["components"]["schemas"][name])


def _prop(vendor: str, schema: dict[str, Any], name: str) -> dict[str, Any]:
    return resolve(vendor, schema["properties"][name])


def test_every_spec_model_is_in_the_table_and_back() -> None:
    table = {(m.vendor, m.model) for m in capabilities()}
    spec_models = {("kie", model) for model in KIE_VARIANTS}
    spec_models.add(
        ("evolink", _schema("evolink", "VideoGenerationRequest")["properties"]["model"]["const"])
    )
    for variant in load_spec("modelverse")["components"]["schemas"]["SubmitTaskRequest"]["oneOf"]:
        spec_models.add(
            ("modelverse", resolve("modelverse", variant)["properties"]["model"]["const"])
        )
    assert table == spec_models


def test_kie_rows_match_the_spec() -> None:
    for model, variant in KIE_VARIANTS.items():
        caps = capabilities().model("kie", model)
        request = _schema("kie", variant)
        assert request["properties"]["model"]["const"] == model
        inputs = resolve("kie", request["properties"]["input"])
        fields = inputs["properties"]
        assert tuple(int(v) for v in _prop("kie", inputs, "n_frames")["enum"]) == caps.seconds
        assert ("image_urls" in inputs.get("required", [])) == (caps.image_input == "required")
        assert ("shots" in fields) == (caps.storyboard != "no")
        assert ("remove_watermark" in fields) == caps.remove_watermark
        assert ("callBackUrl" in request["properties"]) == caps.callbacks
        if "size" in fields:
            assert tuple(_prop("kie", inputs, "size")["enum"]) == caps.qualities
        else:
            assert caps.qualities == ("standard",)
        if "prompt" in fields:
            assert _prop("kie", inputs, "prompt")["maxLength"] == caps.max_prompt_chars
        else:
            assert caps.prompt == "no"
        assert tuple(_prop("kie", inputs, "aspect_ratio")["enum"]) == ("portrait", "landscape")
        assert len(caps.sizes) == 2


def test_evolink_row_matches_the_spec() -> None:
    caps = capabilities().model("evolink", "sora-2-pro-preview")
    request = _schema("evolink", "VideoGenerationRequest")
    props = request["properties"]
    assert tuple(props["duration"]["enum"]) == caps.seconds
    assert props["prompt"]["maxLength"] == caps.max_prompt_chars
    assert props["image_urls"]["maxItems"] == 1 and caps.image_input == "optional"
    assert props["quality"]["enum"] == ["720p", "1080p"] and caps.qualities == ("standard", "high")
    assert props["aspect_ratio"]["enum"] == ["16:9", "9:16"] and len(caps.sizes) == 2
    assert props["callback_url"]["maxLength"] == 2048 and caps.https_callbacks_only
    assert "remove_watermark" not in props and not caps.remove_watermark


def test_modelverse_rows_match_the_spec() -> None:
    duration = _schema("modelverse", "Duration")["enum"]
    sizes = _schema("modelverse", "Size")["enum"]
    for model in ("openai/sora-2/text-to-video", "openai/sora-2/image-to-video"):
        caps = capabilities().model("modelverse", model)
        assert list(caps.seconds) == duration
        assert sorted(caps.sizes) == sorted(sizes)
        assert not caps.callbacks and not caps.remove_watermark
    assert "prompt" in _schema("modelverse", "TextToVideoInput")["required"]
    assert _schema("modelverse", "ImageToVideoInput")["required"] == ["first_frame_url"]


def test_table_renders_every_row() -> None:
    text = capabilities().table()
    assert text.splitlines()[0].split()[:3] == ["vendor", "model", "seconds"]
    assert len(text.splitlines()) == 2 + len(capabilities().models)
    assert "sora-2-pro-storyboard" in text and "10, 15, 25" in text
