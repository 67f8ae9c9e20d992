"""What each vendor model costs, as data beside the capability table, and the estimate of a
checked request from it.

Every row names its source and the source's date (`../shared/vendor-docs/prices.md` collects
them). Where sources disagree the higher figure is the row's, so a budget reserved at it holds
whichever is right; the lower one is named in `note`. Where nothing is published the row says
so (`amount` None): a price is never guessed. Amounts are in the vendor's unit (kie credits,
evolink credits, modelverse yuan), per video or per second of video.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from ._capabilities import MODELS, ModelCapabilities, Plan
from ._table import render
from .types import Cost, Quality, VideoRequest

__all__ = ["Estimate", "Price", "PriceTable", "estimate_plan", "prices", "unit_of", "usd_of"]

UNITS: dict[str, str] = {
    "kie": "kie credits",
    "evolink": "evolink credits",
    "modelverse": "CNY",
    "modelverse-openai": "CNY",
}
# kie.ai's pages pair every credit figure with dollars at this rate ("30 credits ($0.15)");
# evolink and modelverse publish none.
USD_PER_UNIT: dict[str, float] = {"kie": 0.005}

KIE_PAGE = "kie.ai market pages, captured 2025-11-26"
KIE_MAP = "kie.ai consumeCreditsMap, third-party copy, 2026-02-06"
KIE_FIXTURE = "kie.ai pricing rows in third-party fixtures, undated"
KIE_REPORT = "third-party kie integration notes, ~2025-10-26"
FAIRSTACK = "fairstack.ai sora-2-characters page (a kie reseller), undated"
EVO_SORA2 = "evolink.ai/sora-2 page, undated"
EVO_SORA2PRO = "evolink.ai/sora-2-pro page, undated"
MV_PRICE = "modelverse price.md, 2025-10-20 (unchanged to 2026-04-15)"
NONE_PUBLISHED = "no stored source publishes it"


@dataclass(frozen=True, slots=True, kw_only=True)
class Price:
    """One row of the price table. `seconds`, `quality` and `remove_watermark` narrow the row
    (None: any); `amount` None means no price is published."""

    vendor: str
    model: str
    amount: float | None
    source: str
    seconds: int | None = None
    quality: Quality | None = None
    remove_watermark: bool | None = None
    per: Literal["video", "second"] = "video"
    usd: float | None = None  # the source's dollar figure (per `per`), where it gives one
    note: str = ""

    @property
    def unit(self) -> str:
        return UNITS[self.vendor]

    @property
    def known(self) -> bool:
        return self.amount is not None

    def matches(self, seconds: int, quality: Quality | None, remove_watermark: bool | None) -> bool:
        return (
            self.seconds in (None, seconds)
            and self.quality in (None, quality)
            and self.remove_watermark in (None, remove_watermark)
        )

    def for_video(self, seconds: int) -> tuple[float | None, float | None]:
        """(amount, usd) for one video of `seconds` (a per-second row times the length)."""
        if self.amount is None:
            return None, None
        factor = seconds if self.per == "second" else 1
        usd = self.usd if self.usd is not None else usd_of(self.vendor, self.amount)
        return self.amount * factor, None if usd is None else usd * factor

    def describe(self) -> str:
        """The row's conditions as text: "10 s, high, watermark removed"."""
        parts = [f"{self.seconds} s" if self.seconds else "any length"]
        if self.quality:
            parts.append(self.quality)
        if self.remove_watermark is not None:
            parts.append("watermark removed" if self.remove_watermark else "watermark kept")
        return ", ".join(parts)


def number(value: float) -> str:
    """A figure as the source wrote it (115.22304, not 115.223; 30, not 30.0)."""
    return f"{value:.10g}"


def usd_of(vendor: str, amount: float) -> float | None:
    """`amount` of the vendor's unit in dollars, where the vendor publishes a rate."""
    rate = USD_PER_UNIT.get(vendor)
    return None if rate is None else round(amount * rate, 6)


