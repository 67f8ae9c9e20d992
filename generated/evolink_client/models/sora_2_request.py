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
from ..models.sora_2_request_duration import (
    Sora2RequestDuration,
    check_sora_2_request_duration,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="Sora2Request")


@_attrs_define
class Sora2Request:
    """sora-2, the 10 or 15 second family.

    Attributes:
        model (Literal['sora-2']):
        prompt (str): At most 1000 characters: the current page says 1000, an older revision 5000. A
            request is refused locally past the stricter limit, so it is valid under both.
        aspect_ratio (AspectRatio | Unset): `16:9` landscape, `9:16` portrait.
        duration (Sora2RequestDuration | Unset): Video length in seconds. Default: 10.
        remove_watermark (bool | Unset): Remove the Sora watermark. `true` costs more, and is the default.
        image_urls (list[str] | Unset): At most one reference image (first frame) for image-to-video: no real people, at
            most 10 MB, .jpg/.jpeg/.png/.webp, directly viewable or downloadable by the server.
        callback_url (str | Unset): HTTPS URL called when the task completes, fails or is cancelled (after billing).
            HTTPS only; internal IP addresses (127.0.0.1, 10.x.x.x, 172.16-31.x.x,
            192.168.x.x, ...) are refused; at most 2048 characters. 10 s timeout; non-2xx
            answers are retried at most 3 times after 1 s, 2 s and 4 s; the body has the format
            of the task detail.
    """

    model: Literal["sora-2"]
    prompt: str
    aspect_ratio: AspectRatio | Unset = UNSET
    duration: Sora2RequestDuration | Unset = 10
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
        model = cast(Literal["sora-2"], d.pop("model"))
        if model != "sora-2":
            raise ValueError(f"model must match const 'sora-2', got '{model}'")

        prompt = d.pop("prompt")

        _aspect_ratio = d.pop("aspect_ratio", UNSET)
        aspect_ratio: AspectRatio | Unset
        if isinstance(_aspect_ratio, Unset):
            aspect_ratio = UNSET
        else:
            aspect_ratio = check_aspect_ratio(_aspect_ratio)

        _duration = d.pop("duration", UNSET)
        duration: Sora2RequestDuration | Unset
        if isinstance(_duration, Unset):
            duration = UNSET
        else:
            duration = check_sora_2_request_duration(_duration)

        remove_watermark = d.pop("remove_watermark", UNSET)

        image_urls = cast(list[str], d.pop("image_urls", UNSET))

        callback_url = d.pop("callback_url", UNSET)

        sora_2_request = cls(
            model=model,
            prompt=prompt,
            aspect_ratio=aspect_ratio,
            duration=duration,
            remove_watermark=remove_watermark,
            image_urls=image_urls,
            callback_url=callback_url,
        )

        return sora_2_request
