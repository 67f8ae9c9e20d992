from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.base_64_upload_request_mime_type import (
    Base64UploadRequestMimeType,
    check_base_64_upload_request_mime_type,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="Base64UploadRequest")


@_attrs_define
class Base64UploadRequest:
    """
    Attributes:
        base64_data (str): Base64 (then give `mime_type`) or a data URL.
        mime_type (Base64UploadRequestMimeType | Unset): The MIME type of raw base64 data (the upload formats the guide
            lists).
        file_name (str | Unset):
    """

    base64_data: str
    mime_type: Base64UploadRequestMimeType | Unset = UNSET
    file_name: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        base64_data = self.base64_data

        mime_type: str | Unset = UNSET
        if not isinstance(self.mime_type, Unset):
            mime_type = self.mime_type

        file_name = self.file_name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "base64_data": base64_data,
            }
        )
        if mime_type is not UNSET:
            field_dict["mime_type"] = mime_type
        if file_name is not UNSET:
            field_dict["file_name"] = file_name

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        base64_data = d.pop("base64_data")

        _mime_type = d.pop("mime_type", UNSET)
        mime_type: Base64UploadRequestMimeType | Unset
        if isinstance(_mime_type, Unset):
            mime_type = UNSET
        else:
            mime_type = check_base_64_upload_request_mime_type(_mime_type)

        file_name = d.pop("file_name", UNSET)

        base_64_upload_request = cls(
            base64_data=base64_data,
            mime_type=mime_type,
            file_name=file_name,
        )

        return base_64_upload_request
