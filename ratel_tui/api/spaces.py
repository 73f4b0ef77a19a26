"""Spaces: listing, creating and changing them, joining, members [ext], analytics."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from ratel_tui.api.models.base import Page, body, parse_data, parse_page, query, segment
from ratel_tui.api.models.spaces import Analytics, Membership, Space, SpaceMember

if TYPE_CHECKING:
    from ratel_tui.api.client import ApiClient


async def list_spaces(
    client: ApiClient,
    *,
    category: str | None = None,
    member: bool = False,
    page: int = 1,
    per_page: int = 20,
) -> Page[Space]:
    """GET /spaces: by name; `member=True` keeps the caller's own Spaces."""
    params = query(
        category=category, member=member or None, page=page, per_page=per_page
    )

    envelope = await client.get("/spaces", params=params)
    return parse_page(Space, envelope, "GET /spaces")


async def get_space(client: ApiClient, space_id: str) -> Space:
    """GET /spaces/{space_id}: by id (or, on our sandbox, by slug)."""
    envelope = await client.get(f"/spaces/{segment(space_id)}")
    return parse_data(Space, envelope, "GET /spaces/{space_id}")


async def create_space(
    client: ApiClient,
    name: str,
    slug: str,
    *,
    description: str | None = None,
    visibility: str | None = None,
    category: str | None = None,
    settings: Mapping[str, Any] | None = None,
    idempotency_key: str | None = None,
) -> Space:
    """POST /spaces: a new Space, with the caller as its first admin.

    `settings` may hold `allow_posts`, `moderation`, `allow_deliberations`.
    """
    payload = body(
        name=name,
        slug=slug,
        description=description,
        visibility=visibility,
        category=category,
        settings=None if settings is None else dict(settings),
    )

    envelope = await client.post(
        "/spaces", json=payload, idempotency_key=idempotency_key
    )
    return parse_data(Space, envelope, "POST /spaces")


async def update_space(
    client: ApiClient,
    space_id: str,
    *,
    name: str | None = None,
    description: str | None = None,
    visibility: str | None = None,
    category: str | None = None,
    settings: Mapping[str, Any] | None = None,
) -> Space:
    """PATCH /spaces/{space_id}: change the fields given (Space admins only)."""
    payload = body(
        name=name,
        description=description,
        visibility=visibility,
        category=category,
        settings=None if settings is None else dict(settings),
    )

    envelope = await client.patch(f"/spaces/{segment(space_id)}", json=payload)
    return parse_data(Space, envelope, "PATCH /spaces/{space_id}")


async def delete_space(client: ApiClient, space_id: str) -> None:
    """DELETE /spaces/{space_id}, with everything in it."""
    await client.delete(f"/spaces/{segment(space_id)}")


async def join(client: ApiClient, space_id: str) -> Membership:
    """POST /spaces/{space_id}/join; joining again changes nothing."""
    envelope = await client.post(f"/spaces/{segment(space_id)}/join")
    return parse_data(Membership, envelope, "POST /spaces/{space_id}/join")


async def leave(client: ApiClient, space_id: str) -> Membership:
    """DELETE /spaces/{space_id}/join."""
    envelope = await client.delete(f"/spaces/{segment(space_id)}/join")
    return parse_data(Membership, envelope, "DELETE /spaces/{space_id}/join")


async def members(
    client: ApiClient,
    space_id: str,
    *,
    role: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page[SpaceMember]:
    """GET /spaces/{space_id}/members [ext]: admins, then moderators, then members."""
    await client.require("space_members", "Space member lists")
    params = query(role=role, page=page, per_page=per_page)

    envelope = await client.get(f"/spaces/{segment(space_id)}/members", params=params)
    return parse_page(SpaceMember, envelope, "GET /spaces/{space_id}/members")


async def change_role(
    client: ApiClient, space_id: str, user_id: str, role: str
) -> SpaceMember:
    """PATCH /spaces/{space_id}/members/{user_id} [ext]: member, moderator or admin."""
    await client.require("space_members", "changing member roles")

    envelope = await client.patch(
        f"/spaces/{segment(space_id)}/members/{segment(user_id)}", json={"role": role}
    )
    return parse_data(
        SpaceMember, envelope, "PATCH /spaces/{space_id}/members/{user_id}"
    )


async def analytics(
    client: ApiClient,
    space_id: str,
    *,
    start_date: date | None = None,
    end_date: date | None = None,
    metrics: Sequence[str] | None = None,
) -> Analytics:
    """GET /spaces/{space_id}/analytics: a period's metrics and daily timeline.

    `metrics` picks some of new_members, total_posts, average_engagement and
    daily_active_users (all when None).
    """
    params = query(
        start_date=None if start_date is None else start_date.isoformat(),
        end_date=None if end_date is None else end_date.isoformat(),
        metrics=None if metrics is None else ",".join(metrics),
    )

    envelope = await client.get(f"/spaces/{segment(space_id)}/analytics", params=params)
    return parse_data(Analytics, envelope, "GET /spaces/{space_id}/analytics")
