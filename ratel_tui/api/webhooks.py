"""Webhooks: registering them and asking for a signed test delivery."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ratel_tui.api.models.base import Page, parse_data, parse_page, query, segment
from ratel_tui.api.models.webhooks import Webhook, WebhookTest

if TYPE_CHECKING:
    from ratel_tui.api.client import ApiClient


async def list_webhooks(
    client: ApiClient, *, page: int = 1, per_page: int = 20
) -> Page[Webhook]:
    """GET /webhooks: the caller's webhooks (without their secrets)."""
    params = query(page=page, per_page=per_page)

    envelope = await client.get("/webhooks", params=params)
    return parse_page(Webhook, envelope, "GET /webhooks")


async def create_webhook(
    client: ApiClient,
    url: str,
    events: Sequence[str],
    *,
    active: bool = True,
    idempotency_key: str | None = None,
) -> Webhook:
    """POST /webhooks: events such as `post.created`; the answer holds the
    signing secret, shown this once."""
    payload = {"url": url, "events": list(events), "active": active}

    envelope = await client.post(
        "/webhooks", json=payload, idempotency_key=idempotency_key
    )
    return parse_data(Webhook, envelope, "POST /webhooks")


async def delete_webhook(client: ApiClient, webhook_id: str) -> None:
    """DELETE /webhooks/{webhook_id} (our sandbox's addition to the plan)."""
    await client.delete(f"/webhooks/{segment(webhook_id)}")


async def test_webhook(client: ApiClient, webhook_id: str) -> WebhookTest:
    """POST /webhooks/{webhook_id}/test: send a signed test delivery now."""
    envelope = await client.post(f"/webhooks/{segment(webhook_id)}/test")
    return parse_data(WebhookTest, envelope, "POST /webhooks/{webhook_id}/test")
