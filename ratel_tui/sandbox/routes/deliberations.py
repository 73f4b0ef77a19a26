"""Routes of the deliberations group (being written)."""

from __future__ import annotations

from fastapi import APIRouter

from ratel_tui.sandbox.idempotency import IdempotentRoute

router = APIRouter(prefix="/v2", route_class=IdempotentRoute)
