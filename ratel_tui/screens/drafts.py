"""The Drafts section: what I am writing here (the draft journal) and my
drafts and scheduled posts on the server, in one list."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Static

from ratel_tui.api import posts as posts_api
from ratel_tui.api.errors import ApiError
from ratel_tui.api.models import Page, Post
from ratel_tui.screens.base import error_line, freshness, nav, session_of
from ratel_tui.services import codecs
from ratel_tui.store.journal import Draft
from ratel_tui.store.local import StoreError
from ratel_tui.widgets.age import age
from ratel_tui.widgets.resource_table import Column, ResourceSection, ResourceTable
from ratel_tui.widgets.safe_text import plain_line

if TYPE_CHECKING:
    from ratel_tui.services.session import Fetched

PER_KIND = 100
"""How many drafts (and as many scheduled posts) one load asks for."""


def kind_cell(post: Post) -> Text:
    if post.status == "scheduled" and post.scheduled_at is not None:
        when = post.scheduled_at.astimezone().strftime("%b %d %H:%M")
        return Text(f"scheduled {when}")
    return Text(post.status)


def title_of(post: Post) -> Text:
    """The title, or the first words of the content."""
    if post.title:
        return plain_line(post.title, max_chars=36)
    words = post.content.split()
    head = " ".join(words[:8]) + (" …" if len(words) > 8 else "")
    return plain_line(head or "(empty)", max_chars=36)


def words_cell(post: Post) -> Text:
    return Text(str(len(post.content.split())))


def edited_cell(post: Post) -> Text:
    moment = post.updated_at or post.created_at
    return Text(age(moment.timestamp(), time.time()))


class ConfirmDeleteModal(ModalScreen[bool]):
    """Asks before a draft is deleted: y deletes, n or escape keeps it."""

    DEFAULT_CSS = """
    ConfirmDeleteModal { align: center middle; }
    ConfirmDeleteModal > Vertical {
        width: 60; max-width: 95%; height: auto;
        border: thick $error; background: $panel; padding: 1 2;
    }
    ConfirmDeleteModal Horizontal { height: auto; margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Delete", id="confirm_delete.yes"),
        Binding("n,escape", "answer(False)", "Keep", id="confirm_delete.no"),
    ]

    def __init__(self, what: Text, *, here: bool = False) -> None:
        super().__init__()
        self.what = what
        self.here = here

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text.assemble("Delete the draft “", self.what, "”?"))
            where = "on this machine" if self.here else "on the server"
            yield Static(Text(f"It is deleted {where} and cannot be undone."))
            with Horizontal():
                yield Button("Delete (y)", variant="error", id="yes")
                yield Button("Keep (n)", id="no")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def answer_by_button(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


@dataclass(frozen=True, slots=True)
class DraftRow:
    """One line of the list: a draft here, one on the server, or both."""

    key: str
    local: Draft | None = None
    server: Post | None = None

    @property
    def edited(self) -> float:
        if self.local is not None:
            return self.local.updated_at
        assert self.server is not None
        return (self.server.updated_at or self.server.created_at).timestamp()

    @property
    def created(self) -> float:
        if self.local is not None:
            return self.local.created_at
        assert self.server is not None
        return self.server.created_at.timestamp()

    @property
    def words(self) -> int:
        if self.local is not None:
            return self.local.words
        assert self.server is not None
        return len(f"{self.server.title or ''} {self.server.content}".split())


def row_kind(row: DraftRow) -> Text:
    if row.local is None:
        assert row.server is not None
        return kind_cell(row.server)
    draft = row.local
    if draft.problem:
        return Text(f"{draft.label} · REFUSED", style="bold")
    if draft.state == "queued":
        return Text(f"{draft.label} · in outbox")
    return Text(draft.label + (" · also on server" if draft.server_id else ""))


def row_title(row: DraftRow) -> Text:
    if row.local is None:
        assert row.server is not None
        return title_of(row.server)
    draft = row.local
    head = draft.title or " ".join(draft.body.split()[:8]) or "(empty)"
    return plain_line(head, max_chars=36)


SORTS = {
    "edited": ("last edited", lambda r: -r.edited),
    "created": ("first written", lambda r: -r.created),
    "words": ("most words", lambda r: -r.words),
}
"""The orders `o` steps through."""

RECENCY = {"all": None, "day": 86_400.0, "week": 7 * 86_400.0}
"""The recency filters `t` steps through, as an age limit in seconds."""


class DraftsSection(ResourceSection):
    """Drafts here and on the server; enter resumes one, d deletes one."""

    SECTION_ID = "drafts"
    SECTION_TITLE = "Drafts"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "R",
            "refresh",
            "Refresh",
            tooltip="Read my drafts again.",
            id="drafts.refresh",
        ),
        Binding(
            "d",
            "delete_draft",
            "Delete",
            tooltip="Delete the draft under the cursor, after asking.",
            id="drafts.delete",
        ),
        Binding(
            "D",
            "delete_draft_now",
            "Delete now",
            show=False,
            tooltip="Delete the draft under the cursor without asking.",
            id="drafts.delete_now",
        ),
        Binding(
            "S",
            "sync",
            "Sync",
            tooltip="Keep the post drafts here and on the server the same.",
            id="drafts.sync",
        ),
        Binding(
            "o", "sort", "Sort", tooltip="Step through the orders.", id="drafts.sort"
        ),
        Binding(
            "t",
            "recency",
            "Recent",
            tooltip="Show all, the last day's or the last week's drafts.",
            id="drafts.recency",
        ),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: list[DraftRow] = []
        self.sort = "edited"
        self.recency = "all"
        self.server_note = ""

    def compose_body(self) -> ComposeResult:
        columns = (
            Column("Kind", row_kind),
            Column("Space", self.space_cell, min_width=100),
            Column("Title", row_title),
            Column("Words", lambda r: Text(str(r.words)), min_width=70),
            Column("Edited", lambda r: Text(age(r.edited, time.time()))),
        )
        yield ResourceTable[DraftRow](columns, lambda r: r.key, title="Drafts")
        yield Static("", classes="detail")

    def space_cell(self, row: DraftRow) -> Text:
        space_id = (
            row.local.target.get("space_id")
            if row.local is not None
            else row.server.space_id
            if row.server is not None
            else None
        )
        if not space_id:
            return Text("—")
        names = session_of(self).space_names
        return plain_line(names.get(space_id, space_id), max_chars=24)

    async def load(self) -> None:
        session = session_of(self)
        self.listing.set_status("Loading…")
        local = await asyncio.to_thread(session.journal.all)
        server: list[Post] = []
        self.server_note = ""
        fetched = None
        if session.supports(posts_api.DRAFTS[0]):
            if not session.space_names:
                await session.load_space_names()
            drafts = await self._read("draft")
            scheduled = await self._read("scheduled")
            server = [*scheduled.value.items, *drafts.value.items]
            fetched = drafts
        else:
            self.server_note = (
                "This server keeps no drafts: these are the drafts on this machine."
            )
        mirrored = {d.server_id for d in local if d.server_id}
        self.rows = [DraftRow(d.id, local=d) for d in local] + [
            DraftRow(p.id, server=p) for p in server if p.id not in mirrored
        ]
        self.note().update(Text(self.server_note))
        self._show(freshness(fetched) if fetched else "")

    def unsupported_line(self) -> str:
        return ""  # local drafts work with any server

    def _show(self, status: str = "") -> None:
        limit = RECENCY[self.recency]
        now = time.time()
        shown = [r for r in self.rows if limit is None or now - r.edited <= limit]
        label, order = SORTS[self.sort]
        shown.sort(key=order)
        self.listing.set_records(shown)
        here = sum(1 for r in shown if r.local is not None)
        recency = "" if self.recency == "all" else f" · last {self.recency}"
        self.listing.set_title(
            f"Drafts ({len(shown)}: {here} here, {len(shown) - here} on the server)"
            f" · by {label}{recency}"
        )
        self.listing.set_status(
            status or ("No drafts. w writes a post." if not shown else "")
        )
        self._detail()

    async def _read(self, status: str) -> Fetched[Page[Post]]:
        return await session_of(self).read(
            f"drafts:{status}",
            lambda c: posts_api.list_posts(c, status=status, per_page=PER_KIND),
            codecs.page(Post),
        )

    @on(DataTable.RowHighlighted)
    def _detail(self) -> None:
        row = self.listing.current()
        if row is None or row.local is None or not row.local.problem:
            self.show_detail(None)
            return
        self.show_detail(
            Text("Refused by the server: ").append_text(
                plain_line(row.local.problem, max_chars=300)
            )
        )

    @on(ResourceTable.Chosen)
    def open_draft(self, event: ResourceTable.Chosen) -> None:
        event.stop()
        row = next((r for r in self.rows if r.key == event.key), None)
        if row is None:
            return
        if row.local is None:
            nav(self).open_post(event.key)
            return
        if row.local.state == "queued":
            self.notify(
                "It is in the outbox, waiting to be sent: O opens the outbox, "
                "where e takes it back to edit.",
                timeout=6,
            )
            return
        from ratel_tui.screens.writing import resume

        resume(self.app, row.local)  # type: ignore[arg-type]

    def action_sort(self) -> None:
        names = list(SORTS)
        self.sort = names[(names.index(self.sort) + 1) % len(names)]
        self._show()

    def action_recency(self) -> None:
        names = list(RECENCY)
        self.recency = names[(names.index(self.recency) + 1) % len(names)]
        self._show()

    def action_delete_draft(self) -> None:
        row = self.listing.current()
        if row is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.delete(row)

        self.app.push_screen(
            ConfirmDeleteModal(
                row_title(row), here=row.local is not None and not row.local.server_id
            ),
            answered,
        )

    def action_delete_draft_now(self) -> None:
        row = self.listing.current()
        if row is not None:
            self.delete(row)

    @work(group="drafts-delete", exit_on_error=False)
    async def delete(self, row: DraftRow) -> None:
        """Delete the draft here and, if it is there too, on the server."""
        session = session_of(self)
        server_id = (
            row.server.id if row.server else row.local.server_id if row.local else None
        )
        if row.local is not None and row.local.state == "queued":
            self.notify(
                "It is in the outbox: discard it there first (O).", severity="warning"
            )
            return
        if server_id:
            try:
                await session.call(lambda c: posts_api.delete_post(c, server_id))
            except ApiError as exc:
                self.listing.set_status(Text(error_line(exc), style="bold"))
                nav(self).report_error(exc, "deleting the draft")
                return
        if row.local is not None:
            try:
                await asyncio.to_thread(session.journal.delete, row.local.id)
            except StoreError as exc:
                self.listing.set_status(Text(str(exc), style="bold"))
                return
        self.rows = [r for r in self.rows if r.key != row.key]
        self._show(Text.assemble("Deleted “", row_title(row), "”."))

    @work(exclusive=True, group="drafts-sync", exit_on_error=False)
    async def action_sync(self) -> None:
        from ratel_tui.services.drafts_sync import sync_drafts

        session = session_of(self)
        self.listing.set_status("Syncing…")
        try:
            report = await sync_drafts(session.journal, session.client)
        except (ApiError, StoreError) as exc:
            self.listing.set_status(Text(error_line(exc), style="bold"))
            return
        await self.refresh_data()
        self.listing.set_status(Text(report.summary()))
