"""The profile screen over a real sandbox: following, editing, attestations,
hostile names and offline reading."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import App
from textual.widgets import Input, Static

from ratel_tui.sandbox.seed_people import USERS
from ratel_tui.sandbox.server import SandboxServer
from ratel_tui.screens.post import PostScreen
from ratel_tui.screens.profile import EditProfileModal, ProfileScreen
from ratel_tui.widgets.feed_list import FeedList
from ratel_tui.widgets.resource_table import ResourceTable
from tests.conftest import Api, db_value
from tests.tui.harness import Host, open_session, settle

USERNAMES = [person.username for person in USERS]
"""Everyone of the seeded world."""

HOSTILE = "[@click=app.quit]x[/]\x1b]0;pwn\x07"
"""A display name that is markup with an action, and a terminal title escape."""


def screen_text(app: App[Any]) -> str:
    """What the terminal shows, as plain text."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def user_id(server: SandboxServer, username: str) -> str:
    return db_value(server, "SELECT id FROM users WHERE username = ?", (username,))


def follows(server: SandboxServer, follower: str, followee: str) -> bool:
    count = db_value(
        server,
        "SELECT COUNT(*) FROM follows WHERE follower_id = ? AND followee_id = ?",
        (user_id(server, follower), user_id(server, followee)),
    )
    return count == 1


def header(app: App[Any]) -> Text:
    content = app.screen.query_one("#profile-header", Static).content
    assert isinstance(content, Text)
    return content


async def test_someone_elses_profile_shows_who_they_are_and_their_posts(
    sandbox: SandboxServer,
) -> None:
    bruno = Api(sandbox, "ada").data("GET", "/users/bruno")
    async with open_session(sandbox, "ada") as session:
        app = Host(session, lambda: ProfileScreen(bruno["id"]))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            text = screen_text(app)
            assert "Bruno Tavares  @bruno" in text
            assert "Lisbon" in text
            stats = bruno["stats"]
            assert f"{stats['posts']} posts · {stats['followers']} followers" in text
            posts = app.screen.query_one(FeedList)
            assert posts.items and {p.author_id for p in posts.items} == {bruno["id"]}

            await pilot.press("enter")  # open the newest post
            await settle(app, pilot)
            assert isinstance(app.screen, PostScreen)
            assert app.screen.post_id == posts.items[0].id


async def test_follow_then_unfollow_is_reflected_on_the_server(
    sandbox: SandboxServer,
) -> None:
    following = {
        f["user"]["username"]
        for f in Api(sandbox, "ada").data(
            "GET",
            f"/users/{user_id(sandbox, 'ada')}/following",
            params={"per_page": 100},
        )
    }
    stranger = next(u for u in USERNAMES if u != "ada" and u not in following)
    async with open_session(sandbox, "ada") as session:
        app = Host(session, lambda: ProfileScreen(user_id(sandbox, stranger)))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, ProfileScreen) and screen.user is not None
            before = screen.user.stats.followers
            assert "★ following" not in header(app).plain

            await pilot.press("F")
            await settle(app, pilot)
            assert follows(sandbox, "ada", stranger)
            assert "★ following" in header(app).plain
            assert screen.user.stats.followers == before + 1

            await pilot.press("F")
            await settle(app, pilot)
            assert not follows(sandbox, "ada", stranger)
            assert "★ following" not in header(app).plain
            assert screen.user.stats.followers == before


async def test_my_own_profile_offers_edit_but_not_follow(
    sandbox: SandboxServer,
) -> None:
    async with open_session(sandbox, "chen") as session:
        app = Host(session, lambda: ProfileScreen(None))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            footer = screen_text(app).splitlines()[-1]
            assert "Edit" in footer and "Follow" not in footer
            await pilot.press("F")  # nothing to follow
            await settle(app, pilot)
            assert not follows(sandbox, "chen", "chen")
            assert "(me)" in header(app).plain


