"""The seeded world: people, Spaces and everything they wrote, from one seed.

The same `--seed` and `--posts` give the same ids, text and relations; times
are laid out backwards from the moment of seeding (the `anchor`), so the
world always looks recent.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ratel_tui.sandbox.clock import iso, now
from ratel_tui.sandbox.db import Database
from ratel_tui.sandbox.ids import new_id
from ratel_tui.sandbox.seed_people import SPACES, USERS


class SeedMismatchWarning(UserWarning):
    """The database was seeded with other settings than the ones given now."""


def ensure_world(db: Database, *, seed: int, posts: int) -> bool:
    """Seed `db` unless it holds a world already; whether it seeded now."""
    if db.get_meta("seeded_at") is not None:
        return False
    seed_world(db, seed=seed, posts=posts, anchor=now())
    return True


def seeded_with(db: Database) -> tuple[int, int] | None:
    """The (seed, posts) the database was seeded with, if it was."""
    seed = db.get_meta("seed")
    posts = db.get_meta("posts")
    if seed is None or posts is None:
        return None
    return int(seed), int(posts)


def seed_world(db: Database, *, seed: int, posts: int, anchor: datetime) -> None:
    """Fill an empty database with the world of `seed`, in one transaction."""
    rng = random.Random(seed)
    with db.tx() as conn:
        world = _World(conn, rng, anchor)
        world.people()
        world.spaces()
        db.set_meta("seed", str(seed))
        db.set_meta("posts", str(posts))
        db.set_meta("anchor", iso(anchor))
        db.set_meta("seeded_at", iso(now()))


class _World:
    """The seeding steps, sharing the connection, the random source and the ids."""

    def __init__(self, conn: object, rng: random.Random, anchor: datetime) -> None:
        self.conn = conn
        self.rng = rng
        self.anchor = anchor
        self.user_ids: dict[str, str] = {}
        self.space_ids: dict[str, str] = {}

    def ago(self, **delta: float) -> str:
        """The wire time `delta` before the anchor."""
        return iso(self.anchor - timedelta(**delta))

    def execute(self, sql: str, params: tuple[object, ...] = ()) -> None:
        self.conn.execute(sql, params)  # type: ignore[attr-defined]

    def people(self) -> None:
        """The demo users and who follows whom."""
        for person in USERS:
            user_id = new_id("user", self.rng)
            self.user_ids[person.username] = user_id
            self.execute(
                "INSERT INTO users(id, username, display_name, bio, location, avatar_url,"
                " verified, is_admin, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    user_id, person.username, person.display_name, person.bio,
                    person.location, f"https://avatars.ratel.example/{person.username}.png",
                    int(person.verified), int(person.is_admin),
                    self.ago(days=person.joined_days_ago),
                ),
            )
        for person in USERS:
            for other in person.follows:
                self.execute(
                    "INSERT INTO follows(follower_id, followee_id, created_at) VALUES (?, ?, ?)",
                    (self.user_ids[person.username], self.user_ids[other],
                     self.ago(days=self.rng.uniform(1, 80))),
                )
        self.execute(
            "UPDATE users SET"
            " followers_count = (SELECT COUNT(*) FROM follows WHERE followee_id = users.id),"
            " following_count = (SELECT COUNT(*) FROM follows WHERE follower_id = users.id)"
        )

    def spaces(self) -> None:
        """The Spaces, their members and roles."""
        for space in SPACES:
            space_id = new_id("space", self.rng)
            self.space_ids[space.slug] = space_id
            created = self.ago(days=space.created_days_ago)
            self.execute(
                "INSERT INTO spaces(id, name, slug, description, visibility, category,"
                " created_by, created_at, allow_posts, moderation, allow_deliberations)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    space_id, space.name, space.slug, space.description, space.visibility,
                    space.category, self.user_ids[space.admins[0]], created,
                    int(space.allow_posts), space.moderation, int(space.allow_deliberations),
                ),
            )
            roles = {name: "member" for name in space.members}
            roles.update({name: "moderator" for name in space.moderators})
            roles.update({name: "admin" for name in space.admins})
            for username, role in roles.items():
                self.execute(
                    "INSERT INTO space_members(space_id, user_id, role, joined_at)"
                    " VALUES (?, ?, ?, ?)",
                    (space_id, self.user_ids[username], role,
                     self.ago(days=self.rng.uniform(1, space.created_days_ago))),
                )
        self.execute(
            "UPDATE spaces SET members_count ="
            " (SELECT COUNT(*) FROM space_members m WHERE m.space_id = spaces.id)"
        )
