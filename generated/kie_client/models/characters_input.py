from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CharactersInput")


@_attrs_define
class CharactersInput:
    """sora-2-characters, a character cameo from a 1-4 s clip.

    Attributes:
        character_file_url (list[str]): One video (mp4, webm or avi, at most 10 MB, 1 to 4 seconds) showing the
            character.
        character_prompt (str | Unset): At most 5000 characters (the apidog export, the newest revision; the market page
            copy
            says 1000).
        safety_instruction (str | Unset): At most 5000 characters (the apidog export, the newest revision; the market
            page copy
            says 1000).
    """

    character_file_url: list[str]
    character_prompt: str | Unset = UNSET
    safety_instruction: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        character_file_url = self.character_file_url

        character_prompt = self.character_prompt

        safety_instruction = self.safety_instruction

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "character_file_url": character_file_url,
            }
        )
        if character_prompt is not UNSET:
            field_dict["character_prompt"] = character_prompt
        if safety_instruction is not UNSET:
            field_dict["safety_instruction"] = safety_instruction

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        character_file_url = cast(list[str], d.pop("character_file_url"))

        character_prompt = d.pop("character_prompt", UNSET)

        safety_instruction = d.pop("safety_instruction", UNSET)

        characters_input = cls(
            character_file_url=character_file_url,
            character_prompt=character_prompt,
            safety_instruction=safety_instruction,
        )

        return characters_input
