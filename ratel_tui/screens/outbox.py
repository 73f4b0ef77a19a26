"""The Outbox: every write waiting to be sent, refused, or sent lately, with
retry now, edit and discard."""

from __future__ import annotations

import asyncio
import time
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from ratel_tui.screens.base import session_of
from ratel_tui.screens.dialogs import Confirm
from ratel_tui.services.sender import Outcome
from ratel_tui.store.local import StoreError
from ratel_tui.store.outbox import OutboxItem
from ratel_tui.widgets.age import age
from ratel_tui.widgets.resource_table import Column, ResourceTable
from ratel_tui.widgets.safe_text import plain_line
from ratel_tui.widgets.status_bar import StatusBar

TAKE_BACK_WAIT_S = 15.0
"""How long taking a write back waits for a try under way to end."""

STATE_WORDS = {"pending": "waiting", "refused": "REFUSED", "sent": "sent"}
"""How each state reads (in words, never by colour alone)."""


def _state(item: OutboxItem) -> Text:
    word = STATE_WORDS.get(item.state, item.state)
    if item.state == "pending" and item.attempts:
        when = item.next_try_at - time.time()
        word += (
            f" · try {item.attempts + 1} in {max(0, when):.0f}s"
            if when > 0
            else " · now"
        )
    return Text(word, style="bold" if item.state == "refused" else "")


def _what(item: OutboxItem) -> Text:
    return plain_line(item.summary or item.action, max_chars=60)


def _when(item: OutboxItem) -> Text:
    return Text(age(item.sent_at or item.created_at, time.time()))


def _why(item: OutboxItem) -> Text:
    return plain_line(item.last_error or "", max_chars=80)


class OutboxScreen(Screen[None]):
    """The outbox of this profile; refreshes as the sender works."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="outbox.back"),
        Binding(
            "r",
            "retry",
            "Retry now",
            tooltip="Send this write at once.",
            id="outbox.retry",
        ),
        Binding(
            "e",
            "edit",
            "Edit",
            tooltip="Take the write back from the outbox and edit its text.",
            id="outbox.edit",
        ),
        Binding(
            "d",
            "discard(True)",
            "Discard",
            tooltip="Take the write back without sending it, after asking.",
            id="outbox.discard",
        ),
        Binding(
            "D",
            "discard(False)",
            "Discard now",
            show=False,
            tooltip="Take the write back without asking.",
            id="outbox.discard_now",
        ),
        Binding("R", "refresh", "Refresh", show=False, id="outbox.refresh"),
    ]

    def compose(self) -> ComposeResult:
        columns = (
            Column("State", _state),
            Column("Write", _what),
            Column("When", _when),
            Column("Why", _why, min_width=90),
        )
        yield ResourceTable[OutboxItem](columns, lambda i: str(i.seq), title="Outbox")
        yield Static("", id="outbox-detail")
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        session = session_of(self)
        session.sender.listeners.append(self._heard)
        self.set_interval(1.0, self.action_refresh)
        self.action_refresh()
        self.query_one(ResourceTable).table.focus()

    def on_unmount(self) -> None:
        listeners = session_of(self).sender.listeners
        if self._heard in listeners:
            listeners.remove(self._heard)

    def _heard(self, outcome: Outcome) -> None:
        self.action_refresh()

    @property
    def listing(self) -> ResourceTable[OutboxItem]:
        return self.query_one(ResourceTable)

    def action_refresh(self) -> None:
        session = session_of(self)
        try:
            items = session.outbox.items()
        except StoreError as exc:
            self.listing.set_status(Text(str(exc), style="bold"))
            return
        # Waiting and refused first (what needs you), then the latest sent.
        order = {"refused": 0, "pending": 1, "sent": 2}
        items.sort(
            key=lambda i: (
                order.get(i.state, 3),
                -i.seq if i.state == "sent" else i.seq,
            )
        )
        self.listing.set_records(items)
        waiting = sum(1 for i in items if i.state == "pending")
        refused = sum(1 for i in items if i.state == "refused")
        self.listing.set_title(f"Outbox · {waiting} waiting · {refused} refused")
        self.listing.set_status(
            "Nothing waits: every write has reached the server."
            if not waiting and not refused
            else ""
        )
        self._show_current()

    @on(ResourceTable.Chosen)
    def _chosen(self, event: ResourceTable.Chosen) -> None:
        event.stop()
        self._show_current()

    def _show_current(self) -> None:
        item = self.listing.current()
        detail = self.query_one("#outbox-detail", Static)
        if item is None:
            detail.update(Text(""))
            return
        line = Text(f"#{item.seq} {item.action} · tries {item.attempts}")
        if item.last_error:
            line.append(" · ")
            line.append_text(plain_line(item.last_error, max_chars=300))
        detail.update(line)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_retry(self) -> None:
        item = self.listing.current()
        if item is None or item.state == "sent":
            return
        session = session_of(self)
        session.outbox.retry_now(item.seq)
        session.count_outbox()
        session.sender.poke()
        self.notify("Sending again…", timeout=2)
        self.action_refresh()

    def action_discard(self, ask: bool) -> None:
        item = self.listing.current()
        if item is None or item.state == "sent":
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._discard_later(item)

        if not ask:
            self._discard_later(item)
            return
        question = (
            Text("Take back “").append_text(_what(item)).append("” without sending it?")
        )
        if item.draft_id:
            question.append(" Its text stays in Drafts.")
        self.app.push_screen(Confirm(question, yes="Discard"), answered)

    @work(group="outbox-discard", exit_on_error=False)
    async def _discard_later(self, item: OutboxItem) -> None:
        await self._discard(item)

    async def _discard(self, item: OutboxItem) -> OutboxItem | None:
        """Take `item` back; while a try of it is under way (a retry against a
        server that does not answer), wait for that try to end first."""
        session = session_of(self)
        deadline = time.monotonic() + TAKE_BACK_WAIT_S
        taken = session.outbox.discard(item.seq)
        while taken is None and time.monotonic() < deadline:
            now = session.outbox.get(item.seq)
            if now is None or now.state == "sent":
                break
            self.listing.set_status("Waiting for the try under way to end…")
            await asyncio.sleep(0.2)
            taken = session.outbox.discard(item.seq)
        if taken is None:
            self.notify(
                "It was sent already, or is being sent right now.", severity="warning"
            )
        session.count_outbox()
        self.action_refresh()
        return taken

    @work(group="outbox-edit", exit_on_error=False)
    async def action_edit(self) -> None:
        item = self.listing.current()
        if item is None or item.draft_id is None or item.state == "sent":
            self.notify(
                "Only a waiting or refused post or comment can be edited.",
                severity="warning",
            )
            return
        if await self._discard(item) is None:
            return
        draft = session_of(self).journal.get(item.draft_id)
        if draft is None:
            return
        from ratel_tui.screens.compose import ComposeScreen

        await self.app.push_screen_wait(ComposeScreen(draft))
        self.action_refresh()
