"""Markup in server text, clicked: nothing runs, nothing crashes, nothing is
eaten, in every widget kind the client uses (with Pilot)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from tests.hostile.render_app import KINDS

CRASHERS = [
    "[/]",
    "[/bold]",
    "[b]x[/i]",
    "[/",
    "[type=x, v={'a[0]'}]",
    "[link=https://x]y[/link]",
    "[link=file:///etc/passwd]x[/link]",
    "[$accent]x[/]",
    "[@click=app.bell(]x[/]",
]
"""Markup that crashes a widget parsing it (section 2.4 of the research note)."""


def injections(folder: Path) -> list[str]:
    """Click actions that would write a file, quit, press a key or run ours."""
    return [
        f"[@click=app.screenshot('victim.txt','{folder}')]CLICK HERE NOW[/]",
        "[@click=app.quit]CLICK HERE NOW[/]",
        "[@click=app.simulate_key('ctrl+s')]CLICK HERE NOW[/]",
        "[@click=app.pwn('x')]CLICK HERE NOW[/]",
        "[@click=app.push_screen('nowhere')]CLICK HERE NOW[/]",
    ]


class Victim(App[None]):
    """Shows `texts` through one widget kind; records any action content runs."""

    BINDINGS = [Binding("ctrl+s", "pwn('ctrl+s')", "Send")]

    def __init__(self, kind: str, texts: list[str]) -> None:
        super().__init__()
        self.kind = kind
        self.texts = texts
        self.ran: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield from KINDS[self.kind](self.texts)

    def action_pwn(self, what: str) -> None:
        self.ran.append(what)


def cells_with_actions_or_links(app: App[object]) -> list[tuple[int, int, str]]:
    """Every cell of the screen whose style carries a click action or a link:
    what markup in content would have made."""
    found = []
    width, height = app.size
    for y in range(height):
        for x in range(width):
            style = app.screen.get_style_at(x, y)
            action = style.meta.get("@click") if style.meta else None
            if action or style.link:
                found.append((x, y, str(action or style.link)))
    return found


def test_the_check_finds_an_action_that_markup_would_make() -> None:
    """`Static(str)` parses markup: the cell check must see it."""

    class Parsed(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("[@click=app.pwn('x')]CLICK[/]")

    async def scan() -> list[tuple[int, int, str]]:
        app = Parsed()
        async with app.run_test(size=(40, 5)) as pilot:
            await pilot.pause()
            return cells_with_actions_or_links(app)

    import asyncio

    assert asyncio.run(scan())


@pytest.mark.parametrize("kind", list(KINDS))
async def test_clicking_markup_actions_in_content_runs_nothing(
    kind: str, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("important data")
    texts = injections(tmp_path) + CRASHERS
    app = Victim(kind, texts)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        live = cells_with_actions_or_links(app)
        for y in range(len(injections(tmp_path)) + 1):
            await pilot.click(offset=(6, y))
        await pilot.pause()

        assert live == []

        assert app.ran == []
        assert app.is_running
        assert app.return_code is None
        assert len(app.screen_stack) == 1 or kind == "select"
    assert app._exception is None
    assert victim.read_text() == "important data"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["victim.txt"]


@pytest.mark.parametrize("kind", ["static", "static_line", "label"])
async def test_bracketed_words_and_broken_markup_show_exactly_as_sent(
    kind: str,
) -> None:
    texts = ["list[int] and arr[i][j]", *CRASHERS]
    app = Victim(kind, texts)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = "\n".join(str(s.render()) for s in app.query(Static))

    assert [text for text in texts if text not in shown] == []
