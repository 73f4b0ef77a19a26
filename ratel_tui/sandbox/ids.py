"""Resource ids: a type prefix and a random part, as `post_3kq9x1c8m2ab`."""

from __future__ import annotations

import random
import secrets
import string

_ALPHABET = string.ascii_lowercase + string.digits

PREFIXES = {
    "user": "user_",
    "post": "post_",
    "comment": "comment_",
    "space": "space_",
    "deliberation": "delib_",
    "survey": "survey_",
    "question": "q_",
    "response": "resp_",
    "verification": "verif_",
    "attestation": "att_",
    "moderation": "mod_",
    "media": "media_",
    "webhook": "wh_",
    "log": "modlog_",
    "request": "req_",
}
"""The prefix of each kind of id."""


def new_id(kind: str, rng: random.Random | None = None) -> str:
    """A fresh id of `kind`; with `rng`, a reproducible one (for seeding)."""
    if rng is None:
        tail = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    else:
        tail = "".join(rng.choices(_ALPHABET, k=12))
    return PREFIXES[kind] + tail


def has_kind(value: str, kind: str) -> bool:
    """Whether `value` is shaped like an id of `kind`."""
    prefix = PREFIXES[kind]
    return value.startswith(prefix) and 1 <= len(value) - len(prefix) <= 64
