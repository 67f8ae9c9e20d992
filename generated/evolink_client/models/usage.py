from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Usage")


@_attrs_define
class Usage:
    """
    Attributes:
        billing_rule (None | str | Unset):
        credits_reserved (float | None | Unset): Credits reserved for the task.
        user_group (None | str | Unset):
    """

    billing_rule: None | str | Unset = UNSET
    credits_reserved: float | None | Unset = UNSET
    user_group: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        billing_rule: None | str | Unset
        if isinstance(self.billing_rule, Unset):
            billing_rule = UNSET
        else:
            billing_rule = self.billing_rule

        credits_reserved: float | None | Unset
        if isinstance(self.credits_reserved, Unset):
            credits_reserved = UNSET
        else:
            credits_reserved = self.credits_reserved

        user_group: None | str | Unset
        if isinstance(self.user_group, Unset):
            user_group = UNSET
        else:
            user_group = self.user_group

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if billing_rule is not UNSET:
            field_dict["billing_rule"] = billing_rule
        if credits_reserved is not UNSET:
            field_dict["credits_reserved"] = credits_reserved
        if user_group is not UNSET:
            field_dict["user_group"] = user_group

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_billing_rule(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        billing_rule = _parse_billing_rule(d.pop("billing_rule", UNSET))

        def _parse_credits_reserved(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        credits_reserved = _parse_credits_reserved(d.pop("credits_reserved", UNSET))

        def _parse_user_group(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_group = _parse_user_group(d.pop("user_group", UNSET))

        usage = cls(
            billing_rule=billing_rule,
            credits_reserved=credits_reserved,
            user_group=user_group,
        )

        usage.additional_properties = d
        return usage

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
