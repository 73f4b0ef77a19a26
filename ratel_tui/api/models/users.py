"""Users: profiles, attestations, follows, activity and preferences."""

from __future__ import annotations

from pydantic import Field

from ratel_tui.api.models.base import Model, UserBrief, UtcDateTime


class UserStats(Model):
    """A user's counts."""

    posts: int = 0
    followers: int = 0
    following: int = 0


class User(Model):
    """`GET /users/{user_id}`: a profile.

    `followed_by_me` and `follows_me` [ext] come with someone else's profile.
    """

    id: str
    username: str
    display_name: str = ""
    bio: str | None = None
    location: str | None = None
    avatar_url: str | None = None
    verified: bool = False
    created_at: UtcDateTime | None = None
    stats: UserStats = Field(default_factory=UserStats)
    followed_by_me: bool | None = None
    follows_me: bool | None = None


class Attestation(Model):
    """An attribute of a user that the oracle vouches for [ext]."""

    id: str
    subject: UserBrief | None = None
    attribute_type: str
    """Known: age, gender, university, employer, membership, professional_skill, other."""
    attribute_value: str
    verification_id: str | None = None
    issuer: str | None = None
    issued_at: UtcDateTime | None = None
    expires_at: UtcDateTime | None = None
    revoked: bool = False


class Follow(Model):
    """One entry of `GET /users/{user_id}/followers` or `/following` [ext]."""

    user: UserBrief
    since: UtcDateTime | None = None


class FollowState(Model):
    """The answer to a follow or unfollow [ext]."""

    user: UserBrief | None = None
    following: bool
    followers: int | None = None


class ActivityItem(Model):
    """One entry of a user's recent activity [ext], newest first."""

    type: str
    """Known: post, comment, vote, response."""
    id: str
    target_id: str | None = None
    created_at: UtcDateTime
    summary: str = ""


class Preferences(Model):
    """The caller's preferences [ext]; the contract leaves their names open."""

    default_visibility: str | None = None
    default_space_id: str | None = None
    language: str | None = None
    timezone: str | None = None
    email_digest: str | None = None
    show_sensitive: bool | None = None
