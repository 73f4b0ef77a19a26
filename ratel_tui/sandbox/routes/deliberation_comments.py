"""A deliberation's discussion [ext]: its comments, open in the discussion phase."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field

from ratel_tui.sandbox.auth import Db
from ratel_tui.sandbox.clock import now_iso
from ratel_tui.sandbox.db import Database
from ratel_tui.sandbox.envelope import JsonResponse, conflict, invalid, ok
from ratel_tui.sandbox.ids import new_id
from ratel_tui.sandbox.paging import Paging, paginate
from ratel_tui.sandbox.routes.deliberations import (
    FULL,
    ReadDeliberations,
    Text,
    WriteDeliberations,
    load_deliberation,
)
from ratel_tui.sandbox.routing import ApiRoute
from ratel_tui.sandbox.rules import require_not_banned
from ratel_tui.sandbox.schemas import Body
from ratel_tui.sandbox.views import user_brief, user_briefs

router = APIRouter(prefix="/v2", tags=["deliberations"], route_class=ApiRoute)


class NewComment(Body):
    """`POST /deliberations/{id}/comments` [ext]."""

    content: Text = Field(min_length=1, max_length=5_000)
    parent_id: str | None = Field(None, max_length=100)


@router.get("/deliberations/{deliberation_id}/comments", dependencies=FULL)
async def list_comments(
    request: Request,
    db: Db,
    caller: ReadDeliberations,
    deliberation_id: str,
    paging: Paging,
) -> JsonResponse:
    """GET /deliberations/{id}/comments [ext]: the discussion, oldest first."""
    row = load_deliberation(db, deliberation_id, caller)
    listing = paginate(
        db,
        select="SELECT * FROM deliberation_comments",
        where="deliberation_id = ?",
        params=(row["id"],),
        descending=False,
        paging=paging,
    )
    authors = user_briefs(db, {r["author_id"] for r in listing.rows})
    data = [_comment_view(r, authors[r["author_id"]]) for r in listing.rows]
    return ok(request, data, **listing.meta)


@router.post(
    "/deliberations/{deliberation_id}/comments", status_code=201, dependencies=FULL
)
async def add_comment(
    request: Request,
    db: Db,
    caller: WriteDeliberations,
    deliberation_id: str,
    body: NewComment,
) -> JsonResponse:
    """POST /deliberations/{id}/comments [ext]: only in the discussion phase."""
    row = load_deliberation(db, deliberation_id, caller)
    require_not_banned(db, row["space_id"], caller)
    if row["status"] != "discussion":
        raise conflict(
            f"Comments are open in the discussion phase; this deliberation is in"
            f" {row['status']}",
            status=row["status"],
        )
    _check_parent(db, row["id"], body.parent_id)

    comment_id = new_id("comment")
    with db.tx() as conn:
        conn.execute(
            "INSERT INTO deliberation_comments(id, deliberation_id, parent_id,"
            " author_id, content, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (comment_id, row["id"], body.parent_id, caller.user_id, body.content,
             now_iso()),
        )  # fmt: skip
    comment = db.one("SELECT * FROM deliberation_comments WHERE id = ?", (comment_id,))
    view = _comment_view(comment, user_brief(db, caller.user_id))
    return ok(request, view, status=201)


def _check_parent(db: Database, deliberation_id: str, parent_id: str | None) -> None:
    if parent_id is None:
        return
    found = db.one(
        "SELECT 1 FROM deliberation_comments WHERE id = ? AND deliberation_id = ?",
        (parent_id, deliberation_id),
    )
    if found is None:
        raise invalid(
            "parent_id is not a comment of this deliberation", field="parent_id"
        )


def _comment_view(row: Any, author: dict[str, Any]) -> dict[str, Any]:
    deleted = bool(row["deleted"])
    return {
        "id": row["id"],
        "deliberation_id": row["deliberation_id"],
        "parent_id": row["parent_id"],
        "author": author,
        "content": "" if deleted else row["content"],
        "created_at": row["created_at"],
        "deleted": deleted,
    }
