"""Time as the sandbox writes it: ISO 8601 in UTC with a `Z`, to the second."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
"""The one time format of the wire and the database; sorts as text."""


def now() -> datetime:
    """The current time in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def iso(moment: datetime) -> str:
    """`moment` in the wire format."""
    return moment.astimezone(UTC).strftime(ISO_FORMAT)


def now_iso() -> str:
    """The current time in the wire format."""
    return iso(now())


def parse_iso(text: str) -> datetime:
    """Read an ISO 8601 time; one without a zone is taken as UTC."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def in_future(**delta: float) -> str:
    """The wire time `delta` from now (keyword arguments of `timedelta`)."""
    return iso(now() + timedelta(**delta))
