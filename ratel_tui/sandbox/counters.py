"""The denormalised counts (posts per user and Space, daily analytics) kept in step."""

from __future__ import annotations

import sqlite3

from ratel_tui.sandbox.clock import now


def count_post(
    conn: sqlite3.Connection, author_id: str, space_id: str | None, delta: int
) -> None:
    """A published post appeared (+1) or went away (-1): move every count it is in."""
    conn.execute(
        "UPDATE users SET posts_count = max(0, posts_count + ?) WHERE id = ?",
        (delta, author_id),
    )
    if space_id is not None:
        conn.execute(
            "UPDATE spaces SET posts_count = max(0, posts_count + ?) WHERE id = ?",
            (delta, space_id),
        )
        if delta > 0:
            bump_daily(conn, space_id, posts=delta)


def bump_daily(
    conn: sqlite3.Connection, space_id: str, *, posts: int = 0, new_members: int = 0
) -> None:
    """Add to today's analytics row of a Space, carrying the latest member total on."""
    today = now().strftime("%Y-%m-%d")
    latest = conn.execute(
        "SELECT members FROM space_daily WHERE space_id = ? ORDER BY date DESC LIMIT 1",
        (space_id,),
    ).fetchone()
    if latest is None:
        latest = conn.execute(
            "SELECT members_count FROM spaces WHERE id = ?", (space_id,)
        ).fetchone()
    members = (latest[0] if latest else 0) + new_members
    conn.execute(
        "INSERT INTO space_daily(space_id, date, members, new_members, posts, active_users)"
        " VALUES (?, ?, ?, ?, ?, 1)"
        " ON CONFLICT(space_id, date) DO UPDATE SET"
        " members = space_daily.members + excluded.new_members,"
        " new_members = space_daily.new_members + excluded.new_members,"
        " posts = space_daily.posts + excluded.posts",
        (space_id, today, members, new_members, posts),
    )
