from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CharactersProInput")


@_attrs_define
class CharactersProInput:
    """sora-2-characters-pro, a character cut from an earlier task's video between two
    timestamps. The apidog export (the newest revision) requires character_prompt; the
    market page's own example leaves it out.

        Attributes:
            origin_task_id (str): Task id of the video the character is taken from.
            timestamps (str): "x,y" in seconds, e.g. "3.55,5.55"; y - x must be 1 to 4 s.
            character_prompt (str): At most 5000 characters (the apidog export, the newest revision; the market page copy
                says 1000).
            character_user_name (str | Unset): A globally unique handle; later prompts mention the character as @handle.
            safety_instruction (str | Unset): At most 5000 characters (the apidog export, the newest revision; the market
                page copy
                says 1000).
    """

    origin_task_id: str
    timestamps: str
    character_prompt: str
    character_user_name: str | Unset = UNSET
    safety_instruction: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        origin_task_id = self.origin_task_id

        timestamps = self.timestamps

        character_prompt = self.character_prompt

        character_user_name = self.character_user_name

        safety_instruction = self.safety_instruction

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "origin_task_id": origin_task_id,
                "timestamps": timestamps,
                "character_prompt": character_prompt,
            }
        )
        if character_user_name is not UNSET:
            field_dict["character_user_name"] = character_user_name
        if safety_instruction is not UNSET:
            field_dict["safety_instruction"] = safety_instruction

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        origin_task_id = d.pop("origin_task_id")

        timestamps = d.pop("timestamps")

        character_prompt = d.pop("character_prompt")

        character_user_name = d.pop("character_user_name", UNSET)

        safety_instruction = d.pop("safety_instruction", UNSET)

        characters_pro_input = cls(
            origin_task_id=origin_task_id,
            timestamps=timestamps,
            character_prompt=character_prompt,
            character_user_name=character_user_name,
            safety_instruction=safety_instruction,
        )

        return characters_pro_input
