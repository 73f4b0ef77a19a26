"""Webhooks: registering them and sending a signed test delivery.

Deliveries carry `X-Ratel-Signature`, the hex HMAC-SHA256 of the raw body
with the webhook's secret. The sandbox delivers to loopback addresses
only: it is a local test server and sends nothing onto the network.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from pydantic import Field, field_validator

from ratel_tui.sandbox.auth import Caller, Db, scoped
from ratel_tui.sandbox.clock import now_iso
from ratel_tui.sandbox.envelope import JsonResponse, json_bytes, not_found, ok
from ratel_tui.sandbox.ids import new_id
from ratel_tui.sandbox.paging import Paging, paginate
from ratel_tui.sandbox.routing import ApiRoute
from ratel_tui.sandbox.schemas import Body
from ratel_tui.sandbox.server_hosts import is_loopback

router = APIRouter(prefix="/v2", tags=["webhooks"], route_class=ApiRoute)

ReadUser = Annotated[Caller, scoped("read:user")]
WriteUser = Annotated[Caller, scoped("write:user")]

EVENTS = (
    "post.created",
    "post.deleted",
    "comment.created",
    "space.joined",
    "space.left",
    "deliberation.phase_changed",
    "deliberation.completed",
    "verification.decided",
    "moderation.decided",
)
"""Event names a webhook may subscribe to."""


class NewWebhook(Body):
    """`POST /webhooks`."""

    url: str = Field(min_length=1, max_length=2_000)
    events: list[str] = Field(min_length=1, max_length=len(EVENTS))
    active: bool = True

    @field_validator("url")
    @classmethod
    def _url(cls, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme == "https" and parts.hostname:
            return url
        if parts.scheme == "http" and parts.hostname and is_loopback(parts.hostname):
            return url
        raise ValueError("url must be https, or http on a loopback address")

    @field_validator("events")
    @classmethod
    def _events(cls, events: list[str]) -> list[str]:
        unknown = [e for e in events if e not in EVENTS]
        if unknown:
            raise ValueError(
                f"unknown event {unknown[0]!r}; known: {', '.join(EVENTS)}"
            )
        return list(dict.fromkeys(events))


def _view(row: object, *, with_secret: bool = False) -> dict[str, object]:
    get = row.__getitem__  # type: ignore[attr-defined]
    data: dict[str, object] = {
        "id": get("id"),
        "url": get("url"),
        "events": json.loads(get("events")),
        "active": bool(get("active")),
        "created_at": get("created_at"),
    }
    if with_secret:
        data["secret"] = get("secret")
    return data


def _own_webhook(db: Db, caller: Caller, webhook_id: str) -> object:
    row = db.one(
        "SELECT * FROM webhooks WHERE id = ? AND owner_id = ?",
        (webhook_id, caller.user_id),
    )
    if row is None:
        raise not_found("webhook", webhook_id)
    return row


@router.get("/webhooks")
async def list_webhooks(
    request: Request, db: Db, caller: ReadUser, paging: Paging
) -> JsonResponse:
    """The caller's webhooks, newest first (secrets are shown only at creation)."""
    listing = paginate(
        db,
        select="SELECT * FROM webhooks",
        where="owner_id = ?",
        params=(caller.user_id,),
        paging=paging,
    )
    return ok(request, [_view(r) for r in listing.rows], **listing.meta)


@router.post("/webhooks", status_code=201)
async def create_webhook(
    request: Request, db: Db, caller: WriteUser, body: NewWebhook
) -> JsonResponse:
    """Register a webhook; the answer holds its signing secret, shown this once."""
    webhook_id = new_id("webhook")
    with db.tx() as conn:
        conn.execute(
            "INSERT INTO webhooks(id, owner_id, url, events, active, secret, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                webhook_id,
                caller.user_id,
                body.url,
                json.dumps(body.events),
                int(body.active),
                "whsec_" + secrets.token_hex(24),
                now_iso(),
            ),
        )
    row = db.one("SELECT * FROM webhooks WHERE id = ?", (webhook_id,))
    return ok(request, _view(row, with_secret=True), status=201)


@router.delete("/webhooks/{webhook_id}")
async def delete_webhook(
    request: Request, db: Db, caller: WriteUser, webhook_id: str
) -> JsonResponse:
    """Remove one of the caller's webhooks (our addition to the contract)."""
    row = _own_webhook(db, caller, webhook_id)
    with db.tx() as conn:
        conn.execute("DELETE FROM webhooks WHERE id = ?", (row["id"],))  # type: ignore[index]
    return ok(request, {"id": webhook_id, "deleted": True})


def sign(secret: str, body: bytes) -> str:
    """The `X-Ratel-Signature` of a delivery body."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@router.post("/webhooks/{webhook_id}/test")
async def test_webhook(
    request: Request, db: Db, caller: WriteUser, webhook_id: str
) -> JsonResponse:
    """Send a signed `webhook.test` delivery now and say how it went."""
    row = _own_webhook(db, caller, webhook_id)
    get = row.__getitem__  # type: ignore[attr-defined]
    body = json_bytes(
        {
            "id": "evt_" + secrets.token_hex(8),
            "type": "webhook.test",
            "created_at": now_iso(),
            "data": {
                "webhook_id": get("id"),
                "message": "This is a test delivery from the sandbox",
            },
        }
    )
    host = urlsplit(get("url")).hostname or ""
    result: dict[str, object] = {
        "webhook_id": get("id"),
        "delivered": False,
        "status_code": None,
    }
    if not is_loopback(host):
        result["error"] = "the sandbox delivers only to loopback addresses"
        return ok(request, result)

    import httpx

    try:
        async with httpx.AsyncClient(timeout=5, follow_redirects=False) as client:
            answer = await client.post(
                get("url"),
                content=body,
                headers={
                    "Content-Type": "application/json",
                    "X-Ratel-Signature": sign(get("secret"), body),
                    "X-Ratel-Event": "webhook.test",
                },
            )
    except httpx.HTTPError as exc:
        result["error"] = f"delivery failed: {type(exc).__name__}"
        return ok(request, result)
    result["status_code"] = answer.status_code
    result["delivered"] = 200 <= answer.status_code < 300
    return ok(request, result)
