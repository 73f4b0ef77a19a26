"""Moderation [ext]: reports, the moderators' queue, decisions, bans and the log.

A report finds or opens the moderation item of its post or comment. The
moderators of the item's Space decide it: `approve`, `remove`, `dismiss`,
`escalate` (to the Space admins, who alone decide it then) or `restore`,
which undoes the latest decision. Every decision and ban is logged.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import Field

from ratel_tui.sandbox.auth import Caller, Db, scoped
from ratel_tui.sandbox.clock import iso, now, now_iso
from ratel_tui.sandbox.db import Database
from ratel_tui.sandbox.envelope import (
    JsonResponse,
    conflict,
    forbidden,
    not_found,
    ok,
)
from ratel_tui.sandbox.features import feature
from ratel_tui.sandbox.ids import new_id
from ratel_tui.sandbox.paging import Paging, paginate
from ratel_tui.sandbox.routing import ApiRoute
from ratel_tui.sandbox.rules import (
    can_view_space,
    require_moderator,
    role_in,
    visible_space,
)
from ratel_tui.sandbox.schemas import Body
from ratel_tui.sandbox.views import (
    comment_view,
    find_user,
    load_post,
    post_view,
    user_brief,
    user_briefs,
)

router = APIRouter(
    prefix="/v2",
    tags=["moderation"],
    route_class=ApiRoute,
    dependencies=[feature("moderation")],
)

WritePosts = Annotated[Caller, scoped("write:posts")]
Moderate = Annotated[Caller, scoped("moderate:spaces")]

REASONS = ("spam", "harassment", "misinformation", "off_topic", "other")
"""Why content can be reported."""

Reason = Literal["spam", "harassment", "misinformation", "off_topic", "other"]
ItemStatus = Literal["pending", "approved", "removed", "dismissed", "escalated", "all"]
Action = Literal["approve", "remove", "dismiss", "escalate", "restore"]

OUTCOME = {
    "approve": "approved",
    "remove": "removed",
    "dismiss": "dismissed",
    "escalate": "escalated",
}
"""The item status each decision (other than `restore`) leads to."""

CLOSING = ("approve", "remove", "dismiss")
"""Decisions that close the open reports of an item."""

NO_SPACE = ""
"""`mod_log.space_id` of decisions on personal posts, which belong to no Space
(the column cannot be NULL)."""


class NewReport(Body):
    """`POST /posts/{id}/reports` and `POST /comments/{id}/reports`."""

    reason: Reason
    note: str | None = Field(None, max_length=1_000)


class NewDecision(Body):
    """`POST /moderation/items/{id}/decisions`."""

    action: Action
    note: str | None = Field(None, max_length=1_000)


class NewBan(Body):
    """`POST /spaces/{id}/bans`; `duration_days` null bans for good."""

    user_id: str = Field(min_length=1, max_length=80)
    reason: str | None = Field(None, max_length=500)
    duration_days: int | None = Field(None, ge=1, le=3_650)


# --- Reports -----------------------------------------------------------------


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


# --- The queue ---------------------------------------------------------------


@router.get("/spaces/{space_id}/moderation/queue")
async def queue(
    request: Request,
    db: Db,
    caller: Moderate,
    space_id: str,
    paging: Paging,
    status: Annotated[ItemStatus, Query()] = "pending",
    reason: Annotated[Reason | None, Query()] = None,
) -> JsonResponse:
    """The Space's moderation items, oldest first; `meta.counts` holds the
    pending figures per reason."""
    space = visible_space(db, space_id, caller)
    require_moderator(db, space["id"], caller)
    where, params = ["m.space_id = ?"], [space["id"]]
    if status != "all":
        where.append("m.status = ?")
        params.append(status)
    if reason is not None:
        where.append(
            "EXISTS (SELECT 1 FROM reports r"
            " WHERE r.item_id = m.id AND r.open = 1 AND r.reason = ?)"
        )
        params.append(reason)

    listing = paginate(
        db,
        select="SELECT m.* FROM mod_items m",
        where=" AND ".join(where),
        params=tuple(params),
        keys=("m.seq",),
        descending=False,
        paging=paging,
        count_from="FROM mod_items m",
    )
    data = [item_view(db, row) for row in listing.rows]
    return ok(request, data, **listing.meta, counts=_counts(db, space["id"]))


def _counts(db: Database, space_id: str) -> dict[str, Any]:
    """Pending and escalated totals, and pending items per open-report reason."""
    reasons = dict.fromkeys(REASONS, 0)
    for row in db.all(
        "SELECT r.reason, COUNT(DISTINCT m.id) FROM mod_items m"
        " JOIN reports r ON r.item_id = m.id AND r.open = 1"
        " WHERE m.space_id = ? AND m.status = 'pending' GROUP BY r.reason",
        (space_id,),
    ):
        reasons[row[0]] = row[1]
    totals = dict(
        db.all(
            "SELECT status, COUNT(*) FROM mod_items WHERE space_id = ?"
            " AND status IN ('pending', 'escalated') GROUP BY status",
            (space_id,),
        )
    )
    return {
        "pending": totals.get("pending", 0),
        "escalated": totals.get("escalated", 0),
        "reasons": reasons,
    }


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
    ban = _active_ban(db, item["space_id"], author_id)
    active = (
        None
        if ban is None
        else {
            "reason": ban["reason"] or None,
            "expires_at": ban["expires_at"],
        }
    )
    return {"removals": removals, "active_ban": active}


# --- Decisions ---------------------------------------------------------------


@router.post("/moderation/items/{item_id}/decisions", status_code=201)
async def decide(
    request: Request, db: Db, caller: Moderate, item_id: str, body: NewDecision
) -> JsonResponse:
    """Decide a pending item (an escalated one: Space admins only), or undo the
    latest decision with `restore`."""
    item = _load_item(db, item_id, caller)
    role = require_moderator(db, item["space_id"], caller)
    if item["status"] == "escalated" and role != "admin":
        raise forbidden("Only an admin of this Space can decide an escalated item")

    with db.tx() as conn:
        if body.action == "restore":
            _restore(conn, item, role)
        else:
            _apply(conn, item, body.action)
        _log(
            conn,
            space_id=item["space_id"],
            item_id=item["id"],
            moderator_id=caller.user_id,
            action=body.action,
            note=body.note,
            subject_id=_author_of(conn, item),
        )
    item = db.one("SELECT * FROM mod_items WHERE id = ?", (item["id"],))
    return ok(request, item_view(db, item), status=201)


def _load_item(db: Database, item_id: str, caller: Caller) -> Any:
    """The item; a 404 when it is in a private Space the caller cannot see."""
    item = db.one("SELECT * FROM mod_items WHERE id = ?", (item_id,))
    if item is None:
        raise not_found("moderation item", item_id)
    if item["space_id"] is not None:
        space = db.one("SELECT * FROM spaces WHERE id = ?", (item["space_id"],))
        if space is None or not can_view_space(db, space, caller):
            raise not_found("moderation item", item_id)
    return item


def _apply(conn: sqlite3.Connection, item: Any, action: str) -> None:
    """Approve, remove, dismiss or escalate a pending (or escalated) item."""
    status = item["status"]
    if status not in ("pending", "escalated"):
        raise conflict(
            f"This item was already decided ({status}); restore it to decide again",
            status=status,
        )
    if action == "escalate" and status == "escalated":
        raise conflict("This item is already escalated to the Space admins")
    if action in CLOSING:
        conn.execute(
            "UPDATE reports SET open = 0 WHERE item_id = ? AND open = 1", (item["id"],)
        )
    if action == "remove":
        _set_removed(conn, item, removed=True)
    conn.execute(
        "UPDATE mod_items SET status = ?, updated_at = ? WHERE id = ?",
        (OUTCOME[action], now_iso(), item["id"]),
    )


def _restore(conn: sqlite3.Connection, item: Any, role: str) -> None:
    """Undo the latest decision: the item goes back to what it was before it
    (pending, or escalated for a decision the admins made on an escalated item),
    removed content comes back and the reports it closed open again."""
    if item["status"] == "pending":
        raise conflict("There is no decision to undo: this item is pending")
    standing = _standing_decisions(conn, item["id"])
    undone = standing.pop() if standing else None
    on_escalation = bool(standing) and standing[-1]["action"] == "escalate"
    back_to = "escalated" if on_escalation and undone is not None else "pending"
    if back_to == "escalated" and role != "admin":
        raise forbidden("Only an admin of this Space can undo an admin's decision")

    if item["status"] == "removed":
        _set_removed(conn, item, removed=False)
    if undone is None or undone["action"] in CLOSING:
        earlier = [d["created_at"] for d in standing if d["action"] in CLOSING]
        _reopen_reports(conn, item["id"], earlier[-1] if earlier else None)
    conn.execute(
        "UPDATE mod_items SET status = ?, updated_at = ? WHERE id = ?",
        (back_to, now_iso(), item["id"]),
    )


def _standing_decisions(conn: sqlite3.Connection, item_id: str) -> list[Any]:
    """The item's logged decisions that no `restore` has undone, oldest first."""
    stack: list[Any] = []
    for entry in conn.execute(
        "SELECT action, created_at FROM mod_log WHERE item_id = ? ORDER BY seq",
        (item_id,),
    ):
        if entry["action"] == "restore":
            if stack:
                stack.pop()
        else:
            stack.append(entry)
    return stack


