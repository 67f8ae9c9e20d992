from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.task_param_input import TaskParamInput


T = TypeVar("T", bound="TaskParam")


@_attrs_define
class TaskParam:
    """The decoded `param`, the complete createTask body as the vendor stored it.

    Attributes:
        model (str):
        input_ (TaskParamInput):
        call_back_url (str | Unset):
    """

    model: str
    input_: TaskParamInput
    call_back_url: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        input_ = self.input_.to_dict()

        call_back_url = self.call_back_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "model": model,
                "input": input_,
            }
        )
        if call_back_url is not UNSET:
            field_dict["callBackUrl"] = call_back_url

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.task_param_input import TaskParamInput

        d = dict(src_dict)
        model = d.pop("model")

        input_ = TaskParamInput.from_dict(d.pop("input"))

        call_back_url = d.pop("callBackUrl", UNSET)

        task_param = cls(
            model=model,
            input_=input_,
            call_back_url=call_back_url,
        )

        task_param.additional_properties = d
        return task_param

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
