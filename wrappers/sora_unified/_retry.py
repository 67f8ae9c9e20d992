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

from ._constants import (
    INITIAL_RETRY_DELAY_SECONDS,
    MAX_RETRY_AFTER_SECONDS,
    MAX_RETRY_DELAY_SECONDS,
)
from ._http import HttpCall
from .errors import (
    APIConnectionError,
    APIError,
    SoraError,
    SubmissionUncertainError,
)

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
