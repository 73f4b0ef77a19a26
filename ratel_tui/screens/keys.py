"""The `?` panel: the keys of the screen in view, generated from its bindings,
so it is never out of date with what the keys do (remaps included)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


def describe_bindings(screen: Screen[object]) -> list[tuple[str, str, str]]:
    """(where, keys, what) for every binding with a description active on `screen`,
    keys of one action merged ("j, down"), in the order they are found."""
    found: dict[tuple[str, str], list[str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description:
            continue
        where = _where(active)
        keys = found.setdefault((where, binding.description), [])
        display = screen.app.get_key_display(Binding(key, binding.action))
        if display not in keys:
            keys.append(display)
    order = list(dict.fromkeys(where for where, _ in found))
    rows = [(where, ", ".join(keys), what) for (where, what), keys in found.items()]
    return sorted(rows, key=lambda row: order.index(row[0]))


def _where(active: ActiveBinding) -> str:
    node = active.node
    if node is node.app:
        return "Everywhere"
    if isinstance(node, Screen):
        return "This screen"
    return type(node).__name__


class KeysScreen(ModalScreen[None]):
    """A panel of the keys of the screen beneath; any of escape, q, ? closes it."""

    DEFAULT_CSS = """
    KeysScreen {
        align: center middle;
    }
    KeysScreen > VerticalScroll {
        width: 90%;
        max-width: 90;
        height: 90%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="keys.close"),
        Binding("j,down", "scroll_down", show=False),
        Binding("k,up", "scroll_up", show=False),
    ]

    def __init__(self, rows: Iterable[tuple[str, str, str]], title: str) -> None:
        super().__init__()
        self._rows = list(rows)
        self._title = title

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=False, padding=(0, 1))
        table.add_column("keys", style="bold", no_wrap=True, ratio=1)
        table.add_column("what", ratio=3)
        last_where = None
        for where, keys, what in self._rows:
            if where != last_where:
                table.add_row(Text(where, style="underline"), Text(""))
                last_where = where
            table.add_row(Text(keys), Text(what))
        with VerticalScroll() as scroll:
            scroll.border_title = self._title
            scroll.border_subtitle = "escape closes"
            yield Static(table)

    def action_scroll_down(self) -> None:
        self.query_one(VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one(VerticalScroll).scroll_up()
