"""When a failed request is sent again, and how long the client waits first.

Only requests that cannot do harm twice are repeated: GET, HEAD, OPTIONS,
PUT, DELETE, and POSTs carrying an Idempotency-Key (the server replays the
first answer). Two failures are repeated for every method, PATCH included,
because the server cannot have acted on the request: a connection that never
opened, and a 429, which the rate limiter answers before any handler runs.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from ratel_tui.api.errors import ApiError, NetworkError, RateLimitedError, ServerError

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
"""Methods the contract lets a client repeat without changing the outcome."""

RETRYABLE_STATUS = frozenset({502, 503, 504})
"""Statuses of a server or proxy that is briefly unavailable."""

LONGEST_WAIT = 1e9
"""Seconds reported for an absurd Retry-After (about 31 years)."""

DIGITS = re.compile(r"[0-9]+")
"""Retry-After as delay-seconds: ASCII digits only, no sign, no fraction."""


def is_repeatable(method: str, idempotency_key: str | None) -> bool:
    """Whether sending `method` twice does no more than sending it once."""
    return method in IDEMPOTENT_METHODS or (
        method == "POST" and idempotency_key is not None
    )


@dataclass(frozen=True)
class RetryPolicy:
    """At most `attempts` tries, with full-jitter exponential backoff between them.

    A 429 waits what the server asks instead, unless that is unusable or longer
    than `rate_limit_cap`: then the error goes to the caller at once, with the
    wait, so the user reads "rate limited until …" rather than a frozen screen.
    A Retry-After on a 503 is not waited out: the backoff and the attempt cap
    already bound how long an unavailable server can hold a request.
    """

    attempts: int = 3
    backoff: float = 1.0
    """Upper bound of the first backoff, in seconds; it doubles per attempt."""
    backoff_max: float = 8.0
    rate_limit_cap: float = 60.0
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def next_wait(
        self, error: ApiError, attempt: int, repeatable: bool
    ) -> tuple[float, str] | None:
        """(seconds, reason) before try `attempt + 1`, or None to give up."""
        if attempt >= self.attempts:
            return None
        if isinstance(error, RateLimitedError):
            wait = error.retry_after
            if wait is None or wait > self.rate_limit_cap:
                return None
            return wait, "rate limited"
        if isinstance(error, NetworkError) and error.kind == "connect":
            return self._backoff(attempt), "cannot connect"
        if not repeatable:
            return None
        if isinstance(error, NetworkError) and error.kind in ("timeout", "dropped"):
            return self._backoff(attempt), f"connection {error.kind}"
        if isinstance(error, ServerError) and error.status in RETRYABLE_STATUS:
            return self._backoff(attempt), f"server unavailable ({error.status})"
        return None

    def _backoff(self, attempt: int) -> float:
        # Full jitter: parallel requests that failed together spread out
        # instead of returning to the server in lockstep.
        ceiling = min(self.backoff_max, self.backoff * 2 ** (attempt - 1))
        return self.rng.uniform(0, ceiling)


def rate_limit_wait(
    headers: Mapping[str, str], error: Mapping[str, Any] | None, now: datetime
) -> float | None:
    """Seconds a 429 asks to wait: Retry-After, else `error.retry_after`, else the
    time to `X-RateLimit-Reset`; None when none of them is usable."""
    header = parse_retry_after(headers.get("retry-after", ""), now)
    if header is not None:
        return header
    from_body = _seconds((error or {}).get("retry_after"))
    if from_body is not None:
        return min(from_body, LONGEST_WAIT)
    reset = headers.get("x-ratelimit-reset", "")
    if DIGITS.fullmatch(reset) and len(reset) <= 12:
        return max(0.0, int(reset) - now.timestamp())
    return None


def _seconds(value: Any) -> float | None:
    """`value` as a usable number of seconds; None for a bool, NaN or < 0."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) and value >= 0 else None


def parse_retry_after(value: str, now: datetime) -> float | None:
    """Retry-After as seconds from `now` (delay-seconds or an HTTP date), or None."""
    value = value.strip()
    if not value:
        return None
    if DIGITS.fullmatch(value):
        return float(int(value)) if len(value) <= 9 else LONGEST_WAIT
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
