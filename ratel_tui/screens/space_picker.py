"""Pick a Space by typing part of its name (a short list: Spaces, not posts)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option


def fuzzy_match(query: str, name: str) -> bool:
    """Whether the letters of `query` appear in `name` in order (case-insensitive)."""
    position = 0
    lowered = name.lower()
    for char in query.lower():
        if char == " ":
            continue
        position = lowered.find(char, position)
        if position < 0:
            return False
        position += 1
    return True


class SpacePicker(ModalScreen[str | None]):
    """Dismisses with the chosen Space id, or None."""

    DEFAULT_CSS = """
    SpacePicker { align: center middle; }
    SpacePicker > Vertical {
        width: 60; max-width: 100%; height: auto; max-height: 80%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    SpacePicker OptionList { height: auto; max-height: 16; }
    """

    BINDINGS = [
        Binding("escape", "dismiss_none", "Cancel", id="picker.cancel"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(self, names: dict[str, str], title: str = "Space") -> None:
        super().__init__()
        self._names = names
        self._title = title

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self._title
            yield Input(placeholder="type to filter", id="picker-query")
            yield OptionList(id="picker-options")

    def on_mount(self) -> None:
        self._fill("")

    def _fill(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        matches = sorted(
            (name.casefold(), name, space_id)
            for space_id, name in self._names.items()
            if fuzzy_match(query, name)
        )
        options.add_options(
            Option(Text(name), id=space_id) for _, name, space_id in matches
        )
        if matches:
            options.highlighted = 0

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
