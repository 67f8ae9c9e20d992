from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="UrlUploadRequest")


@_attrs_define
class UrlUploadRequest:
    """
    Attributes:
        file_url (str): A public HTTPS URL.
    """

    file_url: str

    def to_dict(self) -> dict[str, Any]:
        file_url = self.file_url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "file_url": file_url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        file_url = d.pop("file_url")

        url_upload_request = cls(
            file_url=file_url,
        )

        return url_upload_request
