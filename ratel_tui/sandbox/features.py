"""The [ext] groups of the contract, which a sandbox can serve or leave out.

Leaving them all out turns the sandbox into a server of Part A alone, which
is how the client's tests prove it degrades instead of crashing.
"""

from __future__ import annotations

from fastapi import Depends, Request

from ratel_tui.sandbox.envelope import Problem

ALL_FEATURES = frozenset(
    {
        "discovery",
        "idempotency",
        "cursors",
        "post_drafts",
        "follows",
        "preferences",
        "space_members",
        "moderation",
        "deliberations_full",
        "oracle_full",
    }
)
"""Every [ext] group this sandbox implements, as named by `GET /v2/`."""


def feature(name: str):  # noqa: ANN201 - returns a FastAPI dependency
    """Dependency: 404 (as a Part A server would answer) unless `name` is served."""
    if name not in ALL_FEATURES:
        raise ValueError(f"unknown feature {name!r}")

    async def dependency(request: Request) -> None:
        if name not in request.app.state.features:
            raise Problem(
                "not_found", f"No such endpoint: {request.method} {request.url.path}"
            )

    dependency.__name__ = f"feature_{name}"
    # `routing.ApiRoute` reads this to refuse the request before its body is read.
    dependency.feature_name = name  # type: ignore[attr-defined]
    return Depends(dependency)


def served(request: Request, name: str) -> bool:
    """Whether the app serving `request` serves the [ext] group `name`."""
    return name in request.app.state.features
