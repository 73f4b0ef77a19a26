"""Opening the app's SQLite files the same careful way: private, WAL, versioned,
and never fatal when a file cannot be read.

Every file is created 0600 inside the 0700 data folder, runs in WAL mode
with `secure_delete` (a deleted draft does not linger in free pages) and a
busy timeout, so two running instances can share it. A file that is not a
database, or that a newer schema wrote in a way we cannot read, is moved
aside (`NAME.unreadable-TIME`) and a new one started.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

BUSY_TIMEOUT_S = 5.0
"""How long a write waits for another instance's transaction to finish."""

Prepare = Callable[[sqlite3.Connection], None]
"""Creates or migrates the schema of a freshly opened connection."""


def open_database(
    path: Path | None, prepare: Prepare
) -> tuple[sqlite3.Connection, Path | None]:
    """A prepared connection to `path` (None: in memory), and where an
    unreadable file was moved, if one was."""
    if path is None:
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        prepare(conn)
        return conn, None
    try:
        conn = _connect(path)
        try:
            prepare(conn)
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn, None
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and _is_transient(exc):
            raise
        aside = move_aside(path)
    conn = _connect(path)
    prepare(conn)
    return conn, aside


def move_aside(path: Path) -> Path | None:
    """Rename an unreadable database out of the way; where it went."""
    aside = path.with_name(f"{path.name}.unreadable-{int(time.time())}")
    moved: Path | None = None
    with contextlib.suppress(OSError):
        os.replace(path, aside)
        moved = aside
    # The write-ahead log may hold the newest changes of the file: it goes
    # with it (SQLite finds it by name), so what is kept is complete.
    with contextlib.suppress(OSError):
        if moved is not None:
            os.replace(f"{path}-wal", f"{aside}-wal")
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.remove(f"{path}{suffix}")
    return moved


def _is_transient(exc: sqlite3.OperationalError) -> bool:
    """Locked, busy or a full disk: the file is fine, the moment is not."""
    text = str(exc).lower()
    return "locked" in text or "busy" in text or "disk is full" in text


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(path.parent, 0o700)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600)
    conn = sqlite3.connect(
        path, check_same_thread=False, timeout=BUSY_TIMEOUT_S, isolation_level=None
    )
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA secure_delete=ON")
    return conn


def user_version(conn: sqlite3.Connection) -> int:
    """The schema version the file was written with (0: new)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])
