"""When to send a request again, written once for every vendor and both clients.

Status reads, credits, image uploads (free) and downloads are safe to repeat. A submit creates
a paid task, so it is repeated only when the request provably created nothing: the connection
never opened, or the vendor itself answered with a refusal worth retrying (429, 455, 503, 5xx
in its own error envelope). Anything else after the request may have been sent (a read timeout, a
dropped connection, a gateway's HTML page, a success body without a task id) becomes
`SubmissionUncertainError` and is never resubmitted.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._api_errors import excerpt
from ._clock import Clock
from ._constants import (
    INITIAL_RETRY_DELAY_SECONDS,
    MAX_RETRY_AFTER_SECONDS,
    MAX_RETRY_DELAY_SECONDS,
)
from ._wire import HttpCall, HttpReply
from .errors import (
    APIConnectionError,
    APIError,
    DownloadError,
    SoraError,
    SubmissionUncertainError,
)

if TYPE_CHECKING:
    from .vendors.base import VendorAdapter

logger = logging.getLogger("sora_unified")


def uncertain_submission(vendor: str, cause: SoraError) -> SubmissionUncertainError:
    error = SubmissionUncertainError(
        f"{vendor}: the submit request may have reached the vendor but no task id came back"
        f" ({cause}). A task may exist and cost credits; it was not resubmitted. Check the"
        f" vendor's task list before submitting again.",
        vendor=vendor,
    )
    error.__cause__ = cause
    return error


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retries: int
    initial_delay: float = INITIAL_RETRY_DELAY_SECONDS
    max_delay: float = MAX_RETRY_DELAY_SECONDS
    max_retry_after: float = MAX_RETRY_AFTER_SECONDS

    def backoff(self, attempt: int, error: SoraError) -> float:
        """The vendor's Retry-After (capped) when it gave one, else capped exponential backoff
        with jitter."""
        hinted = getattr(error, "retry_after", None)
        if isinstance(hinted, int | float) and hinted >= 0:
            return min(float(hinted), self.max_retry_after)
        ceiling = min(self.max_delay, self.initial_delay * 2.0**attempt)
        return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - jitter, not crypto

    def next_delay(self, vendor: str, call: HttpCall, error: SoraError, attempt: int) -> float:
        """Seconds to wait before retry number `attempt + 1`, or raise the error to give up.

        For a submit, an outcome that may have created a task is raised as
        SubmissionUncertainError at once, whatever the retry budget.
        """
        if call.creates_task:
            if _may_have_created_task(error):
                raise uncertain_submission(vendor, error)
            retry = _submit_refused_retryably(error)
        else:
            retry = isinstance(error, APIConnectionError) or (
                isinstance(error, APIError) and error.retryable
            )
        if not retry or attempt >= self.max_retries:
            raise error
        delay = self.backoff(attempt, error)
        logger.debug(
            "%s: retrying %s in %.2f s (attempt %d of %d) after %s",
            vendor,
            call.operation,
            delay,
            attempt + 1,
            self.max_retries,
            type(error).__name__,
        )
        return delay


def interpret(adapter: VendorAdapter, call: HttpCall, reply: HttpReply) -> Any:
    """The decoded body of a successful reply; raises the adapter's mapped error otherwise."""
    error = adapter.error_from_reply(call, reply)
    if error is not None:
        raise error
    try:
        return reply.json()
    except ValueError as reason:
        broken = APIError(
            f"{call.operation}: HTTP {reply.status_code} with a body that is not JSON"
            f" ({reason}): {excerpt(reply.content)}",
            vendor=adapter.name,
            status_code=reply.status_code,
            body=excerpt(reply.content),
            retryable=True,  # a truncated body is worth reading again (never a submit)
        )
        broken.from_vendor = False
        raise broken from None


def request_seconds(bound: float, until: float | None, clock: Clock) -> float:
    """One request's overall bound: the client's (`bound`), or less when a wait's deadline
    (`until`, on `clock`) is near."""
    return bound if until is None else max(0.0, min(bound, until - clock.monotonic()))


def retry_delay(
    policy: RetryPolicy,
    vendor: str,
    call: HttpCall,
    error: SoraError,
    attempt: int,
    *,
    until: float | None,
    clock: Clock,
) -> float:
    """The policy's delay, or the error itself when a retry would end after `until`."""
    delay = policy.next_delay(vendor, call, error, attempt)
    if until is not None and clock.monotonic() + delay >= until:
        raise error
    return delay


def download_retry_delay(policy: RetryPolicy, error: DownloadError, attempt: int) -> float:
    """A download is repeated (it costs nothing) while the error allows and retries remain."""
    if not error.retryable or attempt >= policy.max_retries:
        raise error
    return policy.backoff(attempt, error)


def _may_have_created_task(error: SoraError) -> bool:
    if isinstance(error, APIConnectionError):
        return error.request_sent
    if isinstance(error, APIError):
        # An answer that is not the vendor's own refusal says nothing about whether the task
        # was created: a gateway page (5xx), or a success we could not read (a truncated or
        # undecodable 2xx body). A 4xx page from something in front of the vendor (a WAF, a
        # size limit) stopped the request before it.
        status = error.status_code or 0
        return not error.from_vendor and not 400 <= status < 500
    return False


def _submit_refused_retryably(error: SoraError) -> bool:
    if isinstance(error, APIConnectionError):
        return not error.request_sent
    return isinstance(error, APIError) and error.from_vendor and error.retryable
