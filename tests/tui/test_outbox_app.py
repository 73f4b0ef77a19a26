"""The app's writing side end to end: compose, the outbox while the server is
down, the Outbox screen and the status bar."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from textual.widgets import TextArea

from ratel_tui.app import RatelApp
from ratel_tui.sandbox.config import SandboxConfig
from ratel_tui.sandbox.server import SandboxServer
from ratel_tui.screens.compose import ComposeScreen
from ratel_tui.screens.main import MainScreen
from ratel_tui.screens.outbox import OutboxScreen
from ratel_tui.widgets.status_bar import StatusBar
from tests.conftest import posts_with
from tests.tui.test_app import until


def serve(db_path: Path, port: int = 0) -> SandboxServer:
    """A sandbox on `db_path`, on `port` (0: any free one)."""
    return SandboxServer(
        SandboxConfig(db_path=db_path, port=port, access_log=False)
    ).start()


def status(app: RatelApp) -> StatusBar:
    assert app.main is not None
    return app.main.query_one(StatusBar)


async def write_post(app: RatelApp, pilot, text: str) -> None:
    await pilot.press("w")
    await until(pilot, lambda: isinstance(app.screen, ComposeScreen))
    app.screen.query_one("#compose-body", TextArea).insert(text)
    await pilot.press("ctrl+s")
    await until(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_a_post_sent_while_the_server_is_down_lands_once_when_it_returns(
    tmp_path, monkeypatch
):
    server = serve(tmp_path / "world.db")
    port = urlsplit(server.url).port or 0
    monkeypatch.setenv("RATEL_API_URL", server.url)
    monkeypatch.setenv("RATEL_API_KEY", server.key_for("ada"))
    text = "Written on a train with no signal; it must arrive exactly once."
    app = RatelApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.main is not None and status(app).info.online)
        server.stop()

        await write_post(app, pilot, text)
        await until(pilot, lambda: status(app).info.online is False, timeout=30)
        assert status(app).info.outbox == 1
        item = app.session.outbox.items()[0]
        assert item.state == "pending" and item.attempts >= 1

        server = serve(tmp_path / "world.db", port)
        try:
            await until(pilot, lambda: posts_with(server, text) == 1, timeout=30)
            await until(pilot, lambda: status(app).info.outbox == 0)
            assert app.session.journal.all() == []  # confirmed: the draft is gone
            await pilot.press("O")
            await until(pilot, lambda: isinstance(app.screen, OutboxScreen))
            assert "0 waiting" in str(
                app.screen.listing.query_one(".rt-title").render()
            )
        finally:
            server.stop()
    assert posts_with(server, text) == 1


async def test_a_refused_post_comes_back_to_drafts_with_the_reason(
    sandbox, monkeypatch
):
    monkeypatch.setenv("RATEL_API_URL", sandbox.url)
    monkeypatch.setenv("RATEL_API_KEY", sandbox.key_for("ada"))
    app = RatelApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.main is not None and status(app).info.online)
        session = app.session
        # A post in no Space the server knows of is refused for good.
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, ComposeScreen))
        compose = app.screen
        compose.draft = replace(compose.draft, target={"space_id": "space_nothere"})
        compose.query_one("#compose-body", TextArea).insert("Into the void")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: session.outbox.items("refused"))
        refused = session.outbox.items("refused")[0]
        assert refused.last_error
        drafts = session.journal.all()
        assert [d.body for d in drafts] == ["Into the void"]
        assert drafts[0].problem == refused.last_error
        assert drafts[0].state == "editing"
        assert status(app).info.outbox == 0


async def test_the_outbox_screen_takes_a_waiting_post_back_to_edit_or_discard(
    tmp_path, monkeypatch
):
    server = serve(tmp_path / "world.db")
    monkeypatch.setenv("RATEL_API_URL", server.url)
    monkeypatch.setenv("RATEL_API_KEY", server.key_for("ada"))
    app = RatelApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.main is not None and status(app).info.online)
        server.stop()
        session = app.session
        await write_post(app, pilot, "First thoughts, to be edited")
        await write_post(app, pilot, "Second thoughts, to be dropped")
        await until(pilot, lambda: status(app).info.outbox == 2)

        await pilot.press("O")
        await until(pilot, lambda: isinstance(app.screen, OutboxScreen))
        screen = app.screen
        assert [i.summary for i in screen.listing.visible()] == [
            "post: First thoughts, to be edited",
            "post: Second thoughts, to be dropped",
        ]
        await pilot.press("j", "d")  # the second: asks first
        await until(pilot, lambda: type(app.screen).__name__ == "Confirm")
        await pilot.press("y")
        await until(pilot, lambda: len(session.outbox.items("pending")) == 1)
        dropped = [d for d in session.journal.all() if d.body.startswith("Second")]
        assert dropped and dropped[0].state == "editing"  # its text stays in Drafts

        await until(pilot, lambda: isinstance(app.screen, OutboxScreen))
        await pilot.press("k", "e")  # the first: back to compose
        await until(pilot, lambda: isinstance(app.screen, ComposeScreen))
        body = app.screen.query_one("#compose-body", TextArea)
        assert body.text == "First thoughts, to be edited"
        assert session.outbox.items("pending") == []
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, OutboxScreen))
        assert status(app).info.outbox == 0
        assert sorted(d.body for d in session.journal.all()) == [
            "First thoughts, to be edited",
            "Second thoughts, to be dropped",
        ]


async def test_the_editor_key_without_a_real_terminal_says_so_and_keeps_the_text(
    sandbox, monkeypatch
):
    monkeypatch.setenv("RATEL_API_URL", sandbox.url)
    monkeypatch.setenv("RATEL_API_KEY", sandbox.key_for("ada"))
    monkeypatch.setenv("VISUAL", "true")
    app = RatelApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.main is not None and status(app).info.online)
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, ComposeScreen))
        app.screen.query_one("#compose-body", TextArea).insert("Draft")
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, ComposeScreen)
        assert app.screen.query_one("#compose-body", TextArea).text == "Draft"
        assert any("real terminal" in n.message for n in app._notifications)
