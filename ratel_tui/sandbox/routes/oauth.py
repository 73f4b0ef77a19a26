"""OAuth 2.0: the authorization-code flow and token refresh.

`GET /oauth/authorize` stands in for the consent page of ratel.foundation:
the sandbox has no login screen, so it approves at once for the demo user
named by `login` (default: the first demo user) and redirects with a code.
`POST /v2/oauth/token` answers bare OAuth JSON, not the envelope.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from typing import Annotated, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Query, Request
from pydantic import Field, ValidationError
from starlette.responses import JSONResponse, RedirectResponse

from ratel_tui.sandbox.auth import (
    ACCESS_PREFIX,
    REFRESH_PREFIX,
    SCOPES,
    USER_SCOPES,
    Db,
    hash_secret,
    random_secret,
)
from ratel_tui.sandbox.clock import iso, now, now_iso, parse_iso
from ratel_tui.sandbox.db import Database
from ratel_tui.sandbox.envelope import invalid
from ratel_tui.sandbox.schemas import Body
from ratel_tui.sandbox.server_hosts import is_loopback

router = APIRouter(tags=["oauth"])

ACCESS_TTL = timedelta(hours=1)
"""How long an access token works."""

CODE_TTL = timedelta(minutes=10)
"""How long an authorization code can be exchanged."""

DEMO_CLIENT_ID = "sandbox-demo"
"""The OAuth client every sandbox registers; its secret is printed at start."""


def register_demo_client(db: Database) -> str:
    """(Re)register the demo client with a fresh secret, and return the secret."""
    secret = "ratel_cs_" + secrets.token_urlsafe(24)
    with db.tx() as conn:
        conn.execute(
            "INSERT INTO oauth_clients(client_id, secret_hash, name, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(client_id) DO UPDATE SET secret_hash = excluded.secret_hash",
            (DEMO_CLIENT_ID, hash_secret(secret), "Sandbox demo client", now_iso()),
        )
    return secret


def _redirect_ok(uri: str) -> bool:
    parts = urlsplit(uri)
    if not parts.hostname or parts.fragment:
        return False
    return parts.scheme == "https" or (
        parts.scheme == "http" and is_loopback(parts.hostname)
    )


@router.get("/oauth/authorize")
async def authorize(
    db: Db,
    client_id: Annotated[str, Query(max_length=100)],
    redirect_uri: Annotated[str, Query(max_length=2_000)],
    response_type: Annotated[str, Query(max_length=20)] = "code",
    scope: Annotated[str, Query(max_length=1_000)] = "read:user",
    state: Annotated[str, Query(max_length=500)] = "",
    login: Annotated[str | None, Query(max_length=80)] = None,
) -> RedirectResponse:
    """Approve the request as the demo user `login` and redirect with a code."""
    if db.one("SELECT 1 FROM oauth_clients WHERE client_id = ?", (client_id,)) is None:
        raise invalid("Unknown client_id", field="client_id")
    if not _redirect_ok(redirect_uri):
        raise invalid(
            "redirect_uri must be https, or http on a loopback address",
            field="redirect_uri",
        )

    def back(**params: str) -> RedirectResponse:
        joiner = "&" if urlsplit(redirect_uri).query else "?"
        return RedirectResponse(
            f"{redirect_uri}{joiner}{urlencode({**params, 'state': state})}", 302
        )

    if response_type != "code":
        return back(error="unsupported_response_type")
    user = db.one(
        "SELECT id, is_admin FROM users WHERE username = ? OR (? IS NULL AND seq = (SELECT min(seq) FROM users))",
        (login, login),
    )
    if user is None:
        return back(error="access_denied", error_description="unknown sandbox user")
    scopes = scope.split()
    allowed = SCOPES if user["is_admin"] else USER_SCOPES
    if not scopes or any(s not in allowed for s in scopes):
        return back(error="invalid_scope")

    code = secrets.token_urlsafe(24)
    with db.tx() as conn:
        conn.execute(
            "INSERT INTO oauth_codes(code_hash, client_id, user_id, redirect_uri, scopes, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                hash_secret(code),
                client_id,
                user["id"],
                redirect_uri,
                " ".join(scopes),
                iso(now() + CODE_TTL),
            ),
        )
    return back(code=code)


class TokenRequest(Body):
    """`POST /oauth/token` for either grant."""

    grant_type: Literal["authorization_code", "refresh_token"]
    client_id: str = Field(max_length=100)
    client_secret: str = Field(max_length=200)
    code: str | None = Field(None, max_length=200)
    redirect_uri: str | None = Field(None, max_length=2_000)
    refresh_token: str | None = Field(None, max_length=200)


TOKEN_OPENAPI = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": TokenRequest.model_json_schema()}},
    }
}
"""The token endpoint parses its body itself; this tells the OpenAPI document."""


def _oauth_error(error: str, description: str, status: int = 400) -> JSONResponse:
    return JSONResponse(
        {"error": error, "error_description": description}, status_code=status
    )


@router.post("/v2/oauth/token", openapi_extra=TOKEN_OPENAPI)
async def token(request: Request, db: Db) -> JSONResponse:
    """Exchange a code or a refresh token for an access token (bare OAuth JSON).

    Takes JSON as the contract says, and form fields as OAuth clients send
    them; every error is an OAuth error object, never the envelope.
    """
    try:
        body = TokenRequest.model_validate(await _token_fields(request))
    except (ValueError, ValidationError) as exc:
        return _oauth_error("invalid_request", _first_problem(exc))
    client = db.one(
        "SELECT secret_hash FROM oauth_clients WHERE client_id = ?", (body.client_id,)
    )
    if client is None or not secrets.compare_digest(
        client["secret_hash"], hash_secret(body.client_secret)
    ):
        return _oauth_error("invalid_client", "Unknown client or wrong secret", 401)
    if body.grant_type == "authorization_code":
        return _from_code(db, body)
    return _from_refresh(db, body)


async def _token_fields(request: Request) -> dict[str, object]:
    """The fields of a token request, from JSON or a urlencoded form."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    if content_type == "application/x-www-form-urlencoded":
        return dict(parse_qsl(raw.decode("utf-8", errors="replace")))
    try:
        fields = json.loads(raw)
    except (ValueError, RecursionError):
        raise ValueError("The body must be a JSON object") from None
    if not isinstance(fields, dict):
        raise ValueError("The body must be a JSON object")
    return fields


