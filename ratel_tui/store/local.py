"""The local database of one profile: the draft journal and the outbox, in one
SQLite file so that "sent, so forget the draft" is a single transaction.

`LocalStore` owns the connection; `Journal` (drafts) and `Outbox` (writes
waiting to be sent) are views of it. Several processes may open the same
file at once: every change is its own short transaction, and the outbox
hands an item to one sender at a time (see `Outbox.claim`).
"""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

from ratel_tui.store.sqlite import open_database, user_version

SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '{}',
    title TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    fields TEXT NOT NULL DEFAULT '{}',
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'editing',
    problem TEXT,
    server_id TEXT,
    editor TEXT
);
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    action TEXT NOT NULL,
    payload TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    summary TEXT NOT NULL DEFAULT '',
    draft_id TEXT,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try_at REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    claimed_by TEXT,
    claimed_until REAL,
    created_at REAL NOT NULL,
    sent_at REAL,
    result TEXT,
    lane TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (state, next_try_at);
"""


class StoreError(Exception):
    """The local database could not keep a change (a full disk, a locked file);
    the message says so in one line, and nothing typed is dropped by it."""


def instance_id() -> str:
    """This process, as other instances on the machine can check it:
    `host:pid:random`."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def is_alive(owner: str | None) -> bool:
    """Whether the process named by an `instance_id()` may still be running.

    Another host's process is assumed alive (its lease will run out)."""
    if not owner:
        return False
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return True
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class LocalStore:
    """One profile's local database, thread-safe; `path=None` keeps it in memory."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.owner = instance_id()
        """Who this process is, in editor marks and outbox claims."""
        self.moved_aside: Path | None = None
        """Where an unreadable file was moved on open, if that happened."""
        self._lock = threading.RLock()
        try:
            self._conn, self.moved_aside = open_database(path, _prepare)
        except sqlite3.Error as exc:
            raise StoreError(
                f"The local database {path} cannot be opened: {exc}"
            ) from None

    def __repr__(self) -> str:
        return f"LocalStore({str(self.path) if self.path else ':memory:'!r})"

    @contextlib.contextmanager
    def transaction(self, *, immediate: bool = False) -> Iterator[sqlite3.Connection]:
        """A transaction of its own; IMMEDIATE takes the write lock at once."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
            except sqlite3.Error as exc:
                raise StoreError(_say(exc)) from None
            try:
                yield self._conn
            except sqlite3.Error as exc:
                self._rollback()
                raise StoreError(_say(exc)) from None
            except BaseException:
                self._rollback()
                raise
            try:
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise StoreError(_say(exc)) from None

    def _rollback(self) -> None:
        # A full disk or an I/O error can end the transaction inside SQLite
        # already; a ROLLBACK then fails, and must not hide the first error.
        if self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        """Rows of a read."""
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(_say(exc)) from None

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _prepare(conn: sqlite3.Connection) -> None:
    conn.row_factory = sqlite3.Row
    version = user_version(conn)
    if version > SCHEMA_VERSION:
        # A newer ratel-tui wrote it: reading it with our schema could lose
        # drafts, so it is moved aside (kept) instead.
        raise sqlite3.DatabaseError(f"schema version {version} is newer than ours")
    if version == 1:
        # Version 2 sends writes in lanes: what was queued before keeps one.
        conn.execute("ALTER TABLE outbox ADD COLUMN lane TEXT NOT NULL DEFAULT ''")
    conn.executescript(_SCHEMA)
    conn.execute("CREATE INDEX IF NOT EXISTS outbox_lane ON outbox (lane, state, seq)")
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def _say(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "disk is full" in text.lower() or "disk I/O" in text:
        return "The disk is full: drafts cannot be saved until space is freed"
    if "locked" in text.lower() or "busy" in text.lower():
        return "The local database is busy (another ratel-tui?); try again"
    return f"The local database failed: {text}"
