"""Rows as the contract shows them: the JSON shapes shared by several routes."""

from __future__ import annotations

import json
from typing import Any

from ratel_tui.sandbox.db import Database
from ratel_tui.sandbox.envelope import not_found

USER_BRIEF_SQL = "SELECT id, username, display_name FROM users WHERE id = ?"


def user_brief(db: Database, user_id: str) -> dict[str, Any]:
    """`{id, username, display_name}` of a user (a deleted one shows as such)."""
    row = db.one(USER_BRIEF_SQL, (user_id,))
    if row is None:
        return {"id": user_id, "username": "[deleted]", "display_name": "Deleted user"}
    return {
        "id": row["id"],
        "username": row["username"],
        "display_name": row["display_name"],
    }


def user_briefs(db: Database, user_ids: set[str]) -> dict[str, dict[str, Any]]:
    """`user_brief` of many users in one query, by id."""
    if not user_ids:
        return {}
    ids = list(user_ids)
    marks = ",".join("?" for _ in ids)
    rows = db.all(
        f"SELECT id, username, display_name FROM users WHERE id IN ({marks})", ids
    )
    found = {
        r["id"]: {
            "id": r["id"],
            "username": r["username"],
            "display_name": r["display_name"],
        }
        for r in rows
    }
    for user_id in ids:
        found.setdefault(
            user_id,
            {"id": user_id, "username": "[deleted]", "display_name": "Deleted user"},
        )
    return found


def find_user(db: Database, ident: str) -> Any:
    """The users row for an id or a username; 404 when there is none."""
    if ident == "me":
        raise not_found("user", ident)
    row = db.one("SELECT * FROM users WHERE id = ? OR username = ?", (ident, ident))
    if row is None:
        raise not_found("user", ident)
    return row


def user_view(db: Database, row: Any, viewer_id: str | None) -> dict[str, Any]:
    """The full user resource, with the viewer's follow relations [ext]."""
    data = {
        "id": row["id"],
        "username": row["username"],
        "display_name": row["display_name"],
        "bio": row["bio"],
        "location": row["location"],
        "avatar_url": row["avatar_url"],
        "verified": bool(row["verified"]),
        "created_at": row["created_at"],
        "stats": {
            "posts": row["posts_count"],
            "followers": row["followers_count"],
            "following": row["following_count"],
        },
    }
    if viewer_id is not None and viewer_id != row["id"]:
        data["followed_by_me"] = _follows(db, viewer_id, row["id"])
        data["follows_me"] = _follows(db, row["id"], viewer_id)
    return data


def _follows(db: Database, follower: str, followee: str) -> bool:
    return (
        db.one(
            "SELECT 1 FROM follows WHERE follower_id = ? AND followee_id = ?",
            (follower, followee),
        )
        is not None
    )


POST_COLUMNS = (
    "p.seq, p.id, p.author_id, p.space_id, p.title, p.content, p.type, p.visibility,"
    " p.status, p.scheduled_at, p.media, p.created_at, p.updated_at, p.likes_count,"
    " p.comments_count, p.shares_count, p.removed,"
    " u.username AS author_username, u.display_name AS author_display_name"
)
"""The columns `post_view` reads, from `posts p JOIN users u ON u.id = p.author_id`."""

POST_FROM = "FROM posts p JOIN users u ON u.id = p.author_id"
"""The FROM clause that goes with POST_COLUMNS."""


POST_DRAFT_FIELDS = ("title", "status", "scheduled_at")
"""Fields of a post that come from the `post_drafts` extension."""


def post_view(
    row: Any, liked: bool | None = None, *, drafts: bool = True
) -> dict[str, Any]:
    """The post resource from a row of `SELECT POST_COLUMNS POST_FROM`; without
    `drafts`, as a server lacking that extension shows it."""
    data = {
        "id": row["id"],
        "author": {
            "id": row["author_id"],
            "username": row["author_username"],
            "display_name": row["author_display_name"],
        },
        "title": row["title"],
        "content": row["content"],
        "type": row["type"],
        "space_id": row["space_id"],
        "visibility": row["visibility"],
        "status": row["status"],
        "scheduled_at": row["scheduled_at"],
        "media": json.loads(row["media"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "stats": {
            "likes": row["likes_count"],
            "comments": row["comments_count"],
            "shares": row["shares_count"],
        },
        "removed": bool(row["removed"]),
    }
    if liked is not None:
        data["liked"] = liked
    if not drafts:
        for name in POST_DRAFT_FIELDS:
            del data[name]
    return data


def load_post(db: Database, post_id: str) -> Any:
    """The joined row of a post (removed ones included); None when there is none."""
    return db.one(f"SELECT {POST_COLUMNS} {POST_FROM} WHERE p.id = ?", (post_id,))


def comment_view(row: Any, author: dict[str, Any]) -> dict[str, Any]:
    """The comment resource; a deleted or removed one keeps its place in the thread."""
    hidden = bool(row["deleted"]) or bool(row["removed"])
    return {
        "id": row["id"],
        "post_id": row["post_id"],
        "parent_id": row["parent_id"],
        "author": author,
        "content": "" if hidden else row["content"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "deleted": bool(row["deleted"]),
        "removed": bool(row["removed"]),
    }


def space_view(
    row: Any, my_role: str | None = None, *, include_role: bool = False
) -> dict[str, Any]:
    """The Space resource; `my_role` [ext] is the caller's role or None."""
    data = {
        "id": row["id"],
        "name": row["name"],
        "slug": row["slug"],
        "description": row["description"],
        "visibility": row["visibility"],
        "category": row["category"],
        "created_at": row["created_at"],
        "stats": {
            "members": row["members_count"],
            "posts": row["posts_count"],
            "deliberations": row["deliberations_count"],
        },
        "settings": {
            "allow_posts": bool(row["allow_posts"]),
            "moderation": row["moderation"],
            "allow_deliberations": bool(row["allow_deliberations"]),
        },
    }
    if include_role:
        data["my_role"] = my_role
    return data


def attestation_view(row: Any, subject: dict[str, Any]) -> dict[str, Any]:
    """The attestation resource [ext] from an `attestations` row."""
    return {
        "id": row["id"],
        "subject": subject,
        "attribute_type": row["attribute_type"],
        "attribute_value": row["attribute_value"],
        "verification_id": row["verification_id"],
        "issuer": row["issuer"],
        "issued_at": row["issued_at"],
        "expires_at": row["expires_at"],
        "revoked": bool(row["revoked"]),
    }
