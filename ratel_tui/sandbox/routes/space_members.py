"""Space members and their roles [ext]."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from ratel_tui.sandbox.auth import Caller, Db, scoped
from ratel_tui.sandbox.envelope import JsonResponse, conflict, not_found, ok
from ratel_tui.sandbox.features import feature
from ratel_tui.sandbox.paging import Paging, paginate
from ratel_tui.sandbox.routes.spaces import admin_count
from ratel_tui.sandbox.routing import ApiRoute
from ratel_tui.sandbox.rules import require_role, role_in, visible_space
from ratel_tui.sandbox.schemas import Body
from ratel_tui.sandbox.views import find_user, user_brief

router = APIRouter(prefix="/v2", tags=["spaces"], route_class=ApiRoute)

ReadSpaces = Annotated[Caller, scoped("read:spaces")]
WriteSpaces = Annotated[Caller, scoped("write:spaces")]


class RoleChange(Body):
    """`PATCH /spaces/{id}/members/{user_id}` [ext]."""

    role: Literal["member", "moderator", "admin"]


@router.get("/spaces/{space_id}/members", dependencies=[feature("space_members")])
async def list_members(
    request: Request,
    db: Db,
    caller: ReadSpaces,
    space_id: str,
    paging: Paging,
    role: Annotated[Literal["member", "moderator", "admin"] | None, Query()] = None,
) -> JsonResponse:
    """Members with their roles [ext]: admins first, then moderators, then members."""
    space = visible_space(db, space_id, caller)
    where, params = "m.space_id = ?", (space["id"],)
    if role is not None:
        where, params = f"{where} AND m.role = ?", (*params, role)
    listing = paginate(
        db,
        select=(
            "SELECT m.user_id, m.role, m.joined_at, m.rowid AS seq,"
            " CASE m.role WHEN 'admin' THEN 0 WHEN 'moderator' THEN 1 ELSE 2 END AS rank"
            " FROM space_members m"
        ),
        where=where,
        params=params,
        keys=("rank", "seq"),
        descending=False,
        paging=paging,
    )
    data = [
        {
            "user": user_brief(db, r["user_id"]),
            "role": r["role"],
            "joined_at": r["joined_at"],
        }
        for r in listing.rows
    ]
    return ok(request, data, **listing.meta)


@router.patch(
    "/spaces/{space_id}/members/{user_id}", dependencies=[feature("space_members")]
)
async def change_role(
    request: Request,
    db: Db,
    caller: WriteSpaces,
    space_id: str,
    user_id: str,
    body: RoleChange,
) -> JsonResponse:
    """Give a member another role [ext]: Space admins, or `admin:spaces`."""
    space = visible_space(db, space_id, caller)
    require_role(db, space["id"], caller, "admin")
    user = find_user(db, user_id)
    current = role_in(db, space["id"], user["id"])
    if current is None:
        raise not_found("member", user_id)
    if (
        current == "admin"
        and body.role != "admin"
        and admin_count(db, space["id"]) == 1
    ):
        raise conflict("A Space needs at least one admin")
    with db.tx() as conn:
        conn.execute(
            "UPDATE space_members SET role = ? WHERE space_id = ? AND user_id = ?",
            (body.role, space["id"], user["id"]),
        )
    joined = db.scalar(
        "SELECT joined_at FROM space_members WHERE space_id = ? AND user_id = ?",
        (space["id"], user["id"]),
    )
    return ok(
        request,
        {"user": user_brief(db, user["id"]), "role": body.role, "joined_at": joined},
    )
