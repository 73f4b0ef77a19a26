"""Spaces, their members and their analytics."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from ratel_tui.api.models.base import Model, UserBrief, UtcDateTime


class SpaceStats(Model):
    """A Space's counts."""

    members: int = 0
    posts: int = 0
    deliberations: int = 0


class SpaceSettings(Model):
    """What a Space allows."""

    allow_posts: bool = True
    moderation: str = "community"
    """Known: community, staff, open."""
    allow_deliberations: bool = True


class Space(Model):
    """A Space; `my_role` [ext] is the caller's role, None when not a member."""

    id: str
    name: str
    slug: str | None = None
    description: str = ""
    visibility: str = "public"
    """Known: public, private."""
    category: str | None = None
    created_at: UtcDateTime | None = None
    stats: SpaceStats = Field(default_factory=SpaceStats)
    settings: SpaceSettings = Field(default_factory=SpaceSettings)
    my_role: str | None = None
    """Known: member, moderator, admin."""


class Membership(Model):
    """The answer to joining or leaving a Space."""

    space_id: str | None = None
    role: str | None = None
    members: int | None = None


class SpaceMember(Model):
    """A member of a Space with their role [ext]."""

    user: UserBrief
    role: str
    """Known: member, moderator, admin."""
    joined_at: UtcDateTime | None = None


class Period(Model):
    """The days an analytics answer covers, both included."""

    start: dt.date
    end: dt.date


class Metrics(Model):
    """Summary figures of a period; only the metrics asked for are present."""

    new_members: int | None = None
    total_posts: int | None = None
    average_engagement: float | None = None
    daily_active_users: float | None = None


class TimelinePoint(Model):
    """One day of a Space's analytics."""

    date: dt.date
    members: int = 0
    posts: int = 0
    active_users: int | None = None


class Analytics(Model):
    """`GET /spaces/{space_id}/analytics`."""

    period: Period
    metrics: Metrics = Field(default_factory=Metrics)
    timeline: tuple[TimelinePoint, ...] = ()
