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
    from ..models.watermark_remover_input import WatermarkRemoverInput


T = TypeVar("T", bound="WatermarkRemoverRequest")


@_attrs_define
class WatermarkRemoverRequest:
    """
    Attributes:
        model (Literal['sora-watermark-remover']):
        input_ (WatermarkRemoverInput): sora-watermark-remover.
        call_back_url (str | Unset): Receives a POST when the task ends (success or failure); see the taskFinished
            callback.
    """

    model: Literal["sora-watermark-remover"]
    input_: WatermarkRemoverInput
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
        from ..models.watermark_remover_input import WatermarkRemoverInput

        d = dict(src_dict)
        model = cast(Literal["sora-watermark-remover"], d.pop("model"))
        if model != "sora-watermark-remover":
            raise ValueError(
                f"model must match const 'sora-watermark-remover', got '{model}'"
            )

        input_ = WatermarkRemoverInput.from_dict(d.pop("input"))

        call_back_url = d.pop("callBackUrl", UNSET)

        watermark_remover_request = cls(
            model=model,
            input_=input_,
            call_back_url=call_back_url,
        )

        return watermark_remover_request
