"""Webhooks and their test deliveries."""

from __future__ import annotations

from ratel_tui.api.models.base import Model, UtcDateTime


class Webhook(Model):
    """A webhook; `secret` signs its deliveries and is shown only at creation."""

    id: str
    url: str
    events: tuple[str, ...] = ()
    active: bool = True
    created_at: UtcDateTime | None = None
    secret: str | None = None


class WebhookTest(Model):
    """How a test delivery went."""

    delivered: bool = False
    webhook_id: str | None = None
    status_code: int | None = None
    error: str | None = None
