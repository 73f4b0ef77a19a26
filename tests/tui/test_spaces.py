"""The Spaces section and the Space screen over a real sandbox."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.screen import Screen

from ratel_tui.api.models import Space
from ratel_tui.sandbox.auth import USER_SCOPES, mint_key
from ratel_tui.sandbox.seed_people import USERS
from ratel_tui.sandbox.server import SandboxServer
from ratel_tui.screens.post import PostScreen
from ratel_tui.screens.space import SpaceScreen
from ratel_tui.screens.spaces import SpacesSection
from ratel_tui.services.session import Session
from ratel_tui.store.cache import ReadCache
from ratel_tui.widgets.chart import Chart
from ratel_tui.widgets.feed_list import FeedList
from ratel_tui.widgets.resource_table import ResourceTable
from tests.conftest import Api, db_value, start_sandbox
from tests.tui.harness import Host, open_session, settle

USERNAMES = [person.username for person in USERS]
"""Everyone of the seeded world."""


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A seeded world of this module's own: these tests count the six seeded
    Spaces, which other modules' tests add to on the shared sandbox."""
    server = start_sandbox(tmp_path_factory.mktemp("spaces") / "world.db")
    yield server
    server.stop()


class SectionScreen(Screen[None]):
    """Shows the Spaces section as the app's frame does: shown once, focused."""

    def compose(self) -> ComposeResult:
        yield SpacesSection()

    def on_mount(self) -> None:
        section = self.query_one(SpacesSection)
        section.on_shown()
        section.focus()


