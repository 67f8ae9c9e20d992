from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from .. import types
from ..models.create_video_form_size import (
    CreateVideoFormSize,
    check_create_video_form_size,
)
from ..types import UNSET, File, FileTypes, Unset

T = TypeVar("T", bound="CreateVideoForm")


@_attrs_define
class CreateVideoForm:
    """
    Attributes:
        prompt (str):
        model (str | Unset): sora-2, sora-2-pro, or <vendor>/<model>. Default: 'sora-2'.
        seconds (str | Unset): Whole seconds, as the routed model sells them.
        size (CreateVideoFormSize | Unset): Defaults to 720x1280, or to the first frame's own shape.
        input_reference (File | Unset): The first frame (JPEG, PNG or WebP of the video's size).
    """

    prompt: str
    model: str | Unset = "sora-2"
    seconds: str | Unset = UNSET
    size: CreateVideoFormSize | Unset = UNSET
    input_reference: File | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        prompt = self.prompt

        model = self.model

        seconds = self.seconds

        size: str | Unset = UNSET
        if not isinstance(self.size, Unset):
            size = self.size

        input_reference: FileTypes | Unset = UNSET
        if not isinstance(self.input_reference, Unset):
            input_reference = self.input_reference.to_tuple()

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

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("prompt", (None, str(self.prompt).encode(), "text/plain")))

        if not isinstance(self.model, Unset):
            files.append(("model", (None, str(self.model).encode(), "text/plain")))

        if not isinstance(self.seconds, Unset):
            files.append(("seconds", (None, str(self.seconds).encode(), "text/plain")))

        if not isinstance(self.size, Unset):
            files.append(("size", (None, str(self.size).encode(), "text/plain")))

        if not isinstance(self.input_reference, Unset):
            files.append(("input_reference", self.input_reference.to_tuple()))

        return files

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        prompt = d.pop("prompt")

        model = d.pop("model", UNSET)

        seconds = d.pop("seconds", UNSET)

        _size = d.pop("size", UNSET)
        size: CreateVideoFormSize | Unset
        if isinstance(_size, Unset):
            size = UNSET
        else:
            size = check_create_video_form_size(_size)

        _input_reference = d.pop("input_reference", UNSET)
        input_reference: File | Unset
        if isinstance(_input_reference, Unset):
            input_reference = UNSET
        else:
            input_reference = File(payload=BytesIO(_input_reference))

        create_video_form = cls(
            prompt=prompt,
            model=model,
            seconds=seconds,
            size=size,
            input_reference=input_reference,
        )

        return create_video_form
