from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.create_video_json_size import (
    CreateVideoJsonSize,
    check_create_video_json_size,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.create_video_json_input_reference import CreateVideoJsonInputReference


T = TypeVar("T", bound="CreateVideoJson")


@_attrs_define
class CreateVideoJson:
    """
    Attributes:
        prompt (str):
        model (str | Unset): sora-2, sora-2-pro, or <vendor>/<model>. Default: 'sora-2'.
        seconds (str | Unset): Whole seconds, as the routed model sells them.
        size (CreateVideoJsonSize | Unset): Defaults to 720x1280, or to a first frame's own shape.
        input_reference (CreateVideoJsonInputReference | Unset):
    """

    prompt: str
    model: str | Unset = "sora-2"
    seconds: str | Unset = UNSET
    size: CreateVideoJsonSize | Unset = UNSET
    input_reference: CreateVideoJsonInputReference | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        prompt = self.prompt

        model = self.model

        seconds = self.seconds

        size: str | Unset = UNSET
        if not isinstance(self.size, Unset):
            size = self.size

        input_reference: dict[str, Any] | Unset = UNSET
        if not isinstance(self.input_reference, Unset):
            input_reference = self.input_reference.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "prompt": prompt,
            }
        )
        if model is not UNSET:
            field_dict["model"] = model
        if seconds is not UNSET:
            field_dict["seconds"] = seconds
        if size is not UNSET:
            field_dict["size"] = size
        if input_reference is not UNSET:
            field_dict["input_reference"] = input_reference

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.create_video_json_input_reference import (
            CreateVideoJsonInputReference,
        )

        d = dict(src_dict)
        prompt = d.pop("prompt")

        model = d.pop("model", UNSET)

        seconds = d.pop("seconds", UNSET)

        _size = d.pop("size", UNSET)
        size: CreateVideoJsonSize | Unset
        if isinstance(_size, Unset):
            size = UNSET
        else:
            size = check_create_video_json_size(_size)

        _input_reference = d.pop("input_reference", UNSET)
        input_reference: CreateVideoJsonInputReference | Unset
        if isinstance(_input_reference, Unset):
            input_reference = UNSET
        else:
            input_reference = CreateVideoJsonInputReference.from_dict(_input_reference)

        create_video_json = cls(
            prompt=prompt,
            model=model,
            seconds=seconds,
            size=size,
            input_reference=input_reference,
        )

        return create_video_json
