"""The status bar: profile, server, online or offline, rate limit, waits, hints.

State is shown in words and symbols, never by colour alone, so it reads the
same in 16 colours and with NO_COLOR.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from ratel_tui.text import clean_line


@dataclass(frozen=True, slots=True)
class StatusInfo:
    """Everything the bar shows; the app builds a new one when something changes."""

    profile: str = ""
    server: str = ""
    online: bool | None = None
    rate_remaining: int | None = None
    rate_limit: int | None = None
    wait_until: float | None = None
    """Monotonic time at which a wait in progress ends."""
    wait_reason: str = ""
    outbox: int | None = None
    """Pending outbox items; None when there is no outbox to count."""
    hint: str = ""
    """A short hint on the right: a pending key chord, "N new", …"""


class StatusBar(Widget):
    """One line at the bottom of the frame."""

    DEFAULT_CSS = """
    StatusBar { height: 1; padding: 0 1; }
    """

    info: reactive[StatusInfo] = reactive(StatusInfo, layout=False)

    def on_mount(self) -> None:
        # A wait counts down once a second; nothing to do otherwise.
        self.set_interval(1.0, self._tick)
        # A bar of a screen opened later starts from the app's state.
        update = getattr(self.app, "update_status", None)
        if update is not None:
            self.call_after_refresh(update)

    def _tick(self) -> None:
        if self.info.wait_until is not None:
            self.refresh()

    def render(self) -> Text:
        info = self.info
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        if info.online is None:
            line.append("◌ connecting", "dim")
        elif info.online:
            line.append("● online", "bold")
        else:
            line.append("○ OFFLINE", "bold reverse")
        if info.profile:
            line.append(f"  {clean_line(info.profile, max_chars=40)}")
        if info.server:
            line.append(f"@{clean_line(info.server, max_chars=60)}", "dim")
        if info.outbox:
            line.append(f"  outbox {info.outbox}", "bold")
        if info.rate_remaining is not None and info.rate_limit:
            style = "bold" if info.rate_remaining <= info.rate_limit // 10 else "dim"
            line.append(f"  rate {info.rate_remaining}/{info.rate_limit}", style)
        if info.wait_until is not None:
            left = info.wait_until - time.monotonic()
            if left > 0:
                reason = (
                    f" ({clean_line(info.wait_reason, max_chars=40)})"
                    if info.wait_reason
                    else ""
                )
                line.append(f"  waiting {left:.0f}s{reason}", "bold reverse")
        if info.hint:
            line.append(f"  {info.hint}", "bold")
        return line
