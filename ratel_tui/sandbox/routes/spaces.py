"""Spaces: listing, creating and changing them, joining, members and analytics."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import Field, field_validator

from ratel_tui.sandbox.auth import Caller, Db, scoped
from ratel_tui.sandbox.clock import now_iso
from ratel_tui.sandbox.counters import bump_daily
from ratel_tui.sandbox.db import Database
from ratel_tui.sandbox.envelope import (
    JsonResponse,
    conflict,
    forbidden,
    invalid,
    ok,
)
from ratel_tui.sandbox.ids import new_id
from ratel_tui.sandbox.paging import Paging, paginate
from ratel_tui.sandbox.routes.posts import delete_posts
from ratel_tui.sandbox.routing import ApiRoute
from ratel_tui.sandbox.rules import (
    is_banned,
    require_role,
    role_in,
    visible_space,
)
from ratel_tui.sandbox.schemas import Body
from ratel_tui.sandbox.views import space_view

router = APIRouter(prefix="/v2", tags=["spaces"], route_class=ApiRoute)

ReadSpaces = Annotated[Caller, scoped("read:spaces")]
WriteSpaces = Annotated[Caller, scoped("write:spaces")]

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Settings(Body):
    """A Space's settings; any may be left out."""

    allow_posts: bool | None = None
    moderation: Literal["community", "staff", "open"] | None = None
    allow_deliberations: bool | None = None


class NewSpace(Body):
    """`POST /spaces`."""

    name: str = Field(min_length=3, max_length=80)
    slug: str = Field(min_length=3, max_length=40)
    description: str = Field("", max_length=2_000)
    visibility: Literal["public", "private"] = "public"
    category: str = Field("general", min_length=2, max_length=40)
    settings: Settings | None = None

    @field_validator("slug")
    @classmethod
    def _slug(cls, slug: str) -> str:
        if not SLUG.match(slug):
            raise ValueError("slug takes lowercase letters, digits and single dashes")
        return slug


class SpaceUpdate(Body):
    """`PATCH /spaces/{id}`: any of these."""

    name: str | None = Field(None, min_length=3, max_length=80)
    description: str | None = Field(None, max_length=2_000)
    visibility: Literal["public", "private"] | None = None
    category: str | None = Field(None, min_length=2, max_length=40)
    settings: Settings | None = None


def _view(db: Database, row: object, caller: Caller) -> dict[str, object]:
    return space_view(row, role_in(db, row["id"], caller.user_id), include_role=True)  # type: ignore[index]


@router.get("/spaces")
async def list_spaces(
    request: Request,
    db: Db,
    caller: ReadSpaces,
    paging: Paging,
    category: Annotated[str | None, Query(max_length=40)] = None,
    member: Annotated[bool, Query()] = False,
) -> JsonResponse:
    """Spaces by name; `member=true` only the caller's, `category` one kind."""
    if member:
        where = "id IN (SELECT space_id FROM space_members WHERE user_id = ?)"
    else:
        where = (
            "(visibility = 'public'"
            " OR id IN (SELECT space_id FROM space_members WHERE user_id = ?))"
        )
    params: tuple[object, ...] = (caller.user_id,)
    if category is not None:
        where, params = f"{where} AND category = ?", (*params, category)
    listing = paginate(
        db,
        select="SELECT * FROM spaces",
        where=where,
        params=params,
        keys=("name", "seq"),
        descending=False,
        paging=paging,
    )
    roles = dict(
        db.all(
            "SELECT space_id, role FROM space_members WHERE user_id = ?",
            (caller.user_id,),
        )
    )
    data = [space_view(r, roles.get(r["id"]), include_role=True) for r in listing.rows]
    return ok(request, data, **listing.meta)


@router.get("/spaces/{space_id}")
async def get_space(
    request: Request, db: Db, caller: ReadSpaces, space_id: str
) -> JsonResponse:
    """One Space by id or slug."""
    return ok(request, _view(db, visible_space(db, space_id, caller), caller))


@router.post("/spaces", status_code=201)
async def create_space(
    request: Request, db: Db, caller: WriteSpaces, body: NewSpace
) -> JsonResponse:
    """Create a Space; its creator is its first admin."""
    if db.one("SELECT 1 FROM spaces WHERE slug = ?", (body.slug,)) is not None:
        raise conflict(f"The slug {body.slug!r} is taken", field="slug")
    settings = body.settings or Settings()
    space_id = new_id("space")
    created = now_iso()
    with db.tx() as conn:
        conn.execute(
            "INSERT INTO spaces(id, name, slug, description, visibility, category, created_by,"
            " created_at, allow_posts, moderation, allow_deliberations, members_count)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
            (
                space_id,
                body.name,
                body.slug,
                body.description,
                body.visibility,
                body.category,
                caller.user_id,
                created,
                int(settings.allow_posts if settings.allow_posts is not None else True),
                settings.moderation or "community",
                int(
                    settings.allow_deliberations
                    if settings.allow_deliberations is not None
                    else True
                ),
            ),
        )
        conn.execute(
            "INSERT INTO space_members(space_id, user_id, role, joined_at) VALUES (?, ?, 'admin', ?)",
            (space_id, caller.user_id, created),
        )
        bump_daily(conn, space_id, new_members=0)
    return ok(
        request, _view(db, visible_space(db, space_id, caller), caller), status=201
    )


