"""The unified vocabulary: what a user asks for, the task a vendor created, and its video.

Names follow OpenAI's Videos API, which Python users know: status
`queued | in_progress | completed | failed`, `progress`, `seconds`, `size` ("1280x720").
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, get_args

from ._vendor_names import VENDOR_NAMES

Status = Literal["queued", "in_progress", "completed", "failed"]
Orientation = Literal["portrait", "landscape"]
Quality = Literal["standard", "high"]
Size = Literal["1280x720", "720x1280"]

STATUSES: tuple[Status, ...] = get_args(Status)
ORIENTATIONS: tuple[Orientation, ...] = get_args(Orientation)
QUALITIES: tuple[Quality, ...] = get_args(Quality)
SIZES: tuple[Size, ...] = get_args(Size)
SIZE_BY_ORIENTATION: Mapping[Orientation, Size] = {"landscape": "1280x720", "portrait": "720x1280"}
ORIENTATION_BY_SIZE: Mapping[Size, Orientation] = {s: o for o, s in SIZE_BY_ORIENTATION.items()}
TERMINAL_STATUSES: frozenset[Status] = frozenset({"completed", "failed"})
Scalar = str | int | float | bool
# Vendor options as stored (sorted pairs, hashable) and as given (a mapping is fine).
VendorOptions = tuple[tuple[str, Scalar], ...]
VendorOptionsArg = Mapping[str, Scalar] | VendorOptions
MAX_TASK_ID_CHARS = 256
_TASK_ID = re.compile(rf"[!-~]{{1,{MAX_TASK_ID_CHARS}}}")  # printable ASCII, no spaces


def _refuse(field_name: str, value: Any, allowed: str) -> ValueError:
    from ._shown import shown
    from .errors import ValidationError

    return ValidationError(
        f"{field_name} must be {allowed}; got {shown(value)}",
        vendor="any",
        model=None,
        field=field_name,
        value=value,
        allowed=allowed,
    )


@dataclass(frozen=True, slots=True)
class Shot:
    """One storyboard shot: what happens (`scene`) and for how long (`seconds`)."""

    scene: str
    seconds: float

    def __post_init__(self) -> None:
        if not isinstance(self.scene, str) or not self.scene.strip():
            raise _refuse("shots[].scene", self.scene, "a non-empty string")
        valid_number = isinstance(self.seconds, int | float) and not isinstance(self.seconds, bool)
        if not valid_number or not math.isfinite(self.seconds) or self.seconds <= 0:
            raise _refuse("shots[].seconds", self.seconds, "a positive number of seconds")


@dataclass(frozen=True, slots=True, kw_only=True)
class VideoRequest:
    """What to generate, in one vocabulary for every vendor. Immutable.

    Give `orientation` or `size`, not both (they say the same thing). Whether the chosen
    vendor and model can serve the request is checked by the client before any HTTP request;
    `sora_unified.capabilities()` lists what each offers.
    """

    prompt: str = ""
    # The first frame: a local file (Path, or a str that is not a URL) or its bytes, made into
    # what the vendor accepts before the paid submit; or a URL (also accepted as `image_url`).
    image: Path | bytes | str | None = None
    image_url: str | None = None
    seconds: int | None = None
    orientation: Orientation | None = None
    size: Size | None = None
    quality: Quality | None = None
    remove_watermark: bool | None = None
    shots: tuple[Shot, ...] | None = None
    callback_url: str | None = None
    model: str | None = None
    # Character ids (kie's character models) to cast in the video, sent as character_id_list.
    characters: tuple[str, ...] | None = None
    # The id of an earlier task whose video this one remixes (Client.remix builds these).
    remix_of: str | None = None
    # Vendor fields the unified vocabulary does not name, by their path in the vendor's body
    # ("input.upload_method"); checked against the model and the vendor's spec before sending.
    vendor_options: VendorOptionsArg | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.prompt, str):
            raise _refuse("prompt", self.prompt, "a string")
        if self.seconds is not None and (
            isinstance(self.seconds, bool) or not isinstance(self.seconds, int) or self.seconds <= 0
        ):
            raise _refuse("seconds", self.seconds, "a positive whole number of seconds")
        if self.orientation is not None and self.orientation not in ORIENTATIONS:
            raise _refuse("orientation", self.orientation, " or ".join(ORIENTATIONS))
        if self.size is not None and self.size not in SIZES:
            raise _refuse("size", self.size, " or ".join(SIZES))
        if self.orientation is not None and self.size is not None:
            raise _refuse("size", self.size, "omitted when orientation is given")
        if self.quality is not None and self.quality not in QUALITIES:
            raise _refuse("quality", self.quality, " or ".join(QUALITIES))
        if self.remove_watermark is not None and not isinstance(self.remove_watermark, bool):
            raise _refuse("remove_watermark", self.remove_watermark, "True or False")
        if self.shots is not None:
            # Accept any iterable of shots but store a tuple, so the request stays immutable.
            shots = tuple(self.shots)
            if not shots or not all(isinstance(shot, Shot) for shot in shots):
                raise _refuse("shots", self.shots, "a non-empty sequence of Shot")
            object.__setattr__(self, "shots", shots)
        _normalise_image(self)
        for name in ("image_url", "callback_url", "model", "remix_of"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value):
                raise _refuse(name, value, "a non-empty string")
        if self.characters is not None:
            characters = (self.characters,) if isinstance(self.characters, str) else self.characters
            characters = tuple(characters)
            if not characters or not all(isinstance(c, str) and c.strip() for c in characters):
                raise _refuse(
                    "characters", self.characters, "a non-empty sequence of character ids"
                )
            object.__setattr__(self, "characters", characters)
        object.__setattr__(self, "vendor_options", _options(self.vendor_options))

    def __repr__(self) -> str:
        # Only the fields that are set, and no image bytes or data: URLs (a photo would flood
        # every log line that shows a request).
        shown = []
        for name in _VIDEO_REQUEST_FIELDS:
            value = getattr(self, name)
            if value is None or (name == "prompt" and not value):
                continue
            if isinstance(value, bytes):
                text = f"<{len(value):,} bytes>"
            elif isinstance(value, str) and value.startswith("data:"):
                text = repr(f"{value.partition(',')[0]},<{len(value):,} characters>")
            else:
                text = repr(value)
            shown.append(f"{name}={text}")
        return f"VideoRequest({', '.join(shown)})"

    @property
    def has_first_frame(self) -> bool:
        """Whether a first frame is given, as a URL or a local image."""
        return self.image_url is not None or self.image is not None

    @property
    def resolved_orientation(self) -> Orientation | None:
        if self.orientation is not None:
            return self.orientation
        return ORIENTATION_BY_SIZE[self.size] if self.size is not None else None


_VIDEO_REQUEST_FIELDS = tuple(f.name for f in fields(VideoRequest))
_URL_SCHEMES = ("http", "https", "data")


def _is_url(text: str) -> bool:
    scheme, colon, _ = text.partition(":")
    # One letter before a colon is a Windows drive ("C:\\frame.png"), not a scheme.
    return bool(colon) and len(scheme) > 1 and scheme.lower() in _URL_SCHEMES


def _normalise_image(request: VideoRequest) -> None:
    """A URL given as `image` becomes `image_url`; a path string a Path; bytes stay bytes."""
    image = request.image
    if image is None:
        return
    if isinstance(image, str) and _is_url(image.strip()):
        if request.image_url is not None:
            raise _refuse("image", image, "omitted when image_url is given (they say the same)")
        object.__setattr__(request, "image_url", image.strip())
        object.__setattr__(request, "image", None)
        return
    if isinstance(image, str):
        if not image.strip():
            raise _refuse("image", image, "a path, the image's bytes or a URL")
        scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]+)://", image.strip())
        if scheme:  # a URL of another scheme is not a file name to look for
            raise _refuse("image", image, "a local path or an http(s) or data: URL")
        image = Path(image)
    elif isinstance(image, bytearray | memoryview):
        image = bytes(image)
    if not isinstance(image, Path | bytes) or (isinstance(image, bytes) and not image):
        raise _refuse("image", type(image).__name__, "a path, the image's bytes or a URL")
    if request.image_url is not None:
        raise _refuse("image", str(image)[:60], "omitted when image_url is given")
    object.__setattr__(request, "image", image)


def option_pairs(options: VendorOptionsArg | None) -> VendorOptions:
    """A request's vendor options as sorted (path, value) pairs (empty when there are none)."""
    return _options(options) or ()


