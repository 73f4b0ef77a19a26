"""Turning one HTTP answer into an Envelope, or into the ApiError it stands for.

The envelope is `{"success", "data" | "error", "meta"}`. Anything else
(an HTML error page, a body cut short, a success flag that contradicts the
status) is a ProtocolError, or a ServerError when the status was 5xx anyway.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from ratel_tui.api.errors import (
    ApiError,
    AuthError,
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
    ProtocolError,
    RateLimitedError,
    ScopeError,
    ServerError,
    TokenExpiredError,
)
from ratel_tui.api.retry import RETRYABLE_STATUS, rate_limit_wait
from ratel_tui.api.transport import BadBody, decode_json

CODE_ERRORS: dict[str, type[ApiError]] = {
    "unauthorized": AuthError,
    "invalid_api_key": AuthError,
    "invalid_token": AuthError,
    "token_expired": TokenExpiredError,
    "forbidden": ForbiddenError,
    "insufficient_scope": ScopeError,
    "not_found": NotFoundError,
    "conflict": ConflictError,
    "invalid_request": InvalidRequestError,
    "rate_limited": RateLimitedError,
    "rate_limit_exceeded": RateLimitedError,
}
"""The error class of each envelope code of the contract."""

STATUS_ERRORS: dict[int, type[ApiError]] = {
    400: InvalidRequestError,
    401: AuthError,
    403: ForbiddenError,
    404: NotFoundError,
    405: InvalidRequestError,
    409: ConflictError,
    413: InvalidRequestError,
    422: InvalidRequestError,
}
"""The error class of a status whose code is unknown to the client."""

LONGEST_MESSAGE = 500
"""Characters of a server's error message kept for display."""


@dataclass(frozen=True, slots=True)
class Envelope:
    """A successful answer: its `data`, its `meta`, and where it came from."""

    data: Any
    meta: dict[str, Any]
    request_id: str | None
    status: int


@dataclass(frozen=True, slots=True)
class RateLimit:
    """The X-RateLimit-* figures of the last answer, for the status bar."""

    limit: int
    remaining: int
    reset: int
    used: int

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimit | None:
        """The figures in `headers`, or None unless all four are integers."""
        names = ("limit", "remaining", "reset", "used")
        values = [headers.get(f"x-ratelimit-{name}", "") for name in names]
        if not all(value.isascii() and value.isdigit() for value in values):
            return None
        return cls(*(int(value) for value in values))


@dataclass(frozen=True, slots=True)
class Answer:
    """What one attempt received: status, headers and the decoded body."""

    status: int
    headers: httpx.Headers
    body: bytes

    @property
    def request_id(self) -> str | None:
        value: str | None = self.headers.get("x-request-id")
        return value


def interpret(answer: Answer, endpoint: str) -> Envelope:
    """The Envelope of a successful answer; raises the ApiError of any other."""
    if answer.status == 204 and not answer.body:
        return Envelope(None, {}, answer.request_id, answer.status)
    payload = envelope_of(answer, endpoint)
    meta = payload.get("meta") or {}
    request_id = meta.get("request_id")
    if not isinstance(request_id, str):
        request_id = answer.request_id

    if payload["success"] is not True:
        raise error_from(payload["error"], answer, request_id, endpoint)
    if answer.status >= 400:
        raise ProtocolError(
            f"The server answered HTTP {answer.status} yet reported success",
            request_id=request_id,
            status=answer.status,
            endpoint=endpoint,
        )
    return Envelope(payload["data"], meta, request_id, answer.status)


def envelope_of(answer: Answer, endpoint: str) -> dict[str, Any]:
    """The decoded envelope of `answer`, checked for shape; the error otherwise."""
    content_type = answer.headers.get("content-type", "")
    if not is_json(content_type):
        media = content_type.split(";")[0].strip()[:60]
        why = f"it is {media}, not JSON" if media else "it has no content type"
        raise not_an_envelope(answer, endpoint, why)
    try:
        payload = decode_json(answer.body)
    except BadBody as error:
        raise not_an_envelope(answer, endpoint, str(error)) from None

    problem = _shape_problem(payload)
    if problem is not None:
        raise not_an_envelope(answer, endpoint, problem)
    return payload  # type: ignore[no-any-return]


