"""The seeded world: people, Spaces and everything they wrote, from one seed.

The same `--seed` and `--posts` give the same ids, text and relations; times
are laid out backwards from the moment of seeding (the `anchor`), so the
world always looks recent. Deliberations, the oracle and moderation live in
`seed_activity`, every written word in `seed_text`.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from datetime import datetime, timedelta
from typing import NamedTuple

from ratel_tui.sandbox.clock import ISO_FORMAT, iso, now
from ratel_tui.sandbox.db import Database
from ratel_tui.sandbox.ids import new_id
from ratel_tui.sandbox.seed_activity import (
    seed_deliberations,
    seed_moderation,
    seed_oracle,
)
from ratel_tui.sandbox.seed_people import SPACES, USERS
from ratel_tui.sandbox.seed_text import (
    BANS,
    COMMENTS,
    DRAFTS,
    REPLIES,
    SCHEDULED,
    TROUBLE_COMMENTS,
    TROUBLE_POSTS,
    VOICES,
    Voice,
)

DAY = 86_400
"""Seconds in a day; ages in the world are seconds before the anchor."""

WINDOW_DAYS = 90
"""How far back posts and analytics go."""

SPACE_SHARES = {
    "civic-tech": 26,
    "climate-policy": 23,
    "cycling": 16,
    "open-science": 14,
    "riverside": 13,
    "announcements": 3,
    None: 5,
}
"""Relative share of posts per Space; None is personal posts."""

ACTIVITY = {
    "ada": 5,
    "bruno": 4,
    "chen": 4,
    "hana": 4,
    "dilnoza": 3,
    "emeka": 3,
    "gus": 3,
    "farah": 2,
    "ivan": 2,
    "june": 2,
}
"""How much each demo user writes, relative to the others."""

COMMUNITY = {
    "civic-tech": 1_240,
    "riverside": 86,
    "climate-policy": 930,
    "open-science": 610,
    "cycling": 780,
    "announcements": 2_150,
}
"""Members each Space has in its analytics, as if it were a real community."""

REASONS = ("spam", "harassment", "misinformation", "off_topic", "other")
"""Why content gets reported."""

MODERATED = tuple(s.slug for s in SPACES if s.moderators)
"""Spaces with moderators: the ones that get reported content and a queue."""

TROUBLE_PER_SPACE = 6
"""Reportable posts (and as many comments) written into each moderated Space."""

BUSY_POSTS = 400
"""The newest posts that get full threads; older ones get a comment or two."""

QUIET_POSTS = 3_600
"""Posts after the busy ones that may get a comment; older ones get none."""

THREAD_SIZES = (12, 14, 16, 15, 12, 10, 8, 7, 6)
"""Weights of 0 to 8 comments under a busy post."""

_POST_SQL = (
    "INSERT INTO posts(id, author_id, space_id, title, content, type, visibility,"
    " status, scheduled_at, media, created_at, updated_at, likes_count,"
    " shares_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_COMMENT_SQL = (
    "INSERT INTO comments(id, post_id, parent_id, author_id, content, created_at,"
    " deleted) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


class Content(NamedTuple):
    """A post or comment as the later seeding steps need it."""

    kind: str
    id: str
    author_id: str
    space: str | None
    age: int
    audience: tuple[str, ...]
    """Who can see it: the users who may like, answer or report it."""


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
        world.posts(posts)
        world.comments()
        if posts > 0:
            world.own_posts()
        seed_deliberations(world)
        seed_oracle(world)
        seed_moderation(world)
        world.analytics()
        world.counters()
        # Without statistics SQLite reads a big feed through the `status` index
        # and sorts every post; with them it walks `posts_time` and stops early.
        conn.execute("ANALYZE posts")
        db.set_meta("seed", str(seed))
        db.set_meta("posts", str(posts))
        db.set_meta("anchor", iso(anchor))
        db.set_meta("seeded_at", iso(now()))


class _World:
    """The seeding steps, sharing the connection, the random source and the ids."""

    def __init__(
        self, conn: sqlite3.Connection, rng: random.Random, anchor: datetime
    ) -> None:
        self.conn = conn
        self.rng = rng
        self.anchor = anchor
        self.epoch = int(anchor.timestamp())
        self.user_ids: dict[str, str] = {}
        self.space_ids: dict[str, str] = {}
        self.space_visibility: dict[str, str] = {}
        self.roles: dict[str, dict[str, str]] = {}
        """Space slug → username → role."""
        self.everyone: tuple[str, ...] = ()
        self._audiences: dict[tuple[str | None, str], tuple[str, ...]] = {}
        self.posts_made: list[Content] = []
        self.content: dict[str | None, list[Content]] = {}
        """Posts and live comments by Space slug: what can be reported."""
        self.flagged: dict[str, str] = {}
        """Id of each post or comment written to be reported → the reason."""

    def ago(self, **delta: float) -> str:
        """The wire time `delta` before the anchor."""
        return iso(self.anchor - timedelta(**delta))

    def at(self, age: float) -> str:
        """The wire time `age` seconds before the anchor (negative: after it)."""
        # gmtime is several times faster than datetime arithmetic, which
        # matters for the hundreds of thousands of likes of a big world.
        return time.strftime(ISO_FORMAT, time.gmtime(self.epoch - int(age)))

    def later(self, age: int, within: int) -> int:
        """An age after `age` by at most `within` seconds, never past the anchor."""
        gap = min(within, age)
        return age - self.rng.randint(1, gap) if gap >= 1 else 0

    def execute(self, sql: str, params: tuple[object, ...] = ()) -> None:
        self.conn.execute(sql, params)

    def space_id(self, slug: str | None) -> str | None:
        """The id of the Space with `slug`; None for no Space."""
        return None if slug is None else self.space_ids[slug]

    def members(self, slug: str) -> tuple[str, ...]:
        """User ids of a Space's members, in seeding order."""
        return tuple(self.user_ids[name] for name in self.roles[slug])

    def staff(self, slug: str, *roles: str) -> list[str]:
        """User ids of the Space's members holding one of `roles`."""
        names = self.roles[slug]
        return [self.user_ids[n] for n, role in names.items() if role in roles]

    def audience(self, slug: str | None, visibility: str = "public") -> tuple[str, ...]:
        """Who sees content in a Space and may answer it: everyone, or only its
        members, less anyone whose ban there is still in force."""
        key = (slug, visibility)
        if key not in self._audiences:
            if slug is None:
                seen = self.everyone
            elif self.space_visibility[slug] != "public" or visibility == "members":
                seen = self.members(slug)
            else:
                seen = self.everyone
            banned = [
                self.user_ids[u]
                for s, u, _, kind in BANS
                if s == slug and kind != "over"
            ]
            self._audiences[key] = tuple(u for u in seen if u not in banned)
        return self._audiences[key]

    def timeline(
        self, start: int, end: int, count: int
    ) -> list[tuple[int, int | None]]:
        """`count` moments between two ages, oldest first and strictly apart,
        each with the index of the earlier one it replies to (None: top level)."""
        rng = self.rng
        high = max(end, start - 1)
        low = min(end + count, high)
        ages = sorted((rng.randint(low, high) for _ in range(count)), reverse=True)
        for n in range(1, count):
            ages[n] = max(0, min(ages[n], ages[n - 1] - 1))
        return [
            (age, rng.randrange(n) if n and rng.random() < 0.4 else None)
            for n, age in enumerate(ages)
        ]

    def people(self) -> None:
        """The demo users and who follows whom."""
        for person in USERS:
            user_id = new_id("user", self.rng)
            self.user_ids[person.username] = user_id
            self.execute(
                "INSERT INTO users(id, username, display_name, bio, location,"
                " avatar_url, verified, is_admin, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    user_id,
                    person.username,
                    person.display_name,
                    person.bio,
                    person.location,
                    f"https://avatars.ratel.example/{person.username}.png",
                    int(person.verified),
                    int(person.is_admin),
                    self.ago(days=person.joined_days_ago),
                ),
            )
        self.everyone = tuple(self.user_ids.values())
        for person in USERS:
            for other in person.follows:
                self.execute(
                    "INSERT INTO follows(follower_id, followee_id, created_at)"
                    " VALUES (?, ?, ?)",
                    (
                        self.user_ids[person.username],
                        self.user_ids[other],
                        self.ago(days=self.rng.uniform(1, 80)),
                    ),
                )
        self.execute(
            "UPDATE users SET followers_count ="
            " (SELECT COUNT(*) FROM follows WHERE followee_id = users.id),"
            " following_count ="
            " (SELECT COUNT(*) FROM follows WHERE follower_id = users.id)"
        )

    def spaces(self) -> None:
        """The Spaces, their members and roles."""
        for space in SPACES:
            space_id = new_id("space", self.rng)
            self.space_ids[space.slug] = space_id
            self.space_visibility[space.slug] = space.visibility
            self.execute(
                "INSERT INTO spaces(id, name, slug, description, visibility, category,"
                " created_by, created_at, allow_posts, moderation,"
                " allow_deliberations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    space_id,
                    space.name,
                    space.slug,
                    space.description,
                    space.visibility,
                    space.category,
                    self.user_ids[space.admins[0]],
                    self.ago(days=space.created_days_ago),
                    int(space.allow_posts),
                    space.moderation,
                    int(space.allow_deliberations),
                ),
            )
            roles = {name: "member" for name in space.members}
            roles.update({name: "moderator" for name in space.moderators})
            roles.update({name: "admin" for name in space.admins})
            self.roles[space.slug] = roles
            for username, role in roles.items():
                joined = self.ago(days=self.rng.uniform(1, space.created_days_ago))
                self.execute(
                    "INSERT INTO space_members(space_id, user_id, role, joined_at)"
                    " VALUES (?, ?, ?, ?)",
                    (space_id, self.user_ids[username], role, joined),
                )
        self.execute(
            "UPDATE spaces SET members_count ="
            " (SELECT COUNT(*) FROM space_members m WHERE m.space_id = spaces.id)"
        )

    def posts(self, count: int) -> None:
        """`count` published posts over the last 90 days, newer ones denser,
        inserted oldest first, with their likes."""
        if count <= 0:
            return
        # Seconds since the anchor's midnight widen the window so that every
        # post falls on one of the 90 days the analytics cover.
        window = (WINDOW_DAYS - 1) * DAY + self.epoch % DAY
        rng = self.rng
        ages = sorted(
            (int(300 + (window - 300) * rng.random() ** 1.5) for _ in range(count)),
            reverse=True,
        )
        slugs = list(SPACE_SHARES)
        places = rng.choices(slugs, weights=list(SPACE_SHARES.values()), k=count)
        trouble = self._trouble_plan(places)
        writers = {slug: self._writers(slug) for slug in slugs}
        rows: list[tuple[object, ...]] = []
        likes: list[tuple[str, str, str]] = []
        for index, (age, slug) in enumerate(zip(ages, places, strict=True)):
            reason = trouble.get(index)
            author = self._troublemaker(slug) if reason else rng.choice(writers[slug])
            rows.append(self._post(age, slug, author, reason, likes))
        self.conn.executemany(_POST_SQL, rows)
        self.conn.executemany(
            "INSERT INTO post_likes(post_id, user_id, created_at) VALUES (?, ?, ?)",
            likes,
        )

    def _writers(self, slug: str | None) -> list[str]:
        """User ids who post in a Space, repeated by how much they write."""
        if slug == "announcements":
            # Only the team posts there, and june is the team.
            return [self.user_ids["june"]]
        names = list(self.user_ids) if slug is None else list(self.roles[slug])
        return [self.user_ids[n] for n in names for _ in range(ACTIVITY[n])]

    def _troublemaker(self, slug: str | None) -> str:
        """A plain member of the Space: reported content rarely comes from staff."""
        assert slug is not None
        plain = self.staff(slug, "member")
        return self.rng.choice(plain or self.members(slug))

    def _trouble_plan(self, places: list[str | None]) -> dict[int, str]:
        """Which posts (by index) are written to be reported, and why."""
        plan: dict[int, str] = {}
        for slug in MODERATED:
            indices = [n for n, place in enumerate(places) if place == slug]
            chosen = self.rng.sample(indices, min(TROUBLE_PER_SPACE, len(indices) // 6))
            offset = self.rng.randrange(len(REASONS))
            for n, index in enumerate(chosen):
                plan[index] = REASONS[(n + offset) % len(REASONS)]
        return plan

    def _post(
        self,
        age: int,
        slug: str | None,
        author: str,
        reason: str | None,
        likes: list[tuple[str, str, str]],
    ) -> tuple[object, ...]:
        """One post's row; its likes are added to `likes`."""
        rng = self.rng
        post_id = new_id("post", rng)
        voice = VOICES[slug]
        if reason is not None:
            kind, title, media = "text", None, "[]"
            content = rng.choice(TROUBLE_POSTS[reason])
            self.flagged[post_id] = reason
        else:
            kind, content, media = _post_body(rng, voice, post_id)
            share = 0.9 if slug == "announcements" else 0.22
            title = (
                rng.choice(voice.titles)
                if kind != "poll" and rng.random() < share
                else None
            )
        visibility = "members" if slug is not None and rng.random() < 0.04 else "public"
        audience = self.audience(slug, visibility)
        fans = [u for u in audience if u != author]
        liked = rng.sample(fans, min(len(fans), int(rng.expovariate(0.4))))
        likes.extend((post_id, u, self.at(int(rng.random() * age))) for u in liked)
        edited = self.at(int(rng.random() * age)) if rng.random() < 0.06 else None
        shares = int(len(liked) * rng.random() * 0.6)
        made = Content("post", post_id, author, slug, age, audience)
        self.posts_made.append(made)
        self.content.setdefault(slug, []).append(made)
        return (
            post_id, author, self.space_id(slug), title, content, kind,
            visibility, "published", None, media, self.at(age), edited, len(liked),
            shares,
        )  # fmt: skip

    def comments(self) -> None:
        """Threads under the newest posts; a big world's old posts stay quiet,
        which keeps seeding fast."""
        rng = self.rng
        rows: list[tuple[object, ...]] = []
        trouble = {slug: 0 for slug in MODERATED}
        newest = self.posts_made[::-1][: BUSY_POSTS + QUIET_POSTS]
        for rank, post in enumerate(newest):
            if rank < BUSY_POSTS:
                count = rng.choices(range(len(THREAD_SIZES)), THREAD_SIZES)[0]
            else:
                count = rng.choice((0, 0, 0, 0, 1, 1, 2))
            if count:
                rows.extend(self._thread(post, count, trouble))
        self.conn.executemany(_COMMENT_SQL, rows)

    def _thread(
        self, post: Content, count: int, trouble: dict[str, int]
    ) -> list[tuple[object, ...]]:
        """The comments under one post, each after its post and its parent."""
        rng = self.rng
        rows: list[tuple[object, ...]] = []
        authors: list[str] = []
        said: set[str] = set()
        for age, parent in self.timeline(post.age, 0, count):
            comment_id = new_id("comment", rng)
            reason = self._comment_trouble(post.space, trouble)
            to = post.author_id if parent is None else authors[parent]
            author = rng.choice(self._repliers(post, to, reason is not None))
            if reason is not None:
                text = rng.choice(TROUBLE_COMMENTS[reason])
                self.flagged[comment_id] = reason
            else:
                text = self._comment_text(post.space, parent is None, said)
            said.add(text)
            deleted = reason is None and rng.random() < 0.015
            parent_id = None if parent is None else rows[parent][0]
            rows.append(
                (comment_id, post.id, parent_id, author, "" if deleted else text,
                 self.at(age), int(deleted))
            )  # fmt: skip
            authors.append(author)
            if not deleted:
                made = Content(
                    "comment", comment_id, author, post.space, age, post.audience
                )
                self.content.setdefault(post.space, []).append(made)
        return rows

    def _repliers(self, post: Content, to: str, troubled: bool) -> list[str]:
        """Who may answer `to` under the post (nobody answers themselves); the
        Space's staff keep it civil, so trouble comes from the others."""
        others = [u for u in post.audience if u != to]
        if troubled and post.space is not None:
            staff = self.staff(post.space, "admin", "moderator")
            return [u for u in others if u not in staff] or others
        return others

    def _comment_text(self, slug: str | None, top: bool, said: set[str]) -> str:
        """A reply, or a top-level comment of the Space or of anywhere, that
        the thread has not had yet."""
        if not top:
            pool = REPLIES
        elif self.rng.random() < 0.5:
            pool = VOICES[slug].comments
        else:
            pool = COMMENTS
        return self.rng.choice([t for t in pool if t not in said] or pool)

    def _comment_trouble(self, slug: str | None, trouble: dict[str, int]) -> str | None:
        """The reason a comment is written to be reported, now and then."""
        if slug not in trouble or trouble[slug] >= TROUBLE_PER_SPACE:
            return None
        if self.rng.random() >= 0.05:
            return None
        trouble[slug] += 1
        return REASONS[(trouble[slug] + len(slug)) % len(REASONS)]

    def own_posts(self) -> None:
        """Each demo user's drafts and one scheduled post, seen by them alone."""
        rng = self.rng
        rows: list[tuple[object, ...]] = []
        for username, user_id in self.user_ids.items():
            places = [
                slug
                for slug, roles in self.roles.items()
                if username in roles and (slug != "announcements" or username == "june")
            ] + [None]
            ideas = [(slug, draft) for slug in places for draft in DRAFTS[slug]]
            for slug, (title, content) in rng.sample(ideas, rng.randint(1, 2)):
                made = rng.randint(3_600, 10 * DAY)
                times = (None, self.at(made), self.at(self.later(made, made)))
                rows.append((user_id, slug, title, content, "draft", *times))
            slug = rng.choice(places)
            title, content = SCHEDULED[slug]
            due = self.at(-rng.randint(DAY, 10 * DAY))
            times = (due, self.at(rng.randint(600, 3 * DAY)), None)
            rows.append((user_id, slug, title, content, "scheduled", *times))
        self.conn.executemany(
            "INSERT INTO posts(id, author_id, space_id, title, content, status,"
            " scheduled_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(new_id("post", rng), r[0], self.space_id(r[1]), *r[2:]) for r in rows],
        )

    def analytics(self) -> None:
        """A `space_daily` row per Space for each of the 90 days up to the anchor."""
        posted = {
            (space_id, day): n
            for space_id, day, n in self.conn.execute(
                "SELECT space_id, substr(created_at, 1, 10), COUNT(*) FROM posts"
                " WHERE status = 'published' AND space_id IS NOT NULL GROUP BY 1, 2"
            )
        }
        rows: list[tuple[object, ...]] = []
        for slug, space_id in self.space_ids.items():
            rows.extend(self._daily(space_id, COMMUNITY[slug], posted))
        self.conn.executemany(
            "INSERT INTO space_daily(space_id, date, members, new_members, posts,"
            " active_users, engagement) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def _daily(
        self, space_id: str, size: int, posted: dict[tuple[str, str], int]
    ) -> list[tuple[object, ...]]:
        """One Space's days: joins rise over the period and dip at weekends."""
        rng = self.rng
        today = self.anchor.date()
        days = [today - timedelta(days=k) for k in range(WINDOW_DAYS - 1, -1, -1)]
        rhythm = [1.0 if day.weekday() < 5 else 0.6 for day in days]
        # Expected joins grow from 0.6 to 1.4 times the base rate; adding a
        # random fraction before truncating keeps small Spaces from all zeros.
        base = size * 0.003
        joins = [
            int(base * (0.6 + 0.8 * n / WINDOW_DAYS) * beat * rng.uniform(0.5, 1.5)
                + rng.random())
            for n, beat in enumerate(rhythm)
        ]  # fmt: skip
        total = size - sum(joins)
        rows: list[tuple[object, ...]] = []
        for day, beat, new in zip(days, rhythm, joins, strict=True):
            total += new
            posts = posted.get((space_id, day.isoformat()), 0)
            active = min(total, int(total * rng.uniform(0.09, 0.15) * beat) + 2 * posts)
            engagement = (
                0.2 + 0.2 * beat + 0.01 * min(posts, 15) + rng.uniform(-0.05, 0.05)
            )
            rows.append(
                (space_id, day.isoformat(), total, new, posts, active,
                 round(min(engagement, 1.0), 3))
            )  # fmt: skip
        return rows

    def counters(self) -> None:
        """Denormalised counts, each from the rows it counts, in one UPDATE."""
        # Likes are counted as the posts are written; comments here, after
        # moderation has removed some of them.
        self.execute(
            "UPDATE posts SET comments_count = (SELECT COUNT(*) FROM comments c"
            " WHERE c.post_id = posts.id AND c.deleted = 0 AND c.removed = 0)"
            " WHERE id IN (SELECT post_id FROM comments)"
        )
        self.execute(
            "UPDATE users SET posts_count = (SELECT COUNT(*) FROM posts p"
            " WHERE p.author_id = users.id AND p.status = 'published'"
            " AND p.removed = 0)"
        )
        self.execute(
            "UPDATE spaces SET posts_count = (SELECT COUNT(*) FROM posts p"
            " WHERE p.space_id = spaces.id AND p.status = 'published'"
            " AND p.removed = 0), deliberations_count ="
            " (SELECT COUNT(*) FROM deliberations d WHERE d.space_id = spaces.id)"
        )


def _post_body(rng: random.Random, voice: Voice, post_id: str) -> tuple[str, str, str]:
    """(type, content, media JSON) of an ordinary post in `voice`."""
    roll = rng.random()
    if roll < 0.03:
        return "poll", rng.choice(voice.polls), "[]"
    if roll < 0.14:
        photo = f"https://media.ratel.example/{post_id}/{rng.choice(voice.images)}.jpg"
        caption = rng.choice(voice.captions)
        if rng.random() < 0.5:
            caption = f"{caption} {rng.choice(voice.bodies)}"
        return "image", caption, json.dumps([{"url": photo, "type": "image"}])
    return "text", _text(rng, voice), "[]"


def _text(rng: random.Random, voice: Voice) -> str:
    """A text post: an opener and one or two facts, maybe a question and a closer."""
    facts = rng.sample(voice.bodies, 1 if rng.random() < 0.55 else 2)
    lead = [rng.choice(voice.openers)] if rng.random() < 0.8 else []
    parts = [" ".join(lead + facts)]
    if rng.random() < 0.45:
        parts.append(rng.choice(voice.questions))
    if rng.random() < 0.4:
        parts.append(rng.choice(voice.closers))
    return "\n\n".join(parts)
