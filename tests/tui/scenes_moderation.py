"""Snapshot scenes of the triage screens, over the frozen world (nothing decided)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.tui.snapshot_world import _section, settled, until


async def _triage(pilot: Any) -> None:
    app = pilot.app
    await _section(pilot, "6", "moderation")
    await pilot.press("t")
    await until(
        pilot,
        lambda: (
            type(app.screen).__name__ == "ModerationQueueScreen" and app.screen.loaded
        ),
    )
    await settled(pilot)


async def triage(pilot: Any) -> None:
    """The triage screen as it opens: the oldest item whole, the next below."""
    await _triage(pilot)


async def triage_marked(pilot: Any) -> None:
    """Three items marked (toggle, then a range), the Spam filter on."""
    await _triage(pilot)
    await pilot.press("f", "f", "m", "j", "j", "M")
    await settled(pilot)


async def triage_ban(pilot: Any) -> None:
    """The ban-length question of `b`."""
    app = pilot.app
    await _triage(pilot)
    await pilot.press("b")
    await until(pilot, lambda: type(app.screen).__name__ == "BanDurationModal")
    await settled(pilot)


async def triage_log(pilot: Any) -> None:
    """The log of this session's decisions, before any."""
    app = pilot.app
    await _triage(pilot)
    await pilot.press("L")
    await until(pilot, lambda: type(app.screen).__name__ == "ModerationLogScreen")
    await settled(pilot)


SCENES: dict[str, Callable[[Any], Any]] = {
    "triage": triage,
    "triage_marked": triage_marked,
    "triage_ban": triage_ban,
    "triage_log": triage_log,
}
"""Scene name → the steps that bring the app to it."""
