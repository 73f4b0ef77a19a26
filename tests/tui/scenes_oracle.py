"""Scenes of the oracle's review screens in the pinned world, for the snapshot
tests and `scripts/screenshots.py`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tests.tui.snapshot_world import _section, settled, until


async def verification(pilot: Any) -> None:
    """The first request of ada's review queue, opened from the Oracle section."""
    app = pilot.app
    await _section(pilot, "5", "oracle")
    await pilot.press("enter")
    await until(pilot, lambda: type(app.screen).__name__ == "VerificationScreen")
    await settled(pilot)


async def verification_comment(pilot: Any) -> None:
    """The comment asked before an approval (`a`)."""
    app = pilot.app
    await verification(pilot)
    await pilot.press("a")
    await until(pilot, lambda: type(app.screen).__name__ == "NoteModal")
    await settled(pilot)


async def verification_new(pilot: Any) -> None:
    """The form of a new request (`n` in the Oracle section)."""
    app = pilot.app
    await _section(pilot, "5", "oracle")
    await pilot.press("n")
    await until(pilot, lambda: type(app.screen).__name__ == "NewVerificationScreen")
    await settled(pilot)


SCENES: dict[str, Callable[[Any], Awaitable[None]]] = {
    "verification": verification,
    "verification_comment": verification_comment,
    "verification_new": verification_new,
}
"""The oracle's scenes by name."""
