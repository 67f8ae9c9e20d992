"""The shape of the capability table: what a model offers (`ModelCapabilities`), the table
(`Capabilities`) and a checked request (`Plan`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from .._images import ImageFormat, LocalImage
from .._table import render
from .._urls import split_http_url
from ..types import (
    SIZE_BY_ORIENTATION,
    SIZES,
    AnyRequest,
    Orientation,
    Quality,
    Size,
)

__all__ = [
    "KIND_METHODS",
    "MB",
    "PROGRESS_CALLBACK",
    "UPLOAD_METHOD",
    "Capabilities",
    "Kind",
    "ModelCapabilities",
    "Plan",
    "VendorOption",
]

Kind = Literal["video", "remix", "character", "watermark_removal"]
MB = 1024 * 1024
KIND_METHODS: dict[str, str] = {
    "video": "submit / generate",
    "remix": "remix",
    "character": "create_character",
    "watermark_removal": "remove_watermark",
}


@dataclass(frozen=True, slots=True)
class VendorOption:
    """A vendor field the unified vocabulary does not name, reachable through
    `vendor_options` at `path` in the vendor's body: one of `values`, or (values empty) an
    absolute http(s) URL."""

    path: str
    values: tuple[str, ...] = ()

    @property
    def allowed(self) -> str:
        return " or ".join(map(repr, self.values)) if self.values else "an absolute http(s) URL"

    def accepts(self, value: object) -> bool:
        if self.values:
            return value in self.values
        return isinstance(value, str) and split_http_url(value) is not None


UPLOAD_METHOD = VendorOption("input.upload_method", ("s3", "oss"))
PROGRESS_CALLBACK = VendorOption("progressCallBackUrl")


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelCapabilities:
    """One vendor model. `image_input` and `storyboard` are "no", "optional" or "required"."""

    vendor: str
    model: str
    kind: Kind = "video"
    described: bool = True
    seconds: tuple[int, ...] = ()
    sizes: tuple[Size, ...] = SIZES
    qualities: tuple[Quality, ...] = ("standard",)
    # The vendor's documented quality when none is asked for (None: undocumented, or one only).
    default_quality: Quality | None = None
    # Cross-field rule: the qualities allowed at each length (evolink sora-2-pro).
    quality_by_seconds: tuple[tuple[int, tuple[Quality, ...]], ...] = ()
    image_input: str = "no"
    storyboard: str = "no"
    remove_watermark: bool = False
    # What the vendor does when remove_watermark is not given (None: undocumented).
    default_remove_watermark: bool | None = None
    callbacks: bool = False
    prompt: str = "required"
    max_prompt_chars: int | None = None
    image_data_urls: bool = False
    # The vendor's documented default when no orientation or size is given (None: undocumented).
    default_orientation: Orientation | None = None
    # Storyboards: how many shots, and how long each may be (seconds, inclusive).
    max_shots: int = 0
    shot_seconds: tuple[float, float] = (0.1, 15.0)
    # Callbacks: URL schemes, whether private hosts are refused, and the longest URL.
    callback_schemes: tuple[str, ...] = ("http", "https")
    public_callback_hosts: bool = False
    callback_max_chars: int | None = None
    # Characters a video may cast (character_id_list), 0 when the model takes none.
    max_characters: int = 0
    # Remix: the models whose tasks this model can remix.
    remix_sources: tuple[str, ...] = ()
    # Character models: made from a clip or from a task; the span a character may last; the
    # longest prompt/safety text, handle and source task id.
    character_source: Literal["clip", "task"] | None = None
    character_seconds: tuple[float, float] = (1.0, 4.0)
    max_character_text: int | None = None
    max_name_chars: int | None = None
    max_source_task_chars: int | None = None
    # Watermark removal: where the video must be published, and the longest URL.
    video_url_prefix: str | None = None
    max_video_url_chars: int | None = None
    # Local first-frame images: the formats and size the vendor takes, whether the image's
    # pixels must fit the video ("ratio": the same aspect ratio, "exact": the same size), and
    # whether an image may be given by URL at all.
    image_formats: tuple[ImageFormat, ...] = ("png", "jpeg", "webp")
    max_image_bytes: int | None = 10 * MB
    image_shape: Literal["any", "ratio", "exact"] = "any"
    remote_images: bool = True
    # Vendor fields reachable through `vendor_options` (paths in the body).
    vendor_options: tuple[VendorOption, ...] = ()
    # Remix: how the ids of tasks this model can remix begin.
    source_task_prefix: str | None = None
    # Remix: the new video keeps the source's length and size (nothing to choose).
    keeps_source_shape: bool = False

    @property
    def default_seconds(self) -> int:
        return self.seconds[0] if self.seconds else 0

    def qualities_at(self, seconds: int) -> tuple[Quality, ...]:
        for length, allowed in self.quality_by_seconds:
            if length == seconds:
                return allowed
        return self.qualities

    @property
    def features(self) -> tuple[str, ...]:
        offered = {
            "image input": self.image_input != "no",
            "storyboard": self.storyboard != "no",
            "watermark removal": self.remove_watermark,
            "callbacks": self.callbacks,
            "characters": self.max_characters > 0,
        }
        return tuple(name for name, on in offered.items() if on)

    @property
    def limits(self) -> tuple[str, ...]:
        found = []
        if self.max_prompt_chars:
            found.append(f"prompt <= {self.max_prompt_chars}")
        if self.max_shots:
            low, high = self.shot_seconds
            found.append(f"{self.max_shots} shots of {low:g}-{high:g} s, summing <= length")
        for length, allowed in self.quality_by_seconds:
            found.append(f"{length} s: {'/'.join(allowed)} only")
        if self.image_input != "no":
            formats = "/".join(self.image_formats)
            size = f" <= {self.max_image_bytes // MB} MB" if self.max_image_bytes else ""
            shape = {"any": "", "ratio": ", its aspect ratio", "exact": ", its exact size"}
            remote = "" if self.remote_images else ", local files only"
            found.append(f"image {formats}{size}{shape[self.image_shape]}{remote}")
        if self.max_characters:
            found.append(f"characters <= {self.max_characters}")
        if self.remix_sources:
            found.append(f"remixes {', '.join(self.remix_sources)}")
        if self.character_source:
            low, high = self.character_seconds
            found.append(f"from a {self.character_source}, {low:g}-{high:g} s")
        if self.max_name_chars:
            found.append(f"handle <= {self.max_name_chars}")
        if self.video_url_prefix:
            found.append(f"{self.video_url_prefix}... <= {self.max_video_url_chars}")
        if self.callback_max_chars:
            found.append(
                f"callback <= {self.callback_max_chars}, {'/'.join(self.callback_schemes)}"
            )
        if self.public_callback_hosts:
            found.append("public callback hosts")
        if self.vendor_options:
            found.append(f"vendor_options {', '.join(o.path for o in self.vendor_options)}")
        if not self.described:
            found.append("known, not described: refused")
        return tuple(found)


@dataclass(frozen=True, slots=True)
class Capabilities:
    """The capability table: iterate it, look a model up, or print `table()`."""

    models: tuple[ModelCapabilities, ...]

    def __iter__(self) -> Iterator[ModelCapabilities]:
        return iter(self.models)

    def vendor(self, vendor: str) -> tuple[ModelCapabilities, ...]:
        return tuple(m for m in self.models if m.vendor == vendor)

    def model(self, vendor: str, model: str) -> ModelCapabilities:
        for entry in self.models:
            if entry.vendor == vendor and entry.model == model:
                return entry
        raise KeyError(f"{vendor} has no model {model!r}")

    def table(self, width: int | None = None) -> str:
        """A plain-text table, one row per vendor model, in `width` columns (None: unlimited)."""
        header = ("vendor", "model", "kind", "seconds", "sizes", "qualities", "features", "limits")
        rows = [header] + [
            (
                m.vendor,
                m.model,
                m.kind,
                ", ".join(map(str, m.seconds)) or "-",
                ", ".join(m.sizes) if m.kind in ("video", "remix") else "-",
                ", ".join(m.qualities) if m.kind in ("video", "remix") else "-",
                ", ".join(m.features) or "-",
                "; ".join(m.limits) or "-",
            )
            for m in self.models
        ]
        return render(rows, width)

    def __str__(self) -> str:
        return self.table()


@dataclass(frozen=True, slots=True)
class Plan:
    """A checked request with the vendor's defaults filled in; adapters map it to a body."""

    request: AnyRequest
    model: ModelCapabilities
    seconds: int
    orientation: Orientation | None
    quality: Quality | None
    image: LocalImage | None = None  # a local first frame, read and checked

    @property
    def size(self) -> Size | None:
        return SIZE_BY_ORIENTATION[self.orientation] if self.orientation else None
