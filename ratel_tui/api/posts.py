"""Posts, likes and threaded comments; drafts and scheduled posts [ext]."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ratel_tui.api.models.base import (
    Page,
    body,
    parse,
    parse_data,
    parse_page,
    query,
    segment,
)
from ratel_tui.api.models.media import Media
from ratel_tui.api.models.posts import Comment, LikeState, MediaRef, Post, PostReceipt

if TYPE_CHECKING:
    from ratel_tui.api.client import ApiClient

DRAFTS = ("post_drafts", "drafts and scheduled posts")
"""The [ext] feature behind titles, drafts and schedules, and how to name it."""


def _feed_params(
    space_id: str | None,
    author_id: str | None,
    post_type: str | None,
    status: str | None,
    following: bool,
) -> dict[str, Any]:
    """The filters of `GET /posts` that were given."""
    return query(
        space_id=space_id,
        author_id=author_id,
        type=post_type,
        status=status,
        following=following or None,
    )


async def _require_feed_features(
    client: ApiClient, status: str | None, following: bool
) -> None:
    """A server without these extensions would ignore the filter and answer
    the whole feed, so refuse before asking."""
    if status not in (None, "published"):
        await client.require(*DRAFTS)
    if following:
        await client.require("follows", "a feed of the people you follow")


async def list_posts(
    client: ApiClient,
    *,
    space_id: str | None = None,
    author_id: str | None = None,
    post_type: str | None = None,
    status: str | None = None,
    following: bool = False,
    page: int = 1,
    per_page: int = 20,
    cursor: str | None = None,
) -> Page[Post]:
    """GET /posts: one page of posts, newest first.

    `post_type` is the `type` filter (text, image, poll); `status` (draft,
    scheduled) [ext] lists the caller's own; `following` [ext] keeps the
    posts of people the caller follows.
    """
    await _require_feed_features(client, status, following)
    params = _feed_params(space_id, author_id, post_type, status, following)
    params.update(query(page=page, per_page=per_page, cursor=cursor))

    envelope = await client.get("/posts", params=params)
    return parse_page(Post, envelope, "GET /posts")


async def iter_posts(
    client: ApiClient,
    *,
    space_id: str | None = None,
    author_id: str | None = None,
    post_type: str | None = None,
    status: str | None = None,
    following: bool = False,
    per_page: int = 100,
    limit: int | None = None,
) -> AsyncIterator[Post]:
    """GET /posts, page after page (by cursor when the server gives one),
    with the filters of `list_posts`; at most `limit` posts."""
    await _require_feed_features(client, status, following)
    params = _feed_params(space_id, author_id, post_type, status, following)

    pages = client.pages("/posts", params=params, per_page=per_page, limit=limit)
    async for item in pages:
        yield parse(Post, item, "GET /posts")


async def get_post(client: ApiClient, post_id: str) -> Post:
    """GET /posts/{post_id}."""
    envelope = await client.get(f"/posts/{segment(post_id)}")
    return parse_data(Post, envelope, "GET /posts/{post_id}")


def _media_refs(media: Sequence[MediaRef | Media]) -> list[dict[str, Any]]:
    """`[{url, type, alt_text}]` of uploaded or referenced media."""
    return [body(url=m.url, type=m.type, alt_text=m.alt_text) for m in media]


async def create_post(
    client: ApiClient,
    content: str,
    *,
    post_type: str | None = None,
    space_id: str | None = None,
    media: Sequence[MediaRef | Media] = (),
    visibility: str | None = None,
    title: str | None = None,
    status: str | None = None,
    scheduled_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> Post:
    """POST /posts: publish a post, or [ext] save a draft or schedule it.

    `title`, `status` (draft, scheduled) and `scheduled_at` are sent only
    when given, and need a server with drafts. Retrying with the same
    `idempotency_key` never posts twice.
    """
    if status == "published":
        status = None  # The default: a server without drafts need not hear it.
    if title is not None or status is not None or scheduled_at is not None:
        await client.require(*DRAFTS)
    payload = body(
        content=content,
        type=post_type,
        space_id=space_id,
        media=_media_refs(media) or None,
        visibility=visibility,
        title=title,
        status=status,
        scheduled_at=scheduled_at,
    )

    envelope = await client.post(
        "/posts", json=payload, idempotency_key=idempotency_key
    )
    if isinstance(envelope.data, dict) and "author" not in envelope.data:
        # The plan promises only `{id, content, created_at}`: fetch the rest.
        receipt = parse_data(PostReceipt, envelope, "POST /posts")
        return await get_post(client, receipt.id)
    return parse_data(Post, envelope, "POST /posts")


async def update_post(
    client: ApiClient,
    post_id: str,
    *,
    content: str | None = None,
    visibility: str | None = None,
    media: Sequence[MediaRef | Media] | None = None,
    title: str | None = None,
    status: str | None = None,
    scheduled_at: datetime | None = None,
) -> Post:
    """PATCH /posts/{post_id}: change the fields given; `status="published"`
    publishes a draft or scheduled post [ext]."""
    if title is not None or status is not None or scheduled_at is not None:
        await client.require(*DRAFTS)
    payload = body(
        content=content,
        visibility=visibility,
        media=None if media is None else _media_refs(media),
        title=title,
        status=status,
        scheduled_at=scheduled_at,
    )

    envelope = await client.patch(f"/posts/{segment(post_id)}", json=payload)
    return parse_data(Post, envelope, "PATCH /posts/{post_id}")


async def delete_post(client: ApiClient, post_id: str) -> None:
    """DELETE /posts/{post_id}, with its comments and likes."""
    await client.delete(f"/posts/{segment(post_id)}")


async def like(client: ApiClient, post_id: str) -> LikeState:
    """POST /posts/{post_id}/like; liking again changes nothing."""
    envelope = await client.post(f"/posts/{segment(post_id)}/like")
    return parse_data(LikeState, envelope, "POST /posts/{post_id}/like")


async def unlike(client: ApiClient, post_id: str) -> LikeState:
    """DELETE /posts/{post_id}/like."""
    envelope = await client.delete(f"/posts/{segment(post_id)}/like")
    return parse_data(LikeState, envelope, "DELETE /posts/{post_id}/like")


async def list_comments(
    client: ApiClient,
    post_id: str,
    *,
    page: int = 1,
    per_page: int = 20,
    cursor: str | None = None,
) -> Page[Comment]:
    """GET /posts/{post_id}/comments: oldest first; `parent_id` makes threads."""
    params = query(page=page, per_page=per_page, cursor=cursor)

    envelope = await client.get(f"/posts/{segment(post_id)}/comments", params=params)
    return parse_page(Comment, envelope, "GET /posts/{post_id}/comments")


async def iter_comments(
    client: ApiClient, post_id: str, *, per_page: int = 100, limit: int | None = None
) -> AsyncIterator[Comment]:
    """GET /posts/{post_id}/comments, page after page; at most `limit`."""
    pages = client.pages(
        f"/posts/{segment(post_id)}/comments", per_page=per_page, limit=limit
    )
    async for item in pages:
        yield parse(Comment, item, "GET /posts/{post_id}/comments")


async def create_comment(
    client: ApiClient,
    post_id: str,
    content: str,
    *,
    parent_id: str | None = None,
    idempotency_key: str | None = None,
) -> Comment:
    """POST /posts/{post_id}/comments: a top-level comment, or a reply to
    `parent_id`."""
    payload = {"content": content, "parent_id": parent_id}

    envelope = await client.post(
        f"/posts/{segment(post_id)}/comments",
        json=payload,
        idempotency_key=idempotency_key,
    )
    return parse_data(Comment, envelope, "POST /posts/{post_id}/comments")


async def delete_comment(client: ApiClient, comment_id: str) -> None:
    """DELETE /comments/{comment_id}; replies keep their place in the thread."""
    await client.delete(f"/comments/{segment(comment_id)}")
