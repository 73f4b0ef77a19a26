"""ASGI layers around the API: request ids, body limits, faults, rate limits.

They wrap the FastAPI app from the outside in this order:
`RequestIds → RateLimits → BodyLimit → Faults → FastAPI`, so that every
answer (even a 413, an injected 503 or a 429) carries the envelope, a
request id and the rate-limit headers.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from ratel_tui.sandbox.envelope import error_payload, json_bytes

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

JSON_BODY_LIMIT = 1_048_576
"""Largest JSON request body, in bytes."""

UPLOAD_BODY_LIMIT = 10 * 1_048_576 + 64 * 1024
"""Largest multipart upload body: the 10 MB file limit plus the form's overhead."""


async def send_envelope(
    send: Send,
    scope: Scope,
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """Answer with an error envelope from inside a middleware."""
    request_id = scope.get("state", {}).get("request_id", "req_unknown")
    payload = error_payload(request_id, code, message, details)
    if details and "retry_after" in details:
        payload["error"]["retry_after"] = details["retry_after"]
    body = json_bytes(payload)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RequestIds:
    """Give each request an id, in `scope["state"]` and the `X-Request-Id` header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = "req_" + secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except DroppedConnection:
            raise
        except Exception:
            # The app's own handler has answered a 500 envelope already and
            # Starlette raises the error again; swallowing it here keeps the
            # connection open for the client's next request.
            log.exception("unhandled error in %s %s", scope["method"], scope["path"])
            if not started:
                await send_envelope(
                    send, scope, 500, "server_error", "Internal server error"
                )


class _BodyTooLarge(BaseException):
    """Raised inside `receive` when a streamed body passes the limit.

    A BaseException, because FastAPI turns any Exception raised while it
    reads a body into a 400; this must reach `BodyLimit` to become a 413.
    """


class BodyLimit:
    """Refuse request bodies over the limit with 413, before any handler runs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = (
            UPLOAD_BODY_LIMIT
            if scope["path"].endswith("/media/upload")
            else JSON_BODY_LIMIT
        )
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(send, scope, limit)
            return

        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await self._refuse(send, scope, limit)

    @staticmethod
    async def _refuse(send: Send, scope: Scope, limit: int) -> None:
        await send_envelope(
            send,
            scope,
            413,
            "invalid_request",
            f"The request body is larger than {limit} bytes",
            {"limit_bytes": limit},
        )


class DroppedConnection(Exception):
    """Raised after the response headers to make the server drop the connection."""


class _DropFilter(logging.Filter):
    """Keep uvicorn from logging our deliberate drops as application errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, DroppedConnection)


logging.getLogger("uvicorn.error").addFilter(_DropFilter())


class Faults:
    """Delay answers (`--latency`) and break some of them (`--fail-rate`).

    A broken answer is one of three, drawn evenly: a 500 before the handler
    runs, a 503 with `Retry-After: 1` before it runs, or a connection
    dropped after the handler ran and committed, which is the case that
    makes a client resend a write it cannot know succeeded.
    """

    def __init__(
        self, app: ASGIApp, *, latency_ms: float, fail_rate: float, seed: int | None
    ) -> None:
        self.app = app
        self.latency_ms = latency_ms
        self.fail_rate = fail_rate
        self.rng = random.Random(seed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.latency_ms > 0:
            await asyncio.sleep(self.latency_ms * self.rng.uniform(0.5, 1.5) / 1000)
        if self.fail_rate <= 0 or self.rng.random() >= self.fail_rate:
            await self.app(scope, receive, send)
            return

        fault = self.rng.choice(("error", "unavailable", "drop"))
        if fault == "error":
            await send_envelope(
                send, scope, 500, "server_error", "Injected fault: internal error"
            )
        elif fault == "unavailable":
            await send_envelope(
                send,
                scope,
                503,
                "service_unavailable",
                "Injected fault: service unavailable",
                headers=[(b"retry-after", b"1")],
            )
        else:
            await self._drop_after_handling(scope, receive, send)

    async def _drop_after_handling(
        self, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """Run the handler, send the headers of its answer, then drop the line."""
        start: Message | None = None

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message

        await self.app(scope, receive, capture)
        if start is not None:
            await send(start)
        raise DroppedConnection("injected fault: connection dropped")


@dataclass(frozen=True, slots=True)
class Tier:
    """The limits of one kind of caller."""

    name: str
    per_hour: int
    per_minute: int


TIERS = {
    "anonymous": Tier("anonymous", 60, 10),
    "key": Tier("key", 5_000, 100),
    "oauth": Tier("oauth", 1_000, 50),
}
"""The contract's caller tiers."""

ENDPOINT_LIMITS = {
    ("POST", "/v2/posts"): (100, 3_600),
    ("POST", "/v2/media/upload"): (50, 3_600),
    ("POST", "/v2/deliberations"): (10, 86_400),
    ("POST", "/v2/oracle/verifications"): (5, 86_400),
}
"""Per-endpoint limits: (requests, window in seconds), counted on success only."""


@dataclass(slots=True)
class _Window:
    """A fixed window counter."""

    length: int
    start: float = 0.0
    used: int = 0

    def roll(self, now: float) -> None:
        if now >= self.start + self.length:
            self.start = now - (now % self.length)
            self.used = 0

    def reset_at(self) -> int:
        return int(self.start + self.length)


@dataclass(slots=True)
class _Budget:
    hour: _Window = field(default_factory=lambda: _Window(3_600))
    minute: _Window = field(default_factory=lambda: _Window(60))


class RateLimits:
    """Count requests per caller, send `X-RateLimit-*` on every answer and,
    when `enforce` is on, answer 429 past the hourly, burst or endpoint limit.
    """

    def __init__(
        self, app: ASGIApp, *, enforce: bool, clock: Callable[[], float] = time.time
    ) -> None:
        self.app = app
        self.enforce = enforce
        self.clock = clock
        self.budgets: dict[str, _Budget] = {}
        self.endpoints: dict[tuple[str, str, str], _Window] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        now = self.clock()
        caller, tier = _caller_of(scope)
        budget = self.budgets.setdefault(caller, _Budget())
        budget.hour.roll(now)
        budget.minute.roll(now)
        endpoint = ENDPOINT_LIMITS.get((scope["method"], scope["path"].rstrip("/")))
        window = None
        if endpoint is not None:
            window = self.endpoints.setdefault(
                (caller, scope["method"], scope["path"]), _Window(endpoint[1])
            )
            window.roll(now)

        if self.enforce:
            refusal = self._refusal(now, tier, budget, endpoint, window)
            if refusal is not None:
                limit, used, reset, retry_after, what = refusal
                headers = _limit_headers(limit, used, reset) + [
                    (b"retry-after", str(retry_after).encode())
                ]
                await send_envelope(
                    send,
                    scope,
                    429,
                    "rate_limited",
                    f"Rate limit exceeded ({what}); retry in {retry_after} s",
                    {"retry_after": retry_after, "limit": limit, "window": what},
                    headers,
                )
                return

        budget.hour.used += 1
        budget.minute.used += 1
        headers = _limit_headers(
            tier.per_hour, budget.hour.used, budget.hour.reset_at()
        )

        async def send_with_limits(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *headers]
                replayed = any(
                    k == b"idempotent-replayed" for k, _ in message["headers"]
                )
                if (
                    window is not None
                    and 200 <= message["status"] < 300
                    and not replayed
                ):
                    window.used += 1
            await send(message)

        await self.app(scope, receive, send_with_limits)

    @staticmethod
    def _refusal(
        now: float,
        tier: Tier,
        budget: _Budget,
        endpoint: tuple[int, int] | None,
        window: _Window | None,
    ) -> tuple[int, int, int, int, str] | None:
        """(limit, used, reset, retry_after, what) of the limit that is spent, if any."""
        if budget.hour.used >= tier.per_hour:
            reset = budget.hour.reset_at()
            return (
                tier.per_hour,
                budget.hour.used,
                reset,
                max(1, int(reset - now)),
                "per hour",
            )
        if budget.minute.used >= tier.per_minute:
            reset = budget.minute.reset_at()
            return (
                tier.per_minute,
                budget.minute.used,
                reset,
                max(1, int(reset - now)),
                "per minute",
            )
        if endpoint is not None and window is not None and window.used >= endpoint[0]:
            reset = window.reset_at()
            what = (
                "per day for this endpoint"
                if endpoint[1] == 86_400
                else "per hour for this endpoint"
            )
            return endpoint[0], window.used, reset, max(1, int(reset - now)), what
        return None


def _limit_headers(limit: int, used: int, reset: int) -> list[tuple[bytes, bytes]]:
    return [
        (b"x-ratelimit-limit", str(limit).encode()),
        (b"x-ratelimit-remaining", str(max(0, limit - used)).encode()),
        (b"x-ratelimit-reset", str(reset).encode()),
        (b"x-ratelimit-used", str(used).encode()),
    ]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def _caller_of(scope: Scope) -> tuple[str, Tier]:
    """A stable name for the caller and its tier, from the token alone."""
    header = _header(scope, b"authorization") or ""
    token = header.partition(" ")[2].strip()
    if not token:
        client = scope.get("client") or ("unknown", 0)
        return f"ip:{client[0]}", TIERS["anonymous"]
    tier = TIERS["oauth"] if token.startswith("ratel_at_") else TIERS["key"]
    return "tok:" + hashlib.sha256(token.encode()).hexdigest()[:24], tier
