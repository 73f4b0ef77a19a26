"""The Drafts, Deliberations, Oracle and Moderation sections over a real sandbox."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from ratel_tui.api import deliberations as deliberations_api
from ratel_tui.api import oracle as oracle_api
from ratel_tui.api import posts as posts_api
from ratel_tui.api import spaces as spaces_api
from ratel_tui.api import users as users_api
from ratel_tui.sandbox.server import SandboxServer
from ratel_tui.screens.deliberations import DeliberationsSection
from ratel_tui.screens.drafts import ConfirmDeleteModal, DraftsSection
from ratel_tui.screens.moderation import ModerationSection, moderates
from ratel_tui.screens.oracle import OracleSection
from ratel_tui.services.session import Session
from ratel_tui.widgets.resource_table import ResourceSection, ResourceTable
from tests.conftest import posts_with, start_sandbox
from tests.tui.harness import Host, open_session, settle


class SectionScreen(Screen[None]):
    """Shows one section, as the app's frame does, and shows it once."""

    def __init__(self, section: ResourceSection) -> None:
        super().__init__()
        self.section = section

    def compose(self) -> ComposeResult:
        yield self.section

    def on_mount(self) -> None:
        self.section.on_shown()


class RecordingHost(Host):
    """A host that remembers which posts and Spaces it was asked to open."""

    def __init__(self, session: Session, make_screen: Callable[[], Screen[Any]]):
        super().__init__(session, make_screen)
        self.opened: list[str] = []

    def open_post(self, post_id: str) -> None:
        self.opened.append(post_id)

    def open_space(self, space_id: str) -> None:
        self.opened.append(space_id)


@asynccontextmanager
async def showing(
    server: SandboxServer,
    make: Callable[[], ResourceSection],
    user: str = "ada",
    size: tuple[int, int] = (80, 24),
) -> AsyncIterator[tuple[RecordingHost, Any, ResourceSection]]:
    """The section `make()` shown to `user`, loaded."""
    async with open_session(server, user) as session:
        app = RecordingHost(session, lambda: SectionScreen(make()))
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            yield app, pilot, app.screen.query_one(ResourceSection)


def rows(table: ResourceTable[Any]) -> list[str]:
    """Each row of a section's table as one line of its cells' text."""
    grid = table.table
    return [
        " | ".join(cell.plain for cell in grid.get_row_at(i))
        for i in range(grid.row_count)
    ]


def note(section: ResourceSection) -> str:
    return str(section.note().render())


def detail(section: ResourceSection) -> str:
    return str(section.detail().render())


