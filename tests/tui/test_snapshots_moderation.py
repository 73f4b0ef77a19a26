"""Snapshots of the triage screens at 80x24 and 120x40, in a world pinned in time.

After a deliberate change of layout, look at the report and run
`pytest tests/tui/test_snapshots_moderation.py --snapshot-update`.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui import snapshot_world as world
from tests.tui.scenes_moderation import SCENES

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
"""The two terminal sizes every screen must work at."""


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scene", list(SCENES))
def test_triage_screen_matches_its_snapshot(
    as_ada: None, snap_compare: Any, scene: str, size: tuple[int, int]
) -> None:
    assert snap_compare(
        world.PinnedStatusApp(), terminal_size=size, run_before=SCENES[scene]
    )
