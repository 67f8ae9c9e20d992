from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.upload_method import UploadMethod, check_upload_method
from ..types import UNSET, Unset

T = TypeVar("T", bound="WatermarkRemoverInput")


@_attrs_define
class WatermarkRemoverInput:
    """sora-watermark-remover.

    Attributes:
        video_url (str): A public Sora link ("must be a publicly accessible link from OpenAI, starting with
            sora.chatgpt.com").
        upload_method (UploadMethod | Unset): Where the result is stored: s3 (default) or oss (Aliyun, better inside
            China). The
            apidog export lists it as required yet gives it a default; the pages omit it, so it is
            optional here.
    """

    video_url: str
    upload_method: UploadMethod | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        video_url = self.video_url

        upload_method: str | Unset = UNSET
        if not isinstance(self.upload_method, Unset):
            upload_method = self.upload_method

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "video_url": video_url,
            }
        )
        if upload_method is not UNSET:
            field_dict["upload_method"] = upload_method

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        video_url = d.pop("video_url")

        _upload_method = d.pop("upload_method", UNSET)
        upload_method: UploadMethod | Unset
        if isinstance(_upload_method, Unset):
            upload_method = UNSET
        else:
            upload_method = check_upload_method(_upload_method)

        watermark_remover_input = cls(
            video_url=video_url,
            upload_method=upload_method,
        )

        return watermark_remover_input
