"""The oracle through the app, over a real sandbox: a request submitted in the
form, approved by three other people each in their own session, then shown as
an attestation on the requester's profile; refusals told in words."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Input, Select, Static, TextArea

from ratel_tui.api import oracle as oracle_api
from ratel_tui.sandbox.features import ALL_FEATURES
from ratel_tui.sandbox.server import SandboxServer
from ratel_tui.screens.note import NoteModal
from ratel_tui.screens.oracle import OracleSection
from ratel_tui.screens.profile import ProfileScreen
from ratel_tui.screens.verification import VerificationScreen
from ratel_tui.screens.verification_new import NewVerificationScreen
from ratel_tui.widgets.resource_table import ResourceTable
from tests.conftest import Api, db_value
from tests.tui.harness import Host, open_session, settle

VALUE = "Health worker L3"
"""The attribute farah asks to have verified."""


class SectionScreen(Screen[None]):
    """The Oracle section on its own, shown once, as the frame shows it."""

    def compose(self) -> ComposeResult:
        yield OracleSection()

    def on_mount(self) -> None:
        self.query_one(OracleSection).on_shown()


@asynccontextmanager
async def showing(
    server: SandboxServer,
    user: str,
    make: Callable[[], Screen[Any]],
    size: tuple[int, int] = (100, 30),
) -> AsyncIterator[tuple[Host, Any]]:
    """`make()` shown to `user` in a host of its own, loaded."""
    async with open_session(server, user) as session:
        app = Host(session, make)
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            yield app, pilot


def text_of(app: Host, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def request_id(server: SandboxServer, username: str, value: str) -> str:
    return db_value(
        server,
        "SELECT v.id FROM verifications v JOIN users u ON u.id = v.requester_id"
        " WHERE u.username = ? AND v.attribute_value = ?",
        (username, value),
    )


def votes_of(server: SandboxServer, verification_id: str) -> int:
    return db_value(
        server,
        "SELECT COUNT(*) FROM verification_votes WHERE verification_id = ?",
        (verification_id,),
    )


def seeded(server: SandboxServer, status: str, requester: str | None = None) -> str:
    """A seeded request of `status` (by `requester` when named)."""
    return db_value(
        server,
        "SELECT v.id FROM verifications v JOIN users u ON u.id = v.requester_id"
        " WHERE v.status = ? AND (? IS NULL OR u.username = ?) LIMIT 1",
        (status, requester, requester),
    )


async def fill_the_form(app: Host, pilot: Any) -> None:
    """Type a request as a person would: type, value, two links, description."""
    screen = app.screen
    assert isinstance(screen, NewVerificationScreen)
    await pilot.press("enter", "down", "enter")  # the first type: skill
    assert screen.query_one("#vn-type", Select).value == "professional_skill"
    screen.query_one("#vn-value", Input).focus()
    await pilot.press(*VALUE)
    screen.query_one(".evidence-url", Input).focus()
    await pilot.press(*"https://h.example/77")
    await pilot.press("ctrl+n")
    await pilot.pause()
    await pilot.press(*"https://c.example/s")
    screen.query_one("#vn-description", TextArea).focus()
    await pilot.press(*"3 years.")


async def submit_as_farah(server: SandboxServer) -> str:
    async with showing(server, "farah", SectionScreen) as (app, pilot):
        await pilot.press("n")
        await settle(app, pilot)
        assert "0 of 5 requests sent today" in text_of(app, "#vn-limit")
        await fill_the_form(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, SectionScreen), text_of(app, "#vn-problems")
        await pilot.press("m")
        await settle(app, pilot)
        listing = app.screen.query_one(ResourceTable)
        mine = [v for v in listing.records if v.attribute_value == VALUE]
        assert mine and mine[0].status == "pending"
        assert [e.url for e in mine[0].evidence] == [
            "https://h.example/77",
            "https://c.example/s",
        ]
        assert mine[0].description == "3 years."
        assert session_drafts(app) == 0
        return mine[0].id


def session_drafts(app: Host) -> int:
    return len(app.session.journal.all())


async def approve_from_the_queue_as_chen(server: SandboxServer, wanted: str) -> None:
    """chen opens it from the review queue, is warned, and approves with a comment."""
    async with showing(server, "chen", SectionScreen) as (app, pilot):
        listing = app.screen.query_one(ResourceTable)
        ids = [v.id for v in listing.visible()]
        assert wanted in ids
        listing.table.move_cursor(row=ids.index(wanted))
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, VerificationScreen)
        assert "@farah follows you" in text_of(app, "#v-warning")
        request = text_of(app, "#v-request")
        assert VALUE in request and "0 approve, 0 reject: 0 of 3 votes" in request
        assert "approved when at least two thirds approve" in request
        assert "earlier attestations" in text_of(app, "#v-requester")

        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, NoteModal)
        await pilot.press(*"Register entry matches", "enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, VerificationScreen)
        assert "Approved: 1 approve, 0 reject: 1 of 3 votes" in text_of(
            app, "#v-status"
        )
        # Straight on to the next request of the queue.
        assert screen.verification_id != wanted
    comment = db_value(
        server,
        "SELECT w.comment FROM verification_votes w JOIN users u ON u.id = w.voter_id"
        " WHERE w.verification_id = ? AND u.username = 'chen'",
        (wanted,),
    )
    assert comment == "Register entry matches"


async def approve_at_once(server: SandboxServer, user: str, wanted: str) -> str:
    async with showing(server, user, lambda: VerificationScreen(wanted)) as (
        app,
        pilot,
    ):
        assert text_of(app, "#v-warning") == ""
        await pilot.press("A")
        await settle(app, pilot)
        return text_of(app, "#v-status")


async def test_a_request_submitted_and_approved_by_three_people_shows_on_the_profile(
    make_sandbox: Callable[..., SandboxServer],
) -> None:
    server = make_sandbox()
    wanted = await submit_as_farah(server)
    await approve_from_the_queue_as_chen(server, wanted)
    said = await approve_at_once(server, "ada", wanted)
    assert "2 approve, 0 reject: 2 of 3 votes" in said
    said = await approve_at_once(server, "june", wanted)
    assert "3 approve, 0 reject: 3 of 3 votes (approved)" in said
    assert votes_of(server, wanted) == 3

    async with showing(server, "farah", ProfileScreen, size=(120, 40)) as (app, pilot):
        await pilot.press("2")
        await settle(app, pilot)
        listing = app.screen.query_one(ResourceTable)
        found = [a for a in listing.records if a.attribute_value == VALUE]
        assert found and found[0].verification_id == wanted
        assert found[0].issuer == "did:ratel:oracle" and not found[0].revoked
        row = [v.id for v in listing.visible()].index(found[0].id)
        cells = [cell.plain for cell in listing.table.get_row_at(row)]
        assert wanted in cells and "valid" in cells
        listing.table.move_cursor(row=row)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, VerificationScreen)
        request = text_of(app, "#v-request")
        assert "Status: approved" in request and "@chen approve" in request


async def test_my_own_request_cannot_be_voted_on_and_says_why(
    make_sandbox: Callable[..., SandboxServer],
) -> None:
    server = make_sandbox()
    own = seeded(server, "pending", "ada")
    before = votes_of(server, own)
    async with showing(server, "ada", lambda: VerificationScreen(own)) as (app, pilot):
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, VerificationScreen)  # no comment asked
        assert "This is your own request: you cannot vote on it" in text_of(
            app, "#v-status"
        )
    assert votes_of(server, own) == before


async def test_a_second_vote_is_refused_in_words_before_and_by_the_server(
    make_sandbox: Callable[..., SandboxServer],
) -> None:
    server = make_sandbox()
    theirs = seeded(server, "pending", "dilnoza")
    said = await approve_at_once(server, "ada", theirs)
    assert "Approved: 1 approve" in said
    async with showing(server, "ada", lambda: VerificationScreen(theirs)) as (
        app,
        pilot,
    ):
        await pilot.press("R")
        await settle(app, pilot)
        assert "You already voted on this request (approve)" in text_of(
            app, "#v-status"
        )

    # Voted elsewhere while the screen was open: the server's 409, in words.
    other = seeded(server, "pending", "bruno")
    async with showing(server, "ivan", lambda: VerificationScreen(other)) as (
        app,
        pilot,
    ):
        async with open_session(server, "ivan") as elsewhere:
            await oracle_api.vote(elsewhere.client, other, "approve")
        await pilot.press("A")
        await settle(app, pilot)
        assert "You already voted on this request; a vote cannot be changed" in (
            text_of(app, "#v-status")
        )
    assert votes_of(server, other) == 2


async def test_following_each_other_warns_and_without_follows_nothing_breaks(
    sandbox: SandboxServer, make_sandbox: Callable[..., SandboxServer]
) -> None:
    mutual = seeded(sandbox, "pending", "emeka")  # ada and emeka follow each other
    async with showing(sandbox, "ada", lambda: VerificationScreen(mutual)) as (
        app,
        pilot,
    ):
        assert "Warning: you and @emeka follow each other" in text_of(app, "#v-warning")

    server = make_sandbox(features=ALL_FEATURES - {"follows"})
    theirs = seeded(server, "pending", "emeka")
    async with showing(server, "ada", lambda: VerificationScreen(theirs)) as (
        app,
        pilot,
    ):
        assert text_of(app, "#v-warning") == ""
        assert "earlier attestations" in text_of(app, "#v-requester")
        assert not app.errors


async def test_a_decided_request_takes_no_vote_and_says_so(sandbox: SandboxServer):
    decided = db_value(
        sandbox,
        "SELECT v.id FROM verifications v, users u WHERE u.username = 'emeka'"
        " AND v.status = 'approved' AND v.requester_id != u.id AND NOT EXISTS ("
        "SELECT 1 FROM verification_votes w"
        " WHERE w.verification_id = v.id AND w.voter_id = u.id) LIMIT 1",
        (),
    )
    before = votes_of(sandbox, decided)
    async with showing(sandbox, "emeka", lambda: VerificationScreen(decided)) as (
        app,
        pilot,
    ):
        await pilot.press("A")
        await settle(app, pilot)
        assert "already decided (approved)" in text_of(app, "#v-status")
    assert votes_of(sandbox, decided) == before


async def test_the_form_says_when_the_daily_limit_is_reached(
    make_sandbox: Callable[..., SandboxServer],
) -> None:
    server = make_sandbox()
    api = Api(server, "gus")
    for number in range(5):
        api.data(
            "POST",
            "/oracle/verifications",
            json={"attribute_type": "other", "attribute_value": f"Skill {number}"},
        )
    async with showing(server, "gus", NewVerificationScreen) as (app, pilot):
        assert "Daily limit reached: 5 requests a day" in text_of(app, "#vn-limit")
        await fill_the_form(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Daily limit reached" in text_of(app, "#vn-problems")
    count = db_value(
        server,
        "SELECT COUNT(*) FROM verifications v JOIN users u ON u.id = v.requester_id"
        " WHERE u.username = 'gus' AND v.attribute_value = ?",
        (VALUE,),
    )
    assert count == 0


async def test_the_servers_daily_limit_is_told_and_the_request_taken_back(
    make_sandbox: Callable[..., SandboxServer],
) -> None:
    server = make_sandbox(rate_limit=True)
    api = Api(server, "ivan")
    for number in range(5):
        api.data(
            "POST",
            "/oracle/verifications",
            json={"attribute_type": "other", "attribute_value": f"Skill {number}"},
        )
    async with showing(server, "ivan", NewVerificationScreen) as (app, pilot):
        screen = app.screen
        assert isinstance(screen, NewVerificationScreen)
        screen.used_today = 0  # as if counted from a page that missed some
        await fill_the_form(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Daily limit reached" in text_of(app, "#vn-problems")
        assert app.session.outbox.pending_count() == 0
        assert [d.kind for d in app.session.journal.all()] == ["verification"]


async def test_the_form_is_kept_in_the_drafts_and_checked_before_sending(
    sandbox: SandboxServer,
) -> None:
    async with showing(sandbox, "hana", NewVerificationScreen) as (app, pilot):
        screen = app.screen
        screen.query_one("#vn-value", Input).focus()
        await pilot.press(*"Data journalist")
        screen.query_one(".evidence-url", Input).focus()
        await pilot.press(*"ftp://nowhere")
        await pilot.press("ctrl+s")
        await pilot.pause()
        problems = text_of(app, "#vn-problems")
        assert "Choose the type of the attribute." in problems
        assert "must start with http:// or https://" in problems
        await pilot.press("escape")
        await settle(app, pilot)
        kept = app.session.journal.all()
        assert [d.kind for d in kept] == ["verification"]
        assert kept[0].fields["attribute_value"] == "Data journalist"

        app.push_screen(NewVerificationScreen())
        await settle(app, pilot)
        assert app.screen.query_one("#vn-value", Input).value == "Data journalist"
        assert app.screen.query_one(".evidence-url", Input).value == "ftp://nowhere"


async def test_evidence_links_can_be_copied_and_are_opened_only_after_asking(
    sandbox: SandboxServer,
) -> None:
    several = db_value(
        sandbox,
        "SELECT id FROM verifications WHERE evidence LIKE '%},%' LIMIT 1",
        (),
    )
    async with showing(sandbox, "june", lambda: VerificationScreen(several)) as (
        app,
        pilot,
    ):
        await pilot.press("y")
        await settle(app, pilot)
        await pilot.press("down", "enter")  # the second link
        await settle(app, pilot)
        assert app.clipboard.startswith("https://")
        assert f"Copied {app.clipboard}" in text_of(app, "#v-status")

        opened: list[str] = []
        app.open_url = lambda url, **_: opened.append(url)  # type: ignore[method-assign]
        await pilot.press("o", "enter")
        await settle(app, pilot)
        assert "in your browser?" in str(app.screen.query_one(Static).render())
        await pilot.press("n")
        await settle(app, pilot)
        assert opened == []


async def test_markup_and_escapes_in_a_request_show_as_plain_text(
    sandbox: SandboxServer,
) -> None:
    hostile = "[@click=app.quit]boss[/] \x1b]0;pwn\x07[b]x"
    made = Api(sandbox, "bruno").data(
        "POST",
        "/oracle/verifications",
        json={
            "attribute_type": "other",
            "attribute_value": hostile,
            "description": "[red]not red[/red]",
            "evidence": [{"type": "url", "url": "https://x.example/[@click=app.quit]"}],
        },
    )
    async with showing(sandbox, "chen", lambda: VerificationScreen(made["id"])) as (
        app,
        pilot,
    ):
        request = text_of(app, "#v-request")
        assert "[@click=app.quit]boss[/]" in request and "\x1b" not in request
        assert "[red]not red[/red]" in request
        await pilot.click("#v-request")
        await settle(app, pilot)
        assert app.is_running and not app.errors