def _first_problem(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error.get("loc", ())) or "body"
        return f"{where}: {error.get('msg', 'invalid')}"
    return str(exc)


def _from_code(db: Database, body: TokenRequest) -> JSONResponse:
    if not body.code or not body.redirect_uri:
        return _oauth_error("invalid_request", "code and redirect_uri are required")
    row = db.one(
        "SELECT * FROM oauth_codes WHERE code_hash = ?", (hash_secret(body.code),)
    )
    if (
        row is None
        or row["used"]
        or row["client_id"] != body.client_id
        or row["redirect_uri"] != body.redirect_uri
        or parse_iso(row["expires_at"]) <= now()
    ):
        return _oauth_error(
            "invalid_grant", "The code is unknown, used, expired or not for this client"
        )
    with db.tx() as conn:
        conn.execute(
            "UPDATE oauth_codes SET used = 1 WHERE code_hash = ?", (row["code_hash"],)
        )
        answer = _issue(conn, body.client_id, row["user_id"], row["scopes"])
    return JSONResponse(answer)


def _from_refresh(db: Database, body: TokenRequest) -> JSONResponse:
    if not body.refresh_token:
        return _oauth_error("invalid_request", "refresh_token is required")
    row = db.one(
        "SELECT * FROM oauth_tokens WHERE token_hash = ? AND kind = 'refresh'",
        (hash_secret(body.refresh_token),),
    )
    if (
        row is None
        or row["revoked_at"] is not None
        or row["client_id"] != body.client_id
    ):
        return _oauth_error(
            "invalid_grant", "The refresh token is unknown or was used already"
        )
    with db.tx() as conn:
        # Refresh tokens rotate: each works once.
        conn.execute(
            "UPDATE oauth_tokens SET revoked_at = ? WHERE token_hash = ?",
            (now_iso(), row["token_hash"]),
        )
        scopes = " ".join(json.loads(row["scopes"]))
        answer = _issue(conn, body.client_id, row["user_id"], scopes)
    return JSONResponse(answer)


def _issue(
    conn: object, client_id: str, user_id: str, scopes: str
) -> dict[str, object]:
    access = random_secret(ACCESS_PREFIX)
    refresh = random_secret(REFRESH_PREFIX)
    run = conn.execute  # type: ignore[attr-defined]
    run(
        "INSERT INTO oauth_tokens(token_hash, kind, client_id, user_id, scopes, expires_at)"
        " VALUES (?, 'access', ?, ?, ?, ?)",
        (
            hash_secret(access),
            client_id,
            user_id,
            _as_json(scopes),
            iso(now() + ACCESS_TTL),
        ),
    )
    run(
        "INSERT INTO oauth_tokens(token_hash, kind, client_id, user_id, scopes, expires_at)"
        " VALUES (?, 'refresh', ?, ?, ?, NULL)",
        (hash_secret(refresh), client_id, user_id, _as_json(scopes)),
    )
    return {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": int(ACCESS_TTL.total_seconds()),
        "refresh_token": refresh,
        "scope": scopes,
    }


def _as_json(scopes: str) -> str:
    return json.dumps(scopes.split())
