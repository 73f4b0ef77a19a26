"""ResourceTable: columns as wide as their widest cell from the first frame,
narrow terminals keeping the essentials, the cursor kept on its record."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from ratel_tui.widgets.resource_table import Column, ResourceTable

ROWS = [("a", "short"), ("b", "a much longer title than its label"), ("c", "mid")]


class Table(App[None]):
    def compose(self) -> ComposeResult:
        yield ResourceTable[tuple[str, str]](
            [
                Column("Key", lambda r: Text(r[0])),
                Column("Title", lambda r: Text(r[1])),
                Column("Wide only", lambda r: Text("x"), min_width=100),
            ],
            lambda r: r[0],
        )


def widths(app: App[None]) -> list[int]:
    return [column.width for column in app.query_one(DataTable).ordered_columns]


async def test_columns_fit_their_widest_cell_before_the_table_is_idle() -> None:
    app = Table()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.query_one(ResourceTable)
        table.set_records(ROWS)
        # No pause: what the next frame would draw.
        assert widths(app) == [3, len(ROWS[1][1])]
        table.set_records(ROWS[:1])
        assert widths(app) == [3, len("Title")]


async def test_a_wide_terminal_shows_the_extra_column_and_keeps_the_cursor() -> None:
    app = Table()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.set_records(ROWS)
        await pilot.pause()
        table.table.move_cursor(row=2)
        await pilot.resize_terminal(120, 24)
        await pilot.pause()
        assert widths(app) == [3, len(ROWS[1][1]), len("Wide only")]
        assert table.current() == ROWS[2]