def _reopen_reports(conn: sqlite3.Connection, item_id: str, since: str | None) -> None:
    """Reopen the reports closed by the decision being undone: those filed after
    the closing decision before it (`since`), or all when there was none.

    Limitation: reports keep no link to the decision that closed them, so a
    report filed in the same second as that earlier decision is reopened too.
    A reporter keeps at most one open report, the latest.
    """
    rows = conn.execute(
        "SELECT seq, reporter_id, created_at, open FROM reports"
        " WHERE item_id = ? ORDER BY seq DESC",
        (item_id,),
    ).fetchall()
    holders = {r["reporter_id"] for r in rows if r["open"]}
    for row in rows:
        if row["open"] or row["reporter_id"] in holders:
            continue
        if since is not None and row["created_at"] < since:
            continue
        holders.add(row["reporter_id"])
        conn.execute("UPDATE reports SET open = 1 WHERE seq = ?", (row["seq"],))


def _set_removed(conn: sqlite3.Connection, item: Any, *, removed: bool) -> None:
    """Hide or show the item's content, moving the counts that include it."""
    flag, delta = (1, -1) if removed else (0, +1)
    table = "posts" if item["target_type"] == "post" else "comments"
    changed = conn.execute(
        f"UPDATE {table} SET removed = ? WHERE id = ? AND removed != ?",
        (flag, item["target_id"], flag),
    ).rowcount
    if not changed:
        return
    if table == "posts":
        post = conn.execute(
            "SELECT author_id, space_id, status FROM posts WHERE id = ?",
            (item["target_id"],),
        ).fetchone()
        if post["status"] == "published":
            _count_post(conn, post["author_id"], post["space_id"], delta)
        return
    comment = conn.execute(
        "SELECT post_id, deleted FROM comments WHERE id = ?", (item["target_id"],)
    ).fetchone()
    if not comment["deleted"]:
        conn.execute(
            "UPDATE posts SET comments_count = max(0, comments_count + ?) WHERE id = ?",
            (delta, comment["post_id"]),
        )


