"""Likes and threaded comments on posts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import Field

from ratel_tui.sandbox.auth import Caller, Db, scoped
from ratel_tui.sandbox.clock import now_iso
from ratel_tui.sandbox.db import Database
from ratel_tui.sandbox.envelope import JsonResponse, forbidden, invalid, not_found, ok
from ratel_tui.sandbox.ids import new_id
from ratel_tui.sandbox.paging import Paging, paginate
from ratel_tui.sandbox.routes.posts import (
    CONTENT_LIMIT,
    liked_by,
    readable_post,
    space_admin,
)
from ratel_tui.sandbox.routing import ApiRoute
from ratel_tui.sandbox.rules import require_not_banned
from ratel_tui.sandbox.schemas import Body
from ratel_tui.sandbox.views import comment_view, user_briefs

router = APIRouter(prefix="/v2", tags=["posts"], route_class=ApiRoute)

ReadPosts = Annotated[Caller, scoped("read:posts")]
WritePosts = Annotated[Caller, scoped("write:posts")]
DeletePosts = Annotated[Caller, scoped("delete:posts")]


class NewComment(Body):
    """`POST /posts/{id}/comments`."""

    content: str = Field(min_length=1, max_length=CONTENT_LIMIT)
    parent_id: str | None = Field(None, max_length=80)


def _like_state(db: Database, post_id: str, user_id: str) -> dict[str, Any]:
    likes = db.scalar("SELECT likes_count FROM posts WHERE id = ?", (post_id,))
    return {
        "post_id": post_id,
        "liked": bool(liked_by(db, user_id, [post_id])),
        "likes": likes,
    }


@router.post("/posts/{post_id}/like")
async def like(
    request: Request, db: Db, caller: WritePosts, post_id: str
) -> JsonResponse:
    """Like a post; liking it again changes nothing."""
    row = readable_post(db, post_id, caller)
    if row["status"] != "published":
        raise invalid("Only published posts can be liked", field="post_id")
    with db.tx() as conn:
        added = conn.execute(
            "INSERT OR IGNORE INTO post_likes(post_id, user_id, created_at) VALUES (?, ?, ?)",
            (row["id"], caller.user_id, now_iso()),
        ).rowcount
        if added:
            conn.execute(
                "UPDATE posts SET likes_count = likes_count + 1 WHERE id = ?",
                (row["id"],),
            )
    return ok(request, _like_state(db, row["id"], caller.user_id))


@router.delete("/posts/{post_id}/like")
async def unlike(
    request: Request, db: Db, caller: WritePosts, post_id: str
) -> JsonResponse:
    """Take a like back; unliking a post not liked changes nothing."""
    row = readable_post(db, post_id, caller)
    with db.tx() as conn:
        removed = conn.execute(
            "DELETE FROM post_likes WHERE post_id = ? AND user_id = ?",
            (row["id"], caller.user_id),
        ).rowcount
        if removed:
            conn.execute(
                "UPDATE posts SET likes_count = max(0, likes_count - 1) WHERE id = ?",
                (row["id"],),
            )
    return ok(request, _like_state(db, row["id"], caller.user_id))


@router.get("/posts/{post_id}/comments")
async def list_comments(
    request: Request, db: Db, caller: ReadPosts, post_id: str, paging: Paging
) -> JsonResponse:
    """The comments of a post, oldest first; `parent_id` links a reply to its comment."""
    row = readable_post(db, post_id, caller)
    listing = paginate(
        db,
        select="SELECT * FROM comments",
        where="post_id = ?",
        params=(row["id"],),
        keys=("seq",),
        descending=False,
        paging=paging,
    )
    authors = user_briefs(db, {r["author_id"] for r in listing.rows})
    data = [comment_view(r, authors[r["author_id"]]) for r in listing.rows]
    return ok(request, data, **listing.meta)


@router.post("/posts/{post_id}/comments", status_code=201)
async def create_comment(
    request: Request, db: Db, caller: WritePosts, post_id: str, body: NewComment
) -> JsonResponse:
    """Comment on a post, or reply to one of its comments with `parent_id`."""
    row = readable_post(db, post_id, caller)
    if row["status"] != "published" or row["removed"]:
        raise invalid("Only published posts take comments", field="post_id")
    require_not_banned(db, row["space_id"], caller)
    if body.parent_id is not None:
        parent = db.one("SELECT post_id FROM comments WHERE id = ?", (body.parent_id,))
        if parent is None or parent["post_id"] != row["id"]:
            raise invalid("parent_id is not a comment of this post", field="parent_id")

    comment_id = new_id("comment")
    with db.tx() as conn:
        conn.execute(
            "INSERT INTO comments(id, post_id, parent_id, author_id, content, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                comment_id,
                row["id"],
                body.parent_id,
                caller.user_id,
                body.content,
                now_iso(),
            ),
        )
        conn.execute(
            "UPDATE posts SET comments_count = comments_count + 1 WHERE id = ?",
            (row["id"],),
        )
    comment = db.one("SELECT * FROM comments WHERE id = ?", (comment_id,))
    author = user_briefs(db, {caller.user_id})[caller.user_id]
    return ok(request, comment_view(comment, author), status=201)


@router.delete("/comments/{comment_id}")
async def delete_comment(
    request: Request, db: Db, caller: DeletePosts, comment_id: str
) -> JsonResponse:
    """Delete a comment (its author or a Space admin); replies keep their place."""
    comment = db.one("SELECT * FROM comments WHERE id = ?", (comment_id,))
    if comment is None or comment["deleted"]:
        raise not_found("comment", comment_id)
    post = readable_post(db, comment["post_id"], caller)
    if comment["author_id"] != caller.user_id and not space_admin(
        db, post["space_id"], caller
    ):
        raise forbidden(
            "Only the author or an admin of the Space may delete this comment"
        )
    with db.tx() as conn:
        conn.execute(
            "UPDATE comments SET deleted = 1, content = '', updated_at = ? WHERE id = ?",
            (now_iso(), comment_id),
        )
        if not comment["removed"]:
            conn.execute(
                "UPDATE posts SET comments_count = max(0, comments_count - 1) WHERE id = ?",
                (comment["post_id"],),
            )
    return ok(request, {"id": comment_id, "deleted": True})
