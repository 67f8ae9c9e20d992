from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.aspect_ratio import AspectRatio, check_aspect_ratio
from ..models.duration import Duration, check_duration
from ..models.upload_method import UploadMethod, check_upload_method
from ..types import UNSET, Unset

T = TypeVar("T", bound="ImageToVideoStableInput")


@_attrs_define
class ImageToVideoStableInput:
    """sora-2-image-to-video-stable ([misha] market page); no remove_watermark.

    Attributes:
        prompt (str): Text describing the video. At most 10000 characters.
        image_urls (list[str]): Exactly one publicly reachable image URL used as the first frame (jpeg, png or webp,
            at most 10 MB). A URL of an uploaded file, not the file content.
        aspect_ratio (AspectRatio | Unset): Frame orientation of the video.
        n_frames (Duration | Unset): Video length in seconds, as a quoted string. The vendor calls it `n_frames` and
            describes it as a frame count, but the values are seconds ("10" gives a 10 s video).
        upload_method (UploadMethod | Unset): Where the result is stored: s3 (default) or oss (Aliyun, better inside
            China). The
            apidog export lists it as required yet gives it a default; the pages omit it, so it is
            optional here.
    """

    prompt: str
    image_urls: list[str]
    aspect_ratio: AspectRatio | Unset = UNSET
    n_frames: Duration | Unset = UNSET
    upload_method: UploadMethod | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        prompt = self.prompt

        image_urls = self.image_urls

        aspect_ratio: str | Unset = UNSET
        if not isinstance(self.aspect_ratio, Unset):
            aspect_ratio = self.aspect_ratio

        n_frames: str | Unset = UNSET
        if not isinstance(self.n_frames, Unset):
            n_frames = self.n_frames

        upload_method: str | Unset = UNSET
        if not isinstance(self.upload_method, Unset):
            upload_method = self.upload_method

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "prompt": prompt,
                "image_urls": image_urls,
            }
        )
        if aspect_ratio is not UNSET:
            field_dict["aspect_ratio"] = aspect_ratio
        if n_frames is not UNSET:
            field_dict["n_frames"] = n_frames
        if upload_method is not UNSET:
            field_dict["upload_method"] = upload_method

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        prompt = d.pop("prompt")

        image_urls = cast(list[str], d.pop("image_urls"))

        _aspect_ratio = d.pop("aspect_ratio", UNSET)
        aspect_ratio: AspectRatio | Unset
        if isinstance(_aspect_ratio, Unset):
            aspect_ratio = UNSET
        else:
            aspect_ratio = check_aspect_ratio(_aspect_ratio)

        _n_frames = d.pop("n_frames", UNSET)
        n_frames: Duration | Unset
        if isinstance(_n_frames, Unset):
            n_frames = UNSET
        else:
            n_frames = check_duration(_n_frames)

        _upload_method = d.pop("upload_method", UNSET)
        upload_method: UploadMethod | Unset
        if isinstance(_upload_method, Unset):
            upload_method = UNSET
        else:
            upload_method = check_upload_method(_upload_method)

        image_to_video_stable_input = cls(
            prompt=prompt,
            image_urls=image_urls,
            aspect_ratio=aspect_ratio,
            n_frames=n_frames,
            upload_method=upload_method,
        )

        return image_to_video_stable_input
