"""The read cache: what was last read from the server, kept in SQLite so that
it stays readable offline and shows at once on the next start.

One table of JSON documents by key (`post:ID`, `feed:all`, …) with the time
they were fetched, one of reading positions per feed. The file is 0600 in
the 0700 data folder, in WAL mode, with a schema version; a file that cannot
be read is moved aside and a new one started, never fatal.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ratel_tui.store.sqlite import open_database

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    key TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    fetched_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS positions (
    feed TEXT PRIMARY KEY,
    item_id TEXT NOT NULL,
    saved_at REAL NOT NULL
);
"""

MAX_DOCUMENTS = 20_000
"""Above this many documents the oldest are dropped when the cache is opened."""


@dataclass(frozen=True, slots=True)
class CachedDocument:
    """A document from the cache and when it was fetched (epoch seconds)."""

    body: Any
    fetched_at: float


class ReadCache:
    """A small key/JSON store; thread-safe, every call its own transaction.

    `path=None` keeps everything in memory (tests, `--no-cache`).
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.moved_aside: Path | None = None
        """Where an unreadable file was moved, if that happened on open."""
        self._lock = threading.Lock()
        self._conn = self._open()

    def __repr__(self) -> str:
        return f"ReadCache({str(self.path) if self.path else ':memory:'!r})"

    def _open(self) -> sqlite3.Connection:
        conn, self.moved_aside = open_database(self.path, self._prepare)
        return conn

    @staticmethod
    def _prepare(conn: sqlite3.Connection) -> sqlite3.Connection:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            # Written by a newer ratel-tui: a cache can always be rebuilt.
            conn.executescript(
                "DROP TABLE IF EXISTS documents; DROP TABLE IF EXISTS positions;"
            )
        conn.executescript(_SCHEMA)
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        conn.execute(
            "DELETE FROM documents WHERE key IN (SELECT key FROM documents "
            "ORDER BY fetched_at DESC LIMIT -1 OFFSET ?)",
            (MAX_DOCUMENTS,),
        )
        conn.commit()
        return conn

    def put(self, key: str, body: Any, fetched_at: float | None = None) -> None:
        """Keep `body` (anything JSON can write) under `key`."""
        text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
        moment = time.time() if fetched_at is None else fetched_at
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT OR REPLACE INTO documents (key, body, fetched_at) VALUES (?, ?, ?)",
                (key, text, moment),
            )

    def get(self, key: str) -> CachedDocument | None:
        """The document under `key`, or None (also for one that no longer parses)."""
        with self._lock:
            row = self._conn.execute(
                "SELECT body, fetched_at FROM documents WHERE key = ?", (key,)
            ).fetchone()
        if row is None:
            return None
        try:
            return CachedDocument(json.loads(row[0]), row[1])
        except ValueError:
            return None

    def forget(self, key: str) -> None:
        """Drop the document under `key` (a deleted post, say)."""
        with self._lock, self._conn:
            self._conn.execute("DELETE FROM documents WHERE key = ?", (key,))

    def position(self, feed: str) -> str | None:
        """The id of the item the reader was on in `feed`, if saved."""
        with self._lock:
            row = self._conn.execute(
                "SELECT item_id FROM positions WHERE feed = ?", (feed,)
            ).fetchone()
        return row[0] if row else None

    def save_position(self, feed: str, item_id: str) -> None:
        """Remember the reader's place in `feed`."""
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT OR REPLACE INTO positions (feed, item_id, saved_at) VALUES (?, ?, ?)",
                (feed, item_id, time.time()),
            )

    def clear(self) -> None:
        """Forget every document and position (another account signed in)."""
        with self._lock, self._conn:
            self._conn.execute("DELETE FROM documents")
            self._conn.execute("DELETE FROM positions")

    def close(self) -> None:
        with self._lock:
            self._conn.close()