async def test_editing_my_profile_lands_on_the_server(
    make_sandbox: Callable[..., SandboxServer],
) -> None:
    server = make_sandbox(posts=20)
    async with open_session(server, "dilnoza") as session:
        app = Host(session, lambda: ProfileScreen(None))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press("e")  # the edit form
            await settle(app, pilot)
            modal = app.screen
            assert isinstance(modal, EditProfileModal)
            modal.query_one("#display-name", Input).value = "Dilnoza K."
            modal.query_one("#bio", Input).value = "Reading circle moved to Fridays."
            modal.query_one("#location", Input).value = "Samarkand"
            await pilot.press("ctrl+s")  # save
            await settle(app, pilot)

            assert isinstance(app.screen, ProfileScreen)
            me = Api(server, "dilnoza").data("GET", "/users/me")
            assert me["display_name"] == "Dilnoza K."
            assert me["bio"] == "Reading circle moved to Fridays."
            assert me["location"] == "Samarkand"
            text = screen_text(app)
            assert "Dilnoza K.  @dilnoza" in text and "Samarkand" in text
            assert session.me is not None and session.me.display_name == "Dilnoza K."


async def test_a_refused_edit_comes_back_with_what_was_typed(
    make_sandbox: Callable[..., SandboxServer],
) -> None:
    server = make_sandbox(posts=20)
    long_name = "N" * 400
    async with open_session(server, "emeka") as session:
        app = Host(session, lambda: ProfileScreen(None))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press("e")
            await settle(app, pilot)
            app.screen.query_one("#display-name", Input).value = long_name
            await pilot.press("ctrl+s")
            await settle(app, pilot)

            modal = app.screen
            assert isinstance(modal, EditProfileModal)
            assert modal.query_one("#display-name", Input).value == long_name
            assert "Invalid request" in screen_text(app)
            me = Api(server, "emeka").data("GET", "/users/me")
            assert me["display_name"] == "Emeka Nwosu"


async def test_attestations_are_listed_for_someone_who_has_them(
    sandbox: SandboxServer,
) -> None:
    ada = Api(sandbox, "ada")
    for username in USERNAMES:
        found = ada.data("GET", f"/users/{user_id(sandbox, username)}/attestations")
        if found:
            break
    else:
        raise AssertionError("no seeded user has attestations")
    async with open_session(sandbox, "ada") as session:
        app = Host(session, lambda: ProfileScreen(user_id(sandbox, username)))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            await pilot.press("2")  # the Attestations tab
            await settle(app, pilot)
            records = app.screen.query_one(ResourceTable).records
            assert [a.id for a in records] == [a["id"] for a in found]
            text = screen_text(app)
            assert found[0]["attribute_value"] in text
            assert found[0]["attribute_type"] in text
            assert "valid" in text or "revoked" in text


async def test_a_hostile_display_name_shows_literally(
    make_sandbox: Callable[..., SandboxServer],
) -> None:
    server = make_sandbox(posts=20)
    Api(server, "farah").data("PATCH", "/users/me", json={"display_name": HOSTILE})
    async with open_session(server, "ada") as session:
        app = Host(session, lambda: ProfileScreen(user_id(server, "farah")))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.click("#profile-header", offset=(2, 0))
            await settle(app, pilot)
            assert app.is_running and isinstance(app.screen, ProfileScreen)
            shown = header(app)
            assert "[@click=app.quit]x[/]␛]0;pwn␇" in shown.plain
            assert not any("@click" in str(span.style) for span in shown.spans)
            text = screen_text(app)
            assert "[@click=app.quit]x[/]" in text
            assert "\x1b" not in text and "\x07" not in text


async def test_offline_the_saved_profile_shows_with_its_age(
    make_sandbox: Callable[..., SandboxServer], tmp_path: Path
) -> None:
    server = make_sandbox(posts=20)
    hana = user_id(server, "hana")
    async with open_session(server, "ada", cache=tmp_path / "c.db") as session:
        app = Host(session, lambda: ProfileScreen(hana))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            posts = len(app.screen.query_one(FeedList).items)
            assert "offline" not in header(app).plain
            await pilot.press("escape")
            server.stop()

            await app.push_screen(ProfileScreen(hana))
            await settle(app, pilot, timeout=30)
            assert "Hana Suzuki" in header(app).plain
            assert "offline: saved" in header(app).plain
            assert len(app.screen.query_one(FeedList).items) == posts > 0


async def test_without_follows_the_follow_key_is_not_offered(
    make_sandbox: Callable[..., SandboxServer],
) -> None:
    server = make_sandbox(posts=20, features=frozenset())
    async with open_session(server, "ada") as session:
        app = Host(session, lambda: ProfileScreen(user_id(server, "dilnoza")))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            assert "Dilnoza Karimova" in header(app).plain
            assert "Follow" not in screen_text(app).splitlines()[-1]
            await pilot.press("F")
            await settle(app, pilot)
            assert not follows(server, "ada", "dilnoza") and not app.errors
