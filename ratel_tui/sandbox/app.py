"""The sandbox ASGI app: FastAPI routes inside the middleware layers."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from ratel_tui import __version__
from ratel_tui.sandbox.config import SandboxConfig
from ratel_tui.sandbox.db import Database
from ratel_tui.sandbox.envelope import Problem, problem_response
from ratel_tui.sandbox.features import ALL_FEATURES
from ratel_tui.sandbox.middleware import BodyLimit, Faults, RateLimits, RequestIds
from ratel_tui.sandbox.routes import ROUTERS

log = logging.getLogger(__name__)


def create_api(db: Database, features: frozenset[str] = ALL_FEATURES) -> FastAPI:
    """The FastAPI app of the contract, on `db`, serving the [ext] `features`."""
    api = FastAPI(
        title="Ratel API v2 (ratel-tui sandbox)",
        version=__version__,
        openapi_url="/v2/openapi.json",
        docs_url="/v2/docs",
        redoc_url=None,
    )
    api.state.db = db
    api.state.features = features
    api.state.route_methods = _route_methods(ROUTERS)
    for router in ROUTERS:
        api.include_router(router)
    api.add_exception_handler(Problem, _on_problem)
    api.add_exception_handler(RequestValidationError, _on_invalid)
    api.add_exception_handler(StarletteHTTPException, _on_http_error)
    api.add_exception_handler(Exception, _on_crash)
    return api


def create_app(config: SandboxConfig, db: Database) -> Any:
    """The whole sandbox: the API wrapped in its middleware layers."""
    features = ALL_FEATURES if config.features is None else config.features
    app: Any = create_api(db, features)
    app = Faults(
        app,
        latency_ms=config.latency_ms,
        fail_rate=config.fail_rate,
        seed=config.fault_seed,
    )
    app = BodyLimit(app)
    app = RateLimits(app, enforce=config.rate_limit)
    return RequestIds(app)


async def _on_problem(request: Request, exc: Exception) -> Any:
    assert isinstance(exc, Problem)
    return problem_response(request, exc)


async def _on_invalid(request: Request, exc: Exception) -> Any:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    fields = [_field_problem(error) for error in errors[:20]]
    message = _invalid_message(request, errors[0] if errors else {}, fields)
    return problem_response(
        request, Problem("invalid_request", message, details={"fields": fields})
    )


def _field_problem(error: Any) -> dict[str, str]:
    """One validation error as `{field, in, problem}`."""
    location = [str(part) for part in error.get("loc", ())]
    if error.get("type") == "json_invalid":
        # The location of a JSON syntax error is a character position.
        return {"field": "body", "in": "body", "problem": "malformed JSON"}
    return {
        "field": ".".join(location[1:]) or ".".join(location),
        "in": location[0] if location else "body",
        "problem": str(error.get("msg", "invalid")),
    }


def _invalid_message(request: Request, error: Any, fields: list[dict[str, str]]) -> str:
    """One sentence for the first thing wrong with a request."""
    if error.get("type") == "json_invalid":
        return f"The body is not valid JSON: {error.get('ctx', {}).get('error', 'syntax error')}"
    content_type = request.headers.get("content-type", "")
    if tuple(error.get("loc", ())) == ("body",) and "json" not in content_type:
        return "The body must be a JSON object sent as Content-Type: application/json"
    first = fields[0] if fields else {"field": "request", "problem": "invalid"}
    return f"Invalid {first['field'] or 'request'}: {first['problem']}"


async def _on_http_error(request: Request, exc: Exception) -> Any:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        problem = Problem(
            "not_found", f"No such endpoint: {request.method} {request.url.path}"
        )
    elif exc.status_code == 405:
        problem = Problem(
            "invalid_request",
            f"{request.method} is not allowed on {request.url.path}",
            status=405,
            headers={"Allow": ", ".join(_allowed_methods(request))},
        )
    elif exc.status_code == 400:
        problem = Problem("invalid_request", str(exc.detail))
    else:
        problem = Problem("server_error", str(exc.detail), status=exc.status_code)
    return problem_response(request, problem)


def _route_methods(routers: list[Any]) -> list[tuple[Any, frozenset[str]]]:
    """(path pattern, methods) of every route, for the `Allow` header of a 405."""
    table = []
    for router in routers:
        for route in router.routes:
            if isinstance(route, APIRoute):
                regex, _, _ = compile_path(route.path)
                table.append((regex, frozenset(route.methods)))
    return table


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path."""
    path = request.url.path
    methods: set[str] = set()
    for regex, route_methods in request.app.state.route_methods:
        if regex.match(path):
            methods |= route_methods
    return sorted(methods)


async def _on_crash(request: Request, exc: Exception) -> Any:
    # `middleware.RequestIds` logs the error once Starlette raises it again.
    return problem_response(request, Problem("server_error", "Internal server error"))
