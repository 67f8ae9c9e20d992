"""A job's local check and price: pure and deterministic (the request's own rules and the
price table, no I/O), so the batch workflow decides with it directly, in its own code."""

from __future__ import annotations

from .._planning import estimate
from ..batch import request_from_fields
from ..errors import SoraError
from ._types import Checked, JobInput


def check(job: JobInput) -> Checked:
    """Refused (why), or allowed with its estimated price in the vendor's unit."""
    if job.invalid is not None:
        return Checked(ok=False, error=job.invalid, code="invalid_line")
    try:
        priced = estimate(job.vendor, request_from_fields(job.fields))
    except (SoraError, TypeError, ValueError) as error:
        return Checked(
            ok=False,
            error=str(error),
            code=str(getattr(error, "code", None) or type(error).__name__),
        )
    return Checked(ok=True, cost=priced.amount, unit=priced.unit, usd=priced.usd)
