"""What closed widgets leave behind is freed: their watchers on the app, and
the line caches Textual's style memo keeps."""

from __future__ import annotations

from textual._styles_cache import StylesCache
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static, TextArea

from ratel_tui.widgets.watchers import (
    forget_closed_style_caches,
    prune_closed_watchers,
)


class Page(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("a line with a background", id="line")
        yield TextArea("typed")
        yield Footer()


class Host(App[None]):
    CSS = "#line { background: $panel; }"

    def compose(self) -> ComposeResult:
        yield Footer()


def theme_watchers(app: App[None]) -> list[object]:
    """The widgets watching the app's theme."""
    found = getattr(app, "__watchers", {})
    return [node for node, _ in found.get("theme", [])]


async def test_a_closed_text_area_stops_watching_the_theme_once_pruned() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        page = Page()
        await app.push_screen(page)
        await pilot.pause()
        area = page.query_one(TextArea)
        assert area in theme_watchers(app)
        app.pop_screen()
        await pilot.pause()
        assert area in theme_watchers(app)  # Textual keeps it until the theme changes
        assert prune_closed_watchers(app) >= 1
        assert area not in theme_watchers(app)


async def test_the_style_memo_that_holds_closed_widgets_caches_is_emptied() -> None:
    # The memo's key includes each drawn widget's StylesCache (with its lines),
    # so it keeps closed widgets' caches until it is emptied.
    memo = StylesCache.get_inner_outer
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(Page())
        await pilot.pause()
        app.pop_screen()
        await pilot.pause()
        assert memo.cache_info().currsize > 0
        forget_closed_style_caches()
        assert memo.cache_info().currsize == 0
