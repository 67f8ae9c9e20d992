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

from ..models.aspect_ratio import AspectRatio, check_aspect_ratio
from ..models.sora_2_pro_request_duration import (
    Sora2ProRequestDuration,
    check_sora_2_pro_request_duration,
)
from ..models.sora_2_pro_request_quality import (
    Sora2ProRequestQuality,
    check_sora_2_pro_request_quality,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="Sora2ProRequest")


@_attrs_define
class Sora2ProRequest:
    """sora-2-pro, the 15 or 25 second family. "When duration is 15, only high quality is
    supported; when duration is 25, only standard" (a duration left out is 15).

        Attributes:
            model (Literal['sora-2-pro']):
            prompt (str): What the video shows; at most 5000 characters ("5000token" on the page).
            aspect_ratio (AspectRatio | Unset): `16:9` landscape, `9:16` portrait.
            duration (Sora2ProRequestDuration | Unset): Video length in seconds. Default: 15.
            quality (Sora2ProRequestQuality | Unset): Only `high` at 15 s, only `standard` at 25 s.
            remove_watermark (bool | Unset): Remove the Sora watermark. `true` costs more, and is the default.
            image_urls (list[str] | Unset): At most one reference image (first frame) for image-to-video: no real people, at
                most 10 MB, .jpg/.jpeg/.png/.webp, directly viewable or downloadable by the server.
            callback_url (str | Unset): HTTPS URL called when the task completes, fails or is cancelled (after billing).
                HTTPS only; internal IP addresses (127.0.0.1, 10.x.x.x, 172.16-31.x.x,
                192.168.x.x, ...) are refused; at most 2048 characters. 10 s timeout; non-2xx
                answers are retried at most 3 times after 1 s, 2 s and 4 s; the body has the format
                of the task detail.
    """

    model: Literal["sora-2-pro"]
    prompt: str
    aspect_ratio: AspectRatio | Unset = UNSET
    duration: Sora2ProRequestDuration | Unset = 15
    quality: Sora2ProRequestQuality | Unset = UNSET
    remove_watermark: bool | Unset = UNSET
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

        quality: str | Unset = UNSET
        if not isinstance(self.quality, Unset):
            quality = self.quality

        remove_watermark = self.remove_watermark

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
        if quality is not UNSET:
            field_dict["quality"] = quality
        if remove_watermark is not UNSET:
            field_dict["remove_watermark"] = remove_watermark
        if image_urls is not UNSET:
            field_dict["image_urls"] = image_urls
        if callback_url is not UNSET:
            field_dict["callback_url"] = callback_url

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        model = cast(Literal["sora-2-pro"], d.pop("model"))
        if model != "sora-2-pro":
            raise ValueError(f"model must match const 'sora-2-pro', got '{model}'")

        prompt = d.pop("prompt")

        _aspect_ratio = d.pop("aspect_ratio", UNSET)
        aspect_ratio: AspectRatio | Unset
        if isinstance(_aspect_ratio, Unset):
            aspect_ratio = UNSET
        else:
            aspect_ratio = check_aspect_ratio(_aspect_ratio)

        _duration = d.pop("duration", UNSET)
        duration: Sora2ProRequestDuration | Unset
        if isinstance(_duration, Unset):
            duration = UNSET
        else:
            duration = check_sora_2_pro_request_duration(_duration)

        _quality = d.pop("quality", UNSET)
        quality: Sora2ProRequestQuality | Unset
        if isinstance(_quality, Unset):
            quality = UNSET
        else:
            quality = check_sora_2_pro_request_quality(_quality)

        remove_watermark = d.pop("remove_watermark", UNSET)

        image_urls = cast(list[str], d.pop("image_urls", UNSET))

        callback_url = d.pop("callback_url", UNSET)

        sora_2_pro_request = cls(
            model=model,
            prompt=prompt,
            aspect_ratio=aspect_ratio,
            duration=duration,
            quality=quality,
            remove_watermark=remove_watermark,
            image_urls=image_urls,
            callback_url=callback_url,
        )

        return sora_2_pro_request
