from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="CreateVideoJsonInputReference")


@_attrs_define
class CreateVideoJsonInputReference:
    """
    Attributes:
        image_url (str):
    """

    image_url: str

    def to_dict(self) -> dict[str, Any]:
        image_url = self.image_url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "image_url": image_url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        image_url = d.pop("image_url")

        create_video_json_input_reference = cls(
            image_url=image_url,
        )

        return create_video_json_input_reference
