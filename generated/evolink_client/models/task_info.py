from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TaskInfo")


@_attrs_define
class TaskInfo:
    """
    Attributes:
        can_cancel (bool | None | Unset): Whether the task can still be cancelled.
        estimated_time (int | None | Unset): Estimated seconds to completion.
        video_duration (int | None | Unset): Video length in seconds.
    """

    can_cancel: bool | None | Unset = UNSET
    estimated_time: int | None | Unset = UNSET
    video_duration: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        can_cancel: bool | None | Unset
        if isinstance(self.can_cancel, Unset):
            can_cancel = UNSET
        else:
            can_cancel = self.can_cancel

        estimated_time: int | None | Unset
        if isinstance(self.estimated_time, Unset):
            estimated_time = UNSET
        else:
            estimated_time = self.estimated_time

        video_duration: int | None | Unset
        if isinstance(self.video_duration, Unset):
            video_duration = UNSET
        else:
            video_duration = self.video_duration

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if can_cancel is not UNSET:
            field_dict["can_cancel"] = can_cancel
        if estimated_time is not UNSET:
            field_dict["estimated_time"] = estimated_time
        if video_duration is not UNSET:
            field_dict["video_duration"] = video_duration

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_can_cancel(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        can_cancel = _parse_can_cancel(d.pop("can_cancel", UNSET))

        def _parse_estimated_time(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        estimated_time = _parse_estimated_time(d.pop("estimated_time", UNSET))

        def _parse_video_duration(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        video_duration = _parse_video_duration(d.pop("video_duration", UNSET))

        task_info = cls(
            can_cancel=can_cancel,
            estimated_time=estimated_time,
            video_duration=video_duration,
        )

        task_info.additional_properties = d
        return task_info

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