def is_json(content_type: str) -> bool:
    """Whether a Content-Type names JSON (`application/json` or `…+json`)."""
    media = content_type.split(";")[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def not_an_envelope(answer: Answer, endpoint: str, why: str) -> ApiError:
    """The error for an answer that is no envelope: a 5xx stays a server error."""
    context: dict[str, Any] = {
        "request_id": answer.request_id,
        "status": answer.status,
        "endpoint": endpoint,
    }
    if answer.status >= 500:
        return _server_error(answer.status, None, context)
    if answer.status == 429:
        wait = rate_limit_wait(answer.headers, None, datetime.now(UTC))
        return RateLimitedError("Too many requests", retry_after=wait, **context)
    return ProtocolError(
        f"The server's answer (HTTP {answer.status}) could not be used: {why}",
        **context,
    )


def error_from(
    error: dict[str, Any], answer: Answer, request_id: str | None, endpoint: str
) -> ApiError:
    """The ApiError for the `error` object of a failed envelope."""
    code = error["code"]
    message = clean_message(error.get("message")) or f"The server refused ({code})"
    details = error.get("details") if isinstance(error.get("details"), dict) else {}
    context: dict[str, Any] = {
        "request_id": request_id,
        "status": answer.status,
        "endpoint": endpoint,
    }
    if answer.status < 400:
        return ProtocolError(
            f"The server answered HTTP {answer.status} yet reported a failure "
            f"({code[:40]}): {message}",
            **context,
        )
    if answer.status >= 500:
        return _server_error(answer.status, message, context)

    cls = (
        RateLimitedError
        if answer.status == 429
        else CODE_ERRORS.get(code) or STATUS_ERRORS.get(answer.status, ApiError)
    )
    return _build(cls, message, details or {}, error, answer, context)


def _build(
    cls: type[ApiError],
    message: str,
    details: dict[str, Any],
    error: dict[str, Any],
    answer: Answer,
    context: dict[str, Any],
) -> ApiError:
    """An instance of `cls` with the extra fields its class carries."""
    if issubclass(cls, ScopeError):
        scope = details.get("required_scope")
        return cls(
            message,
            required_scope=scope if isinstance(scope, str) else None,
            **context,
        )
    if issubclass(cls, InvalidRequestError):
        return cls(message, details=details, **context)
    if issubclass(cls, RateLimitedError):
        wait = rate_limit_wait(answer.headers, error, datetime.now(UTC))
        return cls(message, retry_after=wait, **context)
    return cls(message, **context)


def _server_error(
    status: int, message: str | None, context: dict[str, Any]
) -> ServerError:
    if status in RETRYABLE_STATUS:
        text, title = f"Server unavailable ({status})", "Server unavailable"
    else:
        text, title = f"Server error ({status})", "Server error"
    if message:
        text = f"{text}: {message}"
    return ServerError(text, title=title, **context)


def _shape_problem(payload: Any) -> str | None:
    """What makes `payload` no envelope, or None when it is one."""
    if not isinstance(payload, dict):
        return "it is not a JSON object"
    if not isinstance(payload.get("success"), bool):
        return '"success" is missing or not true/false'
    if not isinstance(payload.get("meta", {}), dict):
        return '"meta" is not an object'
    if payload["success"]:
        return None if "data" in payload else '"data" is missing'
    error = payload.get("error")
    if not isinstance(error, dict) or not isinstance(error.get("code"), str):
        return '"error.code" is missing'
    return None


def clean_message(message: Any) -> str:
    """A server's message as one line of printable text, of bounded length."""
    if not isinstance(message, str):
        return ""
    text = "".join(ch if ch.isprintable() else " " for ch in message)
    return text.strip()[:LONGEST_MESSAGE]
