"""Moderation [ext]: reports, the queue of a Space, decisions, bans and the log.

Every function needs a server with the moderation extension; all but the
reports also need the moderator or admin role in the Space.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ratel_tui.api.models.base import (
    Page,
    adapter,
    body,
    list_of,
    parse,
    parse_data,
    parse_meta,
    parse_page,
    query,
    segment,
)
from ratel_tui.api.models.moderation import (
    Ban,
    ModerationItem,
    ModerationLogEntry,
    ModerationQueue,
    QueueCounts,
    ReportReceipt,
)

if TYPE_CHECKING:
    from ratel_tui.api.client import ApiClient

FEATURE = ("moderation", "moderation")
"""The [ext] feature behind every function here."""


async def report_post(
    client: ApiClient,
    post_id: str,
    reason: str,
    *,
    note: str | None = None,
    idempotency_key: str | None = None,
) -> ReportReceipt:
    """POST /posts/{post_id}/reports: spam, harassment, misinformation,
    off_topic or other."""
    await client.require(*FEATURE)

    envelope = await client.post(
        f"/posts/{segment(post_id)}/reports",
        json=body(reason=reason, note=note),
        idempotency_key=idempotency_key,
    )
    return parse_data(ReportReceipt, envelope, "POST /posts/{post_id}/reports")


async def report_comment(
    client: ApiClient,
    comment_id: str,
    reason: str,
    *,
    note: str | None = None,
    idempotency_key: str | None = None,
) -> ReportReceipt:
    """POST /comments/{comment_id}/reports: as `report_post`, for a comment."""
    await client.require(*FEATURE)

    envelope = await client.post(
        f"/comments/{segment(comment_id)}/reports",
        json=body(reason=reason, note=note),
        idempotency_key=idempotency_key,
    )
    return parse_data(ReportReceipt, envelope, "POST /comments/{comment_id}/reports")


async def queue(
    client: ApiClient,
    space_id: str,
    *,
    status: str | None = None,
    reason: str | None = None,
    page: int = 1,
    per_page: int = 20,
    cursor: str | None = None,
) -> ModerationQueue:
    """GET /spaces/{space_id}/moderation/queue: items oldest first.

    `status` (pending by default; approved, removed, dismissed, escalated, or
    all on our sandbox) and `reason` filter the items.
    """
    await client.require(*FEATURE)
    endpoint = "GET /spaces/{space_id}/moderation/queue"
    params = query(
        status=status, reason=reason, page=page, per_page=per_page, cursor=cursor
    )

    envelope = await client.get(
        f"/spaces/{segment(space_id)}/moderation/queue", params=params
    )
    items: tuple[ModerationItem, ...] = parse_data(
        list_of(ModerationItem), envelope, endpoint
    )
    counts = envelope.meta.get("counts")
    return ModerationQueue(
        items,
        parse_meta(envelope, endpoint),
        None if counts is None else parse(QueueCounts, counts, endpoint),
    )


async def decide(
    client: ApiClient,
    item_id: str,
    action: str,
    *,
    note: str | None = None,
    idempotency_key: str | None = None,
) -> ModerationItem:
    """POST /moderation/items/{item_id}/decisions: approve, remove, dismiss,
    escalate, or restore (undo the latest decision)."""
    await client.require(*FEATURE)

    envelope = await client.post(
        f"/moderation/items/{segment(item_id)}/decisions",
        json=body(action=action, note=note),
        idempotency_key=idempotency_key,
    )
    item: ModerationItem = parse_data(
        adapter(ModerationItem), envelope, "POST /moderation/items/{item_id}/decisions"
    )
    return item


async def ban(
    client: ApiClient,
    space_id: str,
    user_id: str,
    *,
    reason: str | None = None,
    duration_days: int | None = None,
    idempotency_key: str | None = None,
) -> Ban:
    """POST /spaces/{space_id}/bans: for `duration_days`, or for good (None)."""
    await client.require(*FEATURE)
    payload = {"user_id": user_id, "reason": reason, "duration_days": duration_days}

    envelope = await client.post(
        f"/spaces/{segment(space_id)}/bans",
        json=payload,
        idempotency_key=idempotency_key,
    )
    return parse_data(Ban, envelope, "POST /spaces/{space_id}/bans")


async def unban(client: ApiClient, space_id: str, user_id: str) -> Ban:
    """DELETE /spaces/{space_id}/bans/{user_id}: lift a ban; the answer is
    the ban lifted."""
    await client.require(*FEATURE)

    envelope = await client.delete(
        f"/spaces/{segment(space_id)}/bans/{segment(user_id)}"
    )
    return parse_data(Ban, envelope, "DELETE /spaces/{space_id}/bans/{user_id}")


async def bans(
    client: ApiClient, space_id: str, *, page: int = 1, per_page: int = 20
) -> Page[Ban]:
    """GET /spaces/{space_id}/bans: the bans in force, newest first."""
    await client.require(*FEATURE)
    params = query(page=page, per_page=per_page)

    envelope = await client.get(f"/spaces/{segment(space_id)}/bans", params=params)
    return parse_page(Ban, envelope, "GET /spaces/{space_id}/bans")


async def log(
    client: ApiClient,
    space_id: str,
    *,
    moderator: str | None = None,
    page: int = 1,
    per_page: int = 20,
    cursor: str | None = None,
) -> Page[ModerationLogEntry]:
    """GET /spaces/{space_id}/moderation/log: every decision and ban, newest
    first; `moderator` (`me`, an id or a username) keeps one moderator's."""
    await client.require(*FEATURE)
    params = query(moderator=moderator, page=page, per_page=per_page, cursor=cursor)

    envelope = await client.get(
        f"/spaces/{segment(space_id)}/moderation/log", params=params
    )
    return parse_page(
        ModerationLogEntry, envelope, "GET /spaces/{space_id}/moderation/log"
    )