def _count_post(
    conn: sqlite3.Connection, author_id: str, space_id: str | None, delta: int
) -> None:
    # Not counters.count_post: a post coming back is not a new post of the day
    # in the Space's analytics.
    conn.execute(
        "UPDATE users SET posts_count = max(0, posts_count + ?) WHERE id = ?",
        (delta, author_id),
    )
    if space_id is not None:
        conn.execute(
            "UPDATE spaces SET posts_count = max(0, posts_count + ?) WHERE id = ?",
            (delta, space_id),
        )


def _author_of(conn: sqlite3.Connection, item: Any) -> str | None:
    table = "posts" if item["target_type"] == "post" else "comments"
    row = conn.execute(
        f"SELECT author_id FROM {table} WHERE id = ?", (item["target_id"],)
    ).fetchone()
    return None if row is None else row[0]


def _log(
    conn: sqlite3.Connection,
    *,
    space_id: str | None,
    item_id: str | None,
    moderator_id: str,
    action: str,
    note: str | None,
    subject_id: str | None,
) -> None:
    conn.execute(
        "INSERT INTO mod_log(id, item_id, space_id, moderator_id, action, note,"
        " subject_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new_id("log"),
            item_id,
            NO_SPACE if space_id is None else space_id,
            moderator_id,
            action,
            note or "",
            subject_id,
            now_iso(),
        ),
    )


# --- Bans --------------------------------------------------------------------


@router.post("/spaces/{space_id}/bans", status_code=201)
async def ban(
    request: Request, db: Db, caller: Moderate, space_id: str, body: NewBan
) -> JsonResponse:
    """Ban a user from the Space, for `duration_days` or for good; a new ban
    replaces the one in force."""
    space = visible_space(db, space_id, caller)
    require_moderator(db, space["id"], caller)
    user = find_user(db, body.user_id)
    if user["id"] == caller.user_id:
        raise forbidden("You cannot ban yourself")
    if role_in(db, space["id"], user["id"]) == "admin":
        raise forbidden("You cannot ban an admin of this Space")

    stamp = now()
    expires = None
    if body.duration_days is not None:
        expires = iso(stamp + timedelta(days=body.duration_days))
    with db.tx() as conn:
        conn.execute(
            "INSERT INTO space_bans(space_id, user_id, reason, banned_by, created_at,"
            " expires_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(space_id, user_id) DO UPDATE SET reason = excluded.reason,"
            " banned_by = excluded.banned_by, created_at = excluded.created_at,"
            " expires_at = excluded.expires_at",
            (
                space["id"],
                user["id"],
                body.reason or "",
                caller.user_id,
                iso(stamp),
                expires,
            ),
        )
        _log(
            conn,
            space_id=space["id"],
            item_id=None,
            moderator_id=caller.user_id,
            action="ban",
            note=body.reason,
            subject_id=user["id"],
        )
    row = _active_ban(db, space["id"], user["id"])
    return ok(request, _ban_view(db, row), status=201)


