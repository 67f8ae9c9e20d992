from __future__ import annotations

from collections.abc import Mapping
from typing import (
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define

from ..models.sora_preview_request_aspect_ratio import (
    SoraPreviewRequestAspectRatio,
    check_sora_preview_request_aspect_ratio,
)
from ..models.sora_preview_request_duration import (
    SoraPreviewRequestDuration,
    check_sora_preview_request_duration,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="SoraPreviewRequest")


@_attrs_define
class SoraPreviewRequest:
    """sora-2-preview. "Image pixel dimensions must exactly match the selected aspect_ratio."

    Attributes:
        model (Literal['sora-2-preview']):
        prompt (str): What the video shows; at most 5000 characters ("5000token" on the page).
        aspect_ratio (SoraPreviewRequestAspectRatio | Unset): One page revision lists `16:9` and `9:16`, another also
            `1280x720` and `720x1280`.
            Both spellings are accepted here; the client sends the ratio (`x-sent`), which both
            revisions list. No default is documented.
        duration (SoraPreviewRequestDuration | Unset): Video length in seconds. Default: 4.
        image_urls (list[str] | Unset): At most one reference image (first frame) for image-to-video: no real people, at
            most 10 MB, .jpg/.jpeg/.png/.webp, directly viewable or downloadable by the server.
        callback_url (str | Unset): HTTPS URL called when the task completes, fails or is cancelled (after billing).
            HTTPS only; internal IP addresses (127.0.0.1, 10.x.x.x, 172.16-31.x.x,
            192.168.x.x, ...) are refused; at most 2048 characters. 10 s timeout; non-2xx
            answers are retried at most 3 times after 1 s, 2 s and 4 s; the body has the format
            of the task detail.
    """

    model: Literal["sora-2-preview"]
    prompt: str
    aspect_ratio: SoraPreviewRequestAspectRatio | Unset = UNSET
    duration: SoraPreviewRequestDuration | Unset = 4
    image_urls: list[str] | Unset = UNSET
    callback_url: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        prompt = self.prompt

        aspect_ratio: str | Unset = UNSET
        if not isinstance(self.aspect_ratio, Unset):
            aspect_ratio = self.aspect_ratio

        duration: int | Unset = UNSET
        if not isinstance(self.duration, Unset):
            duration = self.duration

        image_urls: list[str] | Unset = UNSET
        if not isinstance(self.image_urls, Unset):
            image_urls = self.image_urls

        callback_url = self.callback_url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "model": model,
                "prompt": prompt,
            }
        )
        if aspect_ratio is not UNSET:
            field_dict["aspect_ratio"] = aspect_ratio
        if duration is not UNSET:
            field_dict["duration"] = duration
        if image_urls is not UNSET:
            field_dict["image_urls"] = image_urls
        if callback_url is not UNSET:
            field_dict["callback_url"] = callback_url

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        model = cast(Literal["sora-2-preview"], d.pop("model"))
        if model != "sora-2-preview":
            raise ValueError(f"model must match const 'sora-2-preview', got '{model}'")

        prompt = d.pop("prompt")

        _aspect_ratio = d.pop("aspect_ratio", UNSET)
        aspect_ratio: SoraPreviewRequestAspectRatio | Unset
        if isinstance(_aspect_ratio, Unset):
            aspect_ratio = UNSET
        else:
            aspect_ratio = check_sora_preview_request_aspect_ratio(_aspect_ratio)

        _duration = d.pop("duration", UNSET)
        duration: SoraPreviewRequestDuration | Unset
        if isinstance(_duration, Unset):
            duration = UNSET
        else:
            duration = check_sora_preview_request_duration(_duration)

        image_urls = cast(list[str], d.pop("image_urls", UNSET))

        callback_url = d.pop("callback_url", UNSET)

        sora_preview_request = cls(
            model=model,
            prompt=prompt,
            aspect_ratio=aspect_ratio,
            duration=duration,
            image_urls=image_urls,
            callback_url=callback_url,
        )

        return sora_preview_request
