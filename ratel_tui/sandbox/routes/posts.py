"""Posts, likes and threaded comments.

Who sees a post: published and not removed; in a public Space, in a
private Space the caller belongs to, or in no Space; `visibility=members`
narrows it to the Space's members. Drafts and scheduled posts [ext] are
seen by their author only; a scheduled post is published when its time
comes (checked lazily on every read).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import AwareDatetime, Field, field_validator

from ratel_tui.sandbox.auth import Caller, Db, scoped
from ratel_tui.sandbox.clock import iso, now, now_iso
from ratel_tui.sandbox.counters import count_post
from ratel_tui.sandbox.db import Database
from ratel_tui.sandbox.envelope import (
    JsonResponse,
    forbidden,
    invalid,
    not_found,
    ok,
)
from ratel_tui.sandbox.features import served
from ratel_tui.sandbox.ids import new_id
from ratel_tui.sandbox.paging import Paging, paginate
from ratel_tui.sandbox.routing import ApiRoute
from ratel_tui.sandbox.rules import (
    ROLE_RANK,
    find_space,
    require_not_banned,
    role_in,
)
from ratel_tui.sandbox.schemas import Body
from ratel_tui.sandbox.views import (
    POST_COLUMNS,
    POST_DRAFT_FIELDS,
    POST_FROM,
    load_post,
    post_view,
)

router = APIRouter(prefix="/v2", tags=["posts"], route_class=ApiRoute)

ReadPosts = Annotated[Caller, scoped("read:posts")]
WritePosts = Annotated[Caller, scoped("write:posts")]
DeletePosts = Annotated[Caller, scoped("delete:posts")]

CONTENT_LIMIT = 5_000
"""Longest post or comment, in characters."""


class MediaRef(Body):
    """A media item attached to a post."""

    url: str = Field(min_length=1, max_length=2_000)
    type: Literal["image", "video", "audio", "file"]
    alt_text: str | None = Field(None, max_length=1_000)

    @field_validator("url")
    @classmethod
    def _http_only(cls, url: str) -> str:
        if not url.startswith(("https://", "http://")):
            raise ValueError("media url must be http or https")
        return url


class NewPost(Body):
    """`POST /posts`."""

    content: str = Field(min_length=1, max_length=CONTENT_LIMIT)
    type: Literal["text", "image", "poll"] = "text"
    space_id: str | None = Field(None, max_length=80)
    media: list[MediaRef] = Field(default_factory=list, max_length=10)
    visibility: Literal["public", "members"] = "public"
    title: str | None = Field(None, max_length=200)
    status: Literal["published", "draft", "scheduled"] = "published"
    scheduled_at: AwareDatetime | None = None


class PostUpdate(Body):
    """`PATCH /posts/{id}`: any of these."""

    content: str | None = Field(None, min_length=1, max_length=CONTENT_LIMIT)
    title: str | None = Field(None, max_length=200)
    visibility: Literal["public", "members"] | None = None
    media: list[MediaRef] | None = Field(None, max_length=10)
    status: Literal["published", "draft", "scheduled"] | None = None
    scheduled_at: AwareDatetime | None = None


def publish_due(db: Database) -> None:
    """Publish scheduled posts whose time has come."""
    due = db.all(
        "SELECT id, author_id, space_id, scheduled_at FROM posts"
        " WHERE status = 'scheduled' AND scheduled_at <= ?",
        (now_iso(),),
    )
    if not due:
        return
    with db.tx() as conn:
        for post in due:
            conn.execute(
                "UPDATE posts SET status = 'published', created_at = scheduled_at"
                " WHERE id = ? AND status = 'scheduled'",
                (post["id"],),
            )
            count_post(conn, post["author_id"], post["space_id"], +1)


def _member_spaces(db: Database, user_id: str) -> list[str]:
    return [
        r[0]
        for r in db.all(
            "SELECT space_id FROM space_members WHERE user_id = ?", (user_id,)
        )
    ]


def _visibility_clause(db: Database, caller: Caller) -> tuple[str, tuple[Any, ...]]:
    """SQL (over `p`) that keeps the published posts `caller` may read."""
    mine = _member_spaces(db, caller.user_id)
    marks = ",".join("?" for _ in mine) or "NULL"
    clause = (
        "p.status = 'published' AND p.removed = 0"
        " AND (p.space_id IS NULL"
        "  OR p.space_id IN (SELECT id FROM spaces WHERE visibility = 'public')"
        f"  OR p.space_id IN ({marks}))"
        f" AND (p.visibility = 'public' OR p.author_id = ? OR p.space_id IN ({marks}))"
    )
    return clause, (*mine, caller.user_id, *mine)


def liked_by(db: Database, user_id: str, post_ids: list[str]) -> set[str]:
    if not post_ids:
        return set()
    marks = ",".join("?" for _ in post_ids)
    rows = db.all(
        f"SELECT post_id FROM post_likes WHERE user_id = ? AND post_id IN ({marks})",
        (user_id, *post_ids),
    )
    return {r[0] for r in rows}


@router.get("/posts")
async def list_posts(
    request: Request,
    db: Db,
    caller: ReadPosts,
    paging: Paging,
    space_id: Annotated[str | None, Query(max_length=80)] = None,
    author_id: Annotated[str | None, Query(max_length=80)] = None,
    type: Annotated[Literal["text", "image", "poll"] | None, Query()] = None,  # noqa: A002
    status: Annotated[
        Literal["published", "draft", "scheduled"] | None, Query()
    ] = None,
    following: Annotated[bool, Query()] = False,
) -> JsonResponse:
    """Posts newest first, filtered by Space, author, type; `status=draft|scheduled`
    lists the caller's own [ext]; `following=true` those of followed users [ext]."""
    publish_due(db)
    if status in ("draft", "scheduled") and served(request, "post_drafts"):
        where, params = (
            "p.status = ? AND p.author_id = ? AND p.removed = 0",
            (status, caller.user_id),
        )
    else:
        where, params = _visibility_clause(db, caller)
    if space_id is not None:
        space = find_space(db, space_id)
        where, params = f"{where} AND p.space_id = ?", (*params, space["id"])
    if author_id is not None:
        author = db.scalar(
            "SELECT id FROM users WHERE id = ? OR username = ?", (author_id, author_id)
        )
        where, params = f"{where} AND p.author_id = ?", (*params, author or author_id)
    if type is not None:
        where, params = f"{where} AND p.type = ?", (*params, type)
    if following and served(request, "follows"):
        where = f"{where} AND p.author_id IN (SELECT followee_id FROM follows WHERE follower_id = ?)"
        params = (*params, caller.user_id)

    listing = paginate(
        db,
        select=f"SELECT {POST_COLUMNS} {POST_FROM}",
        where=where,
        params=params,
        keys=("p.created_at", "p.seq"),
        paging=paging,
        count_from="FROM posts p",
    )
    liked = liked_by(db, caller.user_id, [r["id"] for r in listing.rows])
    drafts = served(request, "post_drafts")
    data = [post_view(r, r["id"] in liked, drafts=drafts) for r in listing.rows]
    return ok(request, data, **listing.meta)


