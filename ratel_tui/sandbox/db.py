"""The sandbox's SQLite database: opening, the schema and its migrations.

The server uses one connection from its event-loop thread only, so every
request runs its SQL without interleaving; `Database.tx()` wraps a write in
`BEGIN IMMEDIATE … COMMIT` so that a failing handler leaves no partial write.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
"""The schema version this code writes; kept in `PRAGMA user_version`."""

_SCHEMA_V1 = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE users(
  seq INTEGER PRIMARY KEY,
  id TEXT UNIQUE NOT NULL,
  username TEXT UNIQUE NOT NULL COLLATE NOCASE,
  display_name TEXT NOT NULL,
  bio TEXT NOT NULL DEFAULT '',
  location TEXT NOT NULL DEFAULT '',
  avatar_url TEXT,
  verified INTEGER NOT NULL DEFAULT 0,
  is_admin INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  posts_count INTEGER NOT NULL DEFAULT 0,
  followers_count INTEGER NOT NULL DEFAULT 0,
  following_count INTEGER NOT NULL DEFAULT 0,
  preferences TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE api_keys(
  seq INTEGER PRIMARY KEY,
  key_hash TEXT UNIQUE NOT NULL,
  hint TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id),
  scopes TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT
);

CREATE TABLE oauth_clients(
  client_id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE oauth_codes(
  code_hash TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  scopes TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE oauth_tokens(
  token_hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK(kind IN ('access', 'refresh')),
  client_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  scopes TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT
);

CREATE TABLE follows(
  follower_id TEXT NOT NULL,
  followee_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY(follower_id, followee_id)
);
CREATE INDEX follows_followee ON follows(followee_id);

CREATE TABLE spaces(
  seq INTEGER PRIMARY KEY,
  id TEXT UNIQUE NOT NULL,
  name TEXT NOT NULL,
  slug TEXT UNIQUE NOT NULL COLLATE NOCASE,
  description TEXT NOT NULL DEFAULT '',
  visibility TEXT NOT NULL,
  category TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  allow_posts INTEGER NOT NULL DEFAULT 1,
  moderation TEXT NOT NULL DEFAULT 'community',
  allow_deliberations INTEGER NOT NULL DEFAULT 1,
  members_count INTEGER NOT NULL DEFAULT 0,
  posts_count INTEGER NOT NULL DEFAULT 0,
  deliberations_count INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE space_members(
  space_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK(role IN ('member', 'moderator', 'admin')),
  joined_at TEXT NOT NULL,
  PRIMARY KEY(space_id, user_id)
);
CREATE INDEX space_members_user ON space_members(user_id);

CREATE TABLE space_bans(
  space_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  banned_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  PRIMARY KEY(space_id, user_id)
);

CREATE TABLE space_daily(
  space_id TEXT NOT NULL,
  date TEXT NOT NULL,
  members INTEGER NOT NULL,
  new_members INTEGER NOT NULL DEFAULT 0,
  posts INTEGER NOT NULL DEFAULT 0,
  active_users INTEGER NOT NULL DEFAULT 0,
  engagement REAL NOT NULL DEFAULT 0,
  PRIMARY KEY(space_id, date)
);

CREATE TABLE posts(
  seq INTEGER PRIMARY KEY,
  id TEXT UNIQUE NOT NULL,
  author_id TEXT NOT NULL,
  space_id TEXT,
  title TEXT,
  content TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT 'text',
  visibility TEXT NOT NULL DEFAULT 'public',
  status TEXT NOT NULL DEFAULT 'published',
  scheduled_at TEXT,
  media TEXT NOT NULL DEFAULT '[]',
  created_at TEXT NOT NULL,
  updated_at TEXT,
  likes_count INTEGER NOT NULL DEFAULT 0,
  comments_count INTEGER NOT NULL DEFAULT 0,
  shares_count INTEGER NOT NULL DEFAULT 0,
  removed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX posts_time ON posts(created_at, seq);
CREATE INDEX posts_space_time ON posts(space_id, created_at, seq);
CREATE INDEX posts_author_time ON posts(author_id, created_at, seq);
CREATE INDEX posts_scheduled ON posts(status, scheduled_at);
CREATE INDEX posts_visible ON posts(status, removed, space_id, visibility, author_id);

CREATE TABLE post_likes(
  post_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY(post_id, user_id)
);

CREATE TABLE comments(
  seq INTEGER PRIMARY KEY,
  id TEXT UNIQUE NOT NULL,
  post_id TEXT NOT NULL,
  parent_id TEXT,
  author_id TEXT NOT NULL,
  content TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT,
  deleted INTEGER NOT NULL DEFAULT 0,
  removed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX comments_post ON comments(post_id, seq);
CREATE INDEX comments_author ON comments(author_id, created_at);

CREATE TABLE media(
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  type TEXT NOT NULL,
  size INTEGER NOT NULL,
  alt_text TEXT NOT NULL DEFAULT '',
  data BLOB NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE webhooks(
  seq INTEGER PRIMARY KEY,
  id TEXT UNIQUE NOT NULL,
  owner_id TEXT NOT NULL,
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  secret TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE deliberations(
  seq INTEGER PRIMARY KEY,
  id TEXT UNIQUE NOT NULL,
  space_id TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  duration_days INTEGER NOT NULL,
  phase_ends_at TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT
);
CREATE INDEX deliberations_space ON deliberations(space_id, status);

CREATE TABLE surveys(
  id TEXT PRIMARY KEY,
  deliberation_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK(kind IN ('pre', 'post')),
  UNIQUE(deliberation_id, kind)
);

CREATE TABLE questions(
  id TEXT PRIMARY KEY,
  survey_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  text TEXT NOT NULL,
  type TEXT NOT NULL,
  options TEXT NOT NULL DEFAULT '[]',
  required INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX questions_survey ON questions(survey_id, position);

CREATE TABLE responses(
  id TEXT PRIMARY KEY,
  survey_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE(survey_id, user_id)
);

CREATE TABLE answers(
  response_id TEXT NOT NULL,
  question_id TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY(response_id, question_id)
);
CREATE INDEX answers_question ON answers(question_id);

CREATE TABLE deliberation_comments(
  seq INTEGER PRIMARY KEY,
  id TEXT UNIQUE NOT NULL,
  deliberation_id TEXT NOT NULL,
  parent_id TEXT,
  author_id TEXT NOT NULL,
  content TEXT NOT NULL,
  created_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX deliberation_comments_d ON deliberation_comments(deliberation_id, seq);

CREATE TABLE verifications(
  seq INTEGER PRIMARY KEY,
  id TEXT UNIQUE NOT NULL,
  requester_id TEXT NOT NULL,
  attribute_type TEXT NOT NULL,
  attribute_value TEXT NOT NULL,
  evidence TEXT NOT NULL DEFAULT '[]',
  description TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'pending',
  created_at TEXT NOT NULL,
  decided_at TEXT
);
CREATE INDEX verifications_status ON verifications(status, seq);
CREATE INDEX verifications_requester ON verifications(requester_id);

CREATE TABLE verification_votes(
  verification_id TEXT NOT NULL,
  voter_id TEXT NOT NULL,
  vote TEXT NOT NULL CHECK(vote IN ('approve', 'reject')),
  comment TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  PRIMARY KEY(verification_id, voter_id)
);

CREATE TABLE attestations(
  seq INTEGER PRIMARY KEY,
  id TEXT UNIQUE NOT NULL,
  subject_id TEXT NOT NULL,
  attribute_type TEXT NOT NULL,
  attribute_value TEXT NOT NULL,
  verification_id TEXT NOT NULL,
  issuer TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  expires_at TEXT,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX attestations_subject ON attestations(subject_id);

CREATE TABLE mod_items(
  seq INTEGER PRIMARY KEY,
  id TEXT UNIQUE NOT NULL,
  space_id TEXT,
  target_type TEXT NOT NULL CHECK(target_type IN ('post', 'comment')),
  target_id TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  created_at TEXT NOT NULL,
  updated_at TEXT,
  UNIQUE(target_type, target_id)
);
CREATE INDEX mod_items_space ON mod_items(space_id, status, seq);

CREATE TABLE reports(
  seq INTEGER PRIMARY KEY,
  item_id TEXT NOT NULL,
  reporter_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  open INTEGER NOT NULL DEFAULT 1,
  closed_by TEXT
);
CREATE INDEX reports_item ON reports(item_id);
CREATE UNIQUE INDEX reports_one_open ON reports(item_id, reporter_id) WHERE open = 1;

CREATE TABLE mod_log(
  seq INTEGER PRIMARY KEY,
  id TEXT UNIQUE NOT NULL,
  item_id TEXT,
  space_id TEXT,
  moderator_id TEXT NOT NULL,
  action TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  subject_id TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX mod_log_space ON mod_log(space_id, seq);

CREATE TABLE idempotency(
  caller TEXT NOT NULL,
  key TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  body_hash TEXT NOT NULL,
  status INTEGER,
  headers TEXT,
  body BLOB,
  created_at TEXT NOT NULL,
  PRIMARY KEY(caller, key)
);
"""

