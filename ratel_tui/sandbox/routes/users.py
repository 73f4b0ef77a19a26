"""Users: profiles, attestations, follows, activity and preferences."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Request
from pydantic import Field

from ratel_tui.sandbox.auth import Caller, Db, scoped
from ratel_tui.sandbox.clock import now_iso
from ratel_tui.sandbox.envelope import JsonResponse, invalid, ok
from ratel_tui.sandbox.features import feature
from ratel_tui.sandbox.paging import Paging, paginate
from ratel_tui.sandbox.routing import ApiRoute
from ratel_tui.sandbox.schemas import Body
from ratel_tui.sandbox.views import attestation_view, find_user, user_brief, user_view

router = APIRouter(prefix="/v2", tags=["users"], route_class=ApiRoute)

ReadUser = Annotated[Caller, scoped("read:user")]
WriteUser = Annotated[Caller, scoped("write:user")]


class ProfileUpdate(Body):
    """`PATCH /users/me`: any of these."""

    display_name: str | None = Field(None, min_length=1, max_length=50)
    bio: str | None = Field(None, max_length=500)
    location: str | None = Field(None, max_length=100)


class Preferences(Body):
    """`PATCH /users/me/preferences` [ext]: any of these."""

    default_visibility: Literal["public", "members"] | None = None
    default_space_id: str | None = Field(None, max_length=80)
    language: str | None = Field(None, min_length=2, max_length=16)
    timezone: str | None = Field(None, min_length=1, max_length=64)
    email_digest: Literal["never", "daily", "weekly"] | None = None
    show_sensitive: bool | None = None


DEFAULT_PREFERENCES = {
    "default_visibility": "public",
    "default_space_id": None,
    "language": "en",
    "timezone": "UTC",
    "email_digest": "weekly",
    "show_sensitive": False,
}
"""What a user's preferences are before they change any."""


@router.get("/users/me")
async def get_me(request: Request, db: Db, caller: ReadUser) -> JsonResponse:
    """The caller's own profile."""
    row = find_user(db, caller.user_id)
    return ok(request, user_view(db, row, None))


@router.patch("/users/me")
async def update_me(
    request: Request, db: Db, caller: WriteUser, body: ProfileUpdate
) -> JsonResponse:
    """Change the caller's display name, bio or location."""
    changes = body.model_dump(exclude_unset=True)
    if any(value is None for value in changes.values()):
        raise invalid("Profile fields cannot be null", fields=sorted(changes))
    if changes:
        assignments = ", ".join(f"{name} = ?" for name in changes)
        with db.tx() as conn:
            conn.execute(
                f"UPDATE users SET {assignments} WHERE id = ?",
                (*changes.values(), caller.user_id),
            )
    return ok(request, user_view(db, find_user(db, caller.user_id), None))


@router.get("/users/me/preferences", dependencies=[feature("preferences")])
async def get_preferences(request: Request, db: Db, caller: ReadUser) -> JsonResponse:
    """The caller's preferences [ext]."""
    return ok(request, _preferences(db, caller.user_id))


@router.patch("/users/me/preferences", dependencies=[feature("preferences")])
async def update_preferences(
    request: Request, db: Db, caller: WriteUser, body: Preferences
) -> JsonResponse:
    """Change some of the caller's preferences [ext]."""
    merged = {**_preferences(db, caller.user_id), **body.model_dump(exclude_unset=True)}
    with db.tx() as conn:
        conn.execute(
            "UPDATE users SET preferences = ? WHERE id = ?",
            (json.dumps(merged), caller.user_id),
        )
    return ok(request, merged)


def _preferences(db: Db, user_id: str) -> dict[str, object]:
    stored = json.loads(
        db.scalar("SELECT preferences FROM users WHERE id = ?", (user_id,))
    )
    return {**DEFAULT_PREFERENCES, **stored}


@router.get("/users/{user_id}")
async def get_user(
    request: Request, db: Db, caller: ReadUser, user_id: str
) -> JsonResponse:
    """A user by id or username."""
    row = find_user(db, user_id)
    return ok(request, user_view(db, row, caller.user_id))


@router.get("/users/{user_id}/attestations")
async def list_attestations(
    request: Request, db: Db, caller: ReadUser, user_id: str, paging: Paging
) -> JsonResponse:
    """The user's oracle attestations, newest first."""
    row = find_user(db, user_id)
    listing = paginate(
        db,
        select="SELECT * FROM attestations",
        where="subject_id = ?",
        params=(row["id"],),
        keys=("issued_at", "seq"),
        paging=paging,
    )
    subject = user_brief(db, row["id"])
    return ok(
        request, [attestation_view(r, subject) for r in listing.rows], **listing.meta
    )


