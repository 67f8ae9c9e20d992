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
    from ..models.text_to_video_input import TextToVideoInput
    from ..models.text_to_video_parameters import TextToVideoParameters


T = TypeVar("T", bound="TextToVideoRequest")


@_attrs_define
class TextToVideoRequest:
    """
    Attributes:
        model (Literal['openai/sora-2/text-to-video']):
        input_ (TextToVideoInput):
        parameters (TextToVideoParameters | Unset):
    """

    model: Literal["openai/sora-2/text-to-video"]
    input_: TextToVideoInput
    parameters: TextToVideoParameters | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        input_ = self.input_.to_dict()

        parameters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.parameters, Unset):
            parameters = self.parameters.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "model": model,
                "input": input_,
            }
        )
        if parameters is not UNSET:
            field_dict["parameters"] = parameters

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.text_to_video_input import TextToVideoInput
        from ..models.text_to_video_parameters import TextToVideoParameters

        d = dict(src_dict)
        model = cast(Literal["openai/sora-2/text-to-video"], d.pop("model"))
        if model != "openai/sora-2/text-to-video":
            raise ValueError(
                f"model must match const 'openai/sora-2/text-to-video', got '{model}'"
            )

        input_ = TextToVideoInput.from_dict(d.pop("input"))

        _parameters = d.pop("parameters", UNSET)
        parameters: TextToVideoParameters | Unset
        if isinstance(_parameters, Unset):
            parameters = UNSET
        else:
            parameters = TextToVideoParameters.from_dict(_parameters)

        text_to_video_request = cls(
            model=model,
            input_=input_,
            parameters=parameters,
        )

        return text_to_video_request
