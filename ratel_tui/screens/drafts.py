"""The Drafts section: my drafts and scheduled posts kept on the server."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ratel_tui.api import posts as posts_api
from ratel_tui.api.errors import ApiError
from ratel_tui.api.models import Page, Post
from ratel_tui.screens.base import error_line, freshness, nav, session_of
from ratel_tui.services import codecs
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

    def __init__(self, what: Text) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text.assemble("Delete the draft “", self.what, "”?"))
            yield Static(Text("It is deleted on the server and cannot be undone."))
            with Horizontal():
                yield Button("Delete (y)", variant="error", id="yes")
                yield Button("Keep (n)", id="no")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def answer_by_button(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class DraftsSection(ResourceSection):
    """My server drafts and scheduled posts; enter opens one, d deletes one."""

    SECTION_ID = "drafts"
    SECTION_TITLE = "Drafts"
    FEATURE = posts_api.DRAFTS

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
    ]

    def compose_body(self) -> ComposeResult:
        columns = (
            Column("Kind", kind_cell),
            Column("Space", self.space_cell, min_width=100),
            Column("Title", title_of),
            Column("Words", words_cell, min_width=70),
            Column("Edited", edited_cell),
        )
        yield ResourceTable[Post](columns, lambda p: p.id, title="My drafts")

    def space_cell(self, post: Post) -> Text:
        if post.space_id is None:
            return Text("—")
        names = session_of(self).space_names
        return plain_line(names.get(post.space_id, post.space_id), max_chars=24)

    def unsupported_line(self) -> str:
        if session_of(self).supports(self.FEATURE[0]):
            return ""
        return (
            "This server keeps no drafts; local drafts arrive with the draft journal."
        )

    async def load(self) -> None:
        session = session_of(self)
        self.listing.set_status("Loading…")
        if not session.space_names:
            await session.load_space_names()
        drafts = await self._read("draft")
        scheduled = await self._read("scheduled")

        posts = sorted(
            [*scheduled.value.items, *drafts.value.items],
            key=lambda p: p.updated_at or p.created_at,
            reverse=True,
        )
        self.listing.set_records(posts)
        self.listing.set_title(f"My drafts and scheduled posts ({len(posts)})")
        self.listing.set_status(
            freshness(drafts) or ("No drafts on the server." if not posts else "")
        )

    async def _read(self, status: str) -> Fetched[Page[Post]]:
        return await session_of(self).read(
            f"drafts:{status}",
            lambda c: posts_api.list_posts(c, status=status, per_page=PER_KIND),
            codecs.page(Post),
        )

    @on(ResourceTable.Chosen)
    def open_draft(self, event: ResourceTable.Chosen) -> None:
        event.stop()
        nav(self).open_post(event.key)

    def action_delete_draft(self) -> None:
        post = self.listing.current()
        if post is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.delete(post)

        self.app.push_screen(ConfirmDeleteModal(title_of(post)), answered)

    def action_delete_draft_now(self) -> None:
        post = self.listing.current()
        if post is not None:
            self.delete(post)

    @work(group="drafts-delete", exit_on_error=False)
    async def delete(self, post: Post) -> None:
        """Delete `post` on the server, then take it off the list."""
        try:
            await session_of(self).call(lambda c: posts_api.delete_post(c, post.id))
        except ApiError as exc:
            self.listing.set_status(Text(error_line(exc), style="bold"))
            nav(self).report_error(exc, "deleting the draft")
            return
        self.listing.set_records([p for p in self.listing.records if p.id != post.id])
        self.listing.set_status(Text.assemble("Deleted “", title_of(post), "”."))
