"""Moderation [ext]: the moderators' queue, their decisions and the log.

Reports (`routes.reports`) open the items. The moderators of the item's
Space decide it: `approve`, `remove`, `dismiss`, `escalate` (to the Space
admins, who alone decide it then) or `restore`, which undoes the latest
decision. Every decision is logged, with the bans (`routes.bans`).
"""

from __future__ import annotations

import sqlite3
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import Field

from ratel_tui.sandbox.auth import Caller, Db
from ratel_tui.sandbox.clock import now_iso
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
from ratel_tui.sandbox.moderation_items import (
    REASONS,
    Moderate,
    Reason,
    item_view,
    log_action,
    moderated_space,
)
from ratel_tui.sandbox.paging import Paging, paginate
from ratel_tui.sandbox.routing import ApiRoute
from ratel_tui.sandbox.rules import can_view_space, require_moderator
from ratel_tui.sandbox.schemas import Body
from ratel_tui.sandbox.views import find_user, user_briefs

router = APIRouter(
    prefix="/v2",
    tags=["moderation"],
    route_class=ApiRoute,
    dependencies=[feature("moderation")],
)

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


class NewDecision(Body):
    """`POST /moderation/items/{id}/decisions`."""

    action: Action
    note: str | None = Field(None, max_length=1_000)


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
    space = moderated_space(db, space_id, caller)
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

    # The log entry's id is drawn first: the reports a decision closes name it.
    entry_id = new_id("log")
    with db.tx() as conn:
        if body.action == "restore":
            _restore(conn, item, role)
        else:
            _apply(conn, item, body.action, entry_id)
        log_action(
            conn,
            entry_id=entry_id,
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


def _apply(conn: sqlite3.Connection, item: Any, action: str, entry_id: str) -> None:
    """Approve, remove, dismiss or escalate a pending (or escalated) item; a
    closing decision marks the reports it closes with its log entry's id."""
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
            "UPDATE reports SET open = 0, closed_by = ? WHERE item_id = ? AND open = 1",
            (entry_id, item["id"]),
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
    back_to = "escalated" if on_escalation else "pending"
    if back_to == "escalated" and role != "admin":
        raise forbidden("Only an admin of this Space can undo an admin's decision")

    if item["status"] == "removed":
        _set_removed(conn, item, removed=False)
    if undone is not None:
        _reopen_reports(conn, item["id"], undone["id"])
    conn.execute(
        "UPDATE mod_items SET status = ?, updated_at = ? WHERE id = ?",
        (back_to, now_iso(), item["id"]),
    )


def _standing_decisions(conn: sqlite3.Connection, item_id: str) -> list[Any]:
    """The item's logged decisions that no `restore` has undone, oldest first."""
    stack: list[Any] = []
    for entry in conn.execute(
        "SELECT id, action FROM mod_log WHERE item_id = ? ORDER BY seq",
        (item_id,),
    ):
        if entry["action"] == "restore":
            if stack:
                stack.pop()
        else:
            stack.append(entry)
    return stack


def _reopen_reports(conn: sqlite3.Connection, item_id: str, decision_id: str) -> None:
    """Reopen the reports that the decision being undone closed, clearing their
    `closed_by`.

    A closed report that names no decision (the seed writes such) is never
    reopened. A reporter keeps at most one open report, so one who holds
    another already keeps that one and this one stays closed.
    """
    conn.execute(
        "UPDATE reports SET open = 1, closed_by = NULL"
        " WHERE item_id = ? AND closed_by = ? AND NOT EXISTS ("
        "  SELECT 1 FROM reports o WHERE o.item_id = reports.item_id"
        "  AND o.reporter_id = reports.reporter_id AND o.open = 1)",
        (item_id, decision_id),
    )


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
    """Who wrote the item's content (the log's subject); None once it is gone."""
    table = "posts" if item["target_type"] == "post" else "comments"
    row = conn.execute(
        f"SELECT author_id FROM {table} WHERE id = ?", (item["target_id"],)
    ).fetchone()
    return None if row is None else row[0]


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
    space = moderated_space(db, space_id, caller)
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
    """A log entry with its moderator and subject drawn from `people`."""
    return {
        "id": row["id"],
        "item_id": row["item_id"],
        "action": row["action"],
        "note": row["note"] or None,
        "moderator": people[row["moderator_id"]],
        "subject": people[row["subject_id"]] if row["subject_id"] else None,
        "created_at": row["created_at"],
    }
