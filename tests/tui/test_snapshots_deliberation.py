"""Snapshots of a deliberation's page (results with the shift, the survey
form, the discussion) at 80x24 and 120x40, in a world pinned in time.

After a deliberate change of layout, look at the report and run
`pytest tests/tui/test_snapshots_deliberation.py --snapshot-update`.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui import scenes_deliberation as scenes
from tests.tui import snapshot_world as world

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
"""The two terminal sizes every screen must work at."""


class TestDeliberationPage:
    """The page of one deliberation, signed in as ada."""

    @pytest.mark.parametrize("size", SIZES)
    @pytest.mark.parametrize(
        "scene", [name for name in scenes.SCENES if not name.endswith("_ansi")]
    )
    def test_page_matches_its_snapshot(
        self, as_ada: None, snap_compare: Any, scene: str, size: tuple[int, int]
    ) -> None:
        assert snap_compare(
            world.PinnedStatusApp(), terminal_size=size, run_before=scenes.SCENES[scene]
        )

    def test_results_in_sixteen_colours_match_their_snapshot(
        self, as_ada: None, snap_compare: Any
    ) -> None:
        assert snap_compare(
            world.PinnedStatusApp(),
            terminal_size=(80, 24),
            run_before=scenes.deliberation_results_ansi,
        )
