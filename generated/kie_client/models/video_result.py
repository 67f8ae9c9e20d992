from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="VideoResult")


@_attrs_define
class VideoResult:
    """A video. `resultUrls` are watermark-free where the request asked for watermark removal;
    `resultWaterMarkUrls` keep the watermark.

        Attributes:
            result_urls (list[str]):
            result_water_mark_urls (list[str] | None | Unset):
    """

    result_urls: list[str]
    result_water_mark_urls: list[str] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        result_urls = self.result_urls

        result_water_mark_urls: list[str] | None | Unset
        if isinstance(self.result_water_mark_urls, Unset):
            result_water_mark_urls = UNSET
        elif isinstance(self.result_water_mark_urls, list):
            result_water_mark_urls = self.result_water_mark_urls

        else:
            result_water_mark_urls = self.result_water_mark_urls

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "resultUrls": result_urls,
            }
        )
        if result_water_mark_urls is not UNSET:
            field_dict["resultWaterMarkUrls"] = result_water_mark_urls

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        result_urls = cast(list[str], d.pop("resultUrls"))

        def _parse_result_water_mark_urls(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                result_water_mark_urls_type_0 = cast(list[str], data)

                return result_water_mark_urls_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        result_water_mark_urls = _parse_result_water_mark_urls(
            d.pop("resultWaterMarkUrls", UNSET)
        )

        video_result = cls(
            result_urls=result_urls,
            result_water_mark_urls=result_water_mark_urls,
        )

        video_result.additional_properties = d
        return video_result

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
