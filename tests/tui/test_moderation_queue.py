"""The triage screen over a real sandbox: every decision, marks, templates, undo."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from textual.widgets import Static

from ratel_tui.sandbox.server import SandboxServer
from ratel_tui.screens.moderation_log import ModerationLogScreen
from ratel_tui.screens.moderation_queue import ModerationQueueScreen
from ratel_tui.services import moderation as mod
from ratel_tui.store.audit import AuditLog
from tests.conftest import Api, db_value, start_sandbox
from tests.tui.harness import Host, open_session, settle


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A world of its own: these tests decide its items."""
    server = start_sandbox(tmp_path_factory.mktemp("triage") / "world.db")
    yield server
    server.stop()


async def until(check: Callable[[], Any], timeout: float = 10.0) -> None:
    """Wait (bounded) until `check()` is true."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


def status_of(server: SandboxServer, item_id: str) -> str:
    return db_value(server, "SELECT status FROM mod_items WHERE id = ?", (item_id,))


@asynccontextmanager
async def triaging(
    server: SandboxServer, user: str = "ada", **options: Any
) -> AsyncIterator[tuple[Host, Any, ModerationQueueScreen]]:
    """The triage screen of `user`, loaded, with the outbox sender running."""
    options.setdefault("audit", AuditLog(None))
    options.setdefault("templates", dict(mod.DEFAULT_TEMPLATES))
    async with open_session(server, user) as session:
        sender = asyncio.create_task(session.sender.run())
        app = Host(session, lambda: ModerationQueueScreen(**options))
        try:
            async with app.run_test(size=(120, 40)) as pilot:
                screen = app.screen
                assert isinstance(screen, ModerationQueueScreen)
                await settle(app, pilot)
                yield app, pilot, screen
        finally:
            sender.cancel()


def text_of(screen: ModerationQueueScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_every_decision_goes_to_the_server_and_the_next_item_shows(world):
    async with triaging(world) as (app, pilot, screen):
        assert screen.loaded and len(screen.triage.items) == 54
        assert "Next (53 after this one)" in text_of(screen, "#mq-next")
        whole = text_of(screen, "#mq-item")
        assert "Reports" in whole and "Author in this Space" in whole
        decided: dict[str, str] = {}
        for key, status in (
            ("a", "approved"),
            ("d", "dismissed"),
            ("e", "escalated"),
            ("X", "removed"),
        ):
            item = screen.current_item()
            await pilot.press(key)
            assert screen.current_item().id != item.id
            decided[item.id] = status

        # x asks once; n keeps the item, y removes it.
        item = screen.current_item()
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert screen.current_item().id == item.id
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        decided[item.id] = "removed"

        # b asks how long; B bans again for the same length (not the admins).
        while mod.author_of(screen.current_item()).username in ("ada", "chen"):
            await pilot.press("j")
        banned = screen.current_item()
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("7")
        await pilot.pause()
        decided[banned.id] = "removed"
        while mod.author_of(screen.current_item()).username in ("ada", "chen"):
            await pilot.press("j")
        again = screen.current_item()
        await pilot.press("B")
        decided[again.id] = "removed"
        assert screen.last_duration == 7

        await until(lambda: all(status_of(world, i) == s for i, s in decided.items()))
        author = mod.author_of(banned)
        expires = db_value(
            world,
            "SELECT expires_at FROM space_bans WHERE user_id = ? AND space_id = ?",
            (author.id, banned.space_id),
        )
        # The author's ban is now part of the context of their other items.
        history = screen.current_item().author_history
        assert history is not None
        assert expires is not None, [
            (i.action, i.payload, i.state, i.last_error)
            for i in app.session.outbox.items()
            if i.action == "ban"
        ]
        assert "7 decided" in text_of(screen, "#mq-counter")
        assert "47 left" in text_of(screen, "#mq-counter")
        await until(lambda: all(d.state == "sent" for d in screen.triage.decisions))
        states = {e.item_id: e.state for e in screen.audit.entries()}
        assert set(states) == set(decided) and set(states.values()) == {"sent"}


async def test_marks_toggle_range_and_all_decide_together(world):
    async with triaging(world) as (app, pilot, screen):
        await pilot.press("m", "m")
        assert not screen.marks
        await pilot.press("m", "j", "j", "M")
        assert len(screen.marks) == 3
        marked = set(screen.marks)
        await pilot.press("d")
        assert "Dismissed 3 items" in text_of(screen, "#mq-counter")
        assert not screen.marks
        await until(lambda: all(status_of(world, i) == "dismissed" for i in marked))

        await pilot.press("f")  # most reported
        await pilot.press("f")  # spam only
        shown = screen.shown_items()
        await pilot.press("ctrl+a")
        assert screen.marks == {i.id for i in shown}
        await pilot.press("a")
        assert f"Approved {len(shown)} item" in text_of(screen, "#mq-counter")


async def test_a_template_decides_with_its_note_in_one_stroke(world):
    templates = mod.templates_from({"9": {"action": "dismiss", "note": "Seen it."}})
    async with triaging(world, templates=templates) as (app, pilot, screen):
        item = screen.current_item()
        await pilot.press("9")
        await until(lambda: status_of(world, item.id) == "dismissed")
        note = db_value(
            world,
            "SELECT note FROM mod_log WHERE item_id = ? ORDER BY seq DESC",
            (item.id,),
        )
        assert note == "Seen it."
        other = screen.current_item()
        await pilot.press("1")
        await until(lambda: status_of(world, other.id) == "removed")


async def test_a_written_note_is_journaled_then_carried_by_the_next_decision(world):
    async with triaging(world) as (app, pilot, screen):
        session = app.session
        item = screen.current_item()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Third warning", "space", *"this week")
        await pilot.pause(0.7)  # the journal keeps it while it is typed
        [kept] = [d for d in session.journal.all() if d.kind == "note"]
        assert kept.body == "Third warning this week"
        await pilot.press("enter")
        await pilot.pause()
        assert "note for the next decision" in text_of(screen, "#mq-counter")

        await pilot.press("X")
        await until(lambda: status_of(world, item.id) == "removed")
        note = db_value(
            world,
            "SELECT note FROM mod_log WHERE item_id = ? ORDER BY seq DESC",
            (item.id,),
        )
        assert note == "Third warning this week"
        assert [d for d in session.journal.all() if d.kind == "note"] == []
        assert "note for the next decision" not in text_of(screen, "#mq-counter")


async def test_undo_takes_back_a_queued_decision_without_sending_it(world):
    async with triaging(world) as (app, pilot, screen):
        item = screen.current_item()
        session = app.session
        # Hold the sender back: the decision stays queued until undone.
        session.sender.flush = _never  # type: ignore[method-assign]
        session.sender._drain = _never  # type: ignore[method-assign]
        await pilot.press("a")
        await pilot.press("u")
        assert screen.current_item().id == item.id
        assert "not sent" in text_of(screen, "#mq-counter")
        assert session.outbox.pending_count() == 0
        assert status_of(world, item.id) == "pending"


async def _never(*_: Any, **__: Any) -> Any:
    await asyncio.sleep(3600)


async def test_undo_of_a_sent_decision_restores_it_on_the_server(world):
    async with triaging(world) as (app, pilot, screen):
        item = screen.current_item()
        await pilot.press("X")
        await until(lambda: status_of(world, item.id) == "removed")
        await until(lambda: screen.triage.decisions[-1].state == "sent")
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, ModerationLogScreen)
        await pilot.press("u")
        await pilot.pause()
        await until(lambda: status_of(world, item.id) == "pending")
        await pilot.press("escape")
        await pilot.pause()
        assert screen.current_item().id == item.id
        assert screen.audit.entries()[-1].state == "undone"


async def test_a_refused_decision_puts_the_item_back_with_the_reason(world):
    async with triaging(world) as (app, pilot, screen):
        item = screen.current_item()
        # Another moderator decides it first: ours is refused (409).
        other = Api(world, "hana" if item.space_id == civic_id(world) else "ivan")
        other.data(
            "POST", f"/moderation/items/{item.id}/decisions", json={"action": "approve"}
        )
        await pilot.press("d")
        await until(lambda: screen.triage.decisions[-1].state == "refused")
        await pilot.pause()
        assert screen.current_item().id == item.id
        assert "already decided" in text_of(screen, "#mq-item")
        assert screen.audit.entries()[-1].state == "refused"


def civic_id(server: SandboxServer) -> str:
    return db_value(server, "SELECT id FROM spaces WHERE slug = 'civic-tech'")


async def test_a_non_moderator_gets_a_403(world):
    space = civic_id(world)
    async with triaging(world, "gus", space_ids=(space,)) as (app, pilot, screen):
        line = text_of(screen, "#mq-counter")
        assert "Not allowed" in line and "moderator of this Space" in line
        assert not screen.loaded
        await pilot.press("a")
        assert not screen.triage.decisions


async def test_the_text_filter_keeps_matching_items(world):
    async with triaging(world) as (app, pilot, screen):
        author = mod.author_of(screen.current_item()).username
        await pilot.press("slash", *author)
        await pilot.pause()
        assert screen.shown_items()
        assert all(author in mod.author_of(i).username for i in screen.shown_items())
        await pilot.press("escape")
        assert not screen.text_filter
