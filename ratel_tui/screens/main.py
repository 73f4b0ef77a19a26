"""The frame: a line of sections, the section in view, the status bar, the footer.

Sections are mounted the first time they are shown, so start-up pays only
for the feed. The Moderation section is listed only for moderators.
"""

from __future__ import annotations

import asyncio
from importlib import import_module

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Footer, Static

from ratel_tui.widgets.status_bar import StatusBar

SECTIONS: dict[str, tuple[str, str, str]] = {
    "feed": ("1", "Feed", "ratel_tui.screens.feed:FeedSection"),
    "spaces": ("2", "Spaces", "ratel_tui.screens.spaces:SpacesSection"),
    "drafts": ("3", "Drafts", "ratel_tui.screens.drafts:DraftsSection"),
    "deliberations": (
        "4",
        "Deliberations",
        "ratel_tui.screens.deliberations:DeliberationsSection",
    ),
    "oracle": ("5", "Oracle", "ratel_tui.screens.oracle:OracleSection"),
    "moderation": ("6", "Moderation", "ratel_tui.screens.moderation:ModerationSection"),
}
"""Each section's number key, name, and where its widget class lives."""


def section_class(section: str) -> type[Widget]:
    """The widget class of `section`, imported on first use."""
    module, _, name = SECTIONS[section][2].partition(":")
    found: type[Widget] = getattr(import_module(module), name)
    return found


class MainScreen(Screen[None]):
    """The app's frame once signed in."""

    DEFAULT_CSS = """
    MainScreen ContentSwitcher { height: 1fr; }
    MainScreen ContentSwitcher > * { height: 1fr; }
    """

    def __init__(self, sections: list[str]) -> None:
        super().__init__()
        self.sections = sections
        self.current = ""
        self._ready = asyncio.Event()
        """Set once composed and mounted: `show` may be asked before that."""

    def compose(self) -> ComposeResult:
        yield Static(Text(""), id="sections-bar")
        yield ContentSwitcher(id="frame")
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self._ready.set()

    async def show(self, section: str) -> Widget | None:
        """Switch to `section`, mounting it the first time; the section widget."""
        if section not in self.sections:
            return None
        # A start retried quickly can ask before the frame is composed.
        await asyncio.wait_for(self._ready.wait(), timeout=10)
        switcher = self.query_one(ContentSwitcher)
        widget_id = f"section-{section}"
        found = switcher.query(f"#{widget_id}")
        if found:
            widget = found.first()
        else:
            widget = section_class(section)()
            if widget.id is None:
                widget.id = widget_id
            elif widget.id != widget_id:
                raise ValueError(f"section {section} must have the id {widget_id}")
            await switcher.mount(widget)
        switcher.current = widget_id
        self.current = section
        self._draw_bar()
        shown = getattr(widget, "on_shown", None)
        if shown is not None:
            shown()
        return widget

    def set_sections(self, sections: list[str]) -> None:
        """Change which sections are listed (Moderation appears for moderators)."""
        self.sections = sections
        self._draw_bar()
        self.refresh_bindings()

    def _draw_bar(self) -> None:
        bar = Text(no_wrap=True, overflow="ellipsis", end="")
        for section in self.sections:
            key, name, _ = SECTIONS[section]
            label = f" {key} {name} "
            if section == self.current:
                bar.append(f"▸{label.strip()} ", style="bold reverse")
            else:
                bar.append(label)
        bar.append("   ? keys · ctrl+p commands", style="dim")
        self.query_one("#sections-bar", Static).update(bar)
