"""`Idempotency-Key` replay for POST requests [ext].

The first answer to a key is stored with the caller for 24 hours. A repeat
with the same request gets that answer again (with `Idempotent-Replayed:
true`) and changes nothing; the same key on a different request is a 409.
Handlers do not see any of this: `routing.ApiRoute` wraps them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ratel_tui.sandbox.auth import bearer_token, db_of, resolve_caller
from ratel_tui.sandbox.clock import iso, now, now_iso
from ratel_tui.sandbox.envelope import Problem

RETENTION = timedelta(hours=24)
"""How long a key and its answer are remembered."""

MAX_KEY_LENGTH = 255
"""Longest accepted `Idempotency-Key`."""

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


async def replay_or_run(request: Request, handler: Handler, key: str) -> Response:
    """Answer a keyed POST: replay the stored answer, refuse a reuse, or run it."""
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise Problem(
            "invalid_request",
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters",
            details={"header": "Idempotency-Key"},
        )
    caller = _caller_name(request)
    if caller is None:
        # Not authenticated: let the handler answer the 401 as usual.
        return await handler(request)

    db = db_of(request)
    body = await request.body()
    digest = hashlib.sha256(
        b"\n".join(
            [
                request.method.encode(),
                request.url.path.encode(),
                request.url.query.encode(),
                body,
            ]
        )
    ).hexdigest()
    cutoff = iso(now() - RETENTION)
    with db.tx() as conn:
        conn.execute("DELETE FROM idempotency WHERE created_at < ?", (cutoff,))
        row = conn.execute(
            "SELECT body_hash, status, headers, body FROM idempotency WHERE caller = ? AND key = ?",
            (caller, key),
        ).fetchone()
        if row is None:
            conn.execute(
                "INSERT INTO idempotency(caller, key, method, path, body_hash, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (caller, key, request.method, request.url.path, digest, now_iso()),
            )
    if row is not None:
        return _replay(row, digest)

    try:
        response = await handler(request)
    except BaseException:
        _forget(request, caller, key)
        raise
    if response.status_code >= 500:
        _forget(request, caller, key)
        return response
    headers = {
        k: v for k, v in response.headers.items() if k.lower() != "content-length"
    }
    with db.tx() as conn:
        conn.execute(
            "UPDATE idempotency SET status = ?, headers = ?, body = ? WHERE caller = ? AND key = ?",
            (
                response.status_code,
                json.dumps(headers),
                bytes(response.body),
                caller,
                key,
            ),
        )
    return response


def _replay(row: Any, digest: str) -> Response:
    if row["body_hash"] != digest:
        raise Problem(
            "conflict",
            "This Idempotency-Key was already used with a different request",
            details={"header": "Idempotency-Key"},
        )
    if row["status"] is None:
        raise Problem(
            "conflict",
            "A request with this Idempotency-Key is still being processed; retry shortly",
            details={"header": "Idempotency-Key", "in_progress": True},
        )
    headers = json.loads(row["headers"])
    headers["idempotent-replayed"] = "true"
    return Response(content=row["body"], status_code=row["status"], headers=headers)


def _forget(request: Request, caller: str, key: str) -> None:
    """Drop a key whose request failed, so that a retry runs it again."""
    db = db_of(request)
    with db.tx() as conn:
        conn.execute(
            "DELETE FROM idempotency WHERE caller = ? AND key = ?", (caller, key)
        )


def _caller_name(request: Request) -> str | None:
    """The user a key is remembered with; None when the request has no valid token."""
    try:
        token = bearer_token(request)
        if token is None:
            return None
        return resolve_caller(db_of(request), token).user_id
    except Problem:
        return None
