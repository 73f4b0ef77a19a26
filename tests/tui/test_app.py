"""The whole app against a sandbox: start, the frame, navigation, the palette,
the keys panel, the welcome and the screens a failed start ends on."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.widgets import ContentSwitcher, Input

from ratel_tui.app import RatelApp
from ratel_tui.screens.feed import FeedSection
from ratel_tui.screens.keys import KeysScreen
from ratel_tui.screens.main import MainScreen
from ratel_tui.screens.start import StartErrorScreen, WelcomeScreen
from ratel_tui.widgets.feed_list import FeedList
from ratel_tui.widgets.status_bar import StatusBar
from tests.conftest import Api


async def until(pilot: Any, condition: Any, *, timeout: float = 15.0) -> None:
    """Pause the pilot until `condition()` holds (it may raise while not ready)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            if condition():
                return
        except Exception:  # noqa: BLE001 - not ready yet
            pass
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.05)


def feed_of(app: RatelApp) -> FeedList:
    return app.screen.query_one(FeedList)


@pytest.fixture
def signed_in_env(sandbox, monkeypatch):
    monkeypatch.setenv("RATEL_API_URL", sandbox.url)
    monkeypatch.setenv("RATEL_API_KEY", sandbox.key_for("ada"))
    return sandbox


async def test_environment_key_opens_the_feed_with_posts(signed_in_env):
    app = RatelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(feed_of(app).items) >= 50)
        assert isinstance(app.screen, MainScreen)
        bar = app.screen.query_one(StatusBar)
        assert bar.info.online is True
        assert bar.info.profile == "ada"
        assert bar.info.rate_limit


async def test_an_unreadable_drafts_file_is_moved_aside_with_a_notice(signed_in_env):
    from ratel_tui import paths

    damaged = paths.data_dir() / "local-default.db"
    damaged.parent.mkdir(parents=True, exist_ok=True)
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    app = RatelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(feed_of(app).items) >= 20)
        await until(pilot, lambda: bool(app._notifications))
        notes = [note.message for note in app._notifications]
        assert any("could not be read and was moved to" in n for n in notes), notes
        assert app.is_running and isinstance(app.screen, MainScreen)
    kept = list(damaged.parent.glob("local-default.db.unreadable-*"))
    assert len(kept) == 1 and kept[0].read_bytes().endswith(b"\xff" * 100)


async def test_a_store_call_cut_off_by_quitting_prints_nothing(signed_in_env, caplog):
    import gc
    import time

    app = RatelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(feed_of(app).items) >= 20)
        local = app.session.local

        def late_write() -> None:
            time.sleep(0.3)  # still running when the app closes its stores
            local.query("SELECT 1")

        asyncio.ensure_future(asyncio.to_thread(late_write))
    await asyncio.sleep(0.5)
    gc.collect()
    await asyncio.sleep(0)
    unread = [r for r in caplog.records if "never retrieved" in r.getMessage()]
    assert unread == []


async def test_number_keys_and_the_goto_chord_switch_sections(signed_in_env):
    app = RatelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(feed_of(app).items) > 0)
        switcher = app.screen.query_one(ContentSwitcher)
        await pilot.press("2")
        await until(pilot, lambda: switcher.current == "section-spaces")
        await pilot.press("g", "l")
        await until(pilot, lambda: switcher.current == "section-deliberations")
        await pilot.press("g", "f")
        await until(pilot, lambda: switcher.current == "section-feed")
        assert app.main is not None and app.main.current == "feed"


async def test_gg_and_G_move_through_the_feed(signed_in_env):
    app = RatelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(feed_of(app).items) >= 50)
        feed = feed_of(app)
        await pilot.press("j", "j", "j")
        assert feed.cursor == 3
        await pilot.press("G")
        assert feed.cursor >= 49
        # At the end, the next page is already on its way.
        await until(pilot, lambda: len(feed.items) >= 100)
        await pilot.press("g", "g")
        await until(pilot, lambda: feed.cursor == 0)


