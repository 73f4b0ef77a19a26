"""The `/` prompt: one line of text to filter a list by."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Input


class FilterPrompt(ModalScreen[str | None]):
    """Dismisses with the filter text ("" clears it), or None on escape."""

    DEFAULT_CSS = """
    FilterPrompt { align: center bottom; background: transparent; }
    FilterPrompt Input { width: 100%; margin-bottom: 1; border: round $primary; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="filter.cancel")]

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self._text = text

    def compose(self) -> ComposeResult:
        prompt = Input(self._text, placeholder="filter by text or author; empty clears")
        prompt.border_title = "/"
        yield prompt

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
