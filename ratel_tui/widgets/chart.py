"""`Chart`: a column chart of daily figures, drawn with block characters.

The height of each column carries the value, so the chart reads the same in
16 colours, in monochrome and under NO_COLOR. When the widget is narrower
than the series, neighbouring days share a column (summed, or averaged for
figures that are already per-day means).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

BLOCKS = " ▁▂▃▄▅▆▇█"
"""Column tops by eighths: BLOCKS[n] fills n eighths of a cell."""

MAX_BAR_WIDTH = 3
"""Columns a bar may take when there is room; wider bars read no better."""


@dataclass(frozen=True, slots=True)
class Bucket:
    """One column of the chart: the days it covers and their figure."""

    first: date
    last: date
    value: float


def buckets(
    points: Sequence[tuple[date, float]], columns: int, *, mean: bool = False
) -> list[Bucket]:
    """`points` grouped into at most `columns` buckets of consecutive days.

    A bucket holds the sum of its days, or their mean when `mean` is set.
    Buckets are counted back from the newest day, so when the days do not
    divide evenly the short bucket is the oldest one.
    """
    if not points or columns < 1:
        return []
    size = math.ceil(len(points) / columns)
    found = []
    first_end = len(points) % size or size
    for end in range(first_end, len(points) + 1, size):
        group = points[max(0, end - size) : end]
        total = sum(value for _, value in group)
        value = total / len(group) if mean else total
        found.append(Bucket(group[0][0], group[-1][0], value))
    return found


def heights(values: Sequence[float], rows: int) -> list[int]:
    """Each value's column height in eighths of a cell, the largest filling
    `rows` cells; any value above zero shows at least one eighth."""
    top = max(values, default=0)
    if top <= 0 or rows < 1:
        return [0 for _ in values]
    scale = rows * 8 / top
    return [max(1, round(value * scale)) if value > 0 else 0 for value in values]


def column_rows(eighths: Sequence[int], rows: int, bar_width: int = 1) -> list[str]:
    """The plot as `rows` strings, top first; each bar `bar_width` cells wide,
    followed by a one-cell gap when it is wider than one."""
    gap = " " if bar_width > 1 else ""
    lines = []
    for row in range(rows):
        floor = (rows - 1 - row) * 8
        cells = []
        for height in eighths:
            fill = min(8, max(0, height - floor))
            cells.append(BLOCKS[fill] * (bar_width - len(gap)) + gap)
        lines.append("".join(cells))
    return lines


def number(value: float) -> str:
    """A figure for an axis label: whole numbers plain, others to one decimal."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


class Chart(Widget):
    """A titled column chart over days, with the maximum and the first and
    last dates as its axis labels."""

    COMPONENT_CLASSES = {"chart--title", "chart--axis"}

    DEFAULT_CSS = """
    Chart { height: 12; color: $accent; }
    Chart > .chart--title { color: $text; text-style: bold; }
    Chart > .chart--axis { color: $text-muted; }
    """

    def __init__(
        self,
        title: str = "",
        *,
        empty: str = "Nothing to show for this period.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.title = title
        self.empty = empty
        self.points: tuple[tuple[date, float], ...] = ()
        self.mean = False

    def set_series(
        self,
        points: Sequence[tuple[date, float]],
        *,
        title: str | None = None,
        mean: bool = False,
    ) -> None:
        """Show `points` (oldest first); `mean` averages days that share a column."""
        self.points = tuple(points)
        self.mean = mean
        if title is not None:
            self.title = title
        self.refresh()

    def render(self) -> Text:
        width, height = self.content_size
        title_style = self.get_component_rich_style("chart--title", partial=True)
        axis_style = self.get_component_rich_style("chart--axis", partial=True)
        text = Text(self.title[:width], style=title_style, end="", no_wrap=True)
        if not self.points:
            text.append("\n")
            text.append(self.empty[:width], style=axis_style)
            return text
        for line in self._plot(width, max(1, height - 3), axis_style):
            text.append("\n")
            text.append_text(line)
        return text

    def _plot(self, width: int, rows: int, axis: Style) -> list[Text]:
        """The lines below the title: the bars with the y axis, the x axis,
        and the date labels."""
        # The label names the tallest column, which after bucketing may be a
        # sum of days, so the columns are laid out once to learn its width.
        guess = number(max(value for _, value in self.points))
        columns = buckets(self.points, max(1, width - len(guess) - 1), mean=self.mean)
        top_label = number(max(column.value for column in columns))
        margin = len(top_label)
        plot_width = max(1, width - margin - 1)
        columns = buckets(self.points, plot_width, mean=self.mean)
        bar_width = max(1, min(MAX_BAR_WIDTH, plot_width // len(columns)))
        bars = column_rows(heights([c.value for c in columns], rows), rows, bar_width)

        lines = []
        for index, bar in enumerate(bars):
            label = top_label + "┤" if index == 0 else " " * margin + "│"
            lines.append(Text.assemble((label, axis), bar, no_wrap=True))
        lines.append(Text(" " * margin + "└" + "─" * len(bars[0]), style=axis))
        # Dates go under the bars, or across the whole width when the bars are
        # too few to hold both.
        room = len(bars[0]) if len(bars[0]) >= 21 else plot_width
        dates = self._dates(columns, room)
        lines.append(Text(" " * (margin + 1) + dates, style=axis))
        return lines

    @staticmethod
    def _dates(columns: Sequence[Bucket], room: int) -> str:
        """The first date under the first bar and the last under the last bar,
        as room allows."""
        first = columns[0].first.isoformat()
        last = columns[-1].last.isoformat()
        if columns[0].first == columns[-1].last or room < len(first) + len(last) + 1:
            return first[:room]
        return first + last.rjust(room - len(first))
