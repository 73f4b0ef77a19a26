"""The `g` chord: a small prompt that takes the next key as a destination."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static

TARGETS: dict[str, tuple[str, str]] = {
    "g": ("top", "top of the list"),
    "e": ("bottom", "end of the list"),
    "f": ("feed", "Feed"),
    "s": ("spaces", "Spaces"),
    "d": ("drafts", "Drafts"),
    "l": ("deliberations", "Deliberations"),
    "o": ("oracle", "Oracle"),
    "m": ("moderation", "Moderation"),
    "p": ("profile", "my profile"),
}
"""The key after `g`, what it goes to, and how the prompt names it."""


class GotoScreen(ModalScreen[str | None]):
    """Shows the destinations; dismisses with one of them, or None on any other key."""

    DEFAULT_CSS = """
    GotoScreen {
        align: right bottom;
        background: transparent;
    }
    GotoScreen > Static {
        width: auto;
        height: auto;
        border: round $primary;
        background: $surface;
        padding: 0 1;
        margin: 0 1 2 0;
    }
    """

    def __init__(self, available: set[str]) -> None:
        super().__init__()
        self._available = available

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 1))
        for key, (target, label) in TARGETS.items():
            if target in self._available:
                table.add_row(Text(key, style="bold"), Text(label))
        panel = Static(table)
        panel.border_title = "go to"
        yield panel

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        found = TARGETS.get(event.character or "")
        if found and found[0] in self._available:
            self.dismiss(found[0])
        else:
            self.dismiss(None)
