"""The exception tree of the service layer; every failure a request can meet.

::

    ApiError                  .title, .message, .request_id, .status, .endpoint
    ├── AuthError             401 unauthorized / invalid_api_key
    │   └── TokenExpiredError 401 token_expired
    ├── ScopeError            403 insufficient_scope (.required_scope)
    ├── ForbiddenError        403 forbidden
    ├── NotFoundError         404 not_found
    ├── ConflictError         409 conflict
    ├── InvalidRequestError   400/405/413/422 invalid_request (.details)
    ├── RateLimitedError      429 (.retry_after, seconds)
    ├── ServerError           5xx
    ├── NetworkError          connect, timeout, deadline, dropped (.kind)
    ├── ProtocolError         a body that is not a valid envelope, or a redirect
    ├── UnsupportedError      the server lacks an [ext] feature (.feature)
    └── InsecureUrlError      a base URL the client refuses to talk to

No error carries the token: messages are built from the server's words, the
method and the path, never from request headers.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """Base of every service-layer failure, with a short title for the UI."""

    title = "Request failed"

    def __init__(
        self,
        message: str,
        *,
        request_id: str | None = None,
        status: int | None = None,
        endpoint: str | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.request_id = request_id
        self.status = status
        self.endpoint = endpoint
        if title is not None:
            self.title = title

    def __str__(self) -> str:
        where = f" [{self.endpoint}]" if self.endpoint else ""
        request = f" (request {self.request_id})" if self.request_id else ""
        return f"{self.message}{where}{request}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, status={self.status!r}, "
            f"endpoint={self.endpoint!r}, request_id={self.request_id!r})"
        )


class AuthError(ApiError):
    """The server refused the credentials (401)."""

    title = "Not signed in"


class TokenExpiredError(AuthError):
    """The OAuth access token expired; a refresh or a new sign-in is needed."""

    title = "Session expired"


class ScopeError(ApiError):
    """The key lacks a scope the endpoint needs (403 insufficient_scope)."""

    title = "Missing permission"

    def __init__(
        self, message: str, *, required_scope: str | None = None, **context: Any
    ) -> None:
        super().__init__(message, **context)
        self.required_scope = required_scope


class ForbiddenError(ApiError):
    """The caller may not do this, whatever its scopes (403 forbidden)."""

    title = "Not allowed"


class NotFoundError(ApiError):
    """No such resource (404)."""

    title = "Not found"


class ConflictError(ApiError):
    """The resource exists already or is in the wrong state (409)."""

    title = "Conflict"


class InvalidRequestError(ApiError):
    """The server rejected the request as malformed (400, 405, 413, 422)."""

    title = "Invalid request"

    def __init__(
        self, message: str, *, details: dict[str, Any] | None = None, **context: Any
    ) -> None:
        super().__init__(message, **context)
        self.details: dict[str, Any] = details or {}


class RateLimitedError(ApiError):
    """Too many requests; `retry_after` says how many seconds to wait."""

    title = "Rate limited"

    def __init__(
        self, message: str, *, retry_after: float | None = None, **context: Any
    ) -> None:
        super().__init__(message, **context)
        self.retry_after = retry_after


class ServerError(ApiError):
    """The server or a proxy in front of it failed (5xx)."""

    title = "Server error"


class NetworkError(ApiError):
    """No usable answer: `kind` is "connect", "timeout", "deadline" or "dropped"."""

    title = "Network error"

    def __init__(self, message: str, *, kind: str = "connect", **context: Any) -> None:
        super().__init__(message, **context)
        self.kind = kind


class ProtocolError(ApiError):
    """The answer is not what the contract promises (bad body, redirect, …)."""

    title = "Bad response from server"


class UnsupportedError(ApiError):
    """The server does not implement an [ext] feature this action needs."""

    title = "Not supported"

    def __init__(self, message: str, *, feature: str = "", **context: Any) -> None:
        super().__init__(message, **context)
        self.feature = feature


class InsecureUrlError(ApiError):
    """A base URL refused before any request: plain http off loopback, and such."""

    title = "Insecure server address"
