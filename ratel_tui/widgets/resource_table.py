"""`ResourceTable`, a titled list of server records with a filter, and
`ResourceSection`, the base of the main frame's list sections."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Resize
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static

from ratel_tui.api.errors import ApiError, UnsupportedError
from ratel_tui.screens.base import error_line

T = TypeVar("T")


def _width(text: Text) -> int:
    """The cells the longest line of `text` takes."""
    return max((cell_len(line) for line in text.plain.split("\n")), default=0)


Cell = Callable[[Any], Text]
"""Renders one record into one cell (server text through `plain_line`)."""


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a `ResourceTable`."""

    label: str
    cell: Cell
    width: int | None = None
    """Fixed width in cells; None sizes the column to its content."""
    min_width: int = 0
    """The table's width below which this column is dropped."""


class ResourceTable(Vertical, Generic[T]):
    """A title line, a DataTable of records, a status line and a `/` filter.

    Records are kept in order; the filter keeps those whose rendered cells
    contain the typed text (any case). Columns whose `min_width` exceeds the
    table's width are left out, so narrow terminals keep the essentials.
    """

    DEFAULT_CSS = """
    ResourceTable { height: 1fr; }
    ResourceTable > .rt-title { text-style: bold; color: $accent; height: 1; }
    ResourceTable > .rt-status { color: $text-muted; height: auto; }
    ResourceTable > DataTable { height: 1fr; }
    ResourceTable > Input { display: none; }
    ResourceTable > Input.shown { display: block; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash",
            "filter",
            "Filter",
            tooltip="Show only matching rows.",
            id="list.filter",
        ),
        Binding("j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k", "cursor_up", "Up", show=False, id="list.up"),
        Binding(
            "escape", "clear_filter", "Clear filter", show=False, id="list.clear_filter"
        ),
    ]

    class Chosen(Message):
        """Enter was pressed on the record with this key."""

        def __init__(self, table: ResourceTable[Any], key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> ResourceTable[Any]:
            return self.table

    def __init__(
        self,
        columns: Sequence[Column],
        key_of: Callable[[T], str],
        *,
        title: str = "",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.columns = tuple(columns)
        self.key_of = key_of
        self.title_text = title
        self.records: list[T] = []
        self.filter_text = ""
        self._shown: tuple[Column, ...] = ()
        self._widths: tuple[int, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(Text(self.title_text), classes="rt-title")
        yield Input(placeholder="filter (escape clears)", classes="rt-filter")
        table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", classes="rt-status")

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one(DataTable)

    # What the owner calls

    def set_title(self, title: Text | str) -> None:
        """The title line (a str is taken literally, never as markup)."""
        self.query_one(".rt-title", Static).update(
            title if isinstance(title, Text) else Text(title)
        )

    def set_status(self, status: Text | str) -> None:
        """The line under the table: errors, freshness, empty state."""
        self.query_one(".rt-status", Static).update(
            status if isinstance(status, Text) else Text(status)
        )

    def set_records(self, records: Sequence[T]) -> None:
        """Show `records`, keeping the cursor on the same record when it stays."""
        self.records = list(records)
        self._fill()

    def visible(self) -> list[T]:
        """The records the filter lets through, in order."""
        needle = self.filter_text.casefold()
        if not needle:
            return list(self.records)
        return [r for r in self.records if needle in self._haystack(r)]

    def current(self) -> T | None:
        """The record under the cursor, if any."""
        table = self.table
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((r for r in self.records if self.key_of(r) == key), None)

    # Drawing

    def _columns_for(self, width: int) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if width <= 0 or width >= c.min_width)

    def _haystack(self, record: T) -> str:
        return " ".join(c.cell(record).plain for c in self.columns).casefold()

    def _fill(self, rebuild: bool = False) -> None:
        # Columns get the width of their widest cell here rather than from the
        # DataTable's sizing, which measures new rows only once the table is
        # idle: a busy run's screenshot caught columns as wide as their labels.
        table = self.table
        current = self.current()
        shown = self._columns_for(self.size.width)
        records = self.visible()
        cells = [[column.cell(record) for column in shown] for record in records]
        widths = tuple(
            column.width
            if column.width is not None
            else max([cell_len(column.label), *(_width(row[i]) for row in cells)])
            for i, column in enumerate(shown)
        )
        if rebuild or shown != self._shown or widths != self._widths:
            table.clear(columns=True)
            for column, width in zip(shown, widths, strict=True):
                table.add_column(column.label, width=width)
            self._shown, self._widths = shown, widths
        else:
            table.clear()
        for record, row in zip(records, cells, strict=True):
            table.add_row(*row, key=self.key_of(record))
        kept = current is not None and self.key_of(current) in {
            self.key_of(r) for r in records
        }
        if kept and current is not None:
            table.move_cursor(row=table.get_row_index(self.key_of(current)))

    def on_resize(self, event: Resize) -> None:
        if self._columns_for(event.size.width) != self._shown:
            self._fill(rebuild=True)

    # Keys

    def action_cursor_down(self) -> None:
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.table.action_cursor_up()

    def action_filter(self) -> None:
        box = self.query_one(Input)
        box.add_class("shown")
        box.focus()

    @on(Input.Changed)
    def narrow_to_filter(self, event: Input.Changed) -> None:
        event.stop()
        self.filter_text = event.value.strip()
        self._fill()

    @on(Input.Submitted)
    def keep_filter(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Escape clears a shown filter; otherwise it goes on to the screen (back).
        if action == "clear_filter":
            return self.query_one(Input).has_class("shown")
        return True

    def action_clear_filter(self) -> None:
        box = self.query_one(Input)
        box.value = ""
        box.remove_class("shown")
        self.filter_text = ""
        self._fill()
        self.table.focus()

    @on(DataTable.RowSelected)
    def choose_row(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Chosen(self, event.row_key.value))


class ResourceSection(Widget):
    """A section of the main frame that lists what the server holds.

    It loads when first shown (`on_shown`), again on `R` (`action_refresh`),
    in an exclusive worker; an API failure becomes the status line, and a
    server without `FEATURE` gets one line saying so instead of a table.
    Subclasses fill in `load()` and the columns.
    """

    DEFAULT_CSS = """
    ResourceSection { height: 1fr; }
    ResourceSection > .section-note { color: $warning; height: auto; }
    ResourceSection > .detail {
        display: none; height: auto; max-height: 50%;
        border-top: solid $panel; padding: 0 1;
    }
    ResourceSection > .detail.shown { display: block; }
    """

    SECTION_ID: ClassVar[str] = ""
    SECTION_TITLE: ClassVar[str] = ""
    FEATURE: ClassVar[tuple[str, str] | None] = None
    """The [ext] feature the section needs, and how to name it."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id or f"section-{self.SECTION_ID}", classes=classes)
        self.loaded = False
        """Whether a load has been started (the first `on_shown` starts one)."""

    def compose(self) -> ComposeResult:
        yield Static("", classes="section-note")
        yield from self.compose_body()

    def compose_body(self) -> ComposeResult:
        """The tables (and detail panel) of the section (subclasses)."""
        raise NotImplementedError

    @property
    def listing(self) -> ResourceTable[Any]:
        """The section's (first) table."""
        return self.query_one(ResourceTable)

    def detail(self) -> Static:
        """The detail panel under the table (hidden until shown)."""
        return self.query_one(".detail", Static)

    def show_detail(self, content: Text | None) -> None:
        """Show `content` in the detail panel; None hides it."""
        panel = self.detail()
        panel.update(content or Text(""))
        panel.set_class(content is not None, "shown")

    def note(self) -> Static:
        """The one-line note above the table (unsupported, partial support)."""
        return self.query_one(".section-note", Static)

    def on_shown(self) -> None:
        """Called by the app each time the section is switched to: focus the
        list, and load it the first time."""
        self.listing.table.focus()
        if not self.loaded:
            self.loaded = True
            self.reload()

    def action_refresh(self) -> None:
        self.loaded = True
        self.reload()

    @work(exclusive=True, group="section", exit_on_error=False)
    async def reload(self) -> None:
        await self.refresh_data()

    async def refresh_data(self) -> None:
        """Read again from the server (or the read cache) and redraw."""
        unsupported = self.unsupported_line()
        if unsupported:
            self.show_unsupported(unsupported)
            return
        try:
            await self.load()
        except UnsupportedError as exc:
            self.show_unsupported(str(exc))
        except ApiError as exc:
            self.show_error(exc)

    def unsupported_line(self) -> str:
        """The line to show instead of the table ("" when the server has it)."""
        from ratel_tui.screens.base import session_of

        if self.FEATURE and not session_of(self).supports(self.FEATURE[0]):
            return f"This server does not support {self.FEATURE[1]}."
        return ""

    def show_unsupported(self, line: str) -> None:
        self.note().update(Text(line))
        for table in self.query(ResourceTable):
            table.display = False

    def show_error(self, exc: BaseException) -> None:
        self.query_one(ResourceTable).set_status(Text(error_line(exc), style="bold"))

    async def load(self) -> None:
        """Fetch and show the records (subclasses)."""
        raise NotImplementedError
