"""`NoteModal`: an optional one-line note (an oracle vote's comment, a
moderation decision's note), kept in the draft journal while it is typed."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Static

from ratel_tui.screens.base import session_of
from ratel_tui.screens.dialogs import DIALOG_CSS
from ratel_tui.services import oracle_rules as rules
from ratel_tui.store.journal import Draft
from ratel_tui.store.local import StoreError
from ratel_tui.text import clean_line


class NoteModal(ModalScreen[str | None]):
    """An optional one-line note: enter answers it (empty is fine), escape
    cancels. The text is kept in the draft journal while typed."""

    DEFAULT_CSS = DIALOG_CSS % "NoteModal"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Do not vote.", id="vote.cancel"),
    ]

    def __init__(
        self,
        title: Text,
        draft: Draft,
        *,
        limit: int = rules.COMMENT_LIMIT,
        hint: str = "enter votes · escape cancels (the comment is kept)",
        placeholder: str = "Comment (optional)",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.draft = draft
        self.limit = limit
        self.hint = hint
        self.placeholder = placeholder
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="dialog-title")
            yield Input(
                self.draft.body,
                placeholder=self.placeholder,
                max_length=self.limit,
                id="vote-comment",
            )
            yield Static(
                Text(self.hint),
                classes="dialog-hint",
            )

    @on(Input.Changed)
    def keep_typing(self, event: Input.Changed) -> None:
        self.draft = self.draft.with_text(body=event.value)
        # Saved half a second after the first unsaved key, however fast the
        # typing goes on: a kill loses at most that.
        if self._timer is None:
            self._timer = self.set_timer(0.5, self._saved_by_timer)

    def _saved_by_timer(self) -> None:
        self._timer = None
        self.save()

    def save(self) -> None:
        """Keep the comment in the journal; an emptied one is forgotten."""
        journal = session_of(self).journal
        try:
            if self.draft.body.strip():
                journal.save(self.draft, editing=True)
            else:
                journal.delete(self.draft.id)
        except StoreError as exc:
            self.notify(clean_line(str(exc)), severity="error", markup=False)

    @on(Input.Submitted)
    def send(self, event: Input.Submitted) -> None:
        self.save()
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.save()
        self.dismiss(None)