def _row(vendor: str) -> Callable[..., Price]:
    def row(
        model: str,
        seconds: int | None,
        amount: float | None,
        source: str,
        *,
        quality: Quality | None = None,
        remove_watermark: bool | None = None,
        usd: float | None = None,
        note: str = "",
    ) -> Price:
        return Price(
            vendor=vendor,
            model=model,
            seconds=seconds,
            amount=amount,
            source=source,
            quality=quality,
            remove_watermark=remove_watermark,
            usd=usd,
            note=note,
        )

    return row


_kie = _row("kie")
_evolink = _row("evolink")
_PRO_CONFLICT = "75/135/165/315 in " + KIE_FIXTURE + "; the higher figures are used"
_KIE_PRO = tuple(
    _kie(model, seconds, amount, KIE_PAGE, quality=quality, note=_PRO_CONFLICT)
    for model in ("sora-2-pro-text-to-video", "sora-2-pro-image-to-video")
    for seconds, quality, amount in (
        (10, "standard", 150.0),
        (15, "standard", 270.0),
        (10, "high", 330.0),
        (15, "high", 630.0),
    )
)
_WATERMARK_KEYS = (
    "kie.ai's map also lists 20 (10 s) / 25 (15 s) credits 'with watermark', but not which"
    " remove_watermark value selects them: the higher figure is used"
)
PRICES: tuple[Price, ...] = (
    _kie("sora-2-text-to-video", 10, 30.0, KIE_PAGE, note=_WATERMARK_KEYS),
    _kie(
        "sora-2-text-to-video",
        15,
        45.0,
        KIE_REPORT,
        note="35 credits in " + KIE_MAP + "; the higher figure is used",
    ),
    _kie("sora-2-image-to-video", 10, 30.0, KIE_PAGE, note=_WATERMARK_KEYS),
    _kie(
        "sora-2-image-to-video",
        15,
        35.0,
        KIE_FIXTURE,
        note="the same 35 in " + KIE_MAP + "; no kie page gives it",
    ),
    *_KIE_PRO,
    *(
        _kie(
            "sora-2-pro-storyboard",
            seconds,
            amount,
            KIE_MAP,
            note="75/135/135 in " + KIE_FIXTURE + "; 25 s costs what 15 s does in both",
        )
        for seconds, amount in ((10, 150.0), (15, 270.0), (25, 270.0))
    ),
    _kie("sora-2-text-to-video-stable", 10, 35.0, KIE_MAP, note="the same 35 in " + KIE_FIXTURE),
    _kie("sora-2-text-to-video-stable", 15, 40.0, KIE_MAP),
    _kie(
        "sora-2-image-to-video-stable",
        None,
        None,
        NONE_PUBLISHED,
        note="one third-party parser maps it to 20/25-credit keys; kie publishes no mapping",
    ),
    _kie(
        "sora-2-characters",
        None,
        40.0,
        FAIRSTACK,
        usd=0.20,
        note="'$0.20 per generation' at $0.005 a credit; 0 credits in " + KIE_MAP,
    ),
    _kie(
        "sora-2-characters-pro",
        None,
        80.0,
        FAIRSTACK,
        usd=0.40,
        note="'Pro variant at $0.40' at $0.005 a credit; 0 credits in " + KIE_MAP,
    ),
    _kie("sora-watermark-remover", None, 10.0, KIE_PAGE, note="the same 10 in " + KIE_MAP),
    *(
        _evolink(
            "sora-2-pro-preview",
            seconds,
            amount,
            EVO_SORA2PRO,
            quality=quality,
            usd=usd,
            note="1080p (high) is 1.667 times 720p (standard)",
        )
        for seconds, quality, amount, usd in (
            (4, "standard", 69.12, 1.016),
            (4, "high", 115.22304, 1.694),
            (8, "standard", 138.24, 2.033),
            (8, "high", 230.44608, 3.389),
            (12, "standard", 207.36, 3.049),
            (12, "high", 345.66912, 5.083),
        )
    ),
    *(
        _evolink(
            "sora-2-preview",
            seconds,
            amount,
            EVO_SORA2,
            usd=usd,
            note=note,
        )
        for seconds, amount, usd, note in (
            (4, 23.04, 0.339, "another copy says $0.32; its widget 10 credits"),
            (8, 46.08, 0.678, "another copy says $0.64"),
            (12, 69.12, 1.016, "another copy says $0.96"),
        )
    ),
    _evolink(
        "sora-2",
        None,
        None,
        NONE_PUBLISHED,
        note="removing the watermark (the default) is 'higher pricing'",
    ),
    _evolink(
        "sora-2-pro",
        15,
        46.0,
        EVO_SORA2PRO + " (its estimate widget)",
        quality="high",
        remove_watermark=True,
    ),
    _evolink("sora-2-pro", 15, None, NONE_PUBLISHED, quality="high", remove_watermark=False),
    _evolink("sora-2-pro", 25, None, NONE_PUBLISHED, quality="standard"),
    _evolink(
        "sora-2-pro-remix",
        None,
        None,
        NONE_PUBLISHED,
        note="'Billing is based on the duration value'",
    ),
    _evolink("sora-2-beta-max", 10, 5.76, EVO_SORA2, usd=0.08),
    _evolink("sora-2-beta-max", 15, 8.64, EVO_SORA2, usd=0.12),
    *(
        Price(
            vendor="modelverse",
            model=model,
            amount=0.71,
            per="second",
            source=MV_PRICE,
            note="yuan per second at 720p; whether the requested or delivered seconds are"
            " billed is not published",
        )
        for model in ("openai/sora-2/text-to-video", "openai/sora-2/image-to-video")
    ),
    Price(vendor="modelverse-openai", model="sora-2", amount=None, source=NONE_PUBLISHED),
    Price(vendor="modelverse-openai", model="sora-2-remix", amount=None, source=NONE_PUBLISHED),
)


