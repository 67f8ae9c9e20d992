"""Named defaults (the generated clients' default timeout is none at all)."""

from __future__ import annotations

DEFAULT_TIMEOUT_SECONDS = 60.0
DEFAULT_CONNECT_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_RETRIES = 3
DEFAULT_WAIT_TIMEOUT_SECONDS = 900.0
# One download attempt as a whole (a result is tens of MB; the API timeout is for JSON).
DEFAULT_DOWNLOAD_TIMEOUT_SECONDS = 600.0

# Backoff between retries: capped exponential with jitter; Retry-After is honoured up to a cap.
INITIAL_RETRY_DELAY_SECONDS = 0.5
MAX_RETRY_DELAY_SECONDS = 8.0
MAX_RETRY_AFTER_SECONDS = 60.0

# Polling follows kie's guidance (the others give none): every 2-3 s for the first 30 s,
# 5-10 s until two minutes, then 15-30 s; never faster than 10 requests per second per key.
POLL_SCHEDULE: tuple[tuple[float, float], ...] = ((30.0, 2.5), (120.0, 7.5), (float("inf"), 20.0))
MIN_POLL_INTERVAL_SECONDS = 0.1

# Callback signatures older or newer than this are refused (replay window, both directions).
CALLBACK_TOLERANCE_SECONDS = 300.0

# How much of an unexpected response body an error message quotes.
BODY_EXCERPT_CHARS = 200
DOWNLOAD_CHUNK_BYTES = 1 << 16
