"""`PagedText`: a long text shown a page at a time.

Textual wraps a `Static` whole to learn its height, so a post of 5,000 lines
would hold the screen for a second before its first frame. A page of at
most `PAGE_LINES` lines and `PAGE_CHARS` characters paints at once whatever
the whole is; a line over the page says where the reader is.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

PAGE_LINES = 300
"""The most lines on one page."""

PAGE_CHARS = 20_000
"""The most characters on one page."""

_BREAK_BACK = 200
"""How far back from a page's end a line too long for it may break at a space."""


def page_ends(text: str, lines: int = PAGE_LINES, chars: int = PAGE_CHARS) -> list[int]:
    """Where each page of `text` ends: after a newline where it can, else at a
    space near the character limit, else at the limit itself."""
    ends: list[int] = []
    start = 0
    while len(text) - start > 0:
        limit = min(start + chars, len(text))
        end = start
        for _ in range(lines):
            newline = text.find("\n", end, limit)
            if newline < 0:
                end = limit
                break
            end = newline + 1
        if end == limit and limit < len(text) and text[limit - 1] != "\n":
            space = text.rfind(" ", max(start, limit - _BREAK_BACK), limit)
            if space > start:
                end = space + 1
        ends.append(end)
        start = end
    return ends or [0]


class PagedText(Vertical):
    """A text in pages; `next_page` and `previous_page` turn them."""

    DEFAULT_CSS = """
    PagedText { height: auto; }
    PagedText > .paged-marker { color: $text-muted; text-style: italic; }
    PagedText > .hidden { display: none; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.pages: list[Text] = [Text()]
        self.page = 0

    def compose(self) -> ComposeResult:
        yield Static(classes="paged-marker hidden")
        yield Static(classes="paged-page")

    def show(self, text: Text) -> None:
        """Show `text` from its first page."""
        starts = [0, *page_ends(text.plain)]
        self.pages = [text[a:b] for a, b in zip(starts, starts[1:], strict=False)]
        self.page = 0
        self._draw()

    @property
    def paged(self) -> bool:
        """Whether the text takes more than one page."""
        return len(self.pages) > 1

    def next_page(self) -> bool:
        """Turn to the next page; False on the last."""
        return self._turn(self.page + 1)

    def previous_page(self) -> bool:
        """Turn to the page before; False on the first."""
        return self._turn(self.page - 1)

    def _turn(self, page: int) -> bool:
        if not 0 <= page < len(self.pages):
            return False
        self.page = page
        self._draw()
        return True

    def _draw(self) -> None:
        page = self.pages[self.page]
        self.query_one(".paged-page", Static).update(page)
        marker = self.query_one(".paged-marker", Static)
        marker.set_class(not self.paged, "hidden")
        if self.paged:
            turns = []
            if self.page + 1 < len(self.pages):
                turns.append("] next page")
            if self.page > 0:
                turns.append("[ previous")
            marker.update(
                Text(f"Page {self.page + 1} of {len(self.pages)} · " + ", ".join(turns))
            )
