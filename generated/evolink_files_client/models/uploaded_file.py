from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="UploadedFile")


@_attrs_define
class UploadedFile:
    """`file_url` is the public link to give a task ("Use file_url"). Extra keys are tolerated.

    Attributes:
        file_url (str):
        file_id (str | Unset):
        download_url (str | Unset):
        file_size (int | Unset):
        mime_type (str | Unset):
        expires_at (str | Unset):
    """

    file_url: str
    file_id: str | Unset = UNSET
    download_url: str | Unset = UNSET
    file_size: int | Unset = UNSET
    mime_type: str | Unset = UNSET
    expires_at: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        file_url = self.file_url

        file_id = self.file_id

        download_url = self.download_url

        file_size = self.file_size

        mime_type = self.mime_type

        expires_at = self.expires_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "file_url": file_url,
            }
        )
        if file_id is not UNSET:
            field_dict["file_id"] = file_id
        if download_url is not UNSET:
            field_dict["download_url"] = download_url
        if file_size is not UNSET:
            field_dict["file_size"] = file_size
        if mime_type is not UNSET:
            field_dict["mime_type"] = mime_type
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        file_url = d.pop("file_url")

        file_id = d.pop("file_id", UNSET)

        download_url = d.pop("download_url", UNSET)

        file_size = d.pop("file_size", UNSET)

        mime_type = d.pop("mime_type", UNSET)

        expires_at = d.pop("expires_at", UNSET)

        uploaded_file = cls(
            file_url=file_url,
            file_id=file_id,
            download_url=download_url,
            file_size=file_size,
            mime_type=mime_type,
            expires_at=expires_at,
        )

        uploaded_file.additional_properties = d
        return uploaded_file

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