def readable_post(db: Database, post_id: str, caller: Caller) -> Any:
    """The post row if the caller may read it; 404 otherwise (not 403, so that a
    private post's existence does not leak)."""
    publish_due(db)
    row = load_post(db, post_id)
    if row is None:
        raise not_found("post", post_id)
    if row["author_id"] == caller.user_id:
        return row
    if row["status"] != "published" or row["removed"]:
        raise not_found("post", post_id)
    if row["space_id"] is not None:
        space = db.one("SELECT visibility FROM spaces WHERE id = ?", (row["space_id"],))
        member = role_in(db, row["space_id"], caller.user_id) is not None
        if space is not None and space["visibility"] != "public" and not member:
            raise not_found("post", post_id)
        if row["visibility"] == "members" and not member:
            raise not_found("post", post_id)
    return row


def _view(request: Request, db: Database, row: Any, caller: Caller) -> dict[str, Any]:
    liked = bool(liked_by(db, caller.user_id, [row["id"]]))
    return post_view(row, liked, drafts=served(request, "post_drafts"))


@router.get("/posts/{post_id}")
async def get_post(
    request: Request, db: Db, caller: ReadPosts, post_id: str
) -> JsonResponse:
    """One post."""
    return ok(request, _view(request, db, readable_post(db, post_id, caller), caller))


def _check_ext_fields(request: Request, body: Body) -> None:
    """A server without drafts does not know these fields: refuse them as unknown."""
    if served(request, "post_drafts"):
        return
    given = [f for f in POST_DRAFT_FIELDS if f in body.model_fields_set]
    if given:
        raise invalid(f"Unknown field: {given[0]}", field=given[0])


def _check_schedule(status: str, scheduled_at: Any) -> str | None:
    """The wire form of `scheduled_at`, which must be in the future for `scheduled`."""
    if status != "scheduled":
        if scheduled_at is not None:
            raise invalid(
                "scheduled_at goes with status 'scheduled'", field="scheduled_at"
            )
        return None
    if scheduled_at is None:
        raise invalid("A scheduled post needs scheduled_at", field="scheduled_at")
    if scheduled_at <= now() + timedelta(seconds=30):
        raise invalid("scheduled_at must be in the future", field="scheduled_at")
    if scheduled_at > now() + timedelta(days=366):
        raise invalid("scheduled_at must be within a year", field="scheduled_at")
    return iso(scheduled_at)


def _check_space_for_post(db: Database, space_id: str, caller: Caller) -> str:
    """The Space's id, if the caller may post in it."""
    space = find_space(db, space_id)
    role = role_in(db, space["id"], caller.user_id)
    if space["visibility"] != "public" and role is None:
        raise not_found("space", space_id)
    require_not_banned(db, space["id"], caller)
    if not space["allow_posts"] and ROLE_RANK[role] < ROLE_RANK["moderator"]:
        raise forbidden(f"{space['name']} does not take posts from members")
    return space["id"]


