"""The oracle: verification requests of user attributes and their votes."""

from __future__ import annotations

from pydantic import Field

from ratel_tui.api.models.base import Model, UserBrief, UtcDateTime


class Evidence(Model):
    """A piece of evidence: `{type, url}`."""

    type: str
    """Known: url, document, reference."""
    url: str


class VoteTally(Model):
    """Votes so far, and how many decide the request."""

    approve: int = 0
    reject: int = 0
    required: int | None = None


class MyVote(Model):
    """The caller's own vote."""

    vote: str
    """Known: approve, reject."""
    comment: str | None = None
    created_at: UtcDateTime | None = None


class Voter(MyVote):
    """A vote with its voter, shown once the request is decided."""

    user: UserBrief


class Verification(Model):
    """A request to verify an attribute of its requester."""

    id: str
    attribute_type: str
    """Known: age, gender, university, employer, membership, professional_skill, other."""
    attribute_value: str
    status: str = "pending"
    """Known: pending, approved, rejected."""
    requester: UserBrief | None = None
    evidence: tuple[Evidence, ...] = ()
    description: str | None = None
    created_at: UtcDateTime | None = None
    decided_at: UtcDateTime | None = None
    votes: VoteTally = Field(default_factory=VoteTally)
    my_vote: MyVote | None = None
    attestation_id: str | None = None
    voters: tuple[Voter, ...] | None = None
