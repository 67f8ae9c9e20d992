"""What each vendor and model offers, as data, and the check of a request against it.

The table mirrors the enums and limits in specs/ (a contract test keeps them in agreement).
`check_request` runs before any HTTP request and raises `ValidationError` or
`UnsupportedFeatureError` naming vendor, model, field, value and what is allowed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from ._urls import is_public_host, split_http_url
from .errors import UnsupportedFeatureError, ValidationError
from .types import QUALITIES, SIZE_BY_ORIENTATION, SIZES, Orientation, Quality, Size, VideoRequest

__all__ = ["Capabilities", "ModelCapabilities", "Plan", "capabilities", "check_request"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelCapabilities:
    """One vendor model. `image_input` and `storyboard` are "no", "optional" or "required"."""

    vendor: str
    model: str
    seconds: tuple[int, ...]
    sizes: tuple[Size, ...] = SIZES
    qualities: tuple[Quality, ...] = ("standard",)
    image_input: str = "no"
    storyboard: str = "no"
    remove_watermark: bool = False
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

    @property
    def default_seconds(self) -> int:
        return self.seconds[0]

    @property
    def features(self) -> tuple[str, ...]:
        offered = {
            "image input": self.image_input != "no",
            "storyboard": self.storyboard != "no",
            "watermark removal": self.remove_watermark,
            "callbacks": self.callbacks,
        }
        return tuple(name for name, on in offered.items() if on)


_kie = partial(
    ModelCapabilities,
    vendor="kie",
    callbacks=True,
    max_prompt_chars=10000,
    default_orientation="landscape",
)
_modelverse = partial(
    ModelCapabilities, vendor="modelverse", seconds=(4, 8, 12), default_orientation="portrait"
)
MODELS: tuple[ModelCapabilities, ...] = (
    _kie(
        model="sora-2-pro-text-to-video",
        seconds=(10, 15),
        qualities=QUALITIES,
        remove_watermark=True,
    ),
    _kie(
        model="sora-2-text-to-video",
        seconds=(10, 15),
        remove_watermark=True,
    ),
    _kie(
        model="sora-2-image-to-video",
        seconds=(10, 15),
        image_input="required",
        remove_watermark=True,
    ),
    _kie(
        model="sora-2-pro-image-to-video",
        seconds=(10, 15),
        qualities=QUALITIES,
        image_input="required",
        remove_watermark=True,
    ),
    _kie(
        model="sora-2-pro-storyboard",
        seconds=(10, 15, 25),
        image_input="required",
        storyboard="required",
        prompt="no",
        max_shots=10,
        shot_seconds=(0.1, 15.0),
    ),
    ModelCapabilities(
        vendor="evolink",
        model="sora-2-pro-preview",
        seconds=(4, 8, 12),
        qualities=QUALITIES,
        image_input="optional",
        callbacks=True,
        callback_schemes=("https",),
        public_callback_hosts=True,
        callback_max_chars=2048,
        max_prompt_chars=5000,
    ),
    _modelverse(
        model="openai/sora-2/text-to-video",
    ),
    _modelverse(
        model="openai/sora-2/image-to-video",
        image_input="required",
        prompt="optional",
        image_data_urls=True,
    ),
)


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

    def table(self) -> str:
        """A plain-text table, one row per vendor model."""
        header = ("vendor", "model", "seconds", "sizes", "qualities", "features")
        rows = [header] + [
            (
                m.vendor,
                m.model,
                ", ".join(map(str, m.seconds)),
                ", ".join(m.sizes),
                ", ".join(m.qualities),
                ", ".join(m.features) or "-",
            )
            for m in self.models
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(line.rstrip() for line in lines)

    def __str__(self) -> str:
        return self.table()


def capabilities() -> Capabilities:
    """Per vendor and model: seconds, sizes, qualities and features offered."""
    return Capabilities(MODELS)


@dataclass(frozen=True, slots=True)
class Plan:
    """A checked request with the vendor's defaults filled in; adapters map it to a body."""

    request: VideoRequest
    model: ModelCapabilities
    seconds: int
    orientation: Orientation | None
    quality: Quality | None

    @property
    def size(self) -> Size | None:
        return SIZE_BY_ORIENTATION[self.orientation] if self.orientation else None


