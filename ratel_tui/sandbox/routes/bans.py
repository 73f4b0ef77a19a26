"""Moderation [ext]: banning users from a Space, lifting and listing bans.

A ban in force keeps the user from joining, posting and commenting in the
Space (see `rules.is_banned`); setting and lifting one is logged with the
Space's decisions.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field

from ratel_tui.sandbox.auth import Caller, Db
from ratel_tui.sandbox.clock import iso, now, now_iso
from ratel_tui.sandbox.db import Database
from ratel_tui.sandbox.envelope import JsonResponse, forbidden, not_found, ok
from ratel_tui.sandbox.features import feature
from ratel_tui.sandbox.moderation_items import (
    Moderate,
    active_ban,
    log_action,
    moderated_space,
)
from ratel_tui.sandbox.paging import Paging, paginate
from ratel_tui.sandbox.routing import ApiRoute
from ratel_tui.sandbox.rules import role_in
from ratel_tui.sandbox.schemas import Body
from ratel_tui.sandbox.views import find_user, user_briefs

router = APIRouter(
    prefix="/v2",
    tags=["moderation"],
    route_class=ApiRoute,
    dependencies=[feature("moderation")],
)


class NewBan(Body):
    """`POST /spaces/{id}/bans`; `duration_days` null bans for good."""

    user_id: str = Field(min_length=1, max_length=80)
    reason: str | None = Field(None, max_length=500)
    duration_days: int | None = Field(None, ge=1, le=3_650)


@router.post("/spaces/{space_id}/bans", status_code=201)
async def ban(
    request: Request, db: Db, caller: Moderate, space_id: str, body: NewBan
) -> JsonResponse:
    """Ban a user from the Space, for `duration_days` or for good; a new ban
    replaces the one in force."""
    space = moderated_space(db, space_id, caller)
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
        _log_ban(conn, caller, space["id"], user["id"], "ban", body.reason)
    row = active_ban(db, space["id"], user["id"])
    return ok(request, _ban_view(db, row), status=201)


@router.delete("/spaces/{space_id}/bans/{user_id}")
async def unban(
    request: Request, db: Db, caller: Moderate, space_id: str, user_id: str
) -> JsonResponse:
    """Lift a user's ban from the Space."""
    space = moderated_space(db, space_id, caller)
    user = find_user(db, user_id)
    row = active_ban(db, space["id"], user["id"])
    if row is None:
        raise not_found("ban", user_id)

    with db.tx() as conn:
        conn.execute(
            "DELETE FROM space_bans WHERE space_id = ? AND user_id = ?",
            (space["id"], user["id"]),
        )
        _log_ban(conn, caller, space["id"], user["id"], "unban", None)
    return ok(request, {**_ban_view(db, row), "lifted_at": now_iso()})


@router.get("/spaces/{space_id}/bans")
async def list_bans(
    request: Request, db: Db, caller: Moderate, space_id: str, paging: Paging
) -> JsonResponse:
    """The bans in force in the Space, newest first."""
    space = moderated_space(db, space_id, caller)
    listing = paginate(
        db,
        select="SELECT rowid AS seq, * FROM space_bans",
        where="space_id = ? AND (expires_at IS NULL OR expires_at > ?)",
        params=(space["id"], now_iso()),
        paging=paging,
    )
    data = [_ban_view(db, row) for row in listing.rows]
    return ok(request, data, **listing.meta)


def _log_ban(
    conn: sqlite3.Connection,
    caller: Caller,
    space_id: str,
    user_id: str,
    action: str,
    note: str | None,
) -> None:
    """Log a ban or its lifting, which concern a user rather than an item."""
    log_action(
        conn,
        space_id=space_id,
        item_id=None,
        moderator_id=caller.user_id,
        action=action,
        note=note,
        subject_id=user_id,
    )


def _ban_view(db: Database, row: Any) -> dict[str, Any]:
    """A space_bans row with the banned user and the moderator who banned them."""
    people = user_briefs(db, {row["user_id"], row["banned_by"]})
    return {
        "space_id": row["space_id"],
        "user": people[row["user_id"]],
        "reason": row["reason"] or None,
        "expires_at": row["expires_at"],
        "created_at": row["created_at"],
        "banned_by": people[row["banned_by"]],
    }
