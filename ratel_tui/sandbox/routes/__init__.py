"""The sandbox's endpoints, one module per resource group of the contract."""

from __future__ import annotations

from fastapi import APIRouter

from ratel_tui.sandbox.routes import (
    deliberations,
    discovery,
    media,
    moderation,
    oauth,
    oracle,
    posts,
    spaces,
    users,
    webhooks,
)

ROUTERS: list[APIRouter] = [
    discovery.router,
    users.router,
    posts.router,
    spaces.router,
    deliberations.router,
    oracle.router,
    moderation.router,
    media.router,
    webhooks.router,
    oauth.router,
]
"""Every router, in the order the OpenAPI document lists them."""
