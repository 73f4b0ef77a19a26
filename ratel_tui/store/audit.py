"""The local audit log: every moderation decision made here, in its own SQLite file."""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ratel_tui import paths
from ratel_tui.store.sqlite import open_database, user_version

SCHEMA_VERSION = 1
"""The schema this module writes (PRAGMA user_version)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    server TEXT NOT NULL DEFAULT '',
    moderator TEXT NOT NULL DEFAULT '',
    item_id TEXT NOT NULL,
    space_id TEXT,
    target_type TEXT,
    target_id TEXT,
    author TEXT,
    action TEXT NOT NULL,
    note TEXT,
    duration_days INTEGER,
    state TEXT NOT NULL DEFAULT 'queued',
    reason TEXT,
    changed_at REAL
);
"""


def audit_path(profile: str) -> Path:
    """The audit file of `profile`: `audit-<profile>.db` in the data folder."""
    return paths.data_dir() / f"audit-{profile}.db"


def _prepare(conn: sqlite3.Connection) -> None:
    version = user_version(conn)
    if version > SCHEMA_VERSION:
        raise sqlite3.DatabaseError(f"audit log schema {version} is newer than ours")
    conn.executescript(_SCHEMA)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One decision as the audit log keeps it."""

    id: int
    at: float
    server: str
    moderator: str
    item_id: str
    space_id: str | None
    target_type: str | None
    target_id: str | None
    author: str | None
    action: str
    note: str | None
    duration_days: int | None
    state: str
    """queued, sent, refused or undone."""
    reason: str | None
    changed_at: float | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class AuditLog:
    """The decisions of one profile; `path` None keeps them in memory."""

    def __init__(self, path: Path | None) -> None:
        self.conn, self.moved_aside = open_database(path, _prepare)
        self._lock = threading.Lock()

    def close(self) -> None:
        self.conn.close()

    def record(self, **fields: Any) -> int:
        """Add a decision (the columns of `decisions` by name); its id."""
        fields.setdefault("at", time.time())
        names = ", ".join(fields)
        marks = ", ".join("?" for _ in fields)
        with self._lock:
            cursor = self.conn.execute(
                f"INSERT INTO decisions({names}) VALUES ({marks})",
                tuple(fields.values()),
            )
        return int(cursor.lastrowid or 0)

    def set_state(self, entry_id: int, state: str, reason: str | None = None) -> None:
        """What became of decision `entry_id`: sent, refused or undone."""
        with self._lock:
            self.conn.execute(
                "UPDATE decisions SET state = ?, reason = ?, changed_at = ?"
                " WHERE id = ?",
                (state, reason, time.time(), entry_id),
            )

    def entries(self) -> list[AuditEntry]:
        """Every decision, oldest first."""
        with self._lock:
            rows = self.conn.execute(
                "SELECT id, at, server, moderator, item_id, space_id, target_type,"
                " target_id, author, action, note, duration_days, state, reason,"
                " changed_at FROM decisions ORDER BY id"
            ).fetchall()
        return [AuditEntry(*row) for row in rows]
