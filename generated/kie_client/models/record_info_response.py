from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.record_info import RecordInfo


T = TypeVar("T", bound="RecordInfoResponse")


@_attrs_define
class RecordInfoResponse:
    """
    Attributes:
        code (int): Response code of the `{code, msg, data}` envelope. 200 success; 400 a required
            parameter is missing (recordInfo without taskId); 401 unauthorized; 402 insufficient
            credits; 404 not found; 408 upstream has returned nothing for over 10 minutes; 422
            validation error; 429 rate limited; 433 sub-key usage exceeds its limit; 455 service
            unavailable (maintenance); 500 server error; 501 generation failed; 505 feature
            disabled. Other codes may appear and must be handled as errors.
        msg (None | str | Unset):
        message (None | str | Unset): The docs.kie.ai example prints `message` instead of `msg`.
        data (None | RecordInfo | Unset):
    """

    code: int
    msg: None | str | Unset = UNSET
    message: None | str | Unset = UNSET
    data: None | RecordInfo | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.record_info import RecordInfo

        code = self.code

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

        data: dict[str, Any] | None | Unset
        if isinstance(self.data, Unset):
            data = UNSET
        elif isinstance(self.data, RecordInfo):
            data = self.data.to_dict()
        else:
            data = self.data

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
            }
        )
        if msg is not UNSET:
            field_dict["msg"] = msg
        if message is not UNSET:
            field_dict["message"] = message
        if data is not UNSET:
            field_dict["data"] = data

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.record_info import RecordInfo

        d = dict(src_dict)
        code = d.pop("code")

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

        def _parse_data(data: object) -> None | RecordInfo | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                data_type_0 = RecordInfo.from_dict(data)

                return data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RecordInfo | Unset, data)

        data = _parse_data(d.pop("data", UNSET))

        record_info_response = cls(
            code=code,
            msg=msg,
            message=message,
            data=data,
        )

        record_info_response.additional_properties = d
        return record_info_response

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
