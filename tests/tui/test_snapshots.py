"""Snapshots of the main screens at 80x24 and 120x40, in a world pinned in time.

Baselines live in `__snapshots__/`; after a deliberate change of layout, look
at the report and run `pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from typing import Any

import pytest

from ratel_tui.sandbox.server import SandboxServer
from tests.tui import snapshot_world as world

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
"""The two terminal sizes every screen must work at."""


class TestSignedIn:
    """The frame and the screens opened from it, signed in as ada."""

    @pytest.mark.parametrize("size", SIZES)
    @pytest.mark.parametrize("scene", list(world.SIGNED_IN_SCENES))
    def test_screen_matches_its_snapshot(
        self, as_ada: None, snap_compare: Any, scene: str, size: tuple[int, int]
    ) -> None:
        run_before = world.SIGNED_IN_SCENES[scene]
        assert snap_compare(
            world.PinnedStatusApp(), terminal_size=size, run_before=run_before
        )

    def test_feed_in_sixteen_colours_matches_its_snapshot(
        self, as_ada: None, snap_compare: Any
    ) -> None:
        assert snap_compare(
            world.PinnedStatusApp(), terminal_size=(80, 24), run_before=world.feed_ansi
        )


class TestStart:
    """The screens a start can end on before the frame opens."""

    @pytest.mark.parametrize("size", SIZES)
    def test_welcome_without_credentials_matches_its_snapshot(
        self, frozen_sandbox: SandboxServer, snap_compare: Any, size: tuple[int, int]
    ) -> None:
        assert snap_compare(
            world.PinnedStatusApp(), terminal_size=size, run_before=world.welcome
        )

    @pytest.mark.parametrize("size", SIZES)
    def test_revoked_key_error_matches_its_snapshot(
        self,
        frozen_sandbox: SandboxServer,
        monkeypatch: pytest.MonkeyPatch,
        snap_compare: Any,
        size: tuple[int, int],
    ) -> None:
        monkeypatch.setenv("RATEL_API_URL", frozen_sandbox.url)
        monkeypatch.setenv("RATEL_API_KEY", world.REVOKED_KEY)
        assert snap_compare(
            world.PinnedStatusApp(), terminal_size=size, run_before=world.start_error
        )
