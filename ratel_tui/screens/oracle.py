"""The Oracle section: verification requests I can review, and my own."""

from __future__ import annotations

import time
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from ratel_tui.api import oracle as oracle_api
from ratel_tui.api.client import ApiClient
from ratel_tui.api.models import Page, Verification
from ratel_tui.screens.base import freshness, session_of
from ratel_tui.screens.verification import VerificationScreen
from ratel_tui.screens.verification_new import NewVerificationScreen
from ratel_tui.services import codecs
from ratel_tui.widgets.age import age
from ratel_tui.widgets.resource_table import Column, ResourceSection, ResourceTable
from ratel_tui.widgets.safe_text import plain, plain_line

FULL = "oracle_full"
"""The [ext] feature behind the review queue (`reviewable=true`)."""

MAX_PAGES = 5
"""Pages of 100 walked to find my own requests."""

VIEWS = {"reviewable": "For me to review", "mine": "My requests"}
"""The two views and their titles."""


def tally(item: Verification) -> Text:
    """ "2✓ 1✗ of 3": approvals and rejections against the quorum."""
    votes = item.votes
    quorum = f" of {votes.required}" if votes.required is not None else ""
    return Text(f"{votes.approve}✓ {votes.reject}✗{quorum}")


def requester_cell(item: Verification) -> Text:
    if item.requester is None:
        return Text("—")
    return plain_line("@" + item.requester.username, max_chars=30)


def created_cell(item: Verification) -> Text:
    if item.created_at is None:
        return Text("")
    return Text(age(item.created_at.timestamp(), time.time()))


class OracleSection(ResourceSection):
    """Verification requests: `v` those I may review, `m` my own; enter opens
    one to review, `n` asks for a new one."""

    SECTION_ID = "oracle"
    SECTION_TITLE = "Oracle"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "R",
            "refresh",
            "Refresh",
            tooltip="Read the requests again.",
            id="oracle.refresh",
        ),
        Binding(
            "v",
            "view('reviewable')",
            "To review",
            tooltip="Pending requests of others I have not voted on.",
            id="oracle.reviewable",
        ),
        Binding(
            "m",
            "view('mine')",
            "Mine",
            tooltip="The verification requests I made.",
            id="oracle.mine",
        ),
        Binding(
            "n",
            "new_request",
            "New request",
            tooltip="Ask the community to verify an attribute of mine.",
            id="oracle.new",
        ),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.view = "reviewable"
        self.opened: str | None = None

    def compose_body(self) -> ComposeResult:
        columns = (
            Column("Attribute", lambda v: plain_line(v.attribute_type, max_chars=20)),
            Column("Value", lambda v: plain_line(v.attribute_value, max_chars=32)),
            Column("Requester", requester_cell, min_width=90),
            Column("Status", lambda v: plain_line(v.status, max_chars=12)),
            Column("Votes", tally),
            Column("Created", created_cell, min_width=100),
        )
        yield ResourceTable[Verification](
            columns, lambda v: v.id, title=VIEWS[self.view]
        )
        yield Static("", classes="detail")

    def action_view(self, view: str) -> None:
        if view != self.view:
            self.view = view
            self.opened = None
            self.show_detail(None)
            self.listing.set_records([])
        self.action_refresh()

    async def load(self) -> None:
        session = session_of(self)
        me = session.me.id if session.me else ""
        self.listing.set_title(VIEWS[self.view])
        self.listing.set_status("Loading…")
        self.note().update("")
        if self.view == "mine":
            fetched = await session.read(
                "oracle:all", every_verification, codecs.models(Verification)
            )
            items = [v for v in fetched.value if v.requester and v.requester.id == me]
            empty = "You have made no verification requests."
        else:
            fetched = await session.read(
                "oracle:reviewable", self.reviewable, codecs.page(Verification)
            )
            # Checked here too: without the queue the server lists every pending
            # request, mine among them, and a server may be loose about it.
            items = [
                v
                for v in fetched.value.items
                if v.status == "pending"
                and not (v.requester and v.requester.id == me)
                and v.my_vote is None
            ]
            empty = "Nothing waits for your review."
        self.listing.set_records(items)
        self.listing.set_title(f"{VIEWS[self.view]} ({len(items)})  [v/m to switch]")
        self.listing.set_status(freshness(fetched) or ("" if items else empty))

    async def reviewable(self, client: ApiClient) -> Page[Verification]:
        """The review queue, or on a server without it every pending request."""
        if session_of(self).supports(FULL):
            return await oracle_api.list_verifications(
                client, reviewable=True, per_page=100
            )
        self.note().update(
            Text(
                "This server does not support the oracle review queue; showing "
                "every pending request of others (some may have your vote)."
            )
        )
        return await oracle_api.list_verifications(
            client, status="pending", per_page=100
        )

    @on(ResourceTable.Chosen)
    def open_request(self, event: ResourceTable.Chosen) -> None:
        """Open the request in full; in the review view the ones after it follow."""
        event.stop()
        item = next((v for v in self.listing.records if v.id == event.key), None)
        if item is None:
            return
        self.opened = item.id
        # The panel keeps a summary of the request under the screen just opened.
        self.show_detail(describe(item))
        queue: list[str] = []
        if self.view == "reviewable":
            ids = [v.id for v in self.listing.visible()]
            queue = ids[ids.index(item.id) + 1 :] if item.id in ids else []
        self.app.push_screen(VerificationScreen(item.id, queue), self.back_from)

    def back_from(self, _: object = None) -> None:
        """Back on the list: read it again (votes and requests changed)."""
        self.opened = None
        self.show_detail(None)
        self.action_refresh()

    def action_new_request(self) -> None:
        self.app.push_screen(NewVerificationScreen(), self.back_from)


def describe(item: Verification) -> Text:
    """The detail panel of one request; evidence URLs as plain text."""
    text = Text.assemble(
        plain_line(item.attribute_type, style="bold"),
        ": ",
        plain_line(item.attribute_value, style="bold"),
        "\nRequested by ",
        requester_cell(item),
        " · status: ",
        plain_line(item.status),
        " · votes: ",
        tally(item),
    )
    if item.my_vote is not None:
        text.append("\nMy vote: ")
        text.append_text(plain_line(item.my_vote.vote))
    if item.description:
        text.append("\n\n")
        text.append_text(plain(item.description[:1_500]))
    if item.evidence:
        text.append("\n\nEvidence:")
        for piece in item.evidence:
            text.append("\n  ")
            text.append_text(plain_line(f"{piece.type}: {piece.url}", max_chars=300))
    return text


async def every_verification(client: ApiClient) -> tuple[Verification, ...]:
    """Verification requests, newest first (at most `MAX_PAGES` pages)."""
    found: list[Verification] = []
    for page in range(1, MAX_PAGES + 1):
        answer = await oracle_api.list_verifications(client, page=page, per_page=100)
        found.extend(answer.items)
        if not answer.has_more:
            break
    return tuple(found)
