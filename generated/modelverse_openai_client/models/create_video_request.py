from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import (
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define

from .. import types
from ..models.seconds import Seconds, check_seconds
from ..models.size import Size, check_size
from ..types import UNSET, File, FileTypes, Unset

T = TypeVar("T", bound="CreateVideoRequest")


@_attrs_define
class CreateVideoRequest:
    """
    Attributes:
        model (Literal['sora-2']):
        prompt (str): What the video shows (OpenAI's limit; ModelVerse states none).
        size (Size | Unset): Frame size, width x height.
        seconds (Seconds | Unset): Video length in seconds, as a string (OpenAI's VideoSeconds).
        duration (Seconds | Unset): Video length in seconds, as a string (OpenAI's VideoSeconds).
        input_reference (File | Unset): The first frame, a JPEG, PNG or WebP file of exactly the video's size.
    """

    model: Literal["sora-2"]
    prompt: str
    size: Size | Unset = UNSET
    seconds: Seconds | Unset = UNSET
    duration: Seconds | Unset = UNSET
    input_reference: File | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        prompt = self.prompt

        size: str | Unset = UNSET
        if not isinstance(self.size, Unset):
            size = self.size

        seconds: str | Unset = UNSET
        if not isinstance(self.seconds, Unset):
            seconds = self.seconds

        duration: str | Unset = UNSET
        if not isinstance(self.duration, Unset):
            duration = self.duration

        input_reference: FileTypes | Unset = UNSET
        if not isinstance(self.input_reference, Unset):
            input_reference = self.input_reference.to_tuple()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "model": model,
                "prompt": prompt,
            }
        )
        if size is not UNSET:
            field_dict["size"] = size
        if seconds is not UNSET:
            field_dict["seconds"] = seconds
        if duration is not UNSET:
            field_dict["duration"] = duration
        if input_reference is not UNSET:
            field_dict["input_reference"] = input_reference

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("model", (None, self.model, "text/plain")))

        files.append(("prompt", (None, str(self.prompt).encode(), "text/plain")))

        if not isinstance(self.size, Unset):
            files.append(("size", (None, str(self.size).encode(), "text/plain")))

        if not isinstance(self.seconds, Unset):
            files.append(("seconds", (None, str(self.seconds).encode(), "text/plain")))

        if not isinstance(self.duration, Unset):
            files.append(
                ("duration", (None, str(self.duration).encode(), "text/plain"))
            )

        if not isinstance(self.input_reference, Unset):
            files.append(("input_reference", self.input_reference.to_tuple()))

        return files

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        model = cast(Literal["sora-2"], d.pop("model"))
        if model != "sora-2":
            raise ValueError(f"model must match const 'sora-2', got '{model}'")

        prompt = d.pop("prompt")

        _size = d.pop("size", UNSET)
        size: Size | Unset
        if isinstance(_size, Unset):
            size = UNSET
        else:
            size = check_size(_size)

        _seconds = d.pop("seconds", UNSET)
        seconds: Seconds | Unset
        if isinstance(_seconds, Unset):
            seconds = UNSET
        else:
            seconds = check_seconds(_seconds)

        _duration = d.pop("duration", UNSET)
        duration: Seconds | Unset
        if isinstance(_duration, Unset):
            duration = UNSET
        else:
            duration = check_seconds(_duration)

        _input_reference = d.pop("input_reference", UNSET)
        input_reference: File | Unset
        if isinstance(_input_reference, Unset):
            input_reference = UNSET
        else:
            input_reference = File(payload=BytesIO(_input_reference))

        create_video_request = cls(
            model=model,
            prompt=prompt,
            size=size,
            seconds=seconds,
            duration=duration,
            input_reference=input_reference,
        )

        return create_video_request
