"""The soak: the real app, driven by Pilot, against a sandbox that fails a fifth
of its answers and takes 200 ms for each, for RATEL_SOAK_SECONDS (600).

It reads (the feed, paging to its end, opening posts), writes (posts and
comments through compose, likes on the post screen), votes on oracle requests
and decides moderation items (through `session.send`, as those screens do).
At the end every write must be on the server exactly once, none may be left
waiting in the outbox, and the RSS sampled every 10 s must stay flat: the
last minute's highest within 15% or 20 MiB of the second minute's. Figures go
to results/soak.json. Runs with `make bench` only.
"""

from __future__ import annotations

import gc
import os
import random
import time
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import TextArea

from ratel_tui.app import RatelApp
from ratel_tui.screens.compose import ComposeScreen
from ratel_tui.screens.main import MainScreen
from ratel_tui.screens.post import PostScreen
from ratel_tui.screens.start import StartErrorScreen
from ratel_tui.widgets.feed_list import FeedList
from tests.bench.conftest import record
from tests.conftest import db_value, posts_with
from tests.tui.test_app import until

SECONDS = float(os.environ.get("RATEL_SOAK_SECONDS", "600"))
"""How long the app is driven."""

SAMPLE_S = 10.0
"""Seconds between two RSS samples."""

USER = "ada"
"""Admin of civic-tech and moderator of climate-policy: she has a queue."""