MIGRATIONS: dict[int, str] = {1: _SCHEMA_V1}
"""SQL that takes a database from version N-1 to version N."""


class SchemaTooNewError(RuntimeError):
    """The file was written by a newer ratel-tui than this one."""


class Database:
    """One SQLite connection with the pragmas and helpers the sandbox needs."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.conn = _connect(self.path)
        self._counts: dict[tuple[str, tuple[Any, ...]], int] = {}
        self._counts_at = -1

    def close(self) -> None:
        """Close the connection; later calls fail."""
        self.conn.close()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed on success, rolled back on any error."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def one(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> Any:
        """The first row of a query, or None."""
        return self.conn.execute(sql, params).fetchone()

    def all(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[Any]:
        """Every row of a query."""
        return self.conn.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> Any:
        """The first column of the first row, or None."""
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def count(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        """`scalar` for COUNT queries, remembered until the next write.

        Paging asks the same total for every page of a list; counting 50,000
        posts costs more than fetching the page, and `total_changes` moves on
        every insert, update or delete, so an unchanged count is reused.
        """
        changes = self.conn.total_changes
        if changes != self._counts_at or len(self._counts) > 256:
            self._counts.clear()
            self._counts_at = changes
        cached = self._counts.get((sql, params))
        if cached is None:
            cached = self._counts[(sql, params)] = int(self.scalar(sql, params) or 0)
        return cached

    def get_meta(self, key: str) -> str | None:
        """A value from the `meta` table."""
        return self.scalar("SELECT value FROM meta WHERE key = ?", (key,))

    def set_meta(self, key: str, value: str) -> None:
        """Store a value in the `meta` table (call inside a transaction)."""
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def _connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed, 0600) and migrate the database at `path`."""
    fresh = not path.exists()
    if fresh:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Create the file ourselves so that it is 0600 whatever the umask says.
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    # The server's one connection lives in its event-loop thread, which is not
    # the thread that opened it when a test starts the server in the background.
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA foreign_keys = OFF")
    _migrate(conn, path)
    return conn


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the schema up to SCHEMA_VERSION, one migration at a time."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"{path} uses sandbox schema {version}, newer than this ratel-tui "
            f"understands ({SCHEMA_VERSION}); upgrade ratel-tui or pass --reset"
        )
    for target in range(version + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(MIGRATIONS[target]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (ours hold no `;` in strings)."""
    return [s.strip() for s in script.split(";") if s.strip()]
