"""API keys and OAuth tokens: minting, hashing, and who is calling.

Keys are `ratel_sk_test_` plus 32 random characters. Only their SHA-256 is
stored, so a key is shown once: each sandbox start mints fresh demo keys
and every key minted before stays valid until it expires or is revoked.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import string
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request

from ratel_tui.sandbox.clock import iso, now, now_iso, parse_iso
from ratel_tui.sandbox.db import Database
from ratel_tui.sandbox.envelope import Problem

KEY_PREFIX = "ratel_sk_test_"
"""Every sandbox key starts with this."""

ACCESS_PREFIX = "ratel_at_"
"""OAuth access tokens start with this."""

REFRESH_PREFIX = "ratel_rt_"
"""OAuth refresh tokens start with this."""

SCOPES = (
    "read:user",
    "write:user",
    "read:posts",
    "write:posts",
    "delete:posts",
    "read:spaces",
    "write:spaces",
    "moderate:spaces",
    "read:deliberations",
    "write:deliberations",
    "vote:deliberations",
    "read:oracle",
    "write:oracle",
    "vote:oracle",
    "admin:spaces",
    "admin:users",
)
"""Every scope of the contract."""

USER_SCOPES = tuple(s for s in SCOPES if not s.startswith("admin:"))
"""What a full key of an ordinary user carries."""

READ_SCOPES = tuple(s for s in SCOPES if s.startswith("read:"))
"""What a read-only key carries."""

_ALPHABET = string.ascii_letters + string.digits


def hash_secret(secret: str) -> str:
    """The stored form of a key or token."""
    return hashlib.sha256(secret.encode()).hexdigest()


def hint(secret: str) -> str:
    """A masked form safe to show: the prefix and the last four characters."""
    prefix = next(
        (
            p
            for p in (KEY_PREFIX, ACCESS_PREFIX, REFRESH_PREFIX)
            if secret.startswith(p)
        ),
        "",
    )
    return f"{prefix}…{secret[-4:]}"


def random_secret(prefix: str) -> str:
    """A new secret with `prefix` and 32 random characters."""
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(32))


def mint_key(
    db: Database,
    user_id: str,
    scopes: tuple[str, ...] | list[str],
    *,
    label: str,
    expires_in: timedelta | None = None,
) -> str:
    """Create a key for `user_id` and return it; only its hash is kept."""
    unknown = set(scopes) - set(SCOPES)
    if unknown:
        raise ValueError(f"unknown scopes: {sorted(unknown)}")
    key = random_secret(KEY_PREFIX)
    expires_at = iso(now() + expires_in) if expires_in is not None else None
    with db.tx() as conn:
        conn.execute(
            "INSERT INTO api_keys(key_hash, hint, user_id, scopes, label, created_at,"
            " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                hash_secret(key),
                hint(key),
                user_id,
                json.dumps(list(scopes)),
                label,
                now_iso(),
                expires_at,
            ),
        )
    return key


def revoke_key(db: Database, key: str) -> bool:
    """Revoke `key`; whether it existed."""
    with db.tx() as conn:
        cur = conn.execute(
            "UPDATE api_keys SET revoked_at = ? WHERE key_hash = ? AND revoked_at IS NULL",
            (now_iso(), hash_secret(key)),
        )
    return cur.rowcount > 0


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated user of a request and what the credential allows."""

    user_id: str
    username: str
    scopes: frozenset[str]
    is_admin: bool
    kind: str

    def has(self, scope: str) -> bool:
        """Whether the credential carries `scope`."""
        return scope in self.scopes

    def require(self, scope: str) -> None:
        """Raise 403 insufficient_scope unless the credential carries `scope`."""
        if scope not in self.scopes:
            raise Problem(
                "insufficient_scope",
                f"This request needs the {scope} scope",
                details={"required_scope": scope},
            )


def bearer_token(request: Request) -> str | None:
    """The token of the Authorization header, or None when there is none."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(
            "unauthorized", "The Authorization header must be 'Bearer <token>'"
        )
    return token.strip()


def resolve_caller(db: Database, token: str) -> Caller:
    """Who `token` belongs to; 401 with the right code when it is not usable."""
    if token.startswith(ACCESS_PREFIX):
        row = db.one(
            "SELECT t.user_id, t.scopes, t.expires_at, t.revoked_at, u.username, u.is_admin"
            " FROM oauth_tokens t JOIN users u ON u.id = t.user_id"
            " WHERE t.token_hash = ? AND t.kind = 'access'",
            (hash_secret(token),),
        )
        kind = "oauth"
    else:
        row = db.one(
            "SELECT k.user_id, k.scopes, k.expires_at, k.revoked_at, u.username, u.is_admin"
            " FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = ?",
            (hash_secret(token),),
        )
        kind = "key"
    if row is None or row["revoked_at"] is not None:
        raise Problem("invalid_api_key", "The provided API key is invalid")
    if row["expires_at"] is not None and parse_iso(row["expires_at"]) <= now():
        if kind == "oauth":
            raise Problem("token_expired", "The access token has expired; refresh it")
        raise Problem("invalid_api_key", "The provided API key has expired")
    return Caller(
        user_id=row["user_id"],
        username=row["username"],
        scopes=frozenset(json.loads(row["scopes"])),
        is_admin=bool(row["is_admin"]),
        kind=kind,
    )


def db_of(request: Request) -> Database:
    """The sandbox database of this app."""
    return request.app.state.db


async def database(request: Request) -> Database:
    """Dependency: the database (async, so it runs on the event-loop thread)."""
    return db_of(request)


async def current_caller(request: Request) -> Caller:
    """Dependency: the authenticated caller; 401 when there is none."""
    token = bearer_token(request)
    if token is None:
        raise Problem(
            "unauthorized", "This endpoint needs 'Authorization: Bearer <token>'"
        )
    return resolve_caller(db_of(request), token)


def scoped(scope: str):  # noqa: ANN201 - returns a FastAPI dependency
    """Dependency factory: the caller, who must carry `scope`."""

    async def dependency(caller: Annotated[Caller, Depends(current_caller)]) -> Caller:
        caller.require(scope)
        return caller

    dependency.__name__ = f"scope_{scope.replace(':', '_')}"
    return Depends(dependency)


Db = Annotated[Database, Depends(database)]
"""Handler parameter: the database."""
