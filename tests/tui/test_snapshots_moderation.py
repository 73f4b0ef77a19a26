"""Snapshots of the triage screens at 80x24 and 120x40, in a world pinned in time.

After a deliberate change of layout, look at the report and run
`pytest tests/tui/test_snapshots_moderation.py --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ratel_tui.sandbox.server import SandboxServer
from tests.tui import snapshot_world as world
from tests.tui.scenes_moderation import SCENES

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
"""The two terminal sizes every screen must work at."""


@pytest.fixture(scope="module")
def frozen_sandbox(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SandboxServer]:
    """One sandbox for the module, seeded at `world.ANCHOR`, both clocks pinned."""
    with world.frozen_clocks():
        server = world.start_frozen_sandbox(
            tmp_path_factory.mktemp("frozen") / "world.db"
        )
        yield server
        server.stop()


@pytest.fixture
def as_ada(frozen_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Start the app signed in as ada through the environment."""
    monkeypatch.setenv("RATEL_API_URL", frozen_sandbox.url)
    monkeypatch.setenv("RATEL_API_KEY", frozen_sandbox.key_for("ada"))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scene", list(SCENES))
def test_triage_screen_matches_its_snapshot(
    as_ada: None, snap_compare: Any, scene: str, size: tuple[int, int]
) -> None:
    assert snap_compare(
        world.PinnedStatusApp(), terminal_size=size, run_before=SCENES[scene]
    )
