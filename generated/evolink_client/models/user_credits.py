from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="UserCredits")


@_attrs_define
class UserCredits:
    """
    Attributes:
        remaining_credits (float | None | Unset):
        used_credits (float | None | Unset):
    """

    remaining_credits: float | None | Unset = UNSET
    used_credits: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        remaining_credits: float | None | Unset
        if isinstance(self.remaining_credits, Unset):
            remaining_credits = UNSET
        else:
            remaining_credits = self.remaining_credits

        used_credits: float | None | Unset
        if isinstance(self.used_credits, Unset):
            used_credits = UNSET
        else:
            used_credits = self.used_credits

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if remaining_credits is not UNSET:
            field_dict["remaining_credits"] = remaining_credits
        if used_credits is not UNSET:
            field_dict["used_credits"] = used_credits

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_remaining_credits(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        remaining_credits = _parse_remaining_credits(d.pop("remaining_credits", UNSET))

        def _parse_used_credits(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        used_credits = _parse_used_credits(d.pop("used_credits", UNSET))

        user_credits = cls(
            remaining_credits=remaining_credits,
            used_credits=used_credits,
        )

        user_credits.additional_properties = d
        return user_credits

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
