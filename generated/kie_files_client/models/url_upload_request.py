from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="UrlUploadRequest")


@_attrs_define
class UrlUploadRequest:
    """
    Attributes:
        file_url (str): A publicly downloadable file.
        upload_path (str): Folder to store the file in, "without leading or trailing slashes".
        file_name (str | Unset): Name to store the file under; random when left out; the same name overwrites.
    """

    file_url: str
    upload_path: str
    file_name: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        file_url = self.file_url

        upload_path = self.upload_path

        file_name = self.file_name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "fileUrl": file_url,
                "uploadPath": upload_path,
            }
        )
        if file_name is not UNSET:
            field_dict["fileName"] = file_name

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        file_url = d.pop("fileUrl")

        upload_path = d.pop("uploadPath")

        file_name = d.pop("fileName", UNSET)

        url_upload_request = cls(
            file_url=file_url,
            upload_path=upload_path,
            file_name=file_name,
        )

        return url_upload_request
