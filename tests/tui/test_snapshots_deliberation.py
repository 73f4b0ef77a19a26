"""Snapshots of a deliberation's page (results with the shift, the survey
form, the discussion) at 80x24 and 120x40, in a world pinned in time.

After a deliberate change of layout, look at the report and run
`pytest tests/tui/test_snapshots_deliberation.py --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ratel_tui.sandbox.server import SandboxServer
from tests.tui import scenes_deliberation as scenes
from tests.tui import snapshot_world as world

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
"""The two terminal sizes every screen must work at."""


@pytest.fixture(scope="module")
def frozen_sandbox(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SandboxServer]:
    """One sandbox for the module, seeded at `world.ANCHOR`, with both clocks
    pinned there while the module's tests run."""
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