@pytest.fixture(scope="module")
def part_a(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A server of Part A only: none of the [ext] groups."""
    server = start_sandbox(
        tmp_path_factory.mktemp("part-a") / "world.db", features=frozenset()
    )
    yield server
    server.stop()


# Drafts


async def test_drafts_lists_my_drafts_and_scheduled_posts(sandbox):
    word = uuid.uuid4().hex[:8]
    later = datetime.now(UTC) + timedelta(days=2)
    async with open_session(sandbox, "ada") as session:
        await posts_api.create_post(
            session.client, f"draft {word} body", title=f"Title {word}", status="draft"
        )
        await posts_api.create_post(
            session.client, f"later {word} post", status="scheduled", scheduled_at=later
        )

    async with showing(sandbox, DraftsSection) as (app, pilot, section):
        shown = rows(section.listing)
        assert any(f"Title {word}" in row and row.startswith("draft") for row in shown)
        assert any(f"later {word} post" in r and "scheduled" in r for r in shown)

        await pilot.press("enter")
        await pilot.pause()
        assert app.opened and app.opened[0].startswith("post_")


async def test_deleting_a_draft_after_confirming_removes_it_on_the_server(sandbox):
    content = f"doomed draft {uuid.uuid4().hex}"
    async with open_session(sandbox, "ada") as session:
        await posts_api.create_post(session.client, content, status="draft")

    async with showing(sandbox, DraftsSection) as (app, pilot, section):
        table = section.listing
        index = next(i for i, row in enumerate(rows(table)) if "doomed" in row)
        table.table.move_cursor(row=index)

        await pilot.press("d")  # Ask, then keep it.
        assert isinstance(app.screen, ConfirmDeleteModal)
        await pilot.press("n")
        await settle(app, pilot)
        assert posts_with(sandbox, content) == 1

        await pilot.press("d", "y")  # Ask again, and delete.
        await settle(app, pilot)
        assert posts_with(sandbox, content) == 0
        assert not any("doomed" in row for row in rows(table))


# Deliberations


async def test_deliberations_show_every_phase_and_the_phase_filter_narrows(sandbox):
    async with showing(sandbox, DeliberationsSection, size=(120, 40)) as (
        app,
        pilot,
        section,
    ):
        every = rows(section.listing)
        for phase in ("draft", "pre-survey", "discussion", "post-survey", "completed"):
            assert any(f"| {phase} |" in row for row in every), phase

        await pilot.press("p")  # all -> pre_survey
        narrowed = rows(section.listing)
        assert narrowed and len(narrowed) < len(every)
        assert all("| pre-survey |" in row for row in narrowed)


async def test_detail_panel_marks_the_current_phase(sandbox):
    async with showing(sandbox, DeliberationsSection) as (app, pilot, section):
        await pilot.press("p", "p")  # all -> pre_survey -> discussion
        await pilot.press("enter")
        await pilot.pause()

        assert section.detail().display
        text = detail(section)
        assert "▶ discussion (now)" in text
        assert "draft → pre-survey → ▶ discussion" in text


async def test_hostile_deliberation_title_shows_literally(sandbox):
    title = f"[@click=app.quit]Free pizza[/] [b]{uuid.uuid4().hex[:6]}"
    async with open_session(sandbox, "ada") as session:
        space = next(
            s
            for s in (await spaces_api.list_spaces(session.client)).items
            if s.slug == "civic-tech"
        )
        await deliberations_api.create_deliberation(
            session.client,
            space.id,
            title,
            [{"text": "Agree?", "type": "multiple_choice", "options": ["Yes", "No"]}],
            7,
        )

    async with showing(sandbox, DeliberationsSection) as (app, pilot, section):
        assert any(title in row for row in rows(section.listing))
        assert app.is_running


# Oracle


async def test_oracle_reviewable_view_excludes_my_own_requests(sandbox):
    value = f"Skill {uuid.uuid4().hex[:8]}"
    async with open_session(sandbox, "ada") as session:
        await oracle_api.create_verification(
            session.client,
            "professional_skill",
            value,
            evidence=[{"type": "url", "url": "https://example.org/cv"}],
        )

    async with showing(sandbox, OracleSection) as (app, pilot, section):
        reviewable = rows(section.listing)
        assert reviewable, "the seeded world has requests of others to review"
        assert not any(value in row for row in reviewable)

        await pilot.press("m")
        await settle(app, pilot)
        mine = rows(section.listing)
        assert any(value in row for row in mine)

        table = section.listing.table
        table.move_cursor(row=next(i for i, r in enumerate(mine) if value in r))
        await pilot.press("enter")
        await pilot.pause()
        assert "https://example.org/cv" in detail(section)


# Moderation


@pytest.fixture(scope="module")
def demoted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A world where emeka, civic-tech's only-job moderator, is a member again."""
    server = start_sandbox(tmp_path_factory.mktemp("demoted") / "world.db")
    yield server
    server.stop()


async def demote_emeka(server: SandboxServer) -> None:
    async with open_session(server, "ada") as session:
        spaces = (await spaces_api.list_spaces(session.client)).items
        civic = next(s for s in spaces if s.slug == "civic-tech")
        emeka = await users_api.get_user(session.client, "emeka")
        await spaces_api.change_role(session.client, civic.id, emeka.id, "member")


async def test_moderation_lists_pending_items_for_a_moderator(sandbox):
    async with showing(sandbox, ModerationSection, size=(120, 40)) as (
        app,
        pilot,
        section,
    ):
        assert isinstance(section, ModerationSection)
        spaces = rows(section.spaces_table)
        assert any("Civic Tech Commons | admin" in row for row in spaces)
        assert any("Climate Policy Forum | moderator" in row for row in spaces)
        queue = rows(section.queue_table)
        assert queue

        section.queue_table.table.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.opened and app.opened[0].startswith("post_")


async def test_moderation_for_a_non_moderator_says_so(demoted):
    await demote_emeka(demoted)

    async with showing(demoted, ModerationSection, user="emeka") as (
        app,
        pilot,
        section,
    ):
        assert note(section) == "You moderate no Spaces."
        assert not section.queue_table.display


async def test_moderates_tells_moderators_from_members(demoted, part_a):
    await demote_emeka(demoted)

    async with open_session(demoted, "ada") as session:
        assert await moderates(session) is True
    async with open_session(demoted, "emeka") as session:
        assert await moderates(session) is False
    async with open_session(part_a, "ada") as session:
        assert await moderates(session) is False


# A server of Part A alone


@pytest.mark.parametrize(
    ("make", "line"),
    [
        (DraftsSection, "This server keeps no drafts"),
        (DeliberationsSection, "does not support the full deliberation workflow"),
        (OracleSection, "does not support the oracle review queue"),
        (ModerationSection, "This server does not support moderation"),
    ],
)
async def test_part_a_server_shows_a_does_not_support_line(part_a, make, line):
    async with showing(part_a, make) as (app, pilot, section):
        assert line in note(section)
        assert app.is_running
        assert not app.errors


async def test_filter_keeps_matching_rows_and_escape_clears_it(sandbox):
    async with showing(sandbox, DeliberationsSection) as (app, pilot, section):
        # Compared by record, not by text: the "time left" cells count down.
        every = [d.id for d in section.listing.visible()]
        await pilot.press("slash", *"zzqx-nothing")
        assert rows(section.listing) == []
        await pilot.press("escape")
        assert [d.id for d in section.listing.visible()] == every
        assert section.query_one(".rt-status", Static) is not None