async def test_the_keys_panel_lists_the_bindings_of_the_screen(signed_in_env):
    app = RatelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(feed_of(app).items) > 0)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, KeysScreen))
        rows = {(what, keys) for _, keys, what in app.screen._rows}
        assert ("Show new posts", "n") in rows
        assert any(what == "Open" for what, _ in rows)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_the_palette_lists_sections_and_screen_actions_by_name(signed_in_env):
    app = RatelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(feed_of(app).items) > 0)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        for name in (
            "Go to Feed",
            "Go to Spaces",
            "Go to Drafts",
            "Go to Deliberations",
            "Go to Oracle",
            "My profile",
            "Keys",
            "Show new posts",
            "Reload",
        ):
            assert name in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"go to spaces")
        await pilot.pause(0.3)
        await pilot.press("enter")
        switcher = app.main.query_one(ContentSwitcher)
        await until(pilot, lambda: switcher.current == "section-spaces")


async def test_opening_a_post_and_coming_back_keeps_the_place(signed_in_env):
    app = RatelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(feed_of(app).items) > 0)
        await pilot.press("j", "j", "enter")
        await until(pilot, lambda: type(app.screen).__name__ == "PostScreen")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert feed_of(app).cursor == 2


async def test_the_place_in_the_feed_is_kept_across_restarts(signed_in_env):
    app = RatelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(feed_of(app).items) >= 20)
        await pilot.press(*"jjjjjjj")
        chosen = feed_of(app).items[7].id
        await pilot.pause(1.3)  # the place is written after the cursor rests
    again = RatelApp()
    async with again.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(feed_of(again).items) >= 20)
        await until(pilot, lambda: feed_of(again).highlighted_item.id == chosen)


async def test_moderation_appears_only_for_moderators(make_sandbox, monkeypatch):
    server = make_sandbox()
    # emeka moderates only civic-tech; as a member again, he moderates nothing.
    ada, emeka = Api(server, "ada"), Api(server, "emeka")
    civic = next(s for s in ada.data("GET", "/spaces") if s["slug"] == "civic-tech")
    me = emeka.data("GET", "/users/me")
    ada.data(
        "PATCH", f"/spaces/{civic['id']}/members/{me['id']}", json={"role": "member"}
    )
    monkeypatch.setenv("RATEL_API_URL", server.url)
    monkeypatch.setenv("RATEL_API_KEY", server.key_for("ada"))
    app = RatelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(
            pilot, lambda: app.main is not None and "moderation" in app.main.sections
        )
    monkeypatch.setenv("RATEL_API_KEY", server.key_for("emeka"))
    other = RatelApp()
    async with other.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(feed_of(other).items) > 0)
        # Every worker but the outbox sender, which runs as long as the app.
        await until(pilot, lambda: all(w.group == "outbox" for w in other.workers))
        assert "moderation" not in other.main.sections


async def test_a_revoked_key_ends_on_a_screen_that_says_what_to_do(
    sandbox, monkeypatch
):
    monkeypatch.setenv("RATEL_API_URL", sandbox.url)
    monkeypatch.setenv("RATEL_API_KEY", "ratel_sk_test_thiskeywasrevoked0000")
    app = RatelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StartErrorScreen))
        text = str(app.screen.query_one("#start-message").render())
        assert "login" in text
        assert "ratel_sk_test_thiskey" not in text


async def test_an_unreachable_server_offers_retry(monkeypatch):
    monkeypatch.setenv("RATEL_API_URL", "http://127.0.0.1:9/v2")
    monkeypatch.setenv("RATEL_API_KEY", "ratel_sk_test_whatever0000000000")
    app = RatelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StartErrorScreen))
        assert "Server unreachable" in str(
            app.screen.query_one("#start-title").render()
        )
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, StartErrorScreen))


async def test_a_bad_config_file_ends_on_a_screen_naming_it(tmp_path, monkeypatch):
    from ratel_tui.settings import settings_path

    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("default_profile = [oops\n")
    app = RatelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StartErrorScreen))
        assert "config.toml" in str(app.screen.query_one("#start-message").render())