@router.patch("/spaces/{space_id}")
async def update_space(
    request: Request, db: Db, caller: WriteSpaces, space_id: str, body: SpaceUpdate
) -> JsonResponse:
    """Change a Space (its admins only)."""
    space = visible_space(db, space_id, caller)
    require_role(db, space["id"], caller, "admin")
    changes = body.model_dump(exclude_unset=True, exclude={"settings"})
    if any(value is None for value in changes.values()):
        raise invalid("Space fields cannot be null", fields=sorted(changes))
    if body.settings is not None:
        for name, value in body.settings.model_dump(exclude_none=True).items():
            changes[name] = int(value) if isinstance(value, bool) else value
    if changes:
        assignments = ", ".join(f"{name} = ?" for name in changes)
        with db.tx() as conn:
            conn.execute(
                f"UPDATE spaces SET {assignments} WHERE id = ?",
                (*changes.values(), space["id"]),
            )
    return ok(request, _view(db, visible_space(db, space["id"], caller), caller))


@router.delete("/spaces/{space_id}")
async def delete_space(
    request: Request, db: Db, caller: WriteSpaces, space_id: str
) -> JsonResponse:
    """Delete a Space and everything in it (its admins, or a platform admin)."""
    space = visible_space(db, space_id, caller)
    require_role(db, space["id"], caller, "admin")
    with db.tx() as conn:
        posts = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM posts WHERE space_id = ?", (space["id"],)
            )
        ]
        delete_posts(conn, posts)
        _delete_deliberations(conn, space["id"])
        for table in ("space_members", "space_bans", "space_daily", "mod_log"):
            conn.execute(f"DELETE FROM {table} WHERE space_id = ?", (space["id"],))
        conn.execute(
            "DELETE FROM reports WHERE item_id IN (SELECT id FROM mod_items WHERE space_id = ?)",
            (space["id"],),
        )
        conn.execute("DELETE FROM mod_items WHERE space_id = ?", (space["id"],))
        conn.execute("DELETE FROM spaces WHERE id = ?", (space["id"],))
    return ok(request, {"id": space["id"], "deleted": True})


def _delete_deliberations(conn: object, space_id: str) -> None:
    run = conn.execute  # type: ignore[attr-defined]
    ids = [
        r[0]
        for r in run("SELECT id FROM deliberations WHERE space_id = ?", (space_id,))
    ]
    for delib_id in ids:
        surveys = [
            r[0]
            for r in run(
                "SELECT id FROM surveys WHERE deliberation_id = ?", (delib_id,)
            )
        ]
        for survey_id in surveys:
            run(
                "DELETE FROM answers WHERE response_id IN"
                " (SELECT id FROM responses WHERE survey_id = ?)",
                (survey_id,),
            )
            run("DELETE FROM responses WHERE survey_id = ?", (survey_id,))
            run("DELETE FROM questions WHERE survey_id = ?", (survey_id,))
        run("DELETE FROM surveys WHERE deliberation_id = ?", (delib_id,))
        run("DELETE FROM deliberation_comments WHERE deliberation_id = ?", (delib_id,))
        run("DELETE FROM deliberations WHERE id = ?", (delib_id,))


def _membership(db: Database, space_id: str, caller: Caller) -> dict[str, object]:
    count = db.scalar("SELECT members_count FROM spaces WHERE id = ?", (space_id,))
    return {
        "space_id": space_id,
        "role": role_in(db, space_id, caller.user_id),
        "members": count,
    }


@router.post("/spaces/{space_id}/join")
async def join(
    request: Request, db: Db, caller: WriteSpaces, space_id: str
) -> JsonResponse:
    """Join a public Space; joining one already joined changes nothing."""
    space = visible_space(db, space_id, caller)
    if role_in(db, space["id"], caller.user_id) is not None:
        return ok(request, _membership(db, space["id"], caller))
    if space["visibility"] != "public":
        raise forbidden("This Space is private: an admin has to add you")
    if is_banned(db, space["id"], caller.user_id):
        raise forbidden("You are banned from this Space")
    with db.tx() as conn:
        conn.execute(
            "INSERT INTO space_members(space_id, user_id, role, joined_at) VALUES (?, ?, 'member', ?)",
            (space["id"], caller.user_id, now_iso()),
        )
        conn.execute(
            "UPDATE spaces SET members_count = members_count + 1 WHERE id = ?",
            (space["id"],),
        )
        bump_daily(conn, space["id"], new_members=1)
    return ok(request, _membership(db, space["id"], caller))


@router.delete("/spaces/{space_id}/join")
async def leave(
    request: Request, db: Db, caller: WriteSpaces, space_id: str
) -> JsonResponse:
    """Leave a Space; its last admin cannot leave it."""
    space = visible_space(db, space_id, caller)
    role = role_in(db, space["id"], caller.user_id)
    if role is None:
        return ok(request, _membership(db, space["id"], caller))
    if role == "admin" and admin_count(db, space["id"]) == 1:
        raise conflict(
            "You are the only admin of this Space: make someone else admin first"
        )
    with db.tx() as conn:
        conn.execute(
            "DELETE FROM space_members WHERE space_id = ? AND user_id = ?",
            (space["id"], caller.user_id),
        )
        conn.execute(
            "UPDATE spaces SET members_count = max(0, members_count - 1) WHERE id = ?",
            (space["id"],),
        )
    return ok(request, _membership(db, space["id"], caller))


def admin_count(db: Database, space_id: str) -> int:
    return db.scalar(
        "SELECT COUNT(*) FROM space_members WHERE space_id = ? AND role = 'admin'",
        (space_id,),
    )