def screen_text(app: App[Any]) -> str:
    """What the terminal shows, as plain text."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def spaces_of(api: Api, *, member: bool = False) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"per_page": 100}
    if member:
        params["member"] = "true"
    return api.data("GET", "/spaces", params=params)


def listing(app: App[Any]) -> ResourceTable[Space]:
    return app.screen.query_one(SpacesSection).listing


def shown_names(app: App[Any]) -> list[str]:
    return [space.name for space in listing(app).visible()]


def member_of_some(sandbox: SandboxServer) -> tuple[str, list[str], list[str]]:
    """A user who sees all six Spaces but belongs to fewer: the user, the
    names of all, the names of theirs."""
    for username in USERNAMES:
        api = Api(sandbox, username)
        every = [s["name"] for s in spaces_of(api)]
        mine = [s["name"] for s in spaces_of(api, member=True)]
        if len(every) == 6 and 0 < len(mine) < 6:
            return username, every, mine
    raise AssertionError("no seeded user sees six Spaces and belongs to fewer")


def outsider(sandbox: SandboxServer) -> tuple[str, dict[str, Any]]:
    """A user and a public Space they do not belong to."""
    for username in USERNAMES:
        for space in spaces_of(Api(sandbox, username)):
            if space["visibility"] == "public" and space["my_role"] is None:
                return username, space
    raise AssertionError("everyone belongs to every public Space")


def private_space_and_stranger(sandbox: SandboxServer) -> tuple[dict[str, Any], str]:
    """The private Space and a seeded user who is not its member."""
    ada = Api(sandbox, "ada")
    private = next(s for s in spaces_of(ada) if s["visibility"] == "private")
    members = ada.data(
        "GET", f"/spaces/{private['id']}/members", params={"per_page": 100}
    )
    inside = {m["user"]["username"] for m in members}
    stranger = next(u for u in USERNAMES if u not in inside and u != "june")
    return private, stranger


def is_member(server: SandboxServer, space_id: str, username: str) -> bool:
    user_id = db_value(server, "SELECT id FROM users WHERE username = ?", (username,))
    count = db_value(
        server,
        "SELECT COUNT(*) FROM space_members WHERE space_id = ? AND user_id = ?",
        (space_id, user_id),
    )
    return count == 1


class TestSpacesSection:
    """The list of Spaces: filters, privacy, joining and leaving, offline."""

    async def test_all_shows_six_spaces_and_m_keeps_the_member_ones(
        self, sandbox: SandboxServer
    ) -> None:
        username, every, mine = member_of_some(sandbox)
        async with open_session(sandbox, username) as session:
            app = Host(session, SectionScreen)
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                assert sorted(shown_names(app)) == sorted(every)
                assert "Spaces · all (6)" in screen_text(app)

                await pilot.press("m")  # only my Spaces
                await settle(app, pilot)
                assert sorted(shown_names(app)) == sorted(mine)

                await pilot.press("a")  # all again
                await settle(app, pilot)
                assert len(shown_names(app)) == 6

    async def test_category_and_name_filters_narrow_the_list(
        self, sandbox: SandboxServer
    ) -> None:
        async with open_session(sandbox, "ada") as session:
            app = Host(session, SectionScreen)
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                section = app.screen.query_one(SpacesSection)
                first = section.categories()[0]

                await pilot.press("c")  # the first category
                shown = listing(app).visible()
                assert shown and all(s.category == first for s in shown)
                assert len(shown) < 6

                for _ in section.categories():  # step past the last: all again
                    await pilot.press("c")
                assert len(listing(app).visible()) == 6

                await pilot.press("slash", *"cycl")  # filter by name
                assert shown_names(app) == ["Cycling Commuters"]
                await pilot.press("escape")  # clears the filter
                assert len(shown_names(app)) == 6

    async def test_a_private_space_is_invisible_to_a_non_member(
        self, sandbox: SandboxServer
    ) -> None:
        private, stranger = private_space_and_stranger(sandbox)
        async with open_session(sandbox, stranger) as session:
            app = Host(session, SectionScreen)
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                names = shown_names(app)
                assert names and private["name"] not in names

        async with open_session(sandbox, "ada") as session:
            app = Host(session, SectionScreen)
            async with app.run_test(size=(120, 40)) as pilot:
                await settle(app, pilot)
                assert private["name"] in shown_names(app)
                assert "◆ private" in screen_text(app)

    async def test_join_then_leave_changes_membership_on_the_server(
        self, sandbox: SandboxServer
    ) -> None:
        username, space = outsider(sandbox)
        async with open_session(sandbox, username) as session:
            app = Host(session, SectionScreen)
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                table = listing(app).table
                table.move_cursor(row=table.get_row_index(space["id"]))

                await pilot.press("J")
                await settle(app, pilot)
                assert is_member(sandbox, space["id"], username)
                joined = listing(app).current()
                assert joined is not None and joined.my_role == "member"
                assert joined.stats.members == space["stats"]["members"] + 1

                await pilot.press("L")
                await settle(app, pilot)
                assert not is_member(sandbox, space["id"], username)
                left = listing(app).current()
                assert left is not None and left.my_role is None
                assert left.stats.members == space["stats"]["members"]

    async def test_enter_opens_the_highlighted_space(
        self, sandbox: SandboxServer
    ) -> None:
        async with open_session(sandbox, "ada") as session:
            app = Host(session, SectionScreen)
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                await pilot.press("j")  # the second Space
                chosen = listing(app).current()
                assert chosen is not None and chosen.id == listing(app).visible()[1].id

                await pilot.press("enter")
                await settle(app, pilot)
                assert isinstance(app.screen, SpaceScreen)
                assert app.screen.space_id == chosen.id

    async def test_offline_the_saved_list_shows_with_its_age(
        self, make_sandbox: Callable[..., SandboxServer], tmp_path: Path
    ) -> None:
        server = make_sandbox(posts=20)
        async with open_session(server, "ada", cache=tmp_path / "c.db") as session:
            app = Host(session, SectionScreen)
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                assert len(shown_names(app)) == 6
                assert "offline" not in screen_text(app)

                server.stop()
                await pilot.press("R")  # read again: the server is gone
                await settle(app, pilot, timeout=30)
                assert len(shown_names(app)) == 6
                assert "offline: saved" in screen_text(app)


async def open_space_screen(
    app: Host, pilot: Any, space_id: str, tab: str | None = None
) -> SpaceScreen:
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, SpaceScreen) and screen.space_id == space_id
    if tab is not None:
        await pilot.press(tab)
        await settle(app, pilot)
    return screen


def space_named(api: Api, slug: str) -> dict[str, Any]:
    return next(s for s in spaces_of(api) if s["slug"] == slug)


class TestSpaceScreen:
    """One Space: posts, about, members, analytics, joining."""

    async def test_posts_tab_shows_the_space_posts_and_opens_one(
        self, sandbox: SandboxServer
    ) -> None:
        space = space_named(Api(sandbox, "ada"), "civic-tech")
        async with open_session(sandbox, "ada") as session:
            app = Host(session, lambda: SpaceScreen(space["id"]))
            async with app.run_test(size=(80, 24)) as pilot:
                await open_space_screen(app, pilot, space["id"])
                posts = app.screen.query_one(FeedList)
                assert len(posts.items) > 0
                assert {item.space_id for item in posts.items} == {space["id"]}
                text = screen_text(app)
                assert "Civic Tech Commons · technology · admin" in text

                first = posts.highlighted_item
                assert first is not None
                await pilot.press("enter")
                await settle(app, pilot)
                assert isinstance(app.screen, PostScreen)
                assert app.screen.post_id == first.id

    async def test_about_tab_shows_the_description_and_rules(
        self, sandbox: SandboxServer
    ) -> None:
        space = space_named(Api(sandbox, "ada"), "announcements")
        async with open_session(sandbox, "ada") as session:
            app = Host(session, lambda: SpaceScreen(space["id"]))
            async with app.run_test(size=(120, 40)) as pilot:
                await open_space_screen(app, pilot, space["id"], tab="2")
                text = screen_text(app)
                assert "News from the Ratel team" in text
                assert "Posting:       closed" in text
                assert "Moderation:    staff" in text

    async def test_members_tab_lists_members_with_their_roles(
        self, sandbox: SandboxServer
    ) -> None:
        space = space_named(Api(sandbox, "ada"), "civic-tech")
        async with open_session(sandbox, "ada") as session:
            app = Host(session, lambda: SpaceScreen(space["id"]))
            async with app.run_test(size=(80, 24)) as pilot:
                screen = await open_space_screen(app, pilot, space["id"], tab="3")
                members = screen.query_one(ResourceTable).records
                roles = {m.user.username: m.role for m in members}
                assert roles["ada"] == "admin"
                assert roles["emeka"] == "moderator"
                assert roles["bruno"] == "member"
                assert "@emeka" in screen_text(app)

                await pilot.press("slash", *"emeka", "enter")  # filter, keep it
                await pilot.press("enter")  # open the profile
                await settle(app, pilot)
                from ratel_tui.screens.profile import ProfileScreen

                assert isinstance(app.screen, ProfileScreen)
                assert app.screen.user is not None
                assert app.screen.user.username == "emeka"

    async def test_analytics_tab_charts_ninety_days_and_switches_metric(
        self, sandbox: SandboxServer
    ) -> None:
        space = space_named(Api(sandbox, "ada"), "civic-tech")
        async with open_session(sandbox, "ada") as session:
            app = Host(session, lambda: SpaceScreen(space["id"]))
            async with app.run_test(size=(80, 24)) as pilot:
                screen = await open_space_screen(app, pilot, space["id"], tab="4")
                chart = screen.query_one(Chart)
                assert chart.display and len(chart.points) == 90
                assert chart.title.startswith("Daily active users")
                assert sum(value for _, value in chart.points) > 0
                text = screen_text(app)
                assert "posts ·" in text and "┤" in text and "└" in text

                await pilot.press("m")  # the next metric: new members
                assert chart.title.startswith("New members")
                await pilot.press("m")  # then posts
                assert chart.title.startswith("Posts per day")
                assert screen.analytics is not None
                charted = sum(value for _, value in chart.points)
                assert charted == screen.analytics.metrics.total_posts

    async def test_analytics_refused_shows_the_reason_instead_of_a_chart(
        self, sandbox: SandboxServer, tmp_path: Path
    ) -> None:
        # A key without read:spaces meets 403 insufficient_scope on analytics.
        space = space_named(Api(sandbox, "ada"), "civic-tech")
        user_id = db_value(sandbox, "SELECT id FROM users WHERE username = 'bruno'")
        scopes = [s for s in USER_SCOPES if s != "read:spaces"]
        key = mint_key(sandbox.db, user_id, scopes, label="no spaces")
        session = Session(
            profile="t", base_url=sandbox.url, token=key, cache=ReadCache(None)
        )
        await session.open()
        try:
            app = Host(session, lambda: SpaceScreen(space["id"]))
            async with app.run_test(size=(80, 24)) as pilot:
                screen = await open_space_screen(app, pilot, space["id"], tab="4")
                assert not screen.query_one(Chart).display
                lines = [
                    ln for ln in screen_text(app).splitlines() if "analytics" in ln
                ]
                assert any("No analytics: Missing permission" in ln for ln in lines)
                assert app.is_running
        finally:
            await session.close()

    async def test_a_non_member_gets_no_analytics_of_a_private_space(
        self, sandbox: SandboxServer
    ) -> None:
        private, stranger = private_space_and_stranger(sandbox)
        async with open_session(sandbox, stranger) as session:
            app = Host(session, lambda: SpaceScreen(private["id"]))
            async with app.run_test(size=(80, 24)) as pilot:
                screen = await open_space_screen(app, pilot, private["id"], tab="4")
                assert not screen.query_one(Chart).display
                assert "No analytics: Not found" in screen_text(app)
                assert screen.space is None  # the Space itself is hidden too

    async def test_join_and_leave_show_the_new_role_and_count(
        self, sandbox: SandboxServer
    ) -> None:
        username, space = outsider(sandbox)
        count = space["stats"]["members"]
        async with open_session(sandbox, username) as session:
            app = Host(session, lambda: SpaceScreen(space["id"]))
            async with app.run_test(size=(120, 40)) as pilot:
                await open_space_screen(app, pilot, space["id"])
                assert f"not a member · {count} members" in screen_text(app)

                await pilot.press("J")
                await settle(app, pilot)
                assert is_member(sandbox, space["id"], username)
                assert f"· member · {count + 1} members" in screen_text(app)

                await pilot.press("L")
                await settle(app, pilot)
                assert not is_member(sandbox, space["id"], username)
                assert f"not a member · {count} members" in screen_text(app)

    async def test_tab_keys_step_through_the_tabs(self, sandbox: SandboxServer) -> None:
        space = space_named(Api(sandbox, "ada"), "cycling")
        async with open_session(sandbox, "ada") as session:
            app = Host(session, lambda: SpaceScreen(space["id"]))
            async with app.run_test(size=(80, 24)) as pilot:
                screen = await open_space_screen(app, pilot, space["id"])
                seen = [screen.tab]
                for _ in range(4):
                    await pilot.press("tab")
                    seen.append(screen.tab)
                assert seen == ["posts", "about", "members", "analytics", "posts"]
                await pilot.press("shift+tab")
                assert screen.tab == "analytics"
                await pilot.press("escape")  # back
                assert not isinstance(app.screen, SpaceScreen)

    async def test_offline_the_saved_space_and_posts_show_with_their_age(
        self, make_sandbox: Callable[..., SandboxServer], tmp_path: Path
    ) -> None:
        server = make_sandbox(posts=40)
        space = space_named(Api(server, "ada"), "civic-tech")
        async with open_session(server, "ada", cache=tmp_path / "c.db") as session:
            app = Host(session, lambda: SpaceScreen(space["id"]))
            async with app.run_test(size=(80, 24)) as pilot:
                screen = await open_space_screen(app, pilot, space["id"])
                posts = [item.id for item in screen.query_one(FeedList).items]
                assert posts and "offline" not in screen_text(app)
                await pilot.press("escape")
                server.stop()

                await app.push_screen(SpaceScreen(space["id"]))
                screen = await open_space_screen(app, pilot, space["id"])
                header = screen_text(app).splitlines()[0]
                assert "Civic Tech Commons" in header and "offline: saved" in header
                assert [item.id for item in screen.query_one(FeedList).items] == posts

    async def test_without_member_lists_the_members_tab_says_so(
        self, make_sandbox: Callable[..., SandboxServer]
    ) -> None:
        server = make_sandbox(posts=20, features=frozenset())
        space = space_named(Api(server, "ada"), "civic-tech")
        async with open_session(server, "ada") as session:
            app = Host(session, lambda: SpaceScreen(space["id"]))
            async with app.run_test(size=(80, 24)) as pilot:
                screen = await open_space_screen(app, pilot, space["id"], tab="3")
                assert not screen.query_one(ResourceTable).display
                assert "does not support Space member lists" in screen_text(app)
                assert not app.errors
