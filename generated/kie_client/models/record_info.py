from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="RecordInfo")


@_attrs_define
class RecordInfo:
    """A task as recordInfo and the completion callback describe it. Extra keys are kept and
    most fields may be null or absent, but the fields a client reads are required where
    the vendor documents them: `taskId` and `state` always; on success a `resultJson`
    holding at least one result URL; on failure `failCode` and `failMsg` (null allowed).

        Attributes:
            task_id (str):
            state (None | str):
            model (None | str | Unset):
            param (None | str | Unset): JSON text of the complete createTask body.
            result_json (None | str | Unset): JSON text `{"resultUrls": [...], "resultWaterMarkUrls": [...]}` once the task
                has
                succeeded; `""` while running and `null` on failure in real responses.
            fail_code (None | str | Unset): Documented as "" on success; real responses send null.
            fail_msg (None | str | Unset): Documented as "" on success; real responses send null.
            cost_time (int | None | Unset): Processing time; documented in ms but real values look like seconds.
            complete_time (int | None | Unset): Unix time in milliseconds.
            create_time (int | None | Unset): Unix time in milliseconds.
            update_time (int | None | Unset): Unix time in milliseconds; absent in real in-progress responses.
            progress (int | None | Unset): Generation progress 0-100 (only for sora2 and sora2 pro models).
            credits_consumed (float | None | Unset): Present on successful callbacks.
            consume_credits (float | None | Unset): Older callback examples.
            remained_credits (float | None | Unset): Older callback examples.
    """

    task_id: str
    state: None | str
    model: None | str | Unset = UNSET
    param: None | str | Unset = UNSET
    result_json: None | str | Unset = UNSET
    fail_code: None | str | Unset = UNSET
    fail_msg: None | str | Unset = UNSET
    cost_time: int | None | Unset = UNSET
    complete_time: int | None | Unset = UNSET
    create_time: int | None | Unset = UNSET
    update_time: int | None | Unset = UNSET
    progress: int | None | Unset = UNSET
    credits_consumed: float | None | Unset = UNSET
    consume_credits: float | None | Unset = UNSET
    remained_credits: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        task_id = self.task_id

        state: None | str
        state = self.state

        model: None | str | Unset
        if isinstance(self.model, Unset):
            model = UNSET
        else:
            model = self.model

        param: None | str | Unset
        if isinstance(self.param, Unset):
            param = UNSET
        else:
            param = self.param

        result_json: None | str | Unset
        if isinstance(self.result_json, Unset):
            result_json = UNSET
        else:
            result_json = self.result_json

        fail_code: None | str | Unset
        if isinstance(self.fail_code, Unset):
            fail_code = UNSET
        else:
            fail_code = self.fail_code

        fail_msg: None | str | Unset
        if isinstance(self.fail_msg, Unset):
            fail_msg = UNSET
        else:
            fail_msg = self.fail_msg

        cost_time: int | None | Unset
        if isinstance(self.cost_time, Unset):
            cost_time = UNSET
        else:
            cost_time = self.cost_time

        complete_time: int | None | Unset
        if isinstance(self.complete_time, Unset):
            complete_time = UNSET
        else:
            complete_time = self.complete_time

        create_time: int | None | Unset
        if isinstance(self.create_time, Unset):
            create_time = UNSET
        else:
            create_time = self.create_time

        update_time: int | None | Unset
        if isinstance(self.update_time, Unset):
            update_time = UNSET
        else:
            update_time = self.update_time

        progress: int | None | Unset
        if isinstance(self.progress, Unset):
            progress = UNSET
        else:
            progress = self.progress

        credits_consumed: float | None | Unset
        if isinstance(self.credits_consumed, Unset):
            credits_consumed = UNSET
        else:
            credits_consumed = self.credits_consumed

        consume_credits: float | None | Unset
        if isinstance(self.consume_credits, Unset):
            consume_credits = UNSET
        else:
            consume_credits = self.consume_credits

        remained_credits: float | None | Unset
        if isinstance(self.remained_credits, Unset):
            remained_credits = UNSET
        else:
            remained_credits = self.remained_credits

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "taskId": task_id,
                "state": state,
            }
        )
        if model is not UNSET:
            field_dict["model"] = model
        if param is not UNSET:
            field_dict["param"] = param
        if result_json is not UNSET:
            field_dict["resultJson"] = result_json
        if fail_code is not UNSET:
            field_dict["failCode"] = fail_code
        if fail_msg is not UNSET:
            field_dict["failMsg"] = fail_msg
        if cost_time is not UNSET:
            field_dict["costTime"] = cost_time
        if complete_time is not UNSET:
            field_dict["completeTime"] = complete_time
        if create_time is not UNSET:
            field_dict["createTime"] = create_time
        if update_time is not UNSET:
            field_dict["updateTime"] = update_time
        if progress is not UNSET:
            field_dict["progress"] = progress
        if credits_consumed is not UNSET:
            field_dict["creditsConsumed"] = credits_consumed
        if consume_credits is not UNSET:
            field_dict["consumeCredits"] = consume_credits
        if remained_credits is not UNSET:
            field_dict["remainedCredits"] = remained_credits

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        task_id = d.pop("taskId")

        def _parse_state(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        state = _parse_state(d.pop("state"))

        def _parse_model(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        model = _parse_model(d.pop("model", UNSET))

        def _parse_param(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        param = _parse_param(d.pop("param", UNSET))

        def _parse_result_json(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        result_json = _parse_result_json(d.pop("resultJson", UNSET))

        def _parse_fail_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        fail_code = _parse_fail_code(d.pop("failCode", UNSET))

        def _parse_fail_msg(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        fail_msg = _parse_fail_msg(d.pop("failMsg", UNSET))

        def _parse_cost_time(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        cost_time = _parse_cost_time(d.pop("costTime", UNSET))

        def _parse_complete_time(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        complete_time = _parse_complete_time(d.pop("completeTime", UNSET))

        def _parse_create_time(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        create_time = _parse_create_time(d.pop("createTime", UNSET))

        def _parse_update_time(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        update_time = _parse_update_time(d.pop("updateTime", UNSET))

        def _parse_progress(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        progress = _parse_progress(d.pop("progress", UNSET))

        def _parse_credits_consumed(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        credits_consumed = _parse_credits_consumed(d.pop("creditsConsumed", UNSET))

        def _parse_consume_credits(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        consume_credits = _parse_consume_credits(d.pop("consumeCredits", UNSET))

        def _parse_remained_credits(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        remained_credits = _parse_remained_credits(d.pop("remainedCredits", UNSET))

        record_info = cls(
            task_id=task_id,
            state=state,
            model=model,
            param=param,
            result_json=result_json,
            fail_code=fail_code,
            fail_msg=fail_msg,
            cost_time=cost_time,
            complete_time=complete_time,
            create_time=create_time,
            update_time=update_time,
            progress=progress,
            credits_consumed=credits_consumed,
            consume_credits=consume_credits,
            remained_credits=remained_credits,
        )

        record_info.additional_properties = d
        return record_info

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
