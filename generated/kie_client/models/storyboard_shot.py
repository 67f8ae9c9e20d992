from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="StoryboardShot")


@_attrs_define
class StoryboardShot:
    """
    Attributes:
        scene (str): What happens in this shot. The key is capitalised.
        duration (float): Length of this shot in seconds.
    """

    scene: str
    duration: float

    def to_dict(self) -> dict[str, Any]:
        scene = self.scene

        duration = self.duration

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "Scene": scene,
                "duration": duration,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        scene = d.pop("Scene")

        duration = d.pop("duration")

        storyboard_shot = cls(
            scene=scene,
            duration=duration,
        )

        return storyboard_shot
