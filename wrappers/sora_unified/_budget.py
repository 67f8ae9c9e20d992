"""A spending limit that holds: each request's price is reserved before it is sent, and settled
with the vendor's own figure once known.

    budget = Budget(90, vendor="kie")
    client = Client("kie", budget=budget)   # every submit reserves, refusals release
    client.submit(request)                  # BudgetExceededError once 90 credits are committed

The same arithmetic (`fits`) decides the batch's `--max-cost`, where the reservations live in
the job store instead, so they count across `--resume` and across workers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Literal

from ._capabilities import Plan
from ._prices import Estimate, estimate_plan, number, unit_of
from .errors import (
    BudgetExceededError,
    ConfigurationError,
    PriceUnknownError,
    SoraError,
    SubmissionUncertainError,
)
from .types import Cost, Task, Video

__all__ = ["Budget", "Charges", "Reservation", "SubmitHold", "fits"]

# Prices such as 115.22304 do not add up exactly in binary: a sum that matches the limit to
# this many units is within it.
TOLERANCE = 1e-9


def fits(committed: float, amount: float, limit: float) -> bool:
    """Whether `amount` more keeps `committed` within `limit`."""
    return committed + amount <= limit + TOLERANCE


class Budget:
    """A spending limit for one vendor account, in its unit (kie credits, evolink credits,
    CNY), kept in memory and safe across threads.

    `reserve(estimate)` commits a request's estimated price before it is sent (or raises
    BudgetExceededError, or PriceUnknownError where no price is published and
    `assumed_prices` names none for the model); the `Reservation` is then settled with the
    vendor's reported figure, or released when nothing was charged. `committed` never passes
    `limit` by more than what the charges differ from their estimates."""

    def __init__(
        self,
        limit: float,
        *,
        vendor: str,
        assumed_prices: Mapping[str, float] | None = None,
        spent: float = 0.0,
    ) -> None:
        try:
            self.unit = unit_of(vendor)
        except KeyError:
            raise ConfigurationError(f"Budget: unknown vendor {vendor!r}") from None
        for name, value in (("limit", limit), ("spent", spent)):
            if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
                raise ConfigurationError(f"Budget: {name} must be a number >= 0; got {value!r}")
        self.vendor = vendor
        self.limit = float(limit)
        self.assumed_prices = dict(assumed_prices or {})
        self._committed = float(spent)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"Budget({number(self.limit)} {self.unit}, committed={number(self.committed)},"
            f" vendor={self.vendor!r})"
        )

    @property
    def committed(self) -> float:
        """Reserved and charged so far."""
        with self._lock:
            return self._committed

    @property
    def remaining(self) -> float:
        return max(0.0, self.limit - self.committed)

    def price_of(self, estimate: Estimate) -> float:
        """The amount a request reserves: its estimate, else the assumed price of its model."""
        if estimate.vendor != self.vendor:
            raise ConfigurationError(
                f"this budget is for {self.vendor} ({self.unit}); the request goes to"
                f" {estimate.vendor}"
            )
        if estimate.amount is not None:
            return estimate.amount
        assumed = self.assumed_prices.get(estimate.model)
        if assumed is not None:
            return float(assumed)
        raise PriceUnknownError(
            f"{estimate.vendor} {estimate.shape}: no published price, so a budget cannot hold"
            f" it; name a model with a price (sora_unified.prices()) or give the budget"
            f" assumed_prices={{{estimate.model!r}: AMOUNT}} in {self.unit}"
        )

    def reserve(self, estimate: Estimate) -> Reservation:
        """Commit the request's price now, or raise BudgetExceededError (nothing committed)."""
        amount = self.price_of(estimate)
        with self._lock:
            if not fits(self._committed, amount, self.limit):
                raise BudgetExceededError(
                    f"{estimate.vendor} {estimate.shape} costs {number(amount)} {self.unit};"
                    f" {number(self._committed)} of the budget's {number(self.limit)} are"
                    " committed: not sent"
                )
            self._committed += amount
        return Reservation(self, amount)

    def _change(self, by: float) -> None:
        with self._lock:
            self._committed += by