class _Checker:
    def __init__(self, caps: ModelCapabilities) -> None:
        self.caps = caps

    def fail(self, field: str, value: object, allowed: str, *, unsupported: bool = False) -> None:
        kind = UnsupportedFeatureError if unsupported else ValidationError
        verb = "does not offer" if unsupported else "offers"
        shown = value if isinstance(value, int | float) else repr(value)
        if isinstance(value, str) and len(value) > 80:
            shown = f"{value[:60]!r}... ({len(value)} characters)"
        raise kind(
            f"{self.caps.vendor} {self.caps.model} {verb} {field} {allowed}; got {shown}",
            vendor=self.caps.vendor,
            model=self.caps.model,
            field=field,
            value=value,
            allowed=allowed,
        )

    def feature(self, field: str, given: bool, offer: str, what: str) -> None:
        if given and offer == "no":
            self.fail(field, "given", f"({what})", unsupported=True)
        if not given and offer == "required":
            self.fail(field, None, f"(it is required: {what})")


def _check_image_url(check: _Checker, url: str) -> None:
    if check.caps.image_data_urls and url.startswith("data:"):
        return
    if split_http_url(url) is None:
        allowed = "an absolute http(s) URL" + (
            " or a data: URL" if check.caps.image_data_urls else ""
        )
        check.fail("image_url", url, allowed)


def _check_callback(check: _Checker, url: str) -> None:
    caps = check.caps
    check.feature(
        "callback_url", True, "optional" if caps.callbacks else "no", "completion callbacks"
    )
    parts = split_http_url(url, caps.callback_schemes)
    if parts is None:
        schemes = " or ".join(f"{scheme}://" for scheme in caps.callback_schemes)
        check.fail("callback_url", url, f"an absolute {schemes} URL only")
        return
    if caps.callback_max_chars is not None and len(url) > caps.callback_max_chars:
        check.fail("callback_url", url, f"URLs of at most {caps.callback_max_chars} characters")
    if caps.public_callback_hosts and not is_public_host(parts.hostname or ""):
        check.fail("callback_url", url, "public hosts only (no loopback or private IP addresses)")


def _check_shots(check: _Checker, request: VideoRequest) -> int:
    """Check the storyboard and return the video length it needs."""
    shots = request.shots or ()
    low, high = check.caps.shot_seconds
    if len(shots) > check.caps.max_shots:
        check.fail("shots", f"{len(shots)} shots", f"1 to {check.caps.max_shots} shots")
    for index, shot in enumerate(shots):
        if not low <= shot.seconds <= high:
            check.fail(
                f"shots[{index}].seconds", shot.seconds, f"{low} to {high:g} seconds per shot"
            )
    total = sum(shot.seconds for shot in shots)
    fitting = [s for s in check.caps.seconds if s >= total - 1e-9]
    if not fitting:
        longest = check.caps.seconds[-1]
        check.fail("shots", f"{total:g} s in all", f"storyboards of at most {longest} s")
    if request.seconds is not None and request.seconds < total - 1e-9:
        check.fail(
            "shots", f"{total:g} s in all", f"at most the chosen length of {request.seconds} s"
        )
    return fitting[0]


def check_request(request: VideoRequest, caps: ModelCapabilities) -> Plan:
    """Check `request` against one model and fill in the defaults, or raise ValidationError."""
    check = _Checker(caps)
    prompt = request.prompt
    if caps.prompt == "no" and prompt:
        check.fail("prompt", prompt, "no prompt (put the text in the shots)", unsupported=True)
    if caps.prompt == "required" and not prompt:
        check.fail("prompt", prompt, "a non-empty prompt")
    if caps.max_prompt_chars is not None and len(prompt) > caps.max_prompt_chars:
        check.fail("prompt", prompt, f"prompts of at most {caps.max_prompt_chars} characters")

    check.feature("image_url", request.image_url is not None, caps.image_input, "first-frame image")
    if request.image_url is not None:
        _check_image_url(check, request.image_url)
    check.feature("shots", request.shots is not None, caps.storyboard, "storyboard")
    if request.remove_watermark and not caps.remove_watermark:
        check.fail("remove_watermark", True, "(watermark removal)", unsupported=True)
    if request.callback_url is not None:
        _check_callback(check, request.callback_url)

    seconds = request.seconds
    if request.shots is not None:
        needed = _check_shots(check, request)
        seconds = seconds if seconds is not None else needed
    if seconds is None:
        seconds = caps.default_seconds
    if seconds not in caps.seconds:
        check.fail("seconds", seconds, ", ".join(map(str, caps.seconds)))

    if request.size is not None and request.size not in caps.sizes:
        check.fail("size", request.size, ", ".join(caps.sizes))
    if request.quality is not None and request.quality not in caps.qualities:
        check.fail("quality", request.quality, ", ".join(caps.qualities))
    orientation = request.resolved_orientation or caps.default_orientation
    return Plan(request, caps, seconds, orientation, request.quality)
