"""Fixtures of the snapshot tests: a world pinned in time, and ada signed in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ratel_tui.sandbox.server import SandboxServer
from tests.tui import snapshot_world as world


@pytest.fixture(scope="module")
def frozen_sandbox(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SandboxServer]:
    """One sandbox for the module, seeded at `world.ANCHOR`, with both clocks
    pinned there for as long as the module's tests run: ages, deliberation
    phases and the analytics window then read the same on any day."""
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