@router.delete("/spaces/{space_id}/bans/{user_id}")
async def unban(
    request: Request, db: Db, caller: Moderate, space_id: str, user_id: str
) -> JsonResponse:
    """Lift a user's ban from the Space."""
    space = visible_space(db, space_id, caller)
    require_moderator(db, space["id"], caller)
    user = find_user(db, user_id)
    row = _active_ban(db, space["id"], user["id"])
    if row is None:
        raise not_found("ban", user_id)

    with db.tx() as conn:
        conn.execute(
            "DELETE FROM space_bans WHERE space_id = ? AND user_id = ?",
            (space["id"], user["id"]),
        )
        _log(
            conn,
            space_id=space["id"],
            item_id=None,
            moderator_id=caller.user_id,
            action="unban",
            note=None,
            subject_id=user["id"],
        )
    return ok(request, {**_ban_view(db, row), "lifted_at": now_iso()})


@router.get("/spaces/{space_id}/bans")
async def list_bans(
    request: Request, db: Db, caller: Moderate, space_id: str, paging: Paging
) -> JsonResponse:
    """The bans in force in the Space, newest first."""
    space = visible_space(db, space_id, caller)
    require_moderator(db, space["id"], caller)
    listing = paginate(
        db,
        select="SELECT rowid AS seq, * FROM space_bans",
        where="space_id = ? AND (expires_at IS NULL OR expires_at > ?)",
        params=(space["id"], now_iso()),
        paging=paging,
    )
    data = [_ban_view(db, row) for row in listing.rows]
    return ok(request, data, **listing.meta)


def _active_ban(db: Database, space_id: str | None, user_id: str) -> Any:
    """The user's ban in force in the Space, or None."""
    if space_id is None:
        return None
    return db.one(
        "SELECT * FROM space_bans WHERE space_id = ? AND user_id = ?"
        " AND (expires_at IS NULL OR expires_at > ?)",
        (space_id, user_id, now_iso()),
    )


def _ban_view(db: Database, row: Any) -> dict[str, Any]:
    people = user_briefs(db, {row["user_id"], row["banned_by"]})
    return {
        "space_id": row["space_id"],
        "user": people[row["user_id"]],
        "reason": row["reason"] or None,
        "expires_at": row["expires_at"],
        "created_at": row["created_at"],
        "banned_by": people[row["banned_by"]],
    }


# --- The log -----------------------------------------------------------------


@router.get("/spaces/{space_id}/moderation/log")
async def moderation_log(
    request: Request,
    db: Db,
    caller: Moderate,
    space_id: str,
    paging: Paging,
    moderator: Annotated[str | None, Query(max_length=80)] = None,
) -> JsonResponse:
    """Every decision and ban in the Space, newest first; `moderator` (`me`, an
    id or a username) keeps one moderator's."""
    space = visible_space(db, space_id, caller)
    require_moderator(db, space["id"], caller)
    where, params = "space_id = ?", [space["id"]]
    if moderator is not None:
        who = caller.user_id if moderator == "me" else find_user(db, moderator)["id"]
        where, params = f"{where} AND moderator_id = ?", [*params, who]

    listing = paginate(
        db,
        select="SELECT * FROM mod_log",
        where=where,
        params=tuple(params),
        keys=("seq",),
        paging=paging,
    )
    people = user_briefs(
        db,
        {r["moderator_id"] for r in listing.rows}
        | {r["subject_id"] for r in listing.rows if r["subject_id"]},
    )
    data = [_log_view(row, people) for row in listing.rows]
    return ok(request, data, **listing.meta)


def _log_view(row: Any, people: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "item_id": row["item_id"],
        "action": row["action"],
        "note": row["note"] or None,
        "moderator": people[row["moderator_id"]],
        "subject": people[row["subject_id"]] if row["subject_id"] else None,
        "created_at": row["created_at"],
    }