ReservationState = Literal["reserved", "settled", "released"]


class Reservation:
    """One request's share of a Budget: `reserved` until the vendor's figure settles it, or
    `released` when nothing was charged (the vendor refused the request)."""

    def __init__(self, budget: Budget, amount: float) -> None:
        self.budget = budget
        self.amount = amount
        self.state: ReservationState = "reserved"

    def __repr__(self) -> str:
        return f"Reservation({number(self.amount)} {self.budget.unit}, {self.state})"

    def settle(self, charged: float | Cost) -> None:
        """Replace the estimate with what the vendor charged (a reported Cost or an amount)."""
        amount = charged.amount if isinstance(charged, Cost) else float(charged)
        if self.state == "released":
            return
        self.budget._change(amount - self.amount)
        self.amount, self.state = amount, "settled"

    def release(self) -> None:
        """Nothing was charged: give the amount back."""
        if self.state != "reserved":
            return
        self.budget._change(-self.amount)
        self.amount, self.state = 0.0, "released"


BeforeSend = Callable[[], bool]


class SubmitHold:
    """A submit's reservation, taken at the moment the request may leave (`before_send`)."""

    def __init__(self, budget: Budget, estimate: Estimate) -> None:
        self.budget = budget
        self.estimate = estimate
        self.reservation: Reservation | None = None
        budget.price_of(estimate)  # PriceUnknownError before any request (an upload included)

    def before_send(self, inner: BeforeSend | None) -> BeforeSend:
        def announce() -> bool:
            if self.reservation is None:  # a refused submit's retry: reserved once
                self.reservation = self.budget.reserve(self.estimate)
            if inner is not None and inner() is False:
                self.reservation.release()
                self.reservation = None
                return False
            return True

        return announce

    def refused(self) -> None:
        """The vendor refused the request before any task existed: nothing charged."""
        if self.reservation is not None:
            self.reservation.release()


class Charges:
    """A client's side of its budget: a reservation per submit, given back when the vendor
    refuses before any task exists, kept for an uncertain submit, and settled with the
    vendor's own figure once a status (or the submit's answer) reports it."""

    def __init__(self, budget: Budget | None) -> None:
        self.budget = budget
        # Reservations of tasks whose charge the vendor has not reported yet, by task id.
        self._open: dict[str, SubmitHold] = {}

    def hold(self, plan: Plan) -> SubmitHold | None:
        """The plan's reservation in the budget (taken when the request may leave), or None
        without a budget. An unpriced plan is refused here, before any request."""
        if self.budget is None:
            return None
        return SubmitHold(self.budget, estimate_plan(plan))

    def submit_ended(
        self, hold: SubmitHold | None, task: Task | None, error: Exception | None
    ) -> None:
        """A refusal before any task gives the reservation back; an uncertain submit keeps it;
        a task keeps it until the vendor's figure settles it."""
        if hold is None:
            return
        if task is None:
            refused = isinstance(error, SoraError) and error.task is None
            if refused and not isinstance(error, SubmissionUncertainError):
                hold.refused()
            return
        if hold.reservation is None:
            return
        if task.cost is not None:
            hold.reservation.settle(task.cost)
        else:
            self._open[task.id] = hold

    def settle(self, video: Video) -> None:
        """A status read: the vendor's reported figure settles the task's reservation; a
        finished task with no figure keeps the estimate as its charge."""
        if not self._open:
            return
        hold = self._open.get(video.task_id)
        if hold is None or hold.reservation is None:
            return
        if video.cost is not None and video.cost.source == "reported":
            hold.reservation.settle(video.cost)
            del self._open[video.task_id]
        elif video.done:
            del self._open[video.task_id]