def rss_mib() -> float:
    """This process's resident memory (app, sandbox thread and test), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rows(world: Any, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    import sqlite3

    conn = sqlite3.connect(f"file:{world.config.db_path}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


class Soak:
    """One run: the app, the world, and every write it made."""

    def __init__(self, app: RatelApp, pilot: Any, world: Any) -> None:
        self.app = app
        self.pilot = pilot
        self.world = world
        self.rng = random.Random(20261204)
        self.me = db_value(world, "SELECT id FROM users WHERE username = ?", (USER,))
        self.posts: list[str] = []
        self.comments: list[str] = []
        self.likes: list[str] = []
        self.votes: list[str] = []
        self.decisions: list[str] = []
        self.stalls = 0
        self.reloads = 0
        self.start_retries = 0
        self.opened = 0
        self.pages = 0
        self.to_vote = [
            r[0]
            for r in rows(
                world,
                "SELECT id FROM verifications WHERE status = 'pending' AND"
                " requester_id != ? AND id NOT IN (SELECT verification_id FROM"
                " verification_votes WHERE voter_id = ?) ORDER BY seq",
                self.me,
                self.me,
            )
        ]
        self.to_decide = [
            r[0]
            for r in rows(
                world,
                "SELECT m.id FROM mod_items m JOIN space_members s ON"
                " s.space_id = m.space_id WHERE s.user_id = ? AND s.role IN"
                " ('admin', 'moderator') AND m.status = 'pending' ORDER BY m.seq",
                self.me,
            )
        ]

    async def wait(self, condition: Any, timeout: float = 20.0) -> bool:
        try:
            await until(self.pilot, condition, timeout=timeout)
        except AssertionError:
            self.stalls += 1
            return False
        return True

    async def start(self) -> None:
        """Until the frame shows the feed; a failed start is retried with `r`
        (once per error screen) as a user would."""
        app = self.app
        for _ in range(6):
            await self.wait(
                lambda: isinstance(app.screen, MainScreen | StartErrorScreen), 60
            )
            if isinstance(app.screen, StartErrorScreen):
                self.start_retries += 1
                await self.pilot.press("r")
                await self.wait(lambda: not isinstance(app.screen, StartErrorScreen))
                continue
            if await self.wait(lambda: self.feed() is not None):
                return

    async def home(self) -> None:
        """Back to the frame, whatever is on screen."""
        for _ in range(6):
            if isinstance(self.app.screen, MainScreen):
                return
            if isinstance(self.app.screen, StartErrorScreen):
                await self.start()
                continue
            await self.pilot.press("escape")
            await self.pilot.pause(0.1)

    def feed(self) -> FeedList | None:
        main = self.app.main
        found = list(main.query(FeedList)) if main is not None else []
        return found[0] if found else None

    async def read(self, n: int) -> None:
        await self.home()
        feed = self.feed()
        if feed is None:
            return
        if not feed.items:  # the first page failed: the reader reloads
            self.reloads += 1
            await self.pilot.press("R")
            if not await self.wait(lambda: bool(feed.items)):
                return
        for _ in range(self.rng.randint(2, 6)):
            await self.pilot.press("j")
        if n % 5 == 0:
            await self.pilot.press("G")  # the end of the feed asks for a page
            self.pages += 1
            await self.pilot.pause(0.3)
        await self.pilot.press("enter")
        if not await self.wait(
            lambda: (
                isinstance(self.app.screen, PostScreen)
                and self.app.screen.post is not None
            )
        ):
            return
        self.opened += 1
        screen = self.app.screen
        assert isinstance(screen, PostScreen)
        if n % 2 == 0:
            await self.comment(screen, n)
        if screen.post is not None and not screen.post.liked:
            post_id = screen.post_id
            if post_id not in self.likes:
                await self.pilot.press("f")
                self.likes.append(post_id)
        await self.home()

    async def comment(self, screen: PostScreen, n: int) -> None:
        text = f"Soak comment {n} at {time.time_ns()}: agreed, with one caveat."
        await self.pilot.press("r")
        if not await self.wait(lambda: isinstance(self.app.screen, ComposeScreen)):
            return
        self.app.screen.query_one(TextArea).insert(text)
        await self.pilot.press("ctrl+s")
        self.comments.append(text)
        await self.wait(lambda: self.app.screen is screen)

    async def write(self, n: int) -> None:
        await self.home()
        text = f"Soak post {n} at {time.time_ns()}: the bins were late again."
        await self.pilot.press("w")
        if not await self.wait(lambda: isinstance(self.app.screen, ComposeScreen)):
            return
        self.app.screen.query_one("#compose-body", TextArea).insert(text)
        await self.pilot.press("ctrl+s")
        self.posts.append(text)
        await self.wait(lambda: isinstance(self.app.screen, MainScreen))

    async def vote(self) -> None:
        if not self.to_vote:
            return
        verification = self.to_vote.pop(0)
        payload = {"verification_id": verification, "vote": "approve", "comment": ""}
        await self.app.session.send("vote", payload, summary="vote", wait=0.2)
        self.votes.append(verification)

    async def decide(self) -> None:
        if not self.to_decide:
            return
        item = self.to_decide.pop(0)
        action = self.rng.choice(["approve", "dismiss", "remove"])
        payload = {"item_id": item, "action": action, "note": "soak"}
        await self.app.session.send("decide", payload, summary="decide", wait=0.2)
        self.decisions.append(item)

    def waiting(self) -> list[Any]:
        return [
            i
            for i in self.app.session.outbox.items()
            if i.state not in ("sent", "refused")
        ]

    def once(self, sql: str, values: list[str]) -> list[str]:
        """The values whose row count is not exactly one."""
        return [v for v in values if db_value(self.world, sql, (v, self.me)) != 1]


def flat(samples: list[tuple[float, float]], seconds: float) -> dict[str, float]:
    """The second minute's highest RSS and the last minute's (shorter runs
    compare their second quarter with their second half)."""
    early = (60.0, 120.0) if seconds >= 180 else (seconds / 4, seconds / 2)
    base = [m for t, m in samples if early[0] <= t < early[1]] or [samples[0][1]]
    last = [m for t, m in samples if t >= seconds - 60] or [samples[-1][1]]
    return {"baseline_max_mib": max(base), "last_max_mib": max(last)}


@pytest.mark.timeout(SECONDS + 600)
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_a_long_session_on_a_failing_server_loses_nothing_and_stays_flat(
    make_sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_sandbox(fail_rate=0.2, latency_ms=200, fault_seed=7)
    monkeypatch.setenv("RATEL_API_URL", world.url)
    monkeypatch.setenv("RATEL_API_KEY", world.key_for(USER))
    app = RatelApp()
    async with app.run_test(size=(120, 40)) as pilot:
        soak = Soak(app, pilot, world)
        await soak.start()
        started = time.perf_counter()
        samples = [(0.0, rss_mib())]
        objects = [len(gc.get_objects())]
        n = 0
        while (now := time.perf_counter() - started) < SECONDS:
            n += 1
            await soak.read(n)
            if n % 3 == 0:
                await soak.write(n)
            if n % 4 == 0:
                await soak.vote()
            if n % 2 == 0:
                await soak.decide()
            if now - samples[-1][0] >= SAMPLE_S:
                samples.append((now, rss_mib()))
                objects.append(len(gc.get_objects()))
        await soak.home()
        drain_from = time.perf_counter()
        drained = await soak.wait(lambda: not soak.waiting(), 180)
        drain_s = time.perf_counter() - drain_from
        items = app.session.outbox.items()
        refused = [(i.action, i.last_error) for i in items if i.state == "refused"]
        left = [(i.action, i.state, i.last_error) for i in soak.waiting()]
        sent = {i.action: 0 for i in items}
        for i in items:
            sent[i.action] += i.state == "sent"

    elapsed = time.perf_counter() - started
    memory = flat(samples, elapsed - drain_s)
    posts_off = [t for t in soak.posts if posts_with(world, t) != 1]
    comments_off = soak.once(
        "SELECT COUNT(*) FROM comments WHERE content = ? AND author_id = ?",
        soak.comments,
    )
    likes_off = soak.once(
        "SELECT COUNT(*) FROM post_likes WHERE post_id = ? AND user_id = ?",
        soak.likes,
    )
    votes_off = soak.once(
        "SELECT COUNT(*) FROM verification_votes WHERE verification_id = ?"
        " AND voter_id = ?",
        soak.votes,
    )
    decisions_off = soak.once(
        "SELECT COUNT(*) FROM mod_log WHERE item_id = ? AND moderator_id = ?",
        soak.decisions,
    )
    record(
        "soak",
        {
            "seconds": round(elapsed - drain_s),
            "fail_rate": 0.2,
            "latency_ms": 200,
            "cycles": n,
            "posts_opened": soak.opened,
            "feed_ends_paged": soak.pages,
            "writes": {
                "posts": len(soak.posts),
                "comments": len(soak.comments),
                "likes": len(soak.likes),
                "votes": len(soak.votes),
                "decisions": len(soak.decisions),
            },
            "outbox_sent_by_action": sent,
            "refused": refused,
            "left_waiting": left,
            "not_exactly_once": {
                "posts": len(posts_off),
                "comments": len(comments_off),
                "likes": len(likes_off),
                "votes": len(votes_off),
                "decisions": len(decisions_off),
            },
            "drain_seconds": round(drain_s, 1),
            "stalls": soak.stalls,
            "feed_reloads": soak.reloads,
            "start_retries": soak.start_retries,
            "rss_mib": [round(m, 1) for _, m in samples],
            "python_objects": objects,
            **{k: round(v, 1) for k, v in memory.items()},
        },
    )
    assert drained and left == []
    assert refused == []
    assert posts_off == comments_off == likes_off == votes_off == decisions_off == []
    assert len(soak.posts) >= 3 and len(soak.comments) >= 3
    growth = memory["last_max_mib"] - memory["baseline_max_mib"]
    assert growth <= max(20.0, 0.15 * memory["baseline_max_mib"])
