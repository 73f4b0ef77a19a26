"""The oracle's rules in words: tallies, refusals, the form and the daily limit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from ratel_tui.api.models.oracle import Verification, VoteTally

ATTRIBUTE_TYPES: tuple[tuple[str, str], ...] = (
    ("professional_skill", "Professional skill"),
    ("employer", "Employer"),
    ("university", "University"),
    ("membership", "Membership"),
    ("age", "Age"),
    ("gender", "Gender"),
    ("other", "Other"),
)
"""The contract's attribute types, each with the label the form shows."""

EVIDENCE_TYPES: tuple[str, ...] = ("url", "document", "reference")
"""The kinds of evidence a request may carry."""

DAILY_LIMIT = 5
"""`POST /oracle/verifications` is allowed 5 times a day (the contract)."""

DEFAULT_REQUIRED = 3
"""The votes that decide a request when the server does not say (the sandbox's)."""

VALUE_LIMIT = 200
DESCRIPTION_LIMIT = 2_000
EVIDENCE_LIMIT = 10
COMMENT_LIMIT = 1_000
"""The contract's limits on the form's fields and on a vote's comment."""

RULE = "{required} votes decide; approved when at least two thirds approve."
"""The approval rule, with the quorum filled in."""


def rule_text(votes: VoteTally) -> str:
    """ "3 votes decide; approved when at least two thirds approve."."""
    return RULE.format(required=votes.required or DEFAULT_REQUIRED)


def approved_by(approve: int, reject: int) -> bool:
    """The server's rule on a decided tally: at least two thirds approve."""
    return approve * 3 >= (approve + reject) * 2


def tally_text(votes: VoteTally) -> str:
    """ "2 approve, 1 reject: 3 of 3 votes" with what the next vote can do."""
    required = votes.required or DEFAULT_REQUIRED
    cast = votes.approve + votes.reject
    line = f"{votes.approve} approve, {votes.reject} reject: {cast} of {required} votes"
    left = required - cast
    if left <= 0:
        return line
    if left > 1:
        return f"{line}; {left} more needed"
    if approved_by(votes.approve + 1, votes.reject):
        if approved_by(votes.approve, votes.reject + 1):
            return f"{line}; the next vote decides it: approved either way"
        return f"{line}; the next vote decides it: approve approves, reject rejects"
    return f"{line}; the next vote decides it: rejected either way"


def refusal(item: Verification, my_id: str | None) -> str | None:
    """Why I may not vote on `item`, in words; None when I may."""
    if item.requester is not None and my_id and item.requester.id == my_id:
        return "This is your own request: you cannot vote on it; others decide it."
    if item.my_vote is not None:
        return (
            f"You already voted on this request ({item.my_vote.vote}); "
            "a vote cannot be changed."
        )
    if item.status != "pending":
        return (
            f"This request was already decided ({item.status}); it takes no more votes."
        )
    return None


def explain(reason: str) -> str:
    """A server's refusal of a vote or a request, in words the user can act on."""
    text = reason.lower()
    if "own request" in text:
        return "This is your own request: you cannot vote on it; others decide it."
    if "already voted" in text:
        return "You already voted on this request; a vote cannot be changed."
    if "already decided" in text:
        return "This request was already decided; it takes no more votes."
    if "pending request for this attribute" in text:
        return "You already have a pending request for this attribute and value."
    if "rate limit" in text or "rate_limited" in text:
        return limit_text(DAILY_LIMIT)
    return reason


def limit_text(used: int) -> str:
    """The per-day limit line: how many requests are left today, or none."""
    if used >= DAILY_LIMIT:
        return (
            f"Daily limit reached: {DAILY_LIMIT} requests a day; "
            "you can send another after 00:00 UTC."
        )
    left = DAILY_LIMIT - used
    return f"{used} of {DAILY_LIMIT} requests sent today; {left} left."


def utc_day(moment: float) -> str:
    """The UTC day of a Unix time, as the server's daily window counts it."""
    return datetime.fromtimestamp(moment, UTC).date().isoformat()


def sent_today(items: Iterable[Verification], my_id: str | None, now: float) -> int:
    """How many of `items` I requested on the current UTC day."""
    today = utc_day(now)
    return sum(
        1
        for item in items
        if item.requester is not None
        and item.requester.id == my_id
        and item.created_at is not None
        and utc_day(item.created_at.timestamp()) == today
    )


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """One row of the form's evidence: its type and address as typed."""

    type: str
    url: str


def evidence_problem(url: str) -> str | None:
    """Why an evidence address would be refused, or None when it is fine."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return "an evidence address must start with http:// or https://"
    if any(char.isspace() for char in url):
        return "an evidence address must not contain spaces"
    if len(url) > 2_000:
        return "an evidence address is at most 2,000 characters"
    return None


def form_problems(
    attribute_type: str | None,
    value: str,
    evidence: Sequence[EvidenceRow],
    description: str,
) -> list[str]:
    """What keeps the form from being sent, each in words (empty: it can go)."""
    problems: list[str] = []
    if attribute_type not in {key for key, _ in ATTRIBUTE_TYPES}:
        problems.append("Choose the type of the attribute.")
    if not value.strip():
        problems.append("Write the value to verify.")
    elif len(value.strip()) > VALUE_LIMIT:
        problems.append(f"The value is at most {VALUE_LIMIT} characters.")
    filled = [row for row in evidence if row.url.strip()]
    if len(filled) > EVIDENCE_LIMIT:
        problems.append(f"At most {EVIDENCE_LIMIT} pieces of evidence.")
    for number, row in enumerate(filled, start=1):
        problem = evidence_problem(row.url.strip())
        if problem:
            problems.append(f"Evidence {number}: {problem}.")
        if row.type not in EVIDENCE_TYPES:
            problems.append(f"Evidence {number}: choose url, document or reference.")
    if len(description) > DESCRIPTION_LIMIT:
        problems.append(f"The description is at most {DESCRIPTION_LIMIT:,} characters.")
    return problems


def payload(
    attribute_type: str,
    value: str,
    evidence: Sequence[EvidenceRow],
    description: str,
) -> dict[str, object]:
    """The `create_verification` outbox payload of a checked form."""
    return {
        "attribute_type": attribute_type,
        "attribute_value": value.strip(),
        "evidence": [
            {"type": row.type, "url": row.url.strip()}
            for row in evidence
            if row.url.strip()
        ],
        "description": description.strip() or None,
    }
