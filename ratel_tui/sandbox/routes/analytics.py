"""A Space's analytics: daily members, posts and activity over a period."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request

from ratel_tui.sandbox.auth import Caller, Db, scoped
from ratel_tui.sandbox.clock import now
from ratel_tui.sandbox.envelope import JsonResponse, invalid, ok
from ratel_tui.sandbox.routing import ApiRoute
from ratel_tui.sandbox.rules import visible_space

router = APIRouter(prefix="/v2", tags=["spaces"], route_class=ApiRoute)

ReadSpaces = Annotated[Caller, scoped("read:spaces")]

METRICS = ("new_members", "total_posts", "average_engagement", "daily_active_users")
"""The summary metrics a caller may ask for."""


def _parse_day(value: str | None, default: date, field: str) -> date:
    if value is None:
        return default
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise invalid(f"{field} must be a date like 2025-05-15", field=field) from None


@router.get("/spaces/{space_id}/analytics")
async def analytics(
    request: Request,
    db: Db,
    caller: ReadSpaces,
    space_id: str,
    start_date: Annotated[str | None, Query(max_length=40)] = None,
    end_date: Annotated[str | None, Query(max_length=40)] = None,
    metrics: Annotated[str | None, Query(max_length=200)] = None,
) -> JsonResponse:
    """Daily members and posts of a Space and summary metrics over a period
    (the last 30 days unless `start_date`/`end_date` say otherwise)."""
    space = visible_space(db, space_id, caller)
    end = _parse_day(end_date, now().date(), "end_date")
    month_before = end - timedelta(days=29) if end.toordinal() > 29 else date.min
    start = _parse_day(start_date, month_before, "start_date")
    if start > end:
        raise invalid("start_date is after end_date", field="start_date")
    if (end - start).days > 366:
        raise invalid("The period is at most 366 days", field="start_date")
    wanted = (
        METRICS
        if metrics is None
        else tuple(m.strip() for m in metrics.split(",") if m.strip())
    )
    unknown = [m for m in wanted if m not in METRICS]
    if unknown:
        raise invalid(
            f"Unknown metric {unknown[0]!r}; known: {', '.join(METRICS)}",
            field="metrics",
        )

    rows = db.all(
        "SELECT date, members, new_members, posts, active_users, engagement FROM space_daily"
        " WHERE space_id = ? AND date BETWEEN ? AND ? ORDER BY date",
        (space["id"], start.isoformat(), end.isoformat()),
    )
    summary = {
        "new_members": sum(r["new_members"] for r in rows),
        "total_posts": sum(r["posts"] for r in rows),
        "average_engagement": round(sum(r["engagement"] for r in rows) / len(rows), 4)
        if rows
        else 0.0,
        "daily_active_users": round(sum(r["active_users"] for r in rows) / len(rows), 1)
        if rows
        else 0.0,
    }
    data = {
        "space_id": space["id"],
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "metrics": {name: summary[name] for name in wanted},
        "timeline": [
            {
                "date": r["date"],
                "members": r["members"],
                "posts": r["posts"],
                "active_users": r["active_users"],
            }
            for r in rows
        ],
    }
    return ok(request, data)
