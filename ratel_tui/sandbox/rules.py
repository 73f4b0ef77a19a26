"""Who may do what in a Space: roles, bans, visibility. Shared by every route."""

from __future__ import annotations

from typing import Any

from ratel_tui.sandbox.auth import Caller
from ratel_tui.sandbox.clock import now_iso
from ratel_tui.sandbox.db import Database
from ratel_tui.sandbox.envelope import Problem, forbidden, not_found

ROLE_RANK = {None: 0, "member": 1, "moderator": 2, "admin": 3}
"""Roles in a Space, weakest first."""


def find_space(db: Database, ident: str) -> Any:
    """The spaces row for an id or a slug; 404 when there is none."""
    row = db.one("SELECT * FROM spaces WHERE id = ? OR slug = ?", (ident, ident))
    if row is None:
        raise not_found("space", ident)
    return row


def role_in(db: Database, space_id: str | None, user_id: str) -> str | None:
    """The user's role in the Space, or None for a non-member."""
    if space_id is None:
        return None
    return db.scalar(
        "SELECT role FROM space_members WHERE space_id = ? AND user_id = ?",
        (space_id, user_id),
    )


def is_banned(db: Database, space_id: str | None, user_id: str) -> bool:
    """Whether a ban of the user in the Space is in force now."""
    if space_id is None:
        return False
    row = db.one(
        "SELECT expires_at FROM space_bans WHERE space_id = ? AND user_id = ?",
        (space_id, user_id),
    )
    return row is not None and (
        row["expires_at"] is None or row["expires_at"] > now_iso()
    )


def can_view_space(db: Database, space: Any, caller: Caller) -> bool:
    """Public Spaces are open to all; private ones to members and platform admins."""
    if (
        space["visibility"] == "public"
        or caller.is_admin
        and caller.has("admin:spaces")
    ):
        return True
    return role_in(db, space["id"], caller.user_id) is not None


def visible_space(db: Database, ident: str, caller: Caller) -> Any:
    """The Space the caller may see; a private one they may not see is a 404."""
    space = find_space(db, ident)
    if not can_view_space(db, space, caller):
        raise not_found("space", ident)
    return space


def require_role(db: Database, space_id: str, caller: Caller, least: str) -> str:
    """The caller's role, which must be at least `least`; else 403.

    A platform admin holding `admin:spaces` counts as a Space admin.
    """
    if caller.is_admin and caller.has("admin:spaces"):
        return "admin"
    role = role_in(db, space_id, caller.user_id)
    if ROLE_RANK[role] < ROLE_RANK[least]:
        needed = "an admin" if least == "admin" else f"a {least}"
        raise forbidden(f"Only {needed} of this Space may do this")
    assert role is not None
    return role


def require_not_banned(db: Database, space_id: str | None, caller: Caller) -> None:
    """403 when the caller is banned from the Space."""
    if is_banned(db, space_id, caller.user_id):
        raise forbidden("You are banned from this Space")


def require_moderator(db: Database, space_id: str | None, caller: Caller) -> str:
    """Moderation needs `moderate:spaces` and the moderator or admin role."""
    caller.require("moderate:spaces")
    if space_id is None:
        if caller.is_admin and caller.has("admin:users"):
            return "admin"
        raise forbidden("Only platform admins moderate content outside Spaces")
    return require_role(db, space_id, caller, "moderator")


def check_length(field: str, value: str | None, limit: int) -> None:
    """400 when a text field is longer than `limit` characters."""
    if value is not None and len(value) > limit:
        raise Problem(
            "invalid_request",
            f"{field} is longer than {limit} characters",
            details={"field": field, "limit": limit, "length": len(value)},
        )
