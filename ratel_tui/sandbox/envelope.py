"""The response envelope and the errors handlers raise to produce it.

Every JSON answer is `{"success", "data" | "error", "meta"}`; `meta` always
holds `request_id` and `timestamp`, list answers add their paging figures.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ratel_tui.sandbox.clock import now_iso

STATUS_OF_CODE = {
    "invalid_request": 400,
    "unauthorized": 401,
    "invalid_api_key": 401,
    "token_expired": 401,
    "forbidden": 403,
    "insufficient_scope": 403,
    "not_found": 404,
    "conflict": 409,
    "rate_limited": 429,
    "server_error": 500,
    "service_unavailable": 503,
}
"""The HTTP status that goes with each error code of the contract."""


class Problem(Exception):
    """An error answer: raise it from a handler and the envelope is written."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_OF_CODE[code]
        self.details = details or {}
        self.headers = headers or {}


def invalid(message: str, **details: Any) -> Problem:
    """400 invalid_request, with `details` naming what was wrong."""
    return Problem("invalid_request", message, details=details)


def not_found(what: str, ident: str) -> Problem:
    """404 not_found for the resource kind `what` with id `ident`."""
    return Problem("not_found", f"No {what} with id {ident!r}", details={"id": ident})


def forbidden(message: str) -> Problem:
    """403 forbidden."""
    return Problem("forbidden", message)


def conflict(message: str, **details: Any) -> Problem:
    """409 conflict."""
    return Problem("conflict", message, details=details)


def request_id_of(request: Request) -> str:
    """The id the middleware gave this request."""
    return request.scope.get("state", {}).get("request_id", "req_unknown")


def meta(request_id: str, **extra: Any) -> dict[str, Any]:
    """The `meta` object of an answer."""
    return {"request_id": request_id, "timestamp": now_iso(), **extra}


def json_bytes(payload: Any) -> bytes:
    """Compact UTF-8 JSON, the one encoding of every answer."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


class JsonResponse(Response):
    """A JSON answer encoded with `json_bytes`."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json_bytes(content)


def ok(
    request: Request, data: Any, *, status: int = 200, **extra_meta: Any
) -> JsonResponse:
    """A success envelope around `data`."""
    if "cursors" not in request.app.state.features:
        # A server without stable paging sends no cursor.
        extra_meta.pop("next_cursor", None)
    body = {
        "success": True,
        "data": data,
        "meta": meta(request_id_of(request), **extra_meta),
    }
    return JsonResponse(body, status_code=status)


def error_payload(
    request_id: str, code: str, message: str, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The body of an error envelope."""
    return {
        "success": False,
        "error": {"code": code, "message": message, "details": details or {}},
        "meta": meta(request_id),
    }


def problem_response(request: Request, problem: Problem) -> JsonResponse:
    """The envelope of a raised `Problem`."""
    body = error_payload(
        request_id_of(request), problem.code, problem.message, problem.details
    )
    if problem.code == "rate_limited" and "retry_after" in problem.details:
        body["error"]["retry_after"] = problem.details["retry_after"]
    return JsonResponse(body, status_code=problem.status, headers=problem.headers)
