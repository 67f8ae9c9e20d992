from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TaskOutput")


@_attrs_define
class TaskOutput:
    """A task. Extra keys are kept, but what a client reads is required where documented:
    `task_id` and `task_status` always, `urls` (at least one) on Success, `error_message`
    on Failure.

        Attributes:
            task_id (str):
            task_status (None | str):
            urls (list[str] | None | Unset): Result video URLs.
            submit_time (int | None | Unset): Unix time in seconds.
            finish_time (int | None | Unset): Unix time in seconds.
            error_message (None | str | Unset): Why the task failed.
    """

    task_id: str
    task_status: None | str
    urls: list[str] | None | Unset = UNSET
    submit_time: int | None | Unset = UNSET
    finish_time: int | None | Unset = UNSET
    error_message: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        task_id = self.task_id

        task_status: None | str
        task_status = self.task_status

        urls: list[str] | None | Unset
        if isinstance(self.urls, Unset):
            urls = UNSET
        elif isinstance(self.urls, list):
            urls = self.urls

        else:
            urls = self.urls

        submit_time: int | None | Unset
        if isinstance(self.submit_time, Unset):
            submit_time = UNSET
        else:
            submit_time = self.submit_time

        finish_time: int | None | Unset
        if isinstance(self.finish_time, Unset):
            finish_time = UNSET
        else:
            finish_time = self.finish_time

        error_message: None | str | Unset
        if isinstance(self.error_message, Unset):
            error_message = UNSET
        else:
            error_message = self.error_message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "task_id": task_id,
                "task_status": task_status,
            }
        )
        if urls is not UNSET:
            field_dict["urls"] = urls
        if submit_time is not UNSET:
            field_dict["submit_time"] = submit_time
        if finish_time is not UNSET:
            field_dict["finish_time"] = finish_time
        if error_message is not UNSET:
            field_dict["error_message"] = error_message

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        task_id = d.pop("task_id")

        def _parse_task_status(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        task_status = _parse_task_status(d.pop("task_status"))

        def _parse_urls(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                urls_type_0 = cast(list[str], data)

                return urls_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        urls = _parse_urls(d.pop("urls", UNSET))

        def _parse_submit_time(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        submit_time = _parse_submit_time(d.pop("submit_time", UNSET))

        def _parse_finish_time(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        finish_time = _parse_finish_time(d.pop("finish_time", UNSET))

        def _parse_error_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error_message = _parse_error_message(d.pop("error_message", UNSET))

        task_output = cls(
            task_id=task_id,
            task_status=task_status,
            urls=urls,
            submit_time=submit_time,
            finish_time=finish_time,
            error_message=error_message,
        )

        task_output.additional_properties = d
        return task_output

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