@dataclass(frozen=True, slots=True)
class PriceTable:
    """The price table: iterate it, find a request's row, or print `table()`."""

    rows: tuple[Price, ...]

    def __iter__(self) -> Iterator[Price]:
        return iter(self.rows)

    def find(
        self,
        vendor: str,
        model: str,
        seconds: int,
        quality: Quality | None = None,
        remove_watermark: bool | None = None,
    ) -> Price:
        """The row for one video; a row saying "not published" when none matches."""
        for row in self.rows:
            same_model = row.vendor == vendor and row.model == model
            if same_model and row.matches(seconds, quality, remove_watermark):
                return row
        return Price(
            vendor=vendor,
            model=model,
            amount=None,
            source=NONE_PUBLISHED,
            seconds=seconds or None,
            quality=quality,
            remove_watermark=remove_watermark,
        )

    def table(self, width: int | None = None) -> str:
        """A plain-text table, one row per price, its conflicts and caveats beneath it, in
        `width` columns (None: unlimited)."""
        header = ("vendor", "model", "for", "price", "usd", "source")
        rows = [header]
        notes: list[str | None] = [None]
        for row in self.rows:
            per = " per second" if row.per == "second" else ""
            price = f"{number(row.amount)} {row.unit}{per}" if row.amount is not None else "unknown"
            dollars = row.for_video(1)[1] if row.known else None
            usd = "-" if dollars is None else f"${number(dollars)}{per}"
            rows.append((row.vendor, row.model, row.describe(), price, usd, row.source))
            notes.append(row.note or None)
        return render(rows, width, notes)

    def __str__(self) -> str:
        return self.table()


_TABLE = PriceTable(PRICES)


def prices() -> PriceTable:
    """Per vendor, model, length, quality and watermark choice: the price, its unit and
    source. Rows without a published price say so."""
    return _TABLE


def unit_of(vendor: str) -> str:
    return UNITS[vendor]


