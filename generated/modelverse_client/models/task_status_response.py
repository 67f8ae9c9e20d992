from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.task_output import TaskOutput
    from ..models.task_usage import TaskUsage


T = TypeVar("T", bound="TaskStatusResponse")


@_attrs_define
class TaskStatusResponse:
    """
    Attributes:
        output (TaskOutput): A task. Extra keys are kept, but what a client reads is required where documented:
            `task_id` and `task_status` always, `urls` (at least one) on Success, `error_message`
            on Failure.
        usage (None | TaskUsage | Unset):
        request_id (None | str | Unset): Often an empty string.
    """

    output: TaskOutput
    usage: None | TaskUsage | Unset = UNSET
    request_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.task_usage import TaskUsage

        output = self.output.to_dict()

        usage: dict[str, Any] | None | Unset
        if isinstance(self.usage, Unset):
            usage = UNSET
        elif isinstance(self.usage, TaskUsage):
            usage = self.usage.to_dict()
        else:
            usage = self.usage

        request_id: None | str | Unset
        if isinstance(self.request_id, Unset):
            request_id = UNSET
        else:
            request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "output": output,
            }
        )
        if usage is not UNSET:
            field_dict["usage"] = usage
        if request_id is not UNSET:
            field_dict["request_id"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.task_output import TaskOutput
        from ..models.task_usage import TaskUsage

        d = dict(src_dict)
        output = TaskOutput.from_dict(d.pop("output"))

        def _parse_usage(data: object) -> None | TaskUsage | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                usage_type_0 = TaskUsage.from_dict(data)

                return usage_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TaskUsage | Unset, data)

        usage = _parse_usage(d.pop("usage", UNSET))

        def _parse_request_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        request_id = _parse_request_id(d.pop("request_id", UNSET))

        task_status_response = cls(
            output=output,
            usage=usage,
            request_id=request_id,
        )

        task_status_response.additional_properties = d
        return task_status_response

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
