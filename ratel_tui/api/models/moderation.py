"""Moderation [ext]: reports, queue items, decisions, bans and the log.

A queue item is a post item or a comment item, told apart by `target_type`;
an item of a kind this client does not know parses as `OtherItem` rather
than failing the whole queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Tag

from ratel_tui.api.models.base import Model, Page, UserBrief, UtcDateTime
from ratel_tui.api.models.posts import Comment, Post


class ReportReceipt(Model):
    """The answer to reporting a post or a comment."""

    id: str
    item_id: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    reason: str | None = None
    note: str | None = None
    created_at: UtcDateTime | None = None


class Report(Model):
    """One report of a queue item."""

    reason: str
    """Known: spam, harassment, misinformation, off_topic, other."""
    note: str | None = None
    reporter: UserBrief | None = None
    created_at: UtcDateTime | None = None
    id: str | None = None
    open: bool | None = None


class ActiveBan(Model):
    """The ban in force against a content's author."""

    reason: str | None = None
    expires_at: UtcDateTime | None = None


class AuthorHistory(Model):
    """What the Space knows of the author: earlier removals and any ban."""

    removals: int = 0
    active_ban: ActiveBan | None = None


class CommentContext(Model):
    """Where a reported comment sits: its post and the comment it answers."""

    post: Post | None = None
    comment: Comment | None = None


class _Item(Model):
    """What every queue item carries, whatever its target."""

    id: str
    status: str
    """Known: pending, approved, removed, dismissed, escalated."""
    created_at: UtcDateTime
    space_id: str | None = None
    target_id: str | None = None
    reports: tuple[Report, ...] = ()
    report_count: int = 0
    open_report_count: int | None = None
    reasons: dict[str, int] = {}
    updated_at: UtcDateTime | None = None
    author_history: AuthorHistory | None = None


class PostItem(_Item):
    """A reported post (`target` None once the post is deleted)."""

    target_type: Literal["post"]
    target: Post | None = None


class CommentItem(_Item):
    """A reported comment, with its post and parent comment as context."""

    target_type: Literal["comment"]
    target: Comment | None = None
    parent: CommentContext | None = None


class OtherItem(_Item):
    """An item about something this client does not know how to show."""

    target_type: str


def _target_kind(value: Any) -> str:
    kind = value.get("target_type") if isinstance(value, dict) else value.target_type
    return kind if kind in ("post", "comment") else "other"


ModerationItem = Annotated[
    Annotated[PostItem, Tag("post")]
    | Annotated[CommentItem, Tag("comment")]
    | Annotated[OtherItem, Tag("other")],
    Discriminator(_target_kind),
]
"""A queue item: a `PostItem`, a `CommentItem` or an `OtherItem`."""


class QueueCounts(Model):
    """`meta.counts` of the queue: pending and escalated totals, pending by reason."""

    pending: int = 0
    escalated: int = 0
    reasons: dict[str, int] = {}


@dataclass(frozen=True, slots=True)
class ModerationQueue(Page[ModerationItem]):
    """A page of the queue, with the Space's pending figures (`meta.counts`)."""

    counts: QueueCounts | None = None


class Ban(Model):
    """A ban from a Space; `expires_at` None bans for good."""

    user: UserBrief
    space_id: str | None = None
    reason: str | None = None
    expires_at: UtcDateTime | None = None
    created_at: UtcDateTime | None = None
    banned_by: UserBrief | None = None
    lifted_at: UtcDateTime | None = None


class ModerationLogEntry(Model):
    """One decision or ban of the Space's moderation log."""

    id: str
    action: str
    """Known: approve, remove, dismiss, escalate, restore, ban, unban."""
    moderator: UserBrief
    created_at: UtcDateTime
    item_id: str | None = None
    note: str | None = None
    subject: UserBrief | None = None
