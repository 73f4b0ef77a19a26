"""What the moderation routes share: the item as moderators see it, bans, the log.

An item is the moderation record of one reported post or comment; the
reports, the queue, the decisions and the bans all read or write it.
"""

from __future__ import annotations

import sqlite3
from typing import Annotated, Any, Literal

from ratel_tui.sandbox.auth import Caller, scoped
from ratel_tui.sandbox.clock import now_iso
from ratel_tui.sandbox.db import Database
from ratel_tui.sandbox.ids import new_id
from ratel_tui.sandbox.rules import require_moderator, visible_space
from ratel_tui.sandbox.views import (
    comment_view,
    load_post,
    post_view,
    user_brief,
    user_briefs,
)

Moderate = Annotated[Caller, scoped("moderate:spaces")]
"""A caller who may moderate: the queue, decisions, bans and the log."""

REASONS = ("spam", "harassment", "misinformation", "off_topic", "other")
"""Why content can be reported."""

Reason = Literal["spam", "harassment", "misinformation", "off_topic", "other"]


def moderated_space(db: Database, ident: str, caller: Caller) -> Any:
    """The Space (by id or slug) the caller moderates; 404 when they cannot see
    it, 403 when they are not one of its moderators."""
    space = visible_space(db, ident, caller)
    require_moderator(db, space["id"], caller)
    return space


def item_view(db: Database, item: Any) -> dict[str, Any]:
    """A moderation item as moderators see it: the content, its context, the
    reports and what its author did before."""
    target, parent, author_id = _target(db, item)
    reports = db.all(
        "SELECT * FROM reports WHERE item_id = ? ORDER BY seq", (item["id"],)
    )
    reporters = user_briefs(db, {r["reporter_id"] for r in reports})
    reasons: dict[str, int] = {}
    for report in reports:
        reasons[report["reason"]] = reasons.get(report["reason"], 0) + 1
    return {
        "id": item["id"],
        "space_id": item["space_id"],
        "target_type": item["target_type"],
        "target_id": item["target_id"],
        "target": target,
        "parent": parent,
        "reports": [_report_view(r, reporters[r["reporter_id"]]) for r in reports],
        "report_count": len(reports),
        "open_report_count": sum(1 for r in reports if r["open"]),
        "reasons": reasons,
        "status": item["status"],
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
        "author_history": _author_history(db, item, author_id),
    }


def _report_view(row: Any, reporter: dict[str, Any]) -> dict[str, Any]:
    """One report of an item, with its reporter."""
    return {
        "id": f"report_{row['seq']}",
        "reason": row["reason"],
        "note": row["note"] or None,
        "reporter": reporter,
        "created_at": row["created_at"],
        "open": bool(row["open"]),
    }


def _target(db: Database, item: Any) -> tuple[Any, Any, str | None]:
    """The reported content, its context (for a comment) and its author's id;
    None for content deleted since."""
    if item["target_type"] == "post":
        post = load_post(db, item["target_id"])
        if post is None:
            return None, None, None
        return post_view(post), None, post["author_id"]

    comment = db.one("SELECT * FROM comments WHERE id = ?", (item["target_id"],))
    if comment is None:
        return None, None, None
    view = _comment(db, comment)
    if comment["removed"] and not comment["deleted"]:
        # Moderators judge what was written, so a removed comment shows its text.
        view["content"] = comment["content"]
    post = load_post(db, comment["post_id"])
    above = None
    if comment["parent_id"] is not None:
        above = db.one("SELECT * FROM comments WHERE id = ?", (comment["parent_id"],))
    parent = {
        "post": None if post is None else post_view(post),
        "comment": None if above is None else _comment(db, above),
    }
    return view, parent, comment["author_id"]


def _comment(db: Database, row: Any) -> dict[str, Any]:
    """A comment as readers see it, with its author."""
    return comment_view(row, user_brief(db, row["author_id"]))


def _author_history(db: Database, item: Any, author_id: str | None) -> Any:
    """How many other items of the author this Space removed, and any ban."""
    if author_id is None:
        return None
    removals = db.scalar(
        "SELECT COUNT(*) FROM mod_items m"
        " LEFT JOIN posts p ON m.target_type = 'post' AND p.id = m.target_id"
        " LEFT JOIN comments c ON m.target_type = 'comment' AND c.id = m.target_id"
        " WHERE m.space_id IS ? AND m.status = 'removed' AND m.id != ?"
        " AND coalesce(p.author_id, c.author_id) = ?",
        (item["space_id"], item["id"], author_id),
    )
    ban = active_ban(db, item["space_id"], author_id)
    active = (
        None
        if ban is None
        else {
            "reason": ban["reason"] or None,
            "expires_at": ban["expires_at"],
        }
    )
    return {"removals": removals, "active_ban": active}


def active_ban(db: Database, space_id: str | None, user_id: str) -> Any:
    """The user's ban in force in the Space, or None."""
    if space_id is None:
        return None
    return db.one(
        "SELECT * FROM space_bans WHERE space_id = ? AND user_id = ?"
        " AND (expires_at IS NULL OR expires_at > ?)",
        (space_id, user_id, now_iso()),
    )


def log_action(
    conn: sqlite3.Connection,
    *,
    space_id: str | None,
    item_id: str | None,
    moderator_id: str,
    action: str,
    note: str | None,
    subject_id: str | None,
    entry_id: str | None = None,
) -> None:
    """Write a decision or a ban to the moderation log.

    `space_id` is None for an item on a personal post, which belongs to no
    Space. `entry_id` is the row's id when the caller needed it first: a
    decision tags the reports it closes with it.
    """
    conn.execute(
        "INSERT INTO mod_log(id, item_id, space_id, moderator_id, action, note,"
        " subject_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            entry_id or new_id("log"),
            item_id,
            space_id,
            moderator_id,
            action,
            note or "",
            subject_id,
            now_iso(),
        ),
    )
