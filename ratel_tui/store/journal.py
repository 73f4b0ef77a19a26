"""The draft journal: every compose buffer, kept on disk while it is written.

A draft is saved within a second of the last key (the compose screen calls
`save`), stays while its write waits in the outbox, and is removed only when
the server has confirmed it (`Outbox.mark_sent` does that in the same
transaction). A draft open in a process that has since died (`kill -9`, a
dropped SSH session) is found by `interrupted()` at the next start.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from ratel_tui.store.local import LocalStore, is_alive

KINDS = {
    "post": "post",
    "edit": "post edit",
    "comment": "comment",
    "reply": "reply",
    "discussion": "discussion reply",
    "survey": "survey answer",
    "note": "moderation note",
    "verification": "oracle request",
}
"""Draft kinds and how to name them."""


@dataclass(frozen=True, slots=True)
class Draft:
    """One compose buffer and what it is for."""

    id: str
    kind: str
    """A key of KINDS."""
    body: str = ""
    title: str = ""
    target: dict[str, Any] = field(default_factory=dict)
    """What it answers or where it goes: space_id, post_id, parent_id, …"""
    fields: dict[str, Any] = field(default_factory=dict)
    """The rest of the form: visibility, type, scheduled_at, media, …"""
    created_at: float = 0.0
    updated_at: float = 0.0
    state: str = "editing"
    """editing (being written or put aside) or queued (its write is in the outbox)."""
    problem: str | None = None
    """Why the server refused it, when it did: the user fixes and resends."""
    server_id: str | None = None
    """The server draft this one mirrors [ext], if any."""
    editor: str | None = None
    """The process that has it open in a compose screen, if one does."""

    @property
    def words(self) -> int:
        return len(f"{self.title} {self.body}".split())

    @property
    def label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def with_text(self, *, body: str, title: str | None = None) -> Draft:
        return replace(self, body=body, title=self.title if title is None else title)


def new_draft(kind: str, **values: Any) -> Draft:
    """A draft not saved yet, with a fresh id."""
    now = time.time()
    return Draft(
        id=uuid.uuid4().hex, kind=kind, created_at=now, updated_at=now, **values
    )


class Journal:
    """The drafts of one profile."""

    def __init__(self, store: LocalStore) -> None:
        self.store = store

    def save(self, draft: Draft, *, editing: bool = True) -> Draft:
        """Write `draft` as it is now; `editing` marks it open in this process.

        Raises StoreError (a full disk, say): the caller keeps the text."""
        now = time.time()
        saved = replace(
            draft,
            updated_at=now,
            created_at=draft.created_at or now,
            editor=self.store.owner if editing else None,
        )
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO drafts (id, kind, target, title, body, fields, created_at,"
                " updated_at, state, problem, server_id, editor)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET kind=excluded.kind,"
                " target=excluded.target, title=excluded.title, body=excluded.body,"
                " fields=excluded.fields, updated_at=excluded.updated_at,"
                " state=excluded.state, problem=excluded.problem,"
                " server_id=excluded.server_id, editor=excluded.editor",
                _row(saved),
            )
        return saved

    def release(self, draft_id: str) -> None:
        """The compose screen closed: the draft stays, no longer open."""
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE drafts SET editor = NULL WHERE id = ? AND editor = ?",
                (draft_id, self.store.owner),
            )

    def get(self, draft_id: str) -> Draft | None:
        rows = self.store.query("SELECT * FROM drafts WHERE id = ?", (draft_id,))
        return _draft(rows[0]) if rows else None

    def all(self) -> list[Draft]:
        """Every draft, the last edited first."""
        rows = self.store.query("SELECT * FROM drafts ORDER BY updated_at DESC")
        return [_draft(row) for row in rows]

    def find(self, kind: str, target: dict[str, Any]) -> Draft | None:
        """The draft being written for `target` (a reply to this comment, say)."""
        text = json.dumps(target, sort_keys=True)
        rows = self.store.query(
            "SELECT * FROM drafts WHERE kind = ? AND target = ? AND state = 'editing'"
            " ORDER BY updated_at DESC LIMIT 1",
            (kind, text),
        )
        return _draft(rows[0]) if rows else None

    def interrupted(self) -> list[Draft]:
        """Drafts open in a compose screen of a process that is gone: what was
        being written when the app was killed or the terminal closed."""
        rows = self.store.query(
            "SELECT * FROM drafts WHERE editor IS NOT NULL AND state = 'editing'"
            " ORDER BY updated_at DESC"
        )
        found = [_draft(row) for row in rows]
        return [
            d for d in found if d.editor != self.store.owner and not is_alive(d.editor)
        ]

    def adopt(self, draft_id: str) -> None:
        """Take an interrupted draft over (restored or put aside): no longer offered."""
        with self.store.transaction() as conn:
            conn.execute("UPDATE drafts SET editor = NULL WHERE id = ?", (draft_id,))

    def delete(self, draft_id: str) -> None:
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))

    def count(self) -> int:
        return int(self.store.query("SELECT COUNT(*) FROM drafts")[0][0])


def _row(draft: Draft) -> tuple[Any, ...]:
    return (
        draft.id,
        draft.kind,
        json.dumps(draft.target, sort_keys=True),
        draft.title,
        draft.body,
        json.dumps(draft.fields, sort_keys=True),
        draft.created_at,
        draft.updated_at,
        draft.state,
        draft.problem,
        draft.server_id,
        draft.editor,
    )


def _draft(row: Any) -> Draft:
    return Draft(
        id=row["id"],
        kind=row["kind"],
        body=row["body"],
        title=row["title"],
        target=_json(row["target"]),
        fields=_json(row["fields"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        state=row["state"],
        problem=row["problem"],
        server_id=row["server_id"],
        editor=row["editor"],
    )


def _json(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
