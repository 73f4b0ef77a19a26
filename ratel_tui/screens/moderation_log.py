"""This session's moderation decisions, newest first; any of them can be undone."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer

from ratel_tui.services import moderation as mod
from ratel_tui.widgets.resource_table import Column, ResourceTable
from ratel_tui.widgets.safe_text import plain_line
from ratel_tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from ratel_tui.screens.moderation_queue import ModerationQueueScreen


def _excerpt(decision: mod.Decision) -> Text:
    target = mod.target_of(decision.item)
    if target is None:
        return Text("(deleted)")
    text = f"@{target.author.username}: {' '.join(target.content.split())}"
    return plain_line(text, max_chars=50)


def _when(decision: mod.Decision) -> Text:
    ago = time.monotonic() - decision.at
    return Text(time.strftime("%H:%M:%S", time.localtime(time.time() - ago)))


class ModerationLogScreen(Screen[None]):
    """The decisions made in this triage session, with their state; `u` undoes one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "u",
            "undo_decision",
            "Undo this",
            tooltip="Take back the highlighted decision.",
            id="modlog.undo",
        ),
        Binding(
            "escape,q", "back", "Back", tooltip="Back to the queue.", id="modlog.back"
        ),
    ]

    def __init__(self, queue: ModerationQueueScreen) -> None:
        super().__init__()
        self.queue = queue

    def compose(self) -> ComposeResult:
        columns = (
            Column("#", lambda d: Text(str(d.number))),
            Column("At", _when, min_width=90),
            Column("Decision", lambda d: Text(d.action)),
            Column("State", lambda d: Text(d.state)),
            Column("Item", _excerpt),
            Column("Note", lambda d: plain_line(d.note or d.reason, max_chars=40)),
        )
        yield ResourceTable[Any](
            columns, lambda d: str(d.number), title="Decisions this session", id="log"
        )
        yield StatusBar()
        yield Footer()

    @property
    def table(self) -> ResourceTable[Any]:
        return self.query_one("#log", ResourceTable)

    def on_mount(self) -> None:
        self.fill()
        self.table.table.focus()

    def fill(self) -> None:
        decisions = list(reversed(self.queue.triage.decisions))
        self.table.set_records(decisions)
        standing = self.queue.triage.decided
        self.table.set_title(f"Decisions this session ({len(decisions)})")
        self.table.set_status(
            "No decisions yet." if not decisions else f"{standing} standing · u undoes"
        )

    def action_undo_decision(self) -> None:
        decision = self.table.current()
        if decision is None:
            return
        if decision.state not in ("queued", "sent"):
            self.notify(f"This decision is {decision.state}: nothing to undo.")
            return
        self.queue.undo(decision)
        self.fill()

    def action_back(self) -> None:
        self.app.pop_screen()
