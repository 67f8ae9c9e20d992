"""`check_request`: a request against its model's entry, before any HTTP request. Each refusal
is one sentence naming the vendor, model, field, value and what is allowed (`_Checker.fail`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .._images import LocalImage, load_image
from .._shown import shown
from .._urls import is_public_host, split_http_url
from ..errors import UnsupportedFeatureError, ValidationError
from ..types import (
    SIZE_BY_ORIENTATION,
    AnyRequest,
    CharacterRequest,
    Orientation,
    VendorOptionsArg,
    VideoRequest,
    WatermarkRemovalRequest,
    option_pairs,
)
from ._schema import KIND_METHODS, MB, Kind, ModelCapabilities, Plan

__all__ = ["check_request"]

FORMAT_NAMES = {"png": "PNG", "jpeg": "JPEG", "webp": "WebP", "gif": "GIF"}


def _either(names: Iterator[str] | tuple[str, ...]) -> str:
    """ "A", "A or B", "A, B or C"."""
    listed = list(names)
    return ", ".join(listed[:-1]) + " or " + listed[-1] if len(listed) > 1 else "".join(listed)


class _Checker:
    def __init__(self, caps: ModelCapabilities) -> None:
        self.caps = caps

    def fail(
        self,
        field: str,
        value: object,
        allowed: str,
        *,
        unsupported: bool = False,
        detail: str = "",
        listing: bool = False,
        name_field: bool = True,
        shown_as: str | None = None,
    ) -> None:
        """Refuse `value` of `field`: "<vendor> <model> offers <allowed>; got <value>"
        ("does not offer" for a feature it lacks). `allowed` reads as what is offered (a
        `listing` of values is put after the field's name); the field is named before the
        value unless the sentence already names it."""
        verb = "does not offer" if unsupported else "offers"
        offered = f"{field} {allowed}" if listing else allowed
        value_text = (shown(value) if shown_as is None else shown_as) + detail
        stem = field.rstrip("s")  # "shots" is named by "1 shot" too
        named = f"{field} " if name_field and stem not in offered + value_text else ""
        self.refuse(
            field,
            value,
            f"{verb} {offered}; got {named}{value_text}",
            unsupported=unsupported,
            allowed=allowed,
        )

    def refuse(
        self,
        field: str,
        value: object,
        sentence: str,
        *,
        unsupported: bool,
        allowed: str | None = None,
    ) -> None:
        """Refuse with a sentence about the model: "<vendor> <model> <sentence>" (every
        refusal of the table is raised here)."""
        kind = UnsupportedFeatureError if unsupported else ValidationError
        raise kind(
            f"{self.caps.vendor} {self.caps.model} {sentence}",
            vendor=self.caps.vendor,
            model=self.caps.model,
            field=field,
            value=value,
            allowed=sentence if allowed is None else allowed,
        )

    def require(self, field: str, what: str) -> None:
        """Refuse a request that leaves out what the model needs."""
        named = "" if field in what else f" ({field})"
        self.refuse(
            field, None, f"requires {what}{named}; none was given", unsupported=False, allowed=what
        )

    def feature(
        self, field: str, value: object, offer: str, what: str, needed: str | None = None
    ) -> None:
        """`value` (None when not given) against an offer of "no", "optional" or "required";
        `what` names the feature, `needed` what a request must then give (default `what`)."""
        if value is not None and offer == "no":
            self.fail(field, value, what, unsupported=True)
        if value is None and offer == "required":
            self.require(field, needed or what)

    def text(self, field: str, value: str, limit: int | None, offer: str = "optional") -> None:
        if offer == "required" and not value:
            self.require(field, f"a non-empty {field}")
        if limit is not None and len(value) > limit:
            self.fail(
                field,
                value,
                f"{field}s of at most {limit:,} characters",
                # A long value is shown cut, with its length; a short one gets it here.
                detail="" if len(value) > 80 else f" ({len(value):,} characters)",
            )


def _check_image_url(check: _Checker, url: str) -> None:
    if not check.caps.remote_images:
        check.fail(
            "image_url", url, "first frames as local images only (a path or the bytes: it is sent)"
        )
    if check.caps.image_data_urls and url.startswith("data:"):
        return
    if split_http_url(url) is None:
        allowed = "absolute http(s) image URLs" + (
            " or data: URLs" if check.caps.image_data_urls else ""
        )
        check.fail("image_url", url, allowed)


def _image_shown(image: LocalImage, what: str) -> str:
    """A refused local image as a message shows it: its file and `what` is wrong with it."""
    if image.source == "bytes":
        return what if what.startswith("a ") else f"an image of {what}"
    return f"{image.source!r} ({what})"


def _image_orientation(image: LocalImage) -> Orientation | None:
    for orientation, size in SIZE_BY_ORIENTATION.items():
        width, height = map(int, size.split("x"))
        if image.width * height == image.height * width:
            return orientation
    return None


def _check_local_image(
    check: _Checker, image: LocalImage, orientation: Orientation | None
) -> Orientation | None:
    """Check a local image against the model; return the orientation the video takes: the
    request's, else the image's own (so a landscape photo never becomes a portrait video)."""
    caps = check.caps
    if image.format not in caps.image_formats:
        check.fail(
            "image",
            image.source,
            f"{_either(FORMAT_NAMES[f] for f in caps.image_formats)} images",
            shown_as=_image_shown(image, f"a {FORMAT_NAMES[image.format]} image"),
        )
    if caps.max_image_bytes is not None and len(image.data) > caps.max_image_bytes:
        check.fail(
            "image",
            image.source,
            f"images of at most {caps.max_image_bytes // MB} MB",
            shown_as=_image_shown(image, f"{len(image.data):,} bytes"),
        )
    if caps.image_shape == "any":
        if orientation is not None or image.width == image.height:
            return orientation
        return "landscape" if image.width > image.height else "portrait"
    own = _image_orientation(image)
    wanted = orientation or own
    if wanted is None:
        check.fail(
            "image",
            image.source,
            "images of exactly 16:9 or 9:16 (the video takes the image's aspect ratio)",
            shown_as=_image_shown(image, f"{image.width}x{image.height} pixels"),
        )
    assert wanted is not None
    size = SIZE_BY_ORIENTATION[wanted]
    if caps.image_shape == "exact" and f"{image.width}x{image.height}" != size:
        check.fail(
            "image",
            image.source,
            f"images of exactly {size} pixels for a {size} video",
            shown_as=_image_shown(image, f"{image.width}x{image.height} pixels"),
        )
    if caps.image_shape == "ratio" and own != wanted:
        ratio = "16:9" if wanted == "landscape" else "9:16"
        check.fail(
            "image",
            image.source,
            f"{ratio} images for a {wanted} video (its pixels must have the video's aspect ratio)",
            shown_as=_image_shown(image, f"{image.width}x{image.height} pixels"),
        )
    return wanted


def _check_callback(check: _Checker, url: str) -> None:
    caps = check.caps
    check.feature(
        "callback_url", url, "optional" if caps.callbacks else "no", "completion callbacks"
    )
    parts = split_http_url(url, caps.callback_schemes)
    if parts is None:
        schemes = caps.callback_schemes
        scheme = "http(s)" if set(schemes) == {"http", "https"} else " or ".join(schemes)
        check.fail("callback_url", url, f"absolute {scheme} callback URLs only")
        return
    if caps.callback_max_chars is not None and len(url) > caps.callback_max_chars:
        check.fail(
            "callback_url",
            url,
            f"callback URLs of at most {caps.callback_max_chars:,} characters",
            detail="" if len(url) > 80 else f" ({len(url):,} characters)",
        )
    if caps.public_callback_hosts and not is_public_host(parts.hostname or ""):
        check.fail(
            "callback_url", url, "callbacks to public hosts only (no loopback or private addresses)"
        )


def _check_shots(check: _Checker, request: VideoRequest) -> int:
    """Check the storyboard and return the video length it needs."""
    shots = request.shots or ()
    low, high = check.caps.shot_seconds
    if len(shots) > check.caps.max_shots:
        check.fail("shots", shots, f"storyboards of 1 to {check.caps.max_shots} shots")
    for index, shot in enumerate(shots):
        if not low <= shot.seconds <= high:
            check.fail(
                f"shots[{index}].seconds", shot.seconds, f"{low:g} to {high:g} seconds a shot"
            )
    total = sum(shot.seconds for shot in shots)
    fitting = [s for s in check.caps.seconds if s >= total - 1e-9]
    if not fitting:
        longest = check.caps.seconds[-1]
        check.fail("shots", total, f"shots lasting at most {longest} s in all", detail=" s")
    if request.seconds is not None and request.seconds < total - 1e-9:
        check.fail(
            "shots",
            total,
            f"shots that fit the chosen length of {request.seconds} s",
            detail=" s in all",
        )
    return fitting[0]


def _check_vendor_options(check: _Checker, options: VendorOptionsArg | None) -> None:
    offered = {option.path: option for option in check.caps.vendor_options}
    for path, value in option_pairs(options):
        option = offered.get(path)
        if option is None:
            allowed = f"the vendor options {', '.join(offered)}" if offered else "vendor options"
            check.fail(
                f"vendor_options[{path!r}]", path, allowed, unsupported=not offered,
                detail=" (in vendor_options)", name_field=False,
            )  # fmt: skip
        elif not option.accepts(value):
            check.fail(
                f"vendor_options[{path!r}]", value, f"{path} as {option.allowed}",
                detail=f" (vendor_options[{path!r}])", name_field=False,
            )  # fmt: skip


def _model_kind(check: _Checker, wanted: Kind, request: AnyRequest) -> None:
    caps = check.caps
    if not caps.described:
        check.refuse(
            "model",
            caps.model,
            "is known, but no field table is published that sora-unified could follow:"
            " choose another model",
            unsupported=True,
        )
    if caps.kind != wanted and not (wanted == "video" and caps.kind == "remix"):
        method = KIND_METHODS[caps.kind]
        check.refuse(
            "model",
            caps.model,
            f"is a {caps.kind.replace('_', ' ')} model: it takes no {type(request).__name__}"
            f" (use {method})",
            unsupported=True,
        )


def _check_video(check: _Checker, request: VideoRequest, read_images: bool) -> Plan:
    caps = check.caps
    _model_kind(check, "video", request)
    if caps.kind == "remix" and request.remix_of is None:
        check.require("remix_of", "the task to remix (use Client.remix)")
    if caps.kind != "remix" and request.remix_of is not None:
        check.fail("remix_of", request.remix_of, "remixes", unsupported=True)
    prefix = caps.source_task_prefix
    if prefix and request.remix_of is not None and not request.remix_of.startswith(prefix):
        check.fail(
            "remix_of",
            request.remix_of,
            f"remixes of {caps.vendor} videos only (their ids start {prefix})",
        )
    prompt = request.prompt
    if caps.prompt == "no" and prompt:
        check.fail("prompt", prompt, "a prompt (put the text in the shots)", unsupported=True)
    check.text("prompt", prompt, caps.max_prompt_chars, caps.prompt)

    _check_extras(check, request)
    if caps.keeps_source_shape:
        return _check_source_shape(check, request)
    return _check_shape(check, request, read_images)


def _check_extras(check: _Checker, request: VideoRequest) -> None:
    """The first frame, storyboard, watermark, callback, characters and vendor options."""
    caps = check.caps
    image_field = "image" if request.image is not None else "image_url"
    first_frame = request.image if request.image is not None else request.image_url
    check.feature(
        image_field, first_frame, caps.image_input, "first-frame images",
        "a first frame (image or image_url)",
    )  # fmt: skip
    if request.image_url is not None:
        _check_image_url(check, request.image_url)
    check.feature("shots", request.shots, caps.storyboard, "storyboards", "a storyboard (shots)")
    if request.remove_watermark and not caps.remove_watermark:
        check.fail("remove_watermark", True, "watermark removal", unsupported=True)
    if request.callback_url is not None:
        _check_callback(check, request.callback_url)
    if request.characters is not None:
        if not caps.max_characters:
            check.fail("characters", request.characters, "characters", unsupported=True)
        if len(request.characters) > caps.max_characters:
            most = caps.max_characters
            check.fail(
                "characters",
                request.characters,
                f"at most {most} character{'s' if most > 1 else ''} in a video",
            )
    _check_vendor_options(check, request.vendor_options)


def _check_shape(check: _Checker, request: VideoRequest, read_images: bool) -> Plan:
    """Length, size, quality and orientation, with the model's defaults filled in."""
    caps = check.caps
    seconds = request.seconds
    if request.shots is not None:
        needed = _check_shots(check, request)
        seconds = seconds if seconds is not None else needed
    if seconds is None:
        seconds = caps.default_seconds
    if seconds not in caps.seconds:
        check.fail("seconds", seconds, ", ".join(map(str, caps.seconds)), listing=True)

    if request.size is not None and request.size not in caps.sizes:
        check.fail("size", request.size, ", ".join(caps.sizes), listing=True)
    if request.quality is not None:
        allowed = caps.qualities_at(seconds)
        if request.quality not in allowed:
            at = f" at {seconds} s" if caps.quality_by_seconds else ""
            check.fail("quality", request.quality, ", ".join(allowed) + at, listing=True)
    orientation = request.resolved_orientation or caps.default_orientation
    image = None
    if isinstance(request.image, Path | bytes) and read_images:
        image = load_image(request.image)
        orientation = _check_local_image(check, image, request.resolved_orientation) or orientation
    return Plan(request, caps, seconds, orientation, request.quality, image)


def _check_source_shape(check: _Checker, request: VideoRequest) -> Plan:
    """A remix that keeps its source's length and size: nothing of the shape may be asked.
    Its plan has no length (0): the vendor's answer says it."""
    for field in ("seconds", "orientation", "size", "quality"):
        value = getattr(request, field)
        if value is not None:
            check.fail(
                field, value, f"a choice of {field} (a remix keeps its source video's)",
                unsupported=True,
            )  # fmt: skip
    return Plan(request, check.caps, 0, None, None)


def _check_character(check: _Checker, request: CharacterRequest) -> Plan:
    caps = check.caps
    _model_kind(check, "character", request)
    if caps.character_source == "clip":
        if request.video_url is None:
            check.require("video_url", "a 1-4 s clip of the character")
        if split_http_url(request.video_url or "") is None:
            check.fail("video_url", request.video_url, "clips at absolute http(s) URLs")
        for field in ("task", "start", "end", "name"):
            if getattr(request, field) is not None:
                check.fail(
                    field, getattr(request, field),
                    f"{field} (it makes characters from a clip, not from a task)",
                    unsupported=True,
                )  # fmt: skip
    else:
        if request.task is None:
            check.require("task", "the task the character is cut from")
        if request.video_url is not None:
            check.fail(
                "video_url", request.video_url,
                "characters from a clip (it cuts them from a task)", unsupported=True,
            )  # fmt: skip
        limit = caps.max_source_task_chars
        if limit is not None and len(request.task or "") > limit:
            check.fail("task", request.task, f"task ids of at most {limit} characters")
        if request.start is None:
            check.require("start", "the second the character starts at")
        if request.end is None:
            check.require("end", "the second the character ends at")
        low, high = caps.character_seconds
        span = (request.end or 0.0) - (request.start or 0.0)
        if not low - 1e-9 <= span <= high + 1e-9:
            check.fail(
                "end", request.end,
                f"an end {low:g} to {high:g} s after the start ({request.start:g} s)", detail=" s",
            )  # fmt: skip
        if request.name is not None:
            check.text("name", request.name, caps.max_name_chars)
    check.text("prompt", request.prompt, caps.max_character_text, caps.prompt)
    if request.safety_instruction is not None:
        check.text("safety_instruction", request.safety_instruction, caps.max_character_text)
    if request.callback_url is not None:
        _check_callback(check, request.callback_url)
    _check_vendor_options(check, request.vendor_options)
    return Plan(request, caps, 0, None, None)


def _check_watermark_removal(check: _Checker, request: WatermarkRemovalRequest) -> Plan:
    caps = check.caps
    _model_kind(check, "watermark_removal", request)
    url = request.video_url
    prefix, limit = caps.video_url_prefix or "", caps.max_video_url_chars
    if split_http_url(url) is None or not url.startswith(prefix):
        check.fail("video_url", url, f"published Sora links only ({prefix}...)")
    if limit is not None and len(url) > limit:
        check.fail(
            "video_url", url, f"video URLs of at most {limit:,} characters",
            detail="" if len(url) > 80 else f" ({len(url):,} characters)",
        )  # fmt: skip
    if request.callback_url is not None:
        _check_callback(check, request.callback_url)
    _check_vendor_options(check, request.vendor_options)
    return Plan(request, caps, 0, None, None)


def check_request(
    request: AnyRequest, caps: ModelCapabilities, *, read_images: bool = True
) -> Plan:
    """Check `request` against one model and fill in the defaults, or raise ValidationError.

    A local image is read and checked (format, size, pixels); with `read_images=False` it only
    counts as given (for re-planning a request whose image was checked when it was sent)."""
    check = _Checker(caps)
    if isinstance(request, CharacterRequest):
        return _check_character(check, request)
    if isinstance(request, WatermarkRemovalRequest):
        return _check_watermark_removal(check, request)
    return _check_video(check, request, read_images)
