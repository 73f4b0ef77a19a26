"""A small app that shows every hostile string through every kind of widget
the client uses, the way the client builds it, one page after another.

Run in a pseudo-terminal by `test_rendering.py`: `python -m
tests.hostile.render_app`. Once every page has been painted it shows
"ALL SHOWN"; `x` then shows "ALIVE n" (it still answers keys) and `q` quits.
Every key it got is listed on the last line, so a terminal answer typed into
stdin would show. `--raw` shows the strings uncleaned in one `Static(Text)`,
to prove the test would see a leak.
"""

from __future__ import annotations

import inspect
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.events import Key
from textual.widget import Widget
from textual.widgets import (
    Button,
    DataTable,
    Header,
    Input,
    Label,
    OptionList,
    RadioButton,
    RadioSet,
    Select,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option

from ratel_tui.api.models import Comment, Post
from ratel_tui.store.feed import FeedItem
from ratel_tui.text import clean, clean_line
from ratel_tui.widgets.comment_tree import CommentTree
from ratel_tui.widgets.feed_list import FeedList
from ratel_tui.widgets.safe_text import plain, plain_line
from tests.hostile.inputs import MARKERS, hostile

PAGE = 50
"""Strings per page: a page fits the 200x100 terminal of the test."""

TOASTS = 12
"""Notifications per page: as many as stack on screen at once."""

WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def payloads() -> list[str]:
    """The markers, then the hostile set (without its megabyte strings)."""
    sizes = set(hostile("size"))
    return list(MARKERS.values()) + [
        text for key, text in hostile().items() if key not in sizes
    ]


def post(n: int, text: str) -> Post:
    author = {"id": f"u{n}", "username": text, "display_name": text}
    return Post.model_validate(
        {
            "id": f"p{n}",
            "author": author,
            "content": text,
            "title": text,
            "created_at": WHEN,
            "space_id": "s1",
        }
    )


def comment(n: int, text: str) -> Comment:
    author = {"id": f"u{n}", "username": text, "display_name": text}
    return Comment.model_validate(
        {
            "id": f"c{n}",
            "author": author,
            "content": text,
            "created_at": WHEN,
            "parent_id": f"c{n - 1}" if n % 3 else None,
        }
    )


def _statics(texts: list[str]) -> Iterator[Widget]:
    yield Static(plain("\n".join(texts)))


def _lines(texts: list[str]) -> Iterator[Widget]:
    for text in texts:
        yield Static(plain_line(text))


def _labels(texts: list[str]) -> Iterator[Widget]:
    for text in texts:
        yield Label(plain_line(text))


def _buttons(texts: list[str]) -> Iterator[Widget]:
    for text in texts:
        yield Button(plain_line(text, max_chars=60), compact=True)


def _table(texts: list[str]) -> Iterator[Widget]:
    table: DataTable[Text] = DataTable()
    table.add_columns("author", "title")
    for n, text in enumerate(texts):
        table.add_row(plain_line(text, max_chars=60), plain_line(text), key=str(n))
    yield table


def _options(texts: list[str]) -> Iterator[Widget]:
    yield OptionList(*(Option(plain_line(t), id=str(n)) for n, t in enumerate(texts)))


def _selects(texts: list[str]) -> Iterator[Widget]:
    for n, text in enumerate(texts):
        yield Select(
            [(plain_line(text, max_chars=80), n)],
            value=n,
            allow_blank=False,
            compact=True,
        )


def _selection(texts: list[str]) -> Iterator[Widget]:
    yield SelectionList[int](*((plain_line(t), n) for n, t in enumerate(texts)))


def _radios(texts: list[str]) -> Iterator[Widget]:
    yield RadioSet(*(RadioButton(plain_line(t, max_chars=150)) for t in texts))


def _inputs(texts: list[str]) -> Iterator[Widget]:
    for text in texts:
        yield Input(clean_line(text), compact=True)


def _text_area(texts: list[str]) -> Iterator[Widget]:
    yield TextArea("\n".join(clean(t) for t in texts))


def _feed(texts: list[str]) -> Iterator[Widget]:
    feed = FeedList([FeedItem.from_post(post(n, t)) for n, t in enumerate(texts)])
    feed.space_names = {"s1": clean_line(texts[0], max_chars=60)}
    yield feed


def _comments(texts: list[str]) -> Iterator[Widget]:
    tree = CommentTree()
    tree.set_comments([comment(n, t) for n, t in enumerate(texts)])
    tree.root.expand_all()
    yield tree


KINDS: dict[str, Callable[[list[str]], Iterator[Widget]]] = {
    "static": _statics,
    "static_line": _lines,
    "label": _labels,
    "button": _buttons,
    "datatable": _table,
    "optionlist": _options,
    "select": _selects,
    "selectionlist": _selection,
    "radioset": _radios,
    "input": _inputs,
    "textarea": _text_area,
    "feedlist": _feed,
    "commenttree": _comments,
}
"""Each widget kind of the client, built from server text as the client does."""


class HostileApp(App[None]):
    """Shows every page of `payloads()` through `KINDS`, then toasts and titles."""

    CSS = """
    #page { height: 1fr; }
    #status { height: 1; dock: bottom; }
    FeedList { height: 1fr; }
    """

    def __init__(self, *, raw: bool = False) -> None:
        super().__init__()
        self.raw = raw
        self.texts = payloads()
        self.steps = list(self._steps())
        self.keys: list[str] = []
        self.alive = 0
        self.log_times: list[tuple[str, float]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Vertical(id="page")
        yield Static(id="status")

    def _steps(self) -> Iterator[Callable[[], object]]:
        if self.raw:
            yield lambda: self._show("raw", iter([Static(Text("\n".join(self.texts)))]))
            return
        for kind, build in KINDS.items():
            for start in range(0, len(self.texts), PAGE):
                page = self.texts[start : start + PAGE]
                yield lambda build=build, page=page, kind=kind: self._show(
                    kind, build(page)
                )
        for start in range(0, len(self.texts), TOASTS):
            yield lambda start=start: self._toasts(self.texts[start : start + TOASTS])
        for text in self.texts[: len(MARKERS)] + list(hostile("terminal").values()):
            yield lambda text=text: self._title(text)

    async def on_mount(self) -> None:
        await self._next()

    async def _next(self) -> None:
        if not self.steps:
            self.clear_notifications()
            self.title = "done"
            self.query_one("#page").remove_children()
            self._say("ALL SHOWN")
            return
        shown = self.steps.pop(0)()
        if inspect.isawaitable(shown):
            await shown
        self.set_timer(0.05, self._next)

    async def _show(self, kind: str, widgets: Iterator[Widget]) -> None:
        page = self.query_one("#page")
        await page.remove_children()
        await page.mount_all(list(widgets))
        self._say(f"showing {kind}")
        self.log_times.append((kind, time.perf_counter()))

    def _toasts(self, texts: list[str]) -> None:
        self.clear_notifications()
        for text in texts:
            self.notify(
                clean(text, max_chars=300),
                title=clean_line(text, max_chars=60),
                markup=False,
                timeout=30,
            )

    def _title(self, text: str) -> None:
        self.title = clean_line(text, max_chars=100)
        self.sub_title = clean_line(text, max_chars=60)

    def _say(self, line: str) -> None:
        self.query_one("#status", Static).update(
            Text(f"{line} | keys: {' '.join(self.keys)} .")
        )

    def on_key(self, event: Key) -> None:
        self.keys.append(event.key)
        if event.key == "x":
            self.alive += 1
            self._say(f"ALIVE {self.alive}")
        elif event.key == "q":
            self.exit()


if __name__ == "__main__":
    HostileApp(raw="--raw" in sys.argv).run()
