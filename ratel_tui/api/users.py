"""Users: profiles, attestations, and follows, activity and preferences [ext]."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ratel_tui.api.models.base import Page, body, parse_data, parse_page, query, segment
from ratel_tui.api.models.users import (
    ActivityItem,
    Attestation,
    Follow,
    FollowState,
    Preferences,
    User,
)

if TYPE_CHECKING:
    from ratel_tui.api.client import ApiClient


async def me(client: ApiClient) -> User:
    """GET /users/me: the caller's own profile."""
    envelope = await client.get("/users/me")
    return parse_data(User, envelope, "GET /users/me")


async def get_user(client: ApiClient, user_id: str) -> User:
    """GET /users/{user_id}: a profile by id or username."""
    envelope = await client.get(f"/users/{segment(user_id)}")
    return parse_data(User, envelope, "GET /users/{user_id}")


async def update_me(
    client: ApiClient,
    *,
    display_name: str | None = None,
    bio: str | None = None,
    location: str | None = None,
) -> User:
    """PATCH /users/me: change the fields given (None leaves one as it is)."""
    changes = body(display_name=display_name, bio=bio, location=location)

    envelope = await client.patch("/users/me", json=changes)
    return parse_data(User, envelope, "PATCH /users/me")


async def attestations(
    client: ApiClient,
    user_id: str,
    *,
    page: int = 1,
    per_page: int = 20,
    cursor: str | None = None,
) -> Page[Attestation]:
    """GET /users/{user_id}/attestations: what the oracle vouches for."""
    params = query(page=page, per_page=per_page, cursor=cursor)

    envelope = await client.get(
        f"/users/{segment(user_id)}/attestations", params=params
    )
    return parse_page(Attestation, envelope, "GET /users/{user_id}/attestations")


async def follow(client: ApiClient, user_id: str) -> FollowState:
    """POST /users/{user_id}/follow [ext]; following again changes nothing."""
    await client.require("follows", "following people")

    envelope = await client.post(f"/users/{segment(user_id)}/follow")
    return parse_data(FollowState, envelope, "POST /users/{user_id}/follow")


async def unfollow(client: ApiClient, user_id: str) -> FollowState:
    """DELETE /users/{user_id}/follow [ext]."""
    await client.require("follows", "following people")

    envelope = await client.delete(f"/users/{segment(user_id)}/follow")
    return parse_data(FollowState, envelope, "DELETE /users/{user_id}/follow")


async def followers(
    client: ApiClient, user_id: str, *, page: int = 1, per_page: int = 20
) -> Page[Follow]:
    """GET /users/{user_id}/followers [ext]: who follows the user, newest first."""
    return await _follow_list(client, user_id, "followers", page, per_page)


async def following(
    client: ApiClient, user_id: str, *, page: int = 1, per_page: int = 20
) -> Page[Follow]:
    """GET /users/{user_id}/following [ext]: whom the user follows, newest first."""
    return await _follow_list(client, user_id, "following", page, per_page)


async def _follow_list(
    client: ApiClient, user_id: str, which: str, page: int, per_page: int
) -> Page[Follow]:
    """One page of followers or following."""
    await client.require("follows", "followers and following")
    params = query(page=page, per_page=per_page)

    envelope = await client.get(f"/users/{segment(user_id)}/{which}", params=params)
    return parse_page(Follow, envelope, f"GET /users/{{user_id}}/{which}")


async def activity(
    client: ApiClient,
    user_id: str,
    *,
    page: int = 1,
    per_page: int = 20,
    cursor: str | None = None,
) -> Page[ActivityItem]:
    """GET /users/{user_id}/activity [ext]: recent posts, comments, votes and
    responses, newest first."""
    await client.require("follows", "activity of people")
    params = query(page=page, per_page=per_page, cursor=cursor)

    envelope = await client.get(f"/users/{segment(user_id)}/activity", params=params)
    return parse_page(ActivityItem, envelope, "GET /users/{user_id}/activity")


async def get_preferences(client: ApiClient) -> Preferences:
    """GET /users/me/preferences [ext]."""
    await client.require("preferences", "preferences")

    envelope = await client.get("/users/me/preferences")
    return parse_data(Preferences, envelope, "GET /users/me/preferences")


async def update_preferences(client: ApiClient, **changes: Any) -> Preferences:
    """PATCH /users/me/preferences [ext]: change the preferences named, e.g.
    `default_visibility="members"`; the answer holds all of them."""
    await client.require("preferences", "preferences")

    envelope = await client.patch("/users/me/preferences", json=changes)
    return parse_data(Preferences, envelope, "PATCH /users/me/preferences")