def _options(value: Any) -> VendorOptions | None:
    """vendor_options as sorted (path, scalar) pairs, so a request stays immutable and hashable."""
    if value is None:
        return None
    items = value.items() if isinstance(value, Mapping) else value
    try:
        pairs = tuple(sorted((str(path), option) for path, option in items))
    except (TypeError, ValueError):
        raise _refuse("vendor_options", value, "a mapping of field paths to values") from None
    for path, option in pairs:
        if not path or any(not part for part in path.split(".")):
            raise _refuse(
                "vendor_options", path, 'dotted field paths such as "input.upload_method"'
            )
        if not isinstance(option, str | int | float | bool) or option is None:
            raise _refuse(f"vendor_options[{path!r}]", option, "a string, number or boolean")
    return pairs or None


@dataclass(frozen=True, slots=True, kw_only=True)
class CharacterRequest:
    """A character cameo to cast in later videos (kie's character models).

    From a short clip (`video_url`, 1 to 4 s, mp4/webm/avi, at most 10 MB), or cut from an
    earlier task's video (`task`, with `start` and `end` seconds, 1 to 4 s apart). `name` is
    the handle later prompts mention as @name (task form only).
    """

    video_url: str | None = None
    task: str | None = None
    start: float | None = None
    end: float | None = None
    prompt: str = ""
    name: str | None = None
    safety_instruction: str | None = None
    callback_url: str | None = None
    model: str | None = None
    vendor_options: VendorOptionsArg | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.prompt, str):
            raise _refuse("prompt", self.prompt, "a string")
        for name in ("video_url", "task", "name", "safety_instruction", "callback_url", "model"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value):
                raise _refuse(name, value, "a non-empty string")
        for name in ("start", "end"):
            value = getattr(self, name)
            valid = isinstance(value, int | float) and not isinstance(value, bool)
            if value is not None and (not valid or not math.isfinite(value) or value < 0):
                raise _refuse(name, value, "seconds >= 0")
        if (self.video_url is None) == (self.task is None):
            given = "neither" if self.video_url is None else "both"
            raise _refuse("video_url", given, "given, or else task (one of the two)")
        object.__setattr__(self, "vendor_options", _options(self.vendor_options))


