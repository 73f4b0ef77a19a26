"""A world that looks the same on every run and every day, and the scenes of
the app shown in it: shared by the snapshot tests and `scripts/screenshots.py`.

The sandbox seeds its world backwards from "now" and the screens show ages, so
both clocks are pinned to `ANCHOR`: the sandbox's (seeding, deliberation
phases, the analytics window) and the app's display clock. Ids and text
follow from the seed. The status bar's host:port and rate figures change per
run, so `PinnedStatusApp` shows fixed ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import importlib
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable

from ratel_tui.app import RatelApp
from ratel_tui.sandbox.server import SandboxServer
from ratel_tui.widgets import age
from ratel_tui.widgets.status_bar import StatusBar
from tests.conftest import start_sandbox

ANCHOR = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
"""The moment the world is seeded at and the moment both clocks stay at."""

SHOWN_SERVER = "127.0.0.1:8787"
"""The host:port the status bar shows instead of the run's random port."""

LEGACY_CLOCK_MODULES = (
    "ratel_tui.screens.base",
    "ratel_tui.screens.deliberations",
    "ratel_tui.screens.drafts",
    "ratel_tui.screens.feed",
    "ratel_tui.screens.moderation",
    "ratel_tui.screens.oracle",
    "ratel_tui.screens.post",
    "ratel_tui.widgets.comment_tree",
)
"""Display modules that still read `time.time()` instead of `age.now()`."""


class _FrozenDatetime(datetime):
    """`datetime` whose `now()` is `ANCHOR`, for the modules that ask it."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> Any:
        moment = cls.fromtimestamp(ANCHOR.timestamp(), UTC)
        return moment.astimezone(tz) if tz else moment.replace(tzinfo=None)


class _FrozenTime:
    """The `time` module with `time()` pinned to `ANCHOR`; the rest is real."""

    def time(self) -> float:
        return ANCHOR.timestamp()

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


@contextlib.contextmanager
def frozen_clocks() -> Iterator[None]:
    """Pin the sandbox's clock and the app's display clock to `ANCHOR`."""
    from ratel_tui.widgets.feed_list import FeedList

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("ratel_tui.sandbox.clock.datetime", _FrozenDatetime)
        patch.setattr(age, "FROZEN_AT", ANCHOR.timestamp())
        # Until every display module asks `age.now()`, swap the clocks they
        # hold themselves; the patches do nothing to modules that switched.
        for name in LEGACY_CLOCK_MODULES:
            module = importlib.import_module(name)
            if hasattr(module, "time"):
                patch.setattr(module, "time", _FrozenTime())
        patch.setitem(FeedList.__init__.__kwdefaults__, "clock", age.now)
        patch.setattr("ratel_tui.screens.space.datetime", _FrozenDatetime)
        yield


def start_frozen_sandbox(db_path: Path) -> SandboxServer:
    """A sandbox whose world is seeded at `ANCHOR`; call within `frozen_clocks`."""
    return start_sandbox(db_path)


class PinnedStatusApp(RatelApp):
    """The app with a status bar that shows no per-run figures."""

    def update_status(self, hint: str | None = None) -> None:
        super().update_status(hint)
        for screen in self.screen_stack:
            for bar in screen.query(StatusBar):
                bar.info = dataclasses.replace(
                    bar.info, server=SHOWN_SERVER, rate_remaining=bar.info.rate_limit
                )


async def until(pilot: Any, condition: Callable[[], Any], timeout: float = 15) -> None:
    """Pause the pilot until `condition()` holds (it may raise while not ready)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        with contextlib.suppress(Exception):
            if condition():
                return
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.05)


def measured(table: DataTable[Any]) -> bool:
    """Whether a table has sized its columns to the rows added last.

    A DataTable measures new rows when its message queue runs dry; on a busy
    machine a screenshot could otherwise catch columns as wide as their labels.
    """
    return not table._require_update_dimensions and not table._updated_cells


async def settled(pilot: Any) -> None:
    """Wait until no worker runs and the screen has drawn its last change.

    The start's own worker waits on the welcome and error screens for an
    answer, and the outbox sender runs as long as the app: both are left out.
    """
    app = pilot.app

    def idle() -> bool:
        return all(
            w.is_finished for w in app.workers if w.group not in ("boot", "outbox")
        ) and all(measured(table) for table in app.screen.query(DataTable))

    await until(pilot, idle)
    await pilot.pause(0.1)
    await until(pilot, idle)
    await pilot.pause()


def _feed_ready(app: Any) -> bool:
    from ratel_tui.widgets.feed_list import FeedList

    return len(app.screen.query_one(FeedList).items) >= 20


async def _on_feed(pilot: Any) -> None:
    app = pilot.app
    await until(pilot, lambda: _feed_ready(app))
    # The Moderation section is added once the app knows ada moderates.
    await until(pilot, lambda: "moderation" in app.main.sections)
    await settled(pilot)


async def feed(pilot: Any) -> None:
    """The Feed section as it opens."""
    await _on_feed(pilot)


