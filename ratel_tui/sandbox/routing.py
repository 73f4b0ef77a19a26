"""The route class of every sandbox endpoint: feature gates, then idempotency.

Both run before FastAPI reads the body, so a Part A server answers 404 for
an [ext] endpoint whatever the body holds, as a server without it would.
"""

from __future__ import annotations

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from ratel_tui.sandbox.envelope import Problem
from ratel_tui.sandbox.idempotency import Handler, replay_or_run


class ApiRoute(APIRoute):
    """A route whose [ext] features are checked first and whose POSTs honour
    `Idempotency-Key`."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()
        needed = frozenset(_features(self.dependant))
        idempotent = "POST" in self.methods

        async def route(request: Request) -> Response:
            served = request.app.state.features
            if not needed <= served:
                raise Problem(
                    "not_found",
                    f"No such endpoint: {request.method} {request.url.path}",
                )
            key = request.headers.get("idempotency-key")
            if idempotent and key is not None and "idempotency" in served:
                return await replay_or_run(request, handler, key)
            return await handler(request)

        return route


def _features(dependant: Dependant) -> set[str]:
    """The features named by `feature()` dependencies anywhere under `dependant`."""
    found = set()
    name = getattr(dependant.call, "feature_name", None)
    if name is not None:
        found.add(name)
    for sub in dependant.dependencies:
        found |= _features(sub)
    return found
