"""Scenes of a deliberation's page in the pinned world, for the snapshot
tests and `scripts/screenshots.py`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tests.tui.snapshot_world import _section, settled, until


async def _open(pilot: Any, title_starts: str, tab: str | None = None) -> None:
    """Open the page of the deliberation whose title starts so, from section 4."""
    from ratel_tui.screens.deliberation import DeliberationScreen

    app = pilot.app
    await _section(pilot, "4", "deliberations")
    section = app.main.query_one("DeliberationsSection")
    chosen = next(d for d in section.everything if d.title.startswith(title_starts))
    app.push_screen(DeliberationScreen(chosen.id))
    await until(pilot, lambda: isinstance(app.screen, DeliberationScreen))
    await until(pilot, lambda: app.screen.item is not None)
    await settled(pilot)
    if tab is not None:
        app.screen.action_show_tab(tab)
        await settled(pilot)


async def deliberation_results(pilot: Any) -> None:
    """A completed deliberation's results: the pre/post shift at a glance."""
    await _open(pilot, "Heat-action plan", "results")


async def deliberation_results_ansi(pilot: Any) -> None:
    """The same results in the 16-colour `ansi-dark` theme."""
    await deliberation_results(pilot)
    pilot.app.theme = "ansi-dark"
    await settled(pilot)


async def deliberation_survey(pilot: Any) -> None:
    """An open pre-survey ada has not answered: the form."""
    await _open(pilot, "Library opening hours", "survey")


async def deliberation_discussion(pilot: Any) -> None:
    """A deliberation in its discussion phase: the threads."""
    await _open(pilot, "Participatory budgeting", "discussion")


SCENES: dict[str, Callable[[Any], Awaitable[None]]] = {
    "deliberation_results": deliberation_results,
    "deliberation_results_ansi": deliberation_results_ansi,
    "deliberation_survey": deliberation_survey,
    "deliberation_discussion": deliberation_discussion,
}
"""The deliberation page's scenes, by name (signed in as ada)."""