@dataclass(frozen=True, slots=True, kw_only=True)
class WatermarkRemovalRequest:
    """Remove the watermark from a published Sora video (a sora.chatgpt.com link)."""

    video_url: str
    callback_url: str | None = None
    model: str | None = None
    vendor_options: VendorOptionsArg | None = None

    def __post_init__(self) -> None:
        for name in ("video_url", "callback_url", "model"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value):
                raise _refuse(name, value, "a non-empty string")
        object.__setattr__(self, "vendor_options", _options(self.vendor_options))


AnyRequest = VideoRequest | CharacterRequest | WatermarkRemovalRequest
CostSource = Literal["reported", "estimated"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Cost:
    """What a task costs, in the vendor's own unit ("kie credits", "evolink credits", "CNY").

    `source` is "reported" when the figure is the vendor's (evolink's usage.credits_reserved,
    kie's consumed credits) and "estimated" when it is the price table's (`sora_unified.prices()`);
    `basis` says which field or table row it came from. `usd` is given where the vendor
    publishes a rate or the row a dollar figure.
    """

    amount: float
    unit: str
    source: CostSource
    usd: float | None = None
    basis: str = ""

    def __str__(self) -> str:
        # As the sources write figures (115.22304, not 115.223).
        dollars = f" (${round(self.usd, 4):.10g})" if self.usd is not None else ""
        return f"{self.amount:.10g} {self.unit}{dollars}, {self.source}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "amount": self.amount,
            "unit": self.unit,
            "source": self.source,
            "usd": self.usd,
            "basis": self.basis,
        }