async def test_welcome_signs_in_with_a_pasted_key_and_says_where_it_is_kept(sandbox):
    app = RatelApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.screen.query_one("#welcome-key", Input))
        app.screen.query_one("#welcome-url", Input).value = sandbox.url
        app.screen.query_one("#welcome-key", Input).value = sandbox.key_for("bruno")
        await pilot.press("enter")
        # No keyring in the tests (the fail backend): the app says so and asks.
        await until(pilot, lambda: type(app.screen).__name__ == "KeepKeyScreen")
        await pilot.press("f")
        await until(pilot, lambda: len(feed_of(app).items) > 0)
        assert app.session.me.username == "bruno"
    from ratel_tui.credentials import file_store

    assert oct(file_store.file_path().stat().st_mode & 0o777) == "0o600"


async def test_welcome_with_a_wrong_key_says_so_and_keeps_the_url(sandbox):
    app = RatelApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.screen.query_one("#welcome-key", Input))
        app.screen.query_one("#welcome-url", Input).value = sandbox.url
        app.screen.query_one(
            "#welcome-key", Input
        ).value = "ratel_sk_test_nope00000000000000"
        await pilot.press("enter")
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, WelcomeScreen)
                and "refused" in str(app.screen.query_one("#welcome-problem").render())
            ),
        )
        assert app.screen.query_one("#welcome-url", Input).value == sandbox.url


async def test_sandbox_mode_starts_its_own_server_and_signs_in(tmp_path):
    app = RatelApp(sandbox=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(feed_of(app).items) > 0, timeout=30)
        assert app.session.me.username == "ada"
        assert app.sandbox_server is not None
    assert app.sandbox_server.db is None  # stopped on the way out


async def test_offline_start_reads_the_cache_and_says_so(make_sandbox, monkeypatch):
    server = make_sandbox()
    monkeypatch.setenv("RATEL_API_URL", server.url)
    monkeypatch.setenv("RATEL_API_KEY", server.key_for("ada"))
    app = RatelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(feed_of(app).items) >= 50)
        first = feed_of(app).items[0].id
    server.stop()
    offline = RatelApp()
    async with offline.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(feed_of(offline).items) >= 50)
        assert feed_of(offline).items[0].id == first
        header = str(offline.screen.query_one("#feed-header").render())
        assert "offline" in header
        assert offline.screen.query_one(StatusBar).info.online is False


async def test_rate_limit_waits_show_in_the_status_bar(make_sandbox, monkeypatch):
    server = make_sandbox(rate_limit=True)
    monkeypatch.setenv("RATEL_API_URL", server.url)
    monkeypatch.setenv("RATEL_API_KEY", server.key_for("ada"))
    app = RatelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(feed_of(app).items) > 0)
        session = app.session
        await session._on_wait(5.0, "rate limited")
        await pilot.pause()
        bar = app.screen.query_one(StatusBar)
        assert bar.info.wait_until is not None
        assert "waiting" in str(bar.render())


async def test_keys_can_be_remapped_in_config(signed_in_env):
    from ratel_tui.settings import settings_path

    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[keys]\n"feed.new" = "N"\n')
    app = RatelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(feed_of(app).items) > 0)
        section = app.screen.query_one(FeedSection)
        keys = {
            key
            for key, active in app.screen.active_bindings.items()
            if active.binding.action == "show_new"
        }
        assert keys == {"N"}
        assert section is not None


async def test_hostile_post_text_is_shown_literally_and_runs_nothing(
    signed_in_env, as_user
):
    hostile = (
        "[@click=app.quit]click me[/] \x1b]52;c;ZXZpbA==\x07 [bold]not bold[/bold]"
    )
    as_user("ada").data("POST", "/posts", json={"content": hostile})
    app = RatelApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: "click me" in feed_of(app).items[0].excerpt)
        await pilot.click(FeedList, offset=(10, 5))
        await pilot.pause()
        assert app.is_running
        lines = [feed_of(app).render_line(y).text for y in range(4)]
        joined = "\n".join(lines)
        assert "[@click=app.quit]click me[/]" in joined
        assert "\x1b" not in joined