async def feed_ansi(pilot: Any) -> None:
    """The Feed in the 16-colour `ansi-dark` theme (Textual 8 has no
    `textual-ansi`; `ansi-dark` is its ANSI-colour theme)."""
    await _on_feed(pilot)
    pilot.app.theme = "ansi-dark"
    await settled(pilot)


async def post(pilot: Any) -> None:
    """The post of the first page of the feed with the most comments."""
    from ratel_tui.widgets.feed_list import FeedList

    app = pilot.app
    await _on_feed(pilot)
    items = app.screen.query_one(FeedList).items
    chosen = max(items, key=lambda item: item.comments)
    app.open_post(chosen.id)
    await until(pilot, lambda: type(app.screen).__name__ == "PostScreen")
    await settled(pilot)


async def _section(pilot: Any, key: str, section: str) -> None:
    app = pilot.app
    await _on_feed(pilot)
    await pilot.press(key)
    await until(pilot, lambda: app.main.current == section)
    await settled(pilot)


async def spaces(pilot: Any) -> None:
    """The Spaces section."""
    await _section(pilot, "2", "spaces")


async def deliberations(pilot: Any) -> None:
    """The Deliberations section."""
    await _section(pilot, "4", "deliberations")


async def oracle(pilot: Any) -> None:
    """The Oracle section."""
    await _section(pilot, "5", "oracle")


async def moderation(pilot: Any) -> None:
    """The Moderation section (ada moderates)."""
    await _section(pilot, "6", "moderation")


async def space_analytics(pilot: Any) -> None:
    """The analytics tab of civic-tech, which ada runs."""
    app = pilot.app
    await _on_feed(pilot)
    civic = next(
        space_id
        for space_id, name in app.session.space_names.items()
        if "civic" in name.lower()
    )
    app.open_space(civic)
    await until(pilot, lambda: type(app.screen).__name__ == "SpaceScreen")
    await settled(pilot)
    app.screen.action_show_tab("analytics")
    await settled(pilot)


async def profile(pilot: Any) -> None:
    """ada's own profile (P)."""
    app = pilot.app
    await _on_feed(pilot)
    await pilot.press("P")
    await until(pilot, lambda: type(app.screen).__name__ == "ProfileScreen")
    await settled(pilot)


async def keys(pilot: Any) -> None:
    """The keys panel (?) over the Feed."""
    app = pilot.app
    await _on_feed(pilot)
    await pilot.press("question_mark")
    await until(pilot, lambda: type(app.screen).__name__ == "KeysScreen")
    await settled(pilot)


async def compose(pilot: Any) -> None:
    """A new post being written (w), with a title and a Space chosen."""
    from textual.widgets import Input, TextArea

    app = pilot.app
    await _on_feed(pilot)
    await pilot.press("w")
    await until(pilot, lambda: type(app.screen).__name__ == "ComposeScreen")
    screen = app.screen
    civic = next(
        space_id
        for space_id, name in app.session.space_names.items()
        if "civic" in name.lower()
    )
    screen.draft = dataclasses.replace(screen.draft, target={"space_id": civic})
    screen.query_one("#compose-space").update(screen._space_line())
    screen.query_one("#compose-title", Input).value = "Hack night this Thursday"
    screen.query_one("#compose-body", TextArea).insert(
        "We meet at the library at 7pm to finish the petition tool's "
        "translations. Bring a laptop; pizza is on the Commons."
    )
    for area in screen.query(TextArea):
        area.cursor_blink = False
    await pilot.pause(0.7)  # the journal's save, and its line, come first
    await settled(pilot)
    await _stop_blinking(pilot)


async def drafts(pilot: Any) -> None:
    """The Drafts section: ada's drafts here and on the server."""
    await _section(pilot, "3", "drafts")


async def _stop_blinking(pilot: Any) -> None:
    from textual.widgets import Input

    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


async def welcome(pilot: Any) -> None:
    """The welcome screen of a first start (no credentials)."""
    app = pilot.app
    await until(pilot, lambda: type(app.screen).__name__ == "WelcomeScreen")
    await settled(pilot)
    await _stop_blinking(pilot)


async def start_error(pilot: Any) -> None:
    """The screen a start with a revoked key ends on."""
    app = pilot.app
    await until(pilot, lambda: type(app.screen).__name__ == "StartErrorScreen")
    await settled(pilot)


Scene = Callable[[Any], Awaitable[None]]

SIGNED_IN_SCENES: dict[str, Scene] = {
    "feed": feed,
    "post": post,
    "spaces": spaces,
    "space_analytics": space_analytics,
    "profile": profile,
    "deliberations": deliberations,
    "oracle": oracle,
    "moderation": moderation,
    "keys": keys,
    "compose": compose,
    "drafts": drafts,
}
"""Scenes of the app signed in as ada, by name."""

REVOKED_KEY = "ratel_sk_test_thiskeywasrevoked0000"
"""A key the sandbox never issued: the start ends on the error screen."""
