"""Short ages for lists and headers: "now", "5m", "3h", "2d", "Mar 4", "Mar 4 2024".

`now()` is the display clock every screen measures ages against; snapshot
tests and the screenshot script pin it with `FROZEN_AT`.
"""

from __future__ import annotations

import time

_MONTHS = [
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
]

FROZEN_AT: float | None = None
"""Epoch seconds `now()` returns instead of the real time; None in normal use."""


def now() -> float:
    """The display clock: the current time, or `FROZEN_AT` when it is set."""
    return time.time() if FROZEN_AT is None else FROZEN_AT


def age(moment: float, now: float, *, brief: bool = False) -> str:
    """How long ago `moment` was (both epoch seconds), in at most 11 columns.

    `brief` keeps it to 8 for the feed's row: a date over 330 days old shows
    its month and year ("Mar 2022") rather than its day.
    """
    seconds = now - moment
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    if seconds < 7 * 86400:
        return f"{int(seconds // 86400)}d"
    then = time.gmtime(moment)
    month = _MONTHS[then.tm_mon - 1]
    if brief:
        if seconds < 330 * 86400:
            return f"{month} {then.tm_mday}"
        return f"{month} {then.tm_year}"
    label = f"{month} {then.tm_mday}"
    if then.tm_year != time.gmtime(now).tm_year:
        label += f" {then.tm_year}"
    return label
