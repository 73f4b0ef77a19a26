"""Moderation [ext]: reporting a post or a comment to the moderators.

A report finds or opens the moderation item of its post or comment, which
then waits in the queue of the content's Space (see `routes.moderation`).
"""

from __future__ import annotations

import sqlite3
from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import Field

from ratel_tui.sandbox.auth import Caller, Db, scoped
from ratel_tui.sandbox.clock import now_iso
from ratel_tui.sandbox.db import Database
from ratel_tui.sandbox.envelope import JsonResponse, conflict, not_found, ok
from ratel_tui.sandbox.features import feature
from ratel_tui.sandbox.ids import new_id
from ratel_tui.sandbox.moderation_items import Reason
from ratel_tui.sandbox.routing import ApiRoute
from ratel_tui.sandbox.rules import can_view_space, role_in
from ratel_tui.sandbox.schemas import Body

router = APIRouter(
    prefix="/v2",
    tags=["moderation"],
    route_class=ApiRoute,
    dependencies=[feature("moderation")],
)

WritePosts = Annotated[Caller, scoped("write:posts")]


class NewReport(Body):
    """`POST /posts/{id}/reports` and `POST /comments/{id}/reports`."""

    reason: Reason
    note: str | None = Field(None, max_length=1_000)


@router.post("/posts/{post_id}/reports", status_code=201)
async def report_post(
    request: Request, db: Db, caller: WritePosts, post_id: str, body: NewReport
) -> JsonResponse:
    """Report a post to the moderators of its Space."""
    post = db.one("SELECT * FROM posts WHERE id = ?", (post_id,))
    if post is None or not _can_read_post(db, post, caller):
        raise not_found("post", post_id)
    if post["status"] != "published":
        raise conflict("Only published posts can be reported")
    if post["removed"]:
        raise conflict("This post was already removed by the moderators")
    report = _file_report(db, "post", post["id"], post["space_id"], caller, body)
    return ok(request, report, status=201)


@router.post("/comments/{comment_id}/reports", status_code=201)
async def report_comment(
    request: Request, db: Db, caller: WritePosts, comment_id: str, body: NewReport
) -> JsonResponse:
    """Report a comment to the moderators of its post's Space."""
    comment = db.one("SELECT * FROM comments WHERE id = ?", (comment_id,))
    post = None if comment is None else _post_row(db, comment["post_id"])
    if post is None or not _can_read_post(db, post, caller):
        raise not_found("comment", comment_id)
    if post["removed"]:
        raise conflict("The post of this comment was removed by the moderators")
    if comment["deleted"]:
        raise conflict("This comment was deleted by its author")
    if comment["removed"]:
        raise conflict("This comment was already removed by the moderators")
    report = _file_report(db, "comment", comment["id"], post["space_id"], caller, body)
    return ok(request, report, status=201)


def _post_row(db: Database, post_id: str) -> Any:
    """The posts row, or None."""
    return db.one("SELECT * FROM posts WHERE id = ?", (post_id,))


def _can_read_post(db: Database, post: Any, caller: Caller) -> bool:
    """Whether the caller may see the post (removal aside)."""
    if post["author_id"] == caller.user_id:
        return True
    if post["status"] != "published":
        return False
    if post["space_id"] is None:
        return True
    space = db.one("SELECT * FROM spaces WHERE id = ?", (post["space_id"],))
    if space is None or not can_view_space(db, space, caller):
        return False
    member = role_in(db, space["id"], caller.user_id) is not None
    return post["visibility"] == "public" or member


def _file_report(
    db: Database,
    target_type: str,
    target_id: str,
    space_id: str | None,
    caller: Caller,
    body: NewReport,
) -> dict[str, Any]:
    """Store a report, opening the target's item or sending it back to pending."""
    stamp = now_iso()
    duplicate = f"You have already reported this {target_type}"
    with db.tx() as conn:
        item_id = _item_for(conn, target_type, target_id, space_id, stamp)
        try:
            cur = conn.execute(
                "INSERT INTO reports(item_id, reporter_id, reason, note, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (item_id, caller.user_id, body.reason, body.note or "", stamp),
            )
        except sqlite3.IntegrityError:
            # The partial unique index allows one open report per reporter.
            raise conflict(duplicate, item_id=item_id) from None
    return {
        "id": f"report_{cur.lastrowid}",
        "item_id": item_id,
        "target_type": target_type,
        "target_id": target_id,
        "reason": body.reason,
        "note": body.note or None,
        "created_at": stamp,
    }


def _item_for(
    conn: sqlite3.Connection,
    target_type: str,
    target_id: str,
    space_id: str | None,
    stamp: str,
) -> str:
    """The id of the target's item, created if new; a decided item that kept
    the content (approved, dismissed) goes back to pending."""
    item = conn.execute(
        "SELECT id, status FROM mod_items WHERE target_type = ? AND target_id = ?",
        (target_type, target_id),
    ).fetchone()
    if item is None:
        item_id = new_id("moderation")
        conn.execute(
            "INSERT INTO mod_items(id, space_id, target_type, target_id, status,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)",
            (item_id, space_id, target_type, target_id, stamp, stamp),
        )
        return item_id
    status = (
        "pending" if item["status"] in ("approved", "dismissed") else item["status"]
    )
    conn.execute(
        "UPDATE mod_items SET status = ?, updated_at = ? WHERE id = ?",
        (status, stamp, item["id"]),
    )
    return item["id"]
