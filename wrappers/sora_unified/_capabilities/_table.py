"""The capability table as data: one entry per vendor model, written from the vendors' pages
(see `_schema.ModelCapabilities` for what each field means). Nothing but data lives here."""

from __future__ import annotations

from functools import partial

from ..types import QUALITIES
from ._schema import PROGRESS_CALLBACK, UPLOAD_METHOD, ModelCapabilities

__all__ = ["MODELS"]

# Defaults shared by a vendor's models.
_kie = partial(
    ModelCapabilities,
    vendor="kie",
    callbacks=True,
    max_prompt_chars=10000,
    default_orientation="landscape",
    callback_schemes=("http", "https"),
)
_kie_video = partial(_kie, seconds=(10, 15), vendor_options=(UPLOAD_METHOD, PROGRESS_CALLBACK))
_kie_stable = partial(_kie, seconds=(10, 15), vendor_options=(UPLOAD_METHOD,))
_evolink = partial(
    ModelCapabilities,
    vendor="evolink",
    callbacks=True,
    callback_schemes=("https",),
    public_callback_hosts=True,
    callback_max_chars=2048,
    max_prompt_chars=5000,
)
# ModelVerse's OpenAI-compatible API: OpenAI's rules for the first frame (JPEG/PNG/WebP of
# exactly the video's size, a file part: no URL), no size limit stated.
_modelverse_openai = partial(
    ModelCapabilities,
    vendor="modelverse-openai",
    seconds=(4, 8, 12),
    default_orientation="portrait",
    max_prompt_chars=32000,
    image_formats=("png", "jpeg", "webp"),
    max_image_bytes=None,
    image_shape="exact",
    remote_images=False,
)
# ModelVerse documents neither formats nor a size limit for first_frame_url (a URL or base64).
_modelverse = partial(
    ModelCapabilities,
    vendor="modelverse",
    seconds=(4, 8, 12),
    default_orientation="portrait",
    image_formats=("png", "jpeg", "webp", "gif"),
    max_image_bytes=None,
)


MODELS: tuple[ModelCapabilities, ...] = (
    _kie_video(
        model="sora-2-pro-text-to-video",
        qualities=QUALITIES,
        default_quality="high",  # "size ... default: high" for this model only
        remove_watermark=True,
        max_characters=5,
    ),
    _kie_video(model="sora-2-text-to-video", remove_watermark=True),
    _kie_video(
        model="sora-2-image-to-video",
        image_input="required",
        remove_watermark=True,
        max_characters=5,
    ),
    _kie_video(
        model="sora-2-pro-image-to-video",
        qualities=QUALITIES,
        default_quality="standard",
        image_input="required",
        remove_watermark=True,
        max_characters=5,
    ),
    _kie(
        model="sora-2-pro-storyboard",
        seconds=(10, 15, 25),
        image_input="required",
        storyboard="required",
        prompt="no",
        max_shots=10,
        shot_seconds=(0.1, 15.0),
        vendor_options=(UPLOAD_METHOD,),
    ),
    _kie_stable(model="sora-2-text-to-video-stable"),
    _kie_stable(model="sora-2-image-to-video-stable", image_input="required"),
    _kie(
        model="sora-2-characters",
        kind="character",
        prompt="optional",
        default_orientation=None,
        character_source="clip",
        max_prompt_chars=5000,
        max_character_text=5000,
    ),
    _kie(
        model="sora-2-characters-pro",
        kind="character",
        default_orientation=None,
        character_source="task",
        max_prompt_chars=5000,
        max_character_text=5000,
        max_name_chars=40,
        max_source_task_chars=100,
    ),
    _kie(
        model="sora-watermark-remover",
        kind="watermark_removal",
        prompt="no",
        default_orientation=None,
        max_prompt_chars=None,
        video_url_prefix="https://sora.chatgpt.com/",
        max_video_url_chars=500,
        vendor_options=(UPLOAD_METHOD,),
    ),
    _evolink(
        model="sora-2-pro-preview",
        seconds=(4, 8, 12),
        qualities=QUALITIES,
        image_input="optional",
    ),
    # "Image pixel dimensions must exactly match the selected aspect_ratio".
    _evolink(
        model="sora-2-preview", seconds=(4, 8, 12), image_input="optional", image_shape="ratio"
    ),
    _evolink(
        model="sora-2",
        seconds=(10, 15),
        image_input="optional",
        remove_watermark=True,
        default_remove_watermark=True,  # "true: Remove watermark, higher pricing. ... default"
        max_prompt_chars=1000,
    ),
    _evolink(
        model="sora-2-pro",
        seconds=(15, 25),
        qualities=QUALITIES,
        quality_by_seconds=((15, ("high",)), (25, ("standard",))),
        image_input="optional",
        remove_watermark=True,
        default_remove_watermark=True,
    ),
    _evolink(
        model="sora-2-pro-remix",
        kind="remix",
        seconds=(15, 25),
        remove_watermark=True,
        default_remove_watermark=True,  # the shared RemoveWatermark schema's default
        max_prompt_chars=2000,
        remix_sources=("sora-2", "sora-2-pro", "sora-2-pro-remix"),
        source_task_prefix="task-unified-",
    ),
    _evolink(model="sora-2-beta-max", described=False, max_prompt_chars=None),
    _modelverse(model="openai/sora-2/text-to-video"),
    _modelverse_openai(model="sora-2", image_input="optional"),
    _modelverse_openai(
        model="sora-2-remix",
        kind="remix",
        seconds=(),
        remix_sources=("sora-2", "sora-2-remix"),
        source_task_prefix="video_",
        keeps_source_shape=True,
    ),
    _modelverse(
        model="openai/sora-2/image-to-video",
        image_input="required",
        prompt="optional",
        image_data_urls=True,
    ),
)
