"""A real session against a sandbox, and a small host app for one screen.

The host implements what screens ask of the app (`screens.base.Navigator`)
by pushing the same screens the real app pushes, and records the errors it
is told about, so a test can assert that a failure was reported.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual.app import App
from textual.screen import Screen

from ratel_tui.sandbox.server import SandboxServer
from ratel_tui.services.session import Session
from ratel_tui.store.cache import ReadCache


@asynccontextmanager
async def open_session(
    server: SandboxServer, username: str = "ada", *, cache: Path | None = None
) -> AsyncIterator[Session]:
    """A session of `username` on `server`, opened (me and features known)."""
    session = Session(
        profile="test",
        base_url=server.url,
        token=server.key_for(username),
        cache=ReadCache(cache),
    )
    await session.open()
    try:
        yield session
    finally:
        await session.close()


class Host(App[None]):
    """Shows one screen over a real session."""

    def __init__(
        self, session: Session, make_screen: Callable[[], Screen[Any]]
    ) -> None:
        super().__init__()
        self.session = session
        self.errors: list[tuple[str, BaseException]] = []
        self._make_screen = make_screen

    def on_mount(self) -> None:
        self.push_screen(self._make_screen())

    def open_post(self, post_id: str) -> None:
        from ratel_tui.screens.post import PostScreen

        self.push_screen(PostScreen(post_id))

    def open_user(self, user_id: str) -> None:
        from ratel_tui.screens.profile import ProfileScreen

        self.push_screen(ProfileScreen(user_id))

    def open_space(self, space_id: str) -> None:
        from ratel_tui.screens.space import SpaceScreen

        self.push_screen(SpaceScreen(space_id))

    def report_error(self, error: BaseException, doing: str) -> None:
        self.errors.append((doing, error))
        self.notify(f"{doing}: {error}", severity="error", markup=False)


async def settle(app: App[Any], pilot: Any, *, timeout: float = 10.0) -> None:
    """Wait until the app's workers are done and the screen has refreshed."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    await pilot.pause()
    while any(not worker.is_finished for worker in app.workers):
        if loop.time() > deadline:
            raise AssertionError("workers still running after the timeout")
        await asyncio.sleep(0.02)
    await pilot.pause()
