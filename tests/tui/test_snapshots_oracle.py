"""Snapshots of the oracle's review screens at 80x24 and 120x40, in a world
pinned in time (see `test_snapshots.py`).

After a deliberate change of layout: `pytest tests/tui/test_snapshots_oracle.py
--snapshot-update`.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui import scenes_oracle
from tests.tui import snapshot_world as world

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
"""The two terminal sizes every screen must work at."""


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scene", list(scenes_oracle.SCENES))
def test_oracle_screen_matches_its_snapshot(
    as_ada: None, snap_compare: Any, scene: str, size: tuple[int, int]
) -> None:
    run_before = scenes_oracle.SCENES[scene]
    assert snap_compare(
        world.PinnedStatusApp(), terminal_size=size, run_before=run_before
    )
