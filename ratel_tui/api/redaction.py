"""Keeping the token out of reprs, logs and errors.

The token is held in a `Secret`, which shows at most its last four
characters. Errors built from a server's words pass through `scrub`, so a
server that echoes the key back (in a message, a request id or the details
of a 400) cannot get it into a log line or onto the screen.
"""

from __future__ import annotations

import re
from typing import Any

from ratel_tui.api.errors import ApiError, InvalidRequestError

KEY_PATTERN = re.compile(r"ratel_(?:sk|at|rt)_[A-Za-z0-9_\-]+")
"""What a Ratel credential looks like: API keys, access and refresh tokens."""

REDACTED = "[redacted]"
"""What a credential is replaced with."""


class Secret:
    """A token that never shows itself in a repr, a log line or a traceback."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The token itself, for the Authorization header and nothing else."""
        return self._value

    def hint(self) -> str:
        """ "…abcd": enough to tell two keys apart, too little to use one."""
        return f"…{self._value[-4:]}" if len(self._value) >= 16 else "…"

    def __repr__(self) -> str:
        return f"<token {self.hint()}>"

    __str__ = __repr__


def redact(value: Any, secret: Secret | None = None) -> Any:
    """`value` with `secret` and anything that looks like a Ratel key replaced,
    in strings and inside dicts, lists and tuples."""
    if isinstance(value, str):
        if secret is not None:
            value = value.replace(secret.reveal(), REDACTED)
        return KEY_PATTERN.sub(REDACTED, value)
    if isinstance(value, dict):
        return {
            redact(key, secret): redact(item, secret) for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(redact(item, secret) for item in value)
    return value


def scrub(error: ApiError, secret: Secret | None) -> None:
    """Redact, in place, every field of `error` that holds a server's words."""
    error.message = redact(error.message, secret)
    error.request_id = redact(error.request_id, secret)
    error.args = redact(error.args, secret)
    if isinstance(error, InvalidRequestError):
        error.details = redact(error.details, secret)
