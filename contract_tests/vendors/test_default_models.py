"""The model a request gets when it names none, on every vendor: the documented default for
text, the image-to-video model when a first frame is given (by URL or as a local file), the
storyboard, remix, character and watermark models for those requests, and the preview or pro
family where length and quality decide it.
"""

from __future__ import annotations

from typing import Any

import pytest
from sora_unified import (
    CharacterRequest,
    Shot,
    VideoRequest,
    WatermarkRemovalRequest,
    validate_request,
)

from contract_tests.support.images import jpeg, png

IMAGE_URL = "https://files.example.com/first-frame.png"
PORTRAIT_PNG = png(720, 1280)
CASES: list[tuple[str, Any, str]] = [
    ("kie", VideoRequest(prompt="p"), "sora-2-pro-text-to-video"),
    ("kie", VideoRequest(prompt="p", seconds=10), "sora-2-pro-text-to-video"),
    ("kie", VideoRequest(prompt="p", image_url=IMAGE_URL), "sora-2-image-to-video"),
    ("kie", VideoRequest(prompt="p", image=PORTRAIT_PNG), "sora-2-image-to-video"),
    (
        "kie",
        VideoRequest(prompt="p", image_url=IMAGE_URL, quality="high"),
        "sora-2-pro-image-to-video",
    ),
    (
        "kie",
        VideoRequest(prompt="p", image=jpeg(720, 1280), quality="standard"),
        "sora-2-pro-image-to-video",
    ),
    (
        "kie",
        VideoRequest(shots=(Shot("a", 5), Shot("b", 5)), seconds=10, image_url=IMAGE_URL),
        "sora-2-pro-storyboard",
    ),
    ("kie", CharacterRequest(video_url="https://files.example.com/c.mp4"), "sora-2-characters"),
    (
        "kie",
        CharacterRequest(task="kie:task_sora-2-text-to-video_1", start=1, end=3, prompt="cat"),
        "sora-2-characters-pro",
    ),
    (
        "kie",
        WatermarkRemovalRequest(video_url="https://sora.chatgpt.com/p/s_0123456789abcdef"),
        "sora-watermark-remover",
    ),
    ("evolink", VideoRequest(prompt="p", seconds=4), "sora-2-preview"),
    ("evolink", VideoRequest(prompt="p", seconds=4, image_url=IMAGE_URL), "sora-2-preview"),
    ("evolink", VideoRequest(prompt="p", seconds=8, quality="high"), "sora-2-pro-preview"),
    ("evolink", VideoRequest(prompt="p", seconds=10), "sora-2"),
    ("evolink", VideoRequest(prompt="p", seconds=10, image_url=IMAGE_URL), "sora-2"),
    ("evolink", VideoRequest(prompt="p", seconds=25), "sora-2-pro"),
    ("evolink", VideoRequest(prompt="p", seconds=15, quality="high"), "sora-2-pro"),
    ("evolink", VideoRequest(prompt="p", remix_of="task-unified-1-a"), "sora-2-pro-remix"),
    ("modelverse", VideoRequest(prompt="p"), "openai/sora-2/text-to-video"),
    ("modelverse", VideoRequest(prompt="p", image_url=IMAGE_URL), "openai/sora-2/image-to-video"),
    ("modelverse", VideoRequest(prompt="p", image=PORTRAIT_PNG), "openai/sora-2/image-to-video"),
    ("modelverse-openai", VideoRequest(prompt="p"), "sora-2"),
    ("modelverse-openai", VideoRequest(prompt="p", image=PORTRAIT_PNG), "sora-2"),
    ("modelverse-openai", VideoRequest(prompt="p", remix_of="video_abc"), "sora-2-remix"),
]


@pytest.mark.parametrize(
    ("vendor", "request_", "model"),
    CASES,
    ids=[f"{v}-{m}-{n}" for n, (v, _, m) in enumerate(CASES)],
)
def test_the_default_model_follows_what_the_request_gives(
    vendor: str, request_: Any, model: str
) -> None:
    assert validate_request(vendor, request_) == model


@pytest.mark.parametrize("vendor", ["kie", "modelverse"])
def test_a_first_frame_never_goes_to_a_text_model(vendor: str) -> None:
    for request in (
        VideoRequest(prompt="p", image_url=IMAGE_URL),
        VideoRequest(prompt="p", image=PORTRAIT_PNG),
    ):
        assert "text-to-video" not in validate_request(vendor, request)
