"""The column chart: proportional bars, day buckets, axis labels, empty series."""

from __future__ import annotations

from datetime import date, timedelta

from textual.app import App, ComposeResult

from ratel_tui.widgets.chart import BLOCKS, Chart, buckets, column_rows, heights


def days(
    values: list[float], start: date = date(2026, 1, 1)
) -> list[tuple[date, float]]:
    """`values` as a daily series from `start`."""
    return [(start + timedelta(days=i), value) for i, value in enumerate(values)]


def filled_eighths(lines: list[str], column: int) -> int:
    """How many eighths of a cell the bar at `column` fills across `lines`."""
    return sum(BLOCKS.index(line[column]) for line in lines if line[column] in BLOCKS)


class ChartApp(App[None]):
    CSS = "Chart { height: 1fr; }"

    def __init__(self, chart: Chart) -> None:
        super().__init__()
        self.chart = chart

    def compose(self) -> ComposeResult:
        yield self.chart


def test_heights_are_proportional_to_the_values() -> None:
    assert heights([1, 2, 4, 8], rows=8) == [8, 16, 32, 64]
    assert heights([0, 3, 6], rows=2) == [0, 8, 16]


def test_a_small_value_still_shows_and_zero_stays_empty() -> None:
    assert heights([1, 1000], rows=4) == [1, 32]
    assert heights([0, 0], rows=4) == [0, 0]


def test_buckets_sum_days_when_the_series_is_wider_than_the_chart() -> None:
    found = buckets(days([1, 2, 3, 4, 5, 6]), columns=3)
    assert [b.value for b in found] == [3, 7, 11]
    assert found[0].first == date(2026, 1, 1) and found[0].last == date(2026, 1, 2)


def test_the_short_bucket_is_the_oldest() -> None:
    found = buckets(days([1, 2, 3, 4, 5]), columns=2)
    assert [b.value for b in found] == [3, 12]
    assert found[-1].last == date(2026, 1, 5)


def test_buckets_average_per_day_figures_when_asked() -> None:
    found = buckets(days([2, 4, 6, 8]), columns=2, mean=True)
    assert [b.value for b in found] == [3, 7]


def test_column_rows_draw_partial_tops_with_eighth_blocks() -> None:
    lines = column_rows([12, 3], rows=2)
    assert lines == ["▄ ", "█▃"]


async def test_chart_renders_bars_proportional_to_the_series() -> None:
    chart = Chart("Posts per day")
    chart.set_series(days([1, 2, 4, 8]))
    app = ChartApp(chart)
    async with app.run_test(size=(40, 11)) as pilot:
        await pilot.pause()
        lines = chart.render().plain.split("\n")

    assert lines[0] == "Posts per day"
    plot = lines[1:9]
    assert plot[0].startswith("8┤")
    # Four days in 39 columns: each bar 3 cells wide (2 of block, 1 of gap).
    bars = [filled_eighths(plot, 2 + 3 * i) for i in range(4)]
    assert bars == [8, 16, 32, 64]
    assert lines[9].startswith(" └")
    assert lines[10].strip().startswith("2026-01-01")
    assert lines[10].rstrip().endswith("2026-01-04")


async def test_a_narrow_chart_buckets_days_and_labels_the_bucket_maximum() -> None:
    chart = Chart("Posts")
    chart.set_series(days([1.0] * 90))
    app = ChartApp(chart)
    async with app.run_test(size=(32, 8)) as pilot:
        await pilot.pause()
        lines = chart.render().plain.split("\n")

    # 90 days in 29 columns: three days a column, so the tallest column is 3.
    assert lines[1].startswith("3┤")
    assert all(len(line) <= 32 for line in lines)
    plot = lines[1:-2]
    assert filled_eighths(plot, 2) == filled_eighths(plot, 20) > 0


async def test_an_empty_series_shows_its_message() -> None:
    chart = Chart("Active users", empty="No activity in this period.")
    app = ChartApp(chart)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        assert chart.render().plain == "Active users\nNo activity in this period."


async def test_the_shape_survives_no_color(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("NO_COLOR", "1")
    chart = Chart("Members")
    chart.set_series(days([0, 5, 10]))
    app = ChartApp(chart)
    async with app.run_test(size=(30, 8)) as pilot:
        await pilot.pause()
        assert app.no_color
        text = chart.render().plain
    assert "█" in text and "10┤" in text
