"""`GET /v2/` [ext]: what this server is and which [ext] groups it serves."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ratel_tui import __version__
from ratel_tui.sandbox.envelope import JsonResponse, ok
from ratel_tui.sandbox.features import feature
from ratel_tui.sandbox.routing import ApiRoute

router = APIRouter(prefix="/v2", tags=["discovery"], route_class=ApiRoute)


@router.get("/", dependencies=[feature("discovery")])
async def discover(request: Request) -> JsonResponse:
    """Public: name, version and the [ext] features of this server."""
    features = sorted(request.app.state.features)
    return ok(
        request,
        {
            "name": "ratel-tui sandbox",
            "version": "v2",
            "server_version": __version__,
            "features": features,
        },
    )
