from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.aspect_ratio import AspectRatio, check_aspect_ratio
from ..models.storyboard_input_n_frames import (
    StoryboardInputNFrames,
    check_storyboard_input_n_frames,
)
from ..models.upload_method import UploadMethod, check_upload_method
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.storyboard_shot import StoryboardShot


T = TypeVar("T", bound="StoryboardInput")


@_attrs_define
class StoryboardInput:
    """
    Attributes:
        shots (list[StoryboardShot]): 1 to 10 shots; their durations must not add up to more than n_frames.
        n_frames (StoryboardInputNFrames): Total length of the video in seconds, as a quoted string. Default: '15'.
        image_urls (list[str]): Exactly one publicly reachable image URL used as the first frame (jpeg, png or webp,
            at most 10 MB). A URL of an uploaded file, not the file content.
        aspect_ratio (AspectRatio): Frame orientation of the video.
        upload_method (UploadMethod | Unset): Where the result is stored: s3 (default) or oss (Aliyun, better inside
            China). The
            apidog export lists it as required yet gives it a default; the pages omit it, so it is
            optional here.
    """

    shots: list[StoryboardShot]
    image_urls: list[str]
    aspect_ratio: AspectRatio
    n_frames: StoryboardInputNFrames = "15"
    upload_method: UploadMethod | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        shots = []
        for shots_item_data in self.shots:
            shots_item = shots_item_data.to_dict()
            shots.append(shots_item)

        n_frames: str = self.n_frames

        image_urls = self.image_urls

        aspect_ratio: str = self.aspect_ratio

        upload_method: str | Unset = UNSET
        if not isinstance(self.upload_method, Unset):
            upload_method = self.upload_method

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "shots": shots,
                "n_frames": n_frames,
                "image_urls": image_urls,
                "aspect_ratio": aspect_ratio,
            }
        )
        if upload_method is not UNSET:
            field_dict["upload_method"] = upload_method

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.storyboard_shot import StoryboardShot

        d = dict(src_dict)
        shots = []
        _shots = d.pop("shots")
        for shots_item_data in _shots:
            shots_item = StoryboardShot.from_dict(shots_item_data)

            shots.append(shots_item)

        n_frames = check_storyboard_input_n_frames(d.pop("n_frames"))

        image_urls = cast(list[str], d.pop("image_urls"))

        aspect_ratio = check_aspect_ratio(d.pop("aspect_ratio"))

        _upload_method = d.pop("upload_method", UNSET)
        upload_method: UploadMethod | Unset
        if isinstance(_upload_method, Unset):
            upload_method = UNSET
        else:
            upload_method = check_upload_method(_upload_method)

        storyboard_input = cls(
            shots=shots,
            n_frames=n_frames,
            image_urls=image_urls,
            aspect_ratio=aspect_ratio,
            upload_method=upload_method,
        )

        return storyboard_input
