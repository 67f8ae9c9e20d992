from __future__ import annotations

from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.text_to_video_stable_input import TextToVideoStableInput


T = TypeVar("T", bound="TextToVideoStableRequest")


@_attrs_define
class TextToVideoStableRequest:
    """
    Attributes:
        model (Literal['sora-2-text-to-video-stable']):
        input_ (TextToVideoStableInput): sora-2-text-to-video-stable ([misha] market page); no remove_watermark.
        call_back_url (str | Unset): Receives a POST when the task ends (success or failure); see the taskFinished
            callback.
    """

    model: Literal["sora-2-text-to-video-stable"]
    input_: TextToVideoStableInput
    call_back_url: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        input_ = self.input_.to_dict()

        call_back_url = self.call_back_url

        field_dict: dict[str, Any] = {}

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
        from ..models.text_to_video_stable_input import TextToVideoStableInput

        d = dict(src_dict)
        model = cast(Literal["sora-2-text-to-video-stable"], d.pop("model"))
        if model != "sora-2-text-to-video-stable":
            raise ValueError(
                f"model must match const 'sora-2-text-to-video-stable', got '{model}'"
            )

        input_ = TextToVideoStableInput.from_dict(d.pop("input"))

        call_back_url = d.pop("callBackUrl", UNSET)

        text_to_video_stable_request = cls(
            model=model,
            input_=input_,
            call_back_url=call_back_url,
        )

        return text_to_video_stable_request
