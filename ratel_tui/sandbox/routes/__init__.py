"""The sandbox's endpoints, one module per resource group of the contract."""

from __future__ import annotations

from fastapi import APIRouter

from ratel_tui.sandbox.routes import (
    analytics,
    bans,
    comments,
    deliberation_comments,
    deliberation_surveys,
    deliberations,
    discovery,
    media,
    moderation,
    oauth,
    oracle,
    posts,
    reports,
    space_members,
    spaces,
    users,
    webhooks,
)

ROUTERS: list[APIRouter] = [
    discovery.router,
    users.router,
    posts.router,
    comments.router,
    reports.router,
    spaces.router,
    space_members.router,
    analytics.router,
    deliberations.router,
    deliberation_surveys.router,
    deliberation_comments.router,
    oracle.router,
    moderation.router,
    bans.router,
    media.router,
    webhooks.router,
    oauth.router,
]
"""Every router, in the order the OpenAPI document lists them."""