@router.post("/posts", status_code=201)
async def create_post(
    request: Request, db: Db, caller: WritePosts, body: NewPost
) -> JsonResponse:
    """Publish, schedule [ext] or save as draft [ext] a new post."""
    _check_ext_fields(request, body)
    space_id = (
        None
        if body.space_id is None
        else _check_space_for_post(db, body.space_id, caller)
    )
    if body.visibility == "members" and space_id is None:
        raise invalid("visibility 'members' needs a space_id", field="visibility")
    scheduled_at = _check_schedule(body.status, body.scheduled_at)

    post_id = new_id("post")
    created = now_iso()
    media = json.dumps([m.model_dump(exclude_none=True) for m in body.media])
    with db.tx() as conn:
        conn.execute(
            "INSERT INTO posts(id, author_id, space_id, title, content, type, visibility,"
            " status, scheduled_at, media, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                post_id,
                caller.user_id,
                space_id,
                body.title,
                body.content,
                body.type,
                body.visibility,
                body.status,
                scheduled_at,
                media,
                created,
            ),
        )
        if body.status == "published":
            count_post(conn, caller.user_id, space_id, +1)
    return ok(request, _view(request, db, load_post(db, post_id), caller), status=201)


@router.patch("/posts/{post_id}")
async def update_post(
    request: Request, db: Db, caller: WritePosts, post_id: str, body: PostUpdate
) -> JsonResponse:
    """Edit one's own post; a draft or scheduled post may be published this way [ext]."""
    _check_ext_fields(request, body)
    row = readable_post(db, post_id, caller)
    if row["author_id"] != caller.user_id:
        raise forbidden("Only the author may edit a post")
    if row["removed"]:
        raise forbidden("This post was removed by moderators and cannot be edited")
    changes = body.model_dump(exclude_unset=True)
    for name in ("content", "visibility", "status"):
        if name in changes and changes[name] is None:
            raise invalid(f"{name} cannot be null", field=name)

    status = changes.get("status", row["status"])
    if row["status"] == "published" and status != "published":
        raise invalid(
            "A published post cannot go back to draft or scheduled", field="status"
        )
    if "scheduled_at" in changes or "status" in changes:
        changes["scheduled_at"] = _check_schedule(status, body.scheduled_at)
    if changes.get("visibility") == "members" and row["space_id"] is None:
        raise invalid("visibility 'members' needs a space_id", field="visibility")
    if "media" in changes:
        changes["media"] = json.dumps(
            [m.model_dump(exclude_none=True) for m in body.media or []]
        )

    publishing = row["status"] != "published" and status == "published"
    changes["updated_at"] = now_iso()
    if publishing:
        changes["created_at"] = now_iso()
    assignments = ", ".join(f"{name} = ?" for name in changes)
    with db.tx() as conn:
        conn.execute(
            f"UPDATE posts SET {assignments} WHERE id = ?",
            (*changes.values(), row["id"]),
        )
        if publishing:
            count_post(conn, row["author_id"], row["space_id"], +1)
    return ok(request, _view(request, db, load_post(db, row["id"]), caller))


@router.delete("/posts/{post_id}")
async def delete_post(
    request: Request, db: Db, caller: DeletePosts, post_id: str
) -> JsonResponse:
    """Delete a post with its comments and likes: its author, an admin of its
    Space, or a platform admin."""
    row = readable_post(db, post_id, caller)
    if row["author_id"] != caller.user_id and not space_admin(
        db, row["space_id"], caller
    ):
        raise forbidden("Only the author or an admin of the Space may delete this post")
    with db.tx() as conn:
        delete_posts(conn, [row["id"]])
    return ok(request, {"id": row["id"], "deleted": True})


def space_admin(db: Database, space_id: str | None, caller: Caller) -> bool:
    if caller.is_admin and caller.has("admin:spaces"):
        return True
    return space_id is not None and role_in(db, space_id, caller.user_id) == "admin"


def delete_posts(conn: sqlite3.Connection, post_ids: list[str]) -> None:
    """Delete posts and everything hanging off them, keeping the counts right."""
    for post_id in post_ids:
        post = conn.execute(
            "SELECT author_id, space_id, status, removed FROM posts WHERE id = ?",
            (post_id,),
        ).fetchone()
        if post is None:
            continue
        if post["status"] == "published" and not post["removed"]:
            count_post(conn, post["author_id"], post["space_id"], -1)
        comment_ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM comments WHERE post_id = ?", (post_id,)
            )
        ]
        targets = [("post", post_id)] + [("comment", c) for c in comment_ids]
        for target_type, target_id in targets:
            item = conn.execute(
                "SELECT id FROM mod_items WHERE target_type = ? AND target_id = ?",
                (target_type, target_id),
            ).fetchone()
            if item is not None:
                conn.execute("DELETE FROM reports WHERE item_id = ?", (item[0],))
                conn.execute("DELETE FROM mod_items WHERE id = ?", (item[0],))
        conn.execute("DELETE FROM comments WHERE post_id = ?", (post_id,))
        conn.execute("DELETE FROM post_likes WHERE post_id = ?", (post_id,))
        conn.execute("DELETE FROM posts WHERE id = ?", (post_id,))