@dataclass(frozen=True, slots=True)
class Estimate:
    """What a checked request would cost: the model, length, quality and watermark choice it
    would be sent with (the vendor's defaults filled in), the table's row, and `notices` where
    any of those differs from what the request said or left open."""

    vendor: str
    model: str
    seconds: int
    quality: Quality | None
    remove_watermark: bool | None
    price: Price
    notices: tuple[str, ...] = ()

    @property
    def amount(self) -> float | None:
        return self.price.for_video(self.seconds)[0]

    @property
    def usd(self) -> float | None:
        return self.price.for_video(self.seconds)[1]

    @property
    def unit(self) -> str:
        return self.price.unit

    @property
    def known(self) -> bool:
        return self.price.known

    def cost(self) -> Cost | None:
        """The estimate as a `Cost` (None when no price is published)."""
        amount = self.amount
        if amount is None:
            return None
        return Cost(
            amount=amount, unit=self.unit, source="estimated", usd=self.usd, basis=self.basis
        )

    @property
    def basis(self) -> str:
        return f"price table: {self.price.source}"

    @property
    def shape(self) -> str:
        """The model and what decides its price: "sora-2-pro-text-to-video, 10 s, high"."""
        parts = [self.model]
        if self.seconds:
            parts.append(f"{self.seconds} s")
        if self.quality:
            parts.append(self.quality)
        if self.remove_watermark is not None:
            parts.append("watermark removed" if self.remove_watermark else "watermark kept")
        return ", ".join(parts)

    @property
    def price_text(self) -> str:
        if self.amount is None:
            return f"price unknown ({self.price.source})"
        usd = f" (${number(round(self.usd, 4))})" if self.usd is not None else ""
        return f"{number(self.amount)} {self.unit}{usd}"

    def __str__(self) -> str:
        return f"{self.vendor} {self.shape}: {self.price_text}"


def priced_quality(
    caps: ModelCapabilities, seconds: int, quality: Quality | None
) -> Quality | None:
    """The quality a video is priced at: the one asked for, else the only one its length
    allows, the vendor's default, or (undocumented) the dearer."""
    return _quality(caps, seconds, quality, [])


def _quality(
    caps: ModelCapabilities, seconds: int, quality: Quality | None, notices: list[str]
) -> Quality | None:
    if quality is not None:
        return quality
    allowed = caps.qualities_at(seconds)
    if len(allowed) == 1:
        return allowed[0] if len(caps.qualities) > 1 else None
    if caps.default_quality is not None:
        notices.append(
            f"quality not given: {caps.vendor} {caps.model} makes {caps.default_quality} by default"
        )
        return caps.default_quality
    dearest: Quality = "high" if "high" in allowed else allowed[-1]
    notices.append(
        f"quality not given and {caps.vendor} documents no default for {caps.model}:"
        f" priced as {dearest}, the dearer"
    )
    return dearest


def estimate_plan(plan: Plan) -> Estimate:
    """The estimate of a checked plan (see `Estimate`)."""
    caps = plan.model
    request = plan.request
    notices: list[str] = []
    if request.model is None:
        notices.append(f"model not given: {caps.vendor} uses {caps.model} for this request")
    quality: Quality | None = None
    watermark: bool | None = None
    if isinstance(request, VideoRequest) and caps.kind in ("video", "remix"):
        if caps.keeps_source_shape:
            notices.append("the remix keeps the source video's length, which sets its price")
        elif request.seconds is None:
            notices.append(f"length not given: {plan.seconds} s")
        elif request.seconds != plan.seconds:
            notices.append(f"{request.seconds} s asked for; {plan.seconds} s will be made")
        if request.remix_of is not None and not caps.keeps_source_shape:
            notices.append(
                f"the remix is {plan.seconds} s ({caps.model} makes"
                f" {' or '.join(map(str, caps.seconds))} s), whatever the source's length"
            )
        quality = _quality(caps, plan.seconds, plan.quality, notices)
        if caps.remove_watermark:
            watermark = request.remove_watermark
            if watermark is None and caps.default_remove_watermark is not None:
                watermark = caps.default_remove_watermark
                if watermark:
                    notices.append(
                        f"remove_watermark not given: {caps.vendor} {caps.model} removes the"
                        " watermark by default, at a higher price"
                    )
    price = _TABLE.find(caps.vendor, caps.model, plan.seconds, quality, watermark)
    return Estimate(
        caps.vendor, caps.model, plan.seconds, quality, watermark, price, tuple(notices)
    )


def models_without_rows() -> list[str]:
    """Capability models the table has no row for (a test keeps this empty)."""
    priced = {(row.vendor, row.model) for row in PRICES}
    return [f"{m.vendor} {m.model}" for m in MODELS if (m.vendor, m.model) not in priced]
