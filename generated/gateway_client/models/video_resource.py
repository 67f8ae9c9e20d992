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
from attrs import field as _attrs_field

from ..models.video_resource_status import (
    VideoResourceStatus,
    check_video_resource_status,
)

if TYPE_CHECKING:
    from ..models.video_error import VideoError


T = TypeVar("T", bound="VideoResource")


@_attrs_define
class VideoResource:
    """
    Attributes:
        id (str):
        object_ (Literal['video']):
        model (str):
        status (VideoResourceStatus):
        progress (int):
        created_at (int):
        completed_at (int | None):
        expires_at (int | None):
        prompt (None | str):
        remixed_from_video_id (None | str):
        seconds (str):
        size (str):
        error (None | VideoError):
    """

    id: str
    object_: Literal["video"]
    model: str
    status: VideoResourceStatus
    progress: int
    created_at: int
    completed_at: int | None
    expires_at: int | None
    prompt: None | str
    remixed_from_video_id: None | str
    seconds: str
    size: str
    error: None | VideoError
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.video_error import VideoError

        id = self.id

        object_ = self.object_

        model = self.model

        status: str = self.status

        progress = self.progress

        created_at = self.created_at

        completed_at: int | None
        completed_at = self.completed_at

        expires_at: int | None
        expires_at = self.expires_at

        prompt: None | str
        prompt = self.prompt

        remixed_from_video_id: None | str
        remixed_from_video_id = self.remixed_from_video_id

        seconds = self.seconds

        size = self.size

        error: dict[str, Any] | None
        if isinstance(self.error, VideoError):
            error = self.error.to_dict()
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "object": object_,
                "model": model,
                "status": status,
                "progress": progress,
                "created_at": created_at,
                "completed_at": completed_at,
                "expires_at": expires_at,
                "prompt": prompt,
                "remixed_from_video_id": remixed_from_video_id,
                "seconds": seconds,
                "size": size,
                "error": error,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.video_error import VideoError

        d = dict(src_dict)
        id = d.pop("id")

        object_ = cast(Literal["video"], d.pop("object"))
        if object_ != "video":
            raise ValueError(f"object must match const 'video', got '{object_}'")

        model = d.pop("model")

        status = check_video_resource_status(d.pop("status"))

        progress = d.pop("progress")

        created_at = d.pop("created_at")

        def _parse_completed_at(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        completed_at = _parse_completed_at(d.pop("completed_at"))

        def _parse_expires_at(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))

        def _parse_prompt(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        prompt = _parse_prompt(d.pop("prompt"))

        def _parse_remixed_from_video_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        remixed_from_video_id = _parse_remixed_from_video_id(
            d.pop("remixed_from_video_id")
        )

        seconds = d.pop("seconds")

        size = d.pop("size")

        def _parse_error(data: object) -> None | VideoError:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_1 = VideoError.from_dict(data)

                return error_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | VideoError, data)

        error = _parse_error(d.pop("error"))

        video_resource = cls(
            id=id,
            object_=object_,
            model=model,
            status=status,
            progress=progress,
            created_at=created_at,
            completed_at=completed_at,
            expires_at=expires_at,
            prompt=prompt,
            remixed_from_video_id=remixed_from_video_id,
            seconds=seconds,
            size=size,
            error=error,
        )

        video_resource.additional_properties = d
        return video_resource

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
