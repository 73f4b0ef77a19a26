"""What a draft becomes when it is sent: the checks the server would make,
made first, and the outbox write that carries it (no Textual here)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ratel_tui.store.journal import Draft

CONTENT_LIMIT = 5_000
"""The contract's limit on a post or comment, in characters."""

TITLE_LIMIT = 200
"""The [ext] limit on a post title."""

MEDIA_LIMIT = 10 * 1024 * 1024
"""The contract's limit on one upload: 10 MB."""

VISIBILITIES = ("public", "members")
"""The visibilities a post may ask for."""

POST_TYPES = ("text", "image", "poll")
"""The post types of the contract."""

_RELATIVE = re.compile(r"^\+(\d+)\s*([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_when(text: str, now: datetime | None = None) -> datetime:
    """The future moment `text` names: ISO 8601 with a zone, or +30m, +2h, +1d.

    Raises ValueError with a one-line message."""
    now = now or datetime.now(UTC)
    text = text.strip()
    relative = _RELATIVE.match(text)
    if relative:
        moment = now + timedelta(**{_UNITS[relative[2]]: int(relative[1])})
    else:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                f"not a time: {text!r} (try 2026-12-24T09:00:00Z or +2h)"
            ) from None
        if moment.tzinfo is None:
            raise ValueError("give a time zone, e.g. a trailing Z for UTC")
    if moment <= now:
        raise ValueError(f"{moment.isoformat()} is not in the future")
    return moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    """`moment` as the contract writes times: UTC with a Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def problems(draft: Draft, *, now: datetime | None = None) -> list[str]:
    """What the server would refuse in `draft`, in words; empty when it may go."""
    found = []
    if not draft.body.strip():
        found.append("Nothing to send yet")
    if len(draft.body) > CONTENT_LIMIT:
        found.append(
            f"Too long: {len(draft.body):,} characters, at most {CONTENT_LIMIT:,}"
        )
    if draft.kind == "post":
        if len(draft.title) > TITLE_LIMIT:
            found.append(f"The title is over {TITLE_LIMIT} characters")
        when = str(draft.fields.get("schedule") or "").strip()
        if when:
            try:
                parse_when(when, now)
            except ValueError as exc:
                found.append(f"Schedule: {exc}")
    return found


def check_media(path: Path) -> int:
    """The size of a file to attach; ValueError saying why it cannot be."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ValueError(f"Cannot read {path}: {exc.strerror or exc}") from None
    if not path.is_file():
        raise ValueError(f"{path} is not a file")
    if size > MEDIA_LIMIT:
        raise ValueError(
            f"{path.name} is {size / 1_048_576:.1f} MB; the limit is 10 MB"
        )
    return size


def outbox_write(
    draft: Draft, *, server_draft: bool = False
) -> tuple[str, dict[str, Any], str]:
    """The outbox action, payload and summary that send `draft`.

    `server_draft` saves a post as a draft on the server instead of publishing.
    """
    words = " ".join(draft.body.split()[:8])
    if draft.kind in ("comment", "reply"):
        payload = {
            "post_id": draft.target["post_id"],
            "content": draft.body,
            "parent_id": draft.target.get("parent_id"),
        }
        return "create_comment", payload, f"{draft.label}: {words}"
    if draft.kind == "edit":
        payload = {"post_id": draft.target["post_id"], "content": draft.body}
        return "update_post", payload, f"{draft.label}: {words}"
    if draft.kind == "discussion":
        payload = {
            "deliberation_id": draft.target["deliberation_id"],
            "content": draft.body,
            "parent_id": draft.target.get("parent_id"),
        }
        return "deliberation_comment", payload, f"discussion: {words}"
    fields = draft.fields
    payload: dict[str, Any] = {
        "content": draft.body,
        "space_id": draft.target.get("space_id"),
        "title": draft.title or None,
        "visibility": fields.get("visibility"),
        "type": fields.get("type"),
        "media": fields.get("media") or None,
    }
    when = str(fields.get("schedule") or "").strip()
    if server_draft:
        payload["status"] = "draft"
    elif when:
        payload["status"] = "scheduled"
        payload["scheduled_at"] = iso(parse_when(when))
    clean = {key: value for key, value in payload.items() if value is not None}
    kind = {"draft": "server draft", "scheduled": "scheduled post"}.get(
        clean.get("status", ""), "post"
    )
    return "create_post", clean, f"{kind}: {draft.title or words}"