@dataclass(frozen=True, slots=True)
class Planned:
    """What a submitted request was planned as: its length in seconds (None for a task that
    is not a video of a chosen length), its size when known, and the price table's estimate."""

    seconds: int | None
    size: Size | None
    cost: Cost | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Task:
    """A task a vendor created. `str(task)` is `vendor:id`; `Task.parse` reads it back."""

    vendor: str
    id: str
    model: str | None = None
    request: AnyRequest | None = field(default=None, compare=False, repr=False)
    # What the vendor's create answer said it reserves or charges (evolink), if anything.
    cost: Cost | None = field(default=None, compare=False, repr=False)
    # What the request was planned as (length, size, estimated price), worked out once from
    # `request` and kept here, so a status read fills them in without checking it again.
    planned: Planned | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.vendor}:{self.id}"

    @classmethod
    def parse(cls, text: str) -> Task:
        """Read a task from `vendor:id` (as printed by str(task) or the CLI)."""
        from .errors import ConfigurationError

        vendor, separator, task_id = str(text).strip().partition(":")
        shown = repr(text) if len(str(text)) <= 80 else f"{str(text)[:60]!r}... ({len(text)} chars)"
        if not separator or not task_id or vendor not in VENDOR_NAMES:
            raise ConfigurationError(
                f"a task is written vendor:id with vendor one of {', '.join(VENDOR_NAMES)};"
                f" got {shown}"
            )
        if not _TASK_ID.fullmatch(task_id):
            raise ConfigurationError(
                f"{vendor} task ids are 1 to {MAX_TASK_ID_CHARS} printable characters without"
                f" spaces; got {shown}"
            )
        return cls(vendor=vendor, id=task_id)


@dataclass(frozen=True, slots=True, kw_only=True)
class Video:
    """A task's state in the unified vocabulary, with the vendor's payload kept in `raw`.

    `video_urls` are watermark-free when the vendor offers both; watermarked copies are in
    `watermarked_urls`. `watermark_removal` is set when the request asked for a watermark-free
    result: `url` then never falls back to a watermarked copy. `vendor_status` is the vendor's
    own state word, kept even when it is one sora_unified does not know (such a task is
    reported `in_progress`).
    """

    vendor: str
    task_id: str
    status: Status
    progress: int = 0
    video_urls: tuple[str, ...] = ()
    watermarked_urls: tuple[str, ...] = ()
    error_code: str | None = None
    error_message: str | None = None
    content_policy_violation: bool = False
    created_at: datetime | None = None
    completed_at: datetime | None = None
    seconds: float | None = None
    size: str | None = None
    model: str | None = None
    vendor_status: str | None = None
    watermark_removal: bool = False
    # A character task's result: its id, and the handle prompts mention (@name), if any.
    character_id: str | None = None
    character_name: str | None = None
    # What the task costs: the vendor's figure where it reports one, else the price table's
    # estimate for the request (None when neither is known).
    cost: Cost | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def url(self) -> str | None:
        """The best result link: watermark-free first; a watermarked copy only when the
        request did not ask for watermark removal."""
        if self.video_urls:
            return self.video_urls[0]
        if self.watermarked_urls and not self.watermark_removal:
            return self.watermarked_urls[0]
        return None

    @property
    def task(self) -> Task:
        """The task this video belongs to (to resume or report it)."""
        return Task(vendor=self.vendor, id=self.task_id, model=self.model)

    @property
    def character(self) -> Character | None:
        """The character a finished character task made, or None (any other task)."""
        if not self.character_id:
            return None
        return Character(id=self.character_id, username=self.character_name, task=self.task)

    @property
    def done(self) -> bool:
        return self.status in TERMINAL_STATUSES


@dataclass(frozen=True, slots=True, kw_only=True)
class Character:
    """A character made by a character task: cast it with VideoRequest(characters=[id])."""

    id: str
    username: str | None
    task: Task
