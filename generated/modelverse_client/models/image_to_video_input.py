from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ImageToVideoInput")


@_attrs_define
class ImageToVideoInput:
    """
    Attributes:
        first_frame_url (str): First frame of the video, as a URL or Base64 data ("可为 URL 或 Base64"). UCloud's
            own ComfyUI nodes send an http(s) URL or a base64 `data:image/...` URL; those are
            the two forms sent here.
        prompt (str | Unset): Optional guidance for the motion (left out rather than sent empty).
    """

    first_frame_url: str
    prompt: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        first_frame_url = self.first_frame_url

        prompt = self.prompt

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "first_frame_url": first_frame_url,
            }
        )
        if prompt is not UNSET:
            field_dict["prompt"] = prompt

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        first_frame_url = d.pop("first_frame_url")

        prompt = d.pop("prompt", UNSET)

        image_to_video_input = cls(
            first_frame_url=first_frame_url,
            prompt=prompt,
        )

        return image_to_video_input
