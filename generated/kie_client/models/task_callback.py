from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.record_info import RecordInfo


T = TypeVar("T", bound="TaskCallback")


@_attrs_define
class TaskCallback:
    """Body POSTed to callBackUrl: `code` 200 for success or 501 for failure, and the task.

    Attributes:
        code (int): 200 for success, 501 for failure.
        data (RecordInfo): A task as recordInfo and the completion callback describe it. Extra keys are kept and
            most fields may be null or absent, but the fields a client reads are required where
            the vendor documents them: `taskId` and `state` always; on success a `resultJson`
            holding at least one result URL; on failure `failCode` and `failMsg` (null allowed).
        msg (None | str | Unset):
        message (None | str | Unset):
    """

    code: int
    data: RecordInfo
    msg: None | str | Unset = UNSET
    message: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        data = self.data.to_dict()

        msg: None | str | Unset
        if isinstance(self.msg, Unset):
            msg = UNSET
        else:
            msg = self.msg

        message: None | str | Unset
        if isinstance(self.message, Unset):
            message = UNSET
        else:
            message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "data": data,
            }
        )
        if msg is not UNSET:
            field_dict["msg"] = msg
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.record_info import RecordInfo

        d = dict(src_dict)
        code = d.pop("code")

        data = RecordInfo.from_dict(d.pop("data"))

        def _parse_msg(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        msg = _parse_msg(d.pop("msg", UNSET))

        def _parse_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        message = _parse_message(d.pop("message", UNSET))

        task_callback = cls(
            code=code,
            data=data,
            msg=msg,
            message=message,
        )

        task_callback.additional_properties = d
        return task_callback

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
