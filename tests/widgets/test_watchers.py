"""What closed widgets leave behind is freed: their watchers on the app, and
the line caches Textual's style memo keeps."""

from __future__ import annotations

import gc
import weakref

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static, TextArea

from ratel_tui.widgets.watchers import (
    forget_closed_style_caches,
    prune_closed_watchers,
)


class Page(Screen[None]):
    BINDINGS = [Binding("x", "noop", "Something")]

    def compose(self) -> ComposeResult:
        yield Static("a line with a background", id="line")
        yield TextArea("typed")
        yield Footer()


class Host(App[None]):
    CSS = "#line { background: $panel; }"

    def compose(self) -> ComposeResult:
        yield Footer()


async def test_a_closed_screen_leaves_nothing_alive_once_freed() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        page = Page()
        await app.push_screen(page)
        await pilot.pause()
        cache = weakref.ref(page.query_one("#line")._styles_cache)
        area = weakref.ref(page.query_one(TextArea))
        app.pop_screen()
        await pilot.pause()
        del page
        gc.collect()
        # The app's theme watcher holds the text area, the style memo the
        # static's line cache, until each is freed.
        assert area() is not None and cache() is not None
        prune_closed_watchers(app)
        gc.collect()
        assert area() is None and cache() is not None
        forget_closed_style_caches()
        gc.collect()
        assert cache() is None
