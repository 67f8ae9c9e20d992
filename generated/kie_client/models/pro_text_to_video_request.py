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
    from ..models.pro_text_to_video_input import ProTextToVideoInput


T = TypeVar("T", bound="ProTextToVideoRequest")


@_attrs_define
class ProTextToVideoRequest:
    """
    Attributes:
        model (Literal['sora-2-pro-text-to-video']):
        input_ (ProTextToVideoInput):
        call_back_url (str | Unset): Receives a POST when the task ends (success or failure); see the taskFinished
            callback.
        progress_call_back_url (str | Unset): Receives progress POSTs while the task runs. The payload format is not
            documented.
    """

    model: Literal["sora-2-pro-text-to-video"]
    input_: ProTextToVideoInput
    call_back_url: str | Unset = UNSET
    progress_call_back_url: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        input_ = self.input_.to_dict()

        call_back_url = self.call_back_url

        progress_call_back_url = self.progress_call_back_url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "model": model,
                "input": input_,
            }
        )
        if call_back_url is not UNSET:
            field_dict["callBackUrl"] = call_back_url
        if progress_call_back_url is not UNSET:
            field_dict["progressCallBackUrl"] = progress_call_back_url

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.pro_text_to_video_input import ProTextToVideoInput

        d = dict(src_dict)
        model = cast(Literal["sora-2-pro-text-to-video"], d.pop("model"))
        if model != "sora-2-pro-text-to-video":
            raise ValueError(
                f"model must match const 'sora-2-pro-text-to-video', got '{model}'"
            )

        input_ = ProTextToVideoInput.from_dict(d.pop("input"))

        call_back_url = d.pop("callBackUrl", UNSET)

        progress_call_back_url = d.pop("progressCallBackUrl", UNSET)

        pro_text_to_video_request = cls(
            model=model,
            input_=input_,
            call_back_url=call_back_url,
            progress_call_back_url=progress_call_back_url,
        )

        return pro_text_to_video_request