@router.post("/users/{user_id}/follow", dependencies=[feature("follows")])
async def follow(
    request: Request, db: Db, caller: WriteUser, user_id: str
) -> JsonResponse:
    """Follow a user [ext]; following someone already followed changes nothing."""
    target = find_user(db, user_id)
    if target["id"] == caller.user_id:
        raise invalid("You cannot follow yourself", field="user_id")
    with db.tx() as conn:
        cur = conn.execute(
            "INSERT OR IGNORE INTO follows(follower_id, followee_id, created_at)"
            " VALUES (?, ?, ?)",
            (caller.user_id, target["id"], now_iso()),
        )
        if cur.rowcount:
            _count_follow(conn, caller.user_id, target["id"], +1)
    return ok(request, _relation(db, caller.user_id, target["id"]))


@router.delete("/users/{user_id}/follow", dependencies=[feature("follows")])
async def unfollow(
    request: Request, db: Db, caller: WriteUser, user_id: str
) -> JsonResponse:
    """Stop following a user [ext]; unfollowing someone not followed changes nothing."""
    target = find_user(db, user_id)
    with db.tx() as conn:
        cur = conn.execute(
            "DELETE FROM follows WHERE follower_id = ? AND followee_id = ?",
            (caller.user_id, target["id"]),
        )
        if cur.rowcount:
            _count_follow(conn, caller.user_id, target["id"], -1)
    return ok(request, _relation(db, caller.user_id, target["id"]))


def _count_follow(conn: object, follower: str, followee: str, delta: int) -> None:
    conn.execute(  # type: ignore[attr-defined]
        "UPDATE users SET following_count = following_count + ? WHERE id = ?",
        (delta, follower),
    )
    conn.execute(  # type: ignore[attr-defined]
        "UPDATE users SET followers_count = followers_count + ? WHERE id = ?",
        (delta, followee),
    )


def _relation(db: Db, me: str, other: str) -> dict[str, object]:
    row = find_user(db, other)
    return {
        "user": user_brief(db, other),
        "following": db.one(
            "SELECT 1 FROM follows WHERE follower_id = ? AND followee_id = ?",
            (me, other),
        )
        is not None,
        "followers": row["followers_count"],
    }


@router.get("/users/{user_id}/followers", dependencies=[feature("follows")])
async def followers(
    request: Request, db: Db, caller: ReadUser, user_id: str, paging: Paging
) -> JsonResponse:
    """Who follows the user [ext], newest first."""
    return _follow_list(request, db, user_id, paging, "followee_id", "follower_id")


@router.get("/users/{user_id}/following", dependencies=[feature("follows")])
async def following(
    request: Request, db: Db, caller: ReadUser, user_id: str, paging: Paging
) -> JsonResponse:
    """Whom the user follows [ext], newest first."""
    return _follow_list(request, db, user_id, paging, "follower_id", "followee_id")


def _follow_list(
    request: Request, db: Db, user_id: str, paging: Paging, match: str, other: str
) -> JsonResponse:
    row = find_user(db, user_id)
    listing = paginate(
        db,
        select=f"SELECT {other} AS other, created_at, rowid AS seq FROM follows",
        where=f"{match} = ?",
        params=(row["id"],),
        paging=paging,
    )
    data = [
        {"user": user_brief(db, r["other"]), "since": r["created_at"]}
        for r in listing.rows
    ]
    return ok(request, data, **listing.meta)


_ACTIVITY_SQL = """
SELECT * FROM (
  SELECT 'post' AS type, id AS id, id AS target_id, created_at,
         substr(coalesce(title, content), 1, 140) AS summary
    FROM posts WHERE author_id = ? AND status = 'published' AND removed = 0
  UNION ALL
  SELECT 'comment', id, post_id, created_at, substr(content, 1, 140)
    FROM comments WHERE author_id = ? AND deleted = 0 AND removed = 0
  UNION ALL
  SELECT 'vote', verification_id || ':' || voter_id, verification_id, created_at, vote
    FROM verification_votes WHERE voter_id = ?
  UNION ALL
  SELECT 'response', r.id, s.deliberation_id, r.created_at, s.kind || '_survey'
    FROM responses r JOIN surveys s ON s.id = r.survey_id WHERE r.user_id = ?
)"""


@router.get("/users/{user_id}/activity", dependencies=[feature("follows")])
async def activity(
    request: Request, db: Db, caller: ReadUser, user_id: str, paging: Paging
) -> JsonResponse:
    """The user's recent posts, comments, oracle votes and survey responses [ext].

    A survey response shows only that the user answered, never the answers.
    """
    row = find_user(db, user_id)
    listing = paginate(
        db,
        select=_ACTIVITY_SQL,
        where="1",
        params=(row["id"],) * 4,
        keys=("created_at", "id"),
        paging=paging,
    )
    data = [
        {
            "type": r["type"],
            "id": r["id"],
            "target_id": r["target_id"],
            "created_at": r["created_at"],
            "summary": r["summary"],
        }
        for r in listing.rows
    ]
    return ok(request, data, **listing.meta)
