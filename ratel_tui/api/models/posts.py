"""Posts, their media and their threaded comments.

`Post` stays plain (no validators of its own): a feed may hold tens of
thousands of them.
"""

from __future__ import annotations

from pydantic import Field

from ratel_tui.api.models.base import Model, UserBrief, UtcDateTime


class PostStats(Model):
    """A post's counts."""

    likes: int = 0
    comments: int = 0
    shares: int = 0


class MediaRef(Model):
    """A media item attached to a post: `{url, type}`."""

    url: str
    type: str = "image"
    """Known: image, video, audio, file."""
    alt_text: str | None = None


class Post(Model):
    """A post. `title`, `status` and `scheduled_at` are [ext] (drafts)."""

    id: str
    author: UserBrief
    content: str
    type: str = "text"
    """Known: text, image, poll."""
    space_id: str | None = None
    created_at: UtcDateTime
    stats: PostStats = Field(default_factory=PostStats)
    media: tuple[MediaRef, ...] = ()
    visibility: str = "public"
    """Known: public, members."""
    title: str | None = None
    status: str = "published"
    """Known: published, draft, scheduled."""
    scheduled_at: UtcDateTime | None = None
    updated_at: UtcDateTime | None = None
    removed: bool = False
    liked: bool | None = None


class PostReceipt(Model):
    """The least `POST /posts` answers: `{id, content, created_at}`."""

    id: str
    content: str | None = None
    created_at: UtcDateTime | None = None


class LikeState(Model):
    """The answer to a like or unlike."""

    post_id: str | None = None
    liked: bool | None = None
    likes: int | None = None


class Comment(Model):
    """A comment on a post, or in a deliberation's discussion [ext].

    `parent_id` links a reply to the comment it answers (None: top level).
    A deleted or removed comment keeps its place with empty content.
    """

    id: str
    author: UserBrief
    content: str = ""
    parent_id: str | None = None
    post_id: str | None = None
    deliberation_id: str | None = None
    created_at: UtcDateTime
    updated_at: UtcDateTime | None = None
    deleted: bool = False
    removed: bool = False
