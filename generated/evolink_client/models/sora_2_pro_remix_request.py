from __future__ import annotations

from collections.abc import Mapping
from typing import (
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define

from ..models.aspect_ratio import AspectRatio, check_aspect_ratio
from ..models.sora_2_pro_remix_request_duration import (
    Sora2ProRemixRequestDuration,
    check_sora_2_pro_remix_request_duration,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="Sora2ProRemixRequest")


@_attrs_define
class Sora2ProRemixRequest:
    """sora-2-pro-remix, a new video from an earlier Sora2/Sora2Pro task.

    Attributes:
        model (Literal['sora-2-pro-remix']):
        base_video_task_id (str): "Original video task ID, must be a video task ID generated or remixed by
            Sora2/Sora2Pro".
        prompt (str): What changes; at most 2000 characters.
        aspect_ratio (AspectRatio | Unset): `16:9` landscape, `9:16` portrait.
        duration (Sora2ProRemixRequestDuration | Unset): Video length in seconds. Default: 15.
        remove_watermark (bool | Unset): Remove the Sora watermark. `true` costs more, and is the default.
        callback_url (str | Unset): HTTPS URL called when the task completes, fails or is cancelled (after billing).
            HTTPS only; internal IP addresses (127.0.0.1, 10.x.x.x, 172.16-31.x.x,
            192.168.x.x, ...) are refused; at most 2048 characters. 10 s timeout; non-2xx
            answers are retried at most 3 times after 1 s, 2 s and 4 s; the body has the format
            of the task detail.
    """

    model: Literal["sora-2-pro-remix"]
    base_video_task_id: str
    prompt: str
    aspect_ratio: AspectRatio | Unset = UNSET
    duration: Sora2ProRemixRequestDuration | Unset = 15
    remove_watermark: bool | Unset = UNSET
    callback_url: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        base_video_task_id = self.base_video_task_id

        prompt = self.prompt

        aspect_ratio: str | Unset = UNSET
        if not isinstance(self.aspect_ratio, Unset):
            aspect_ratio = self.aspect_ratio

        duration: int | Unset = UNSET
        if not isinstance(self.duration, Unset):
            duration = self.duration

        remove_watermark = self.remove_watermark

        callback_url = self.callback_url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "model": model,
                "base_video_task_id": base_video_task_id,
                "prompt": prompt,
            }
        )
        if aspect_ratio is not UNSET:
            field_dict["aspect_ratio"] = aspect_ratio
        if duration is not UNSET:
            field_dict["duration"] = duration
        if remove_watermark is not UNSET:
            field_dict["remove_watermark"] = remove_watermark
        if callback_url is not UNSET:
            field_dict["callback_url"] = callback_url

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        model = cast(Literal["sora-2-pro-remix"], d.pop("model"))
        if model != "sora-2-pro-remix":
            raise ValueError(
                f"model must match const 'sora-2-pro-remix', got '{model}'"
            )

        base_video_task_id = d.pop("base_video_task_id")

        prompt = d.pop("prompt")

        _aspect_ratio = d.pop("aspect_ratio", UNSET)
        aspect_ratio: AspectRatio | Unset
        if isinstance(_aspect_ratio, Unset):
            aspect_ratio = UNSET
        else:
            aspect_ratio = check_aspect_ratio(_aspect_ratio)

        _duration = d.pop("duration", UNSET)
        duration: Sora2ProRemixRequestDuration | Unset
        if isinstance(_duration, Unset):
            duration = UNSET
        else:
            duration = check_sora_2_pro_remix_request_duration(_duration)

        remove_watermark = d.pop("remove_watermark", UNSET)

        callback_url = d.pop("callback_url", UNSET)

        sora_2_pro_remix_request = cls(
            model=model,
            base_video_task_id=base_video_task_id,
            prompt=prompt,
            aspect_ratio=aspect_ratio,
            duration=duration,
            remove_watermark=remove_watermark,
            callback_url=callback_url,
        )

        return sora_2_pro_remix_request
