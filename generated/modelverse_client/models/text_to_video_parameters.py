from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.duration import Duration, check_duration
from ..models.size import Size, check_size
from ..types import UNSET, Unset

T = TypeVar("T", bound="TextToVideoParameters")


@_attrs_define
class TextToVideoParameters:
    """
    Attributes:
        size (Size | Unset): Frame size, width x height.
        duration (Duration | Unset): Video length in seconds.
    """

    size: Size | Unset = UNSET
    duration: Duration | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        size: str | Unset = UNSET
        if not isinstance(self.size, Unset):
            size = self.size

        duration: int | Unset = UNSET
        if not isinstance(self.duration, Unset):
            duration = self.duration

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if size is not UNSET:
            field_dict["size"] = size
        if duration is not UNSET:
            field_dict["duration"] = duration

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        _size = d.pop("size", UNSET)
        size: Size | Unset
        if isinstance(_size, Unset):
            size = UNSET
        else:
            size = check_size(_size)

        _duration = d.pop("duration", UNSET)
        duration: Duration | Unset
        if isinstance(_duration, Unset):
            duration = UNSET
        else:
            duration = check_duration(_duration)

        text_to_video_parameters = cls(
            size=size,
            duration=duration,
        )

        return text_to_video_parameters
