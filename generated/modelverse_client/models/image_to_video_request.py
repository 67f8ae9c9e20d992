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
    from ..models.image_to_video_input import ImageToVideoInput
    from ..models.image_to_video_parameters import ImageToVideoParameters


T = TypeVar("T", bound="ImageToVideoRequest")


@_attrs_define
class ImageToVideoRequest:
    """
    Attributes:
        model (Literal['openai/sora-2/image-to-video']):
        input_ (ImageToVideoInput):
        parameters (ImageToVideoParameters | Unset):
    """

    model: Literal["openai/sora-2/image-to-video"]
    input_: ImageToVideoInput
    parameters: ImageToVideoParameters | Unset = UNSET

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
        from ..models.image_to_video_input import ImageToVideoInput
        from ..models.image_to_video_parameters import ImageToVideoParameters

        d = dict(src_dict)
        model = cast(Literal["openai/sora-2/image-to-video"], d.pop("model"))
        if model != "openai/sora-2/image-to-video":
            raise ValueError(
                f"model must match const 'openai/sora-2/image-to-video', got '{model}'"
            )

        input_ = ImageToVideoInput.from_dict(d.pop("input"))

        _parameters = d.pop("parameters", UNSET)
        parameters: ImageToVideoParameters | Unset
        if isinstance(_parameters, Unset):
            parameters = UNSET
        else:
            parameters = ImageToVideoParameters.from_dict(_parameters)

        image_to_video_request = cls(
            model=model,
            input_=input_,
            parameters=parameters,
        )

        return image_to_video_request
