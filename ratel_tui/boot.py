"""How the app starts and stops: find a key or the sandbox, open the session,
show the frame; or end on a screen that says what to do.

Runs after the first frame (the connecting screen), so the imports of the
service layer and the sandbox do not delay it.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from rich.text import Text

from ratel_tui.screens.start import (
    ConnectingScreen,
    KeepKeyScreen,
    SignIn,
    StartErrorScreen,
    WelcomeScreen,
)

if TYPE_CHECKING:
    from ratel_tui.app import RatelApp
    from ratel_tui.services.connect import Start


class Boot:
    """The start of one app: a loop of steps, each naming the next, until the
    frame is open (or the user quits from one of the start screens)."""

    def __init__(self, app: RatelApp) -> None:
        self.app = app
        self.start: Start | None = None
        self.problem = ""
        self.api_url = ""

    def begin(self) -> None:
        self.app.push_screen(ConnectingScreen())
        # After the first frame: the imports of the service layer compete with it.
        self.app.call_after_refresh(
            lambda: self.app.run_worker(self._run(), group="boot", exclusive=True)
        )

    async def _run(self) -> None:
        step: str | None = "sandbox" if self.app.use_sandbox else "first"
        while step is not None:
            step = await getattr(self, f"_{step}")()

    async def _ask(self, screen: Any) -> Any:
        """Show `screen` instead of the start screen in view and wait for its answer."""
        if len(self.app.screen_stack) > 1:
            await self.app.pop_screen()
        return await self.app.push_screen_wait(screen)

    async def _connecting(self, what: str) -> None:
        screen = self.app.screen
        if isinstance(screen, ConnectingScreen):
            screen.say(what)
            return
        if len(self.app.screen_stack) > 1:
            await self.app.pop_screen()
        await self.app.push_screen(ConnectingScreen(what))

    async def _first(self) -> str | None:
        from ratel_tui.services.connect import StartError, find_start

        await self._connecting("Connecting…")
        try:
            # The keyring may take a while (each call has its own time limit).
            self.start = await asyncio.to_thread(find_start, self.app.profile_flag)
        except StartError as exc:
            return await self._failed(exc.title, str(exc))
        start = self.start
        if start.key is None or start.api_url is None:
            self.api_url = start.settings.profile(start.profile).api_url
            return "welcome"
        self.api_url = start.api_url
        return await self._sign_in(start.profile, start.api_url, start.key)

    async def _sandbox(self) -> str | None:
        from ratel_tui.services.connect import SANDBOX_USER, StartError, start_sandbox

        await self._connecting("Starting the sandbox…")
        try:
            if self.app.sandbox_server is None:
                self.app.sandbox_server = await asyncio.to_thread(start_sandbox)
        except StartError as exc:
            return await self._failed(exc.title, str(exc))
        server = self.app.sandbox_server
        key = server.key_for(SANDBOX_USER)
        return await self._sign_in("sandbox", server.url, key, cache=False)

    async def _sign_in(
        self, profile: str, api_url: str, key: str, *, cache: bool = True
    ) -> str | None:
        from ratel_tui.services.connect import (
            StartError,
            cache_path,
            local_path,
            open_session,
        )

        await self._connecting(f"Connecting to {api_url}…")
        await asyncio.to_thread(_warm_imports)
        try:
            path = await asyncio.to_thread(cache_path, profile) if cache else None
            local = await asyncio.to_thread(local_path, profile)
            session = await open_session(profile, api_url, key, cache=path, local=local)
        except StartError as exc:
            return await self._failed(exc.title, str(exc))
        await self._opened(session)
        return None

    async def _failed(self, title: str, message: str) -> str | None:
        choice = await self._ask(StartErrorScreen(title, message))
        return {"retry": "first", "sandbox": "sandbox", "welcome": "welcome"}.get(
            choice
        )

    async def _welcome(self) -> str | None:
        from ratel_tui import credentials
        from ratel_tui.services.connect import (
            StartError,
            cache_path,
            local_path,
            open_session,
        )

        sign_in: SignIn = await self._ask(
            WelcomeScreen(self.api_url or _default_url(), self.problem)
        )
        if sign_in.sandbox:
            self.app.use_sandbox = True
            return "sandbox"
        self.api_url = sign_in.api_url
        profile = self.start.profile if self.start else "default"
        await self._connecting(f"Checking the key with {sign_in.api_url}…")
        try:
            path = await asyncio.to_thread(cache_path, profile)
            local = await asyncio.to_thread(local_path, profile)
            session = await open_session(
                profile, sign_in.api_url, sign_in.key, cache=path, local=local
            )
        except StartError as exc:
            self.problem = f"{exc.title}: {exc}"
            return "welcome"
        try:
            await asyncio.to_thread(credentials.store, profile, sign_in.key, "keyring")
            await asyncio.to_thread(_save_profile, profile, session.base_url)
        except credentials.KeyringUnavailable as exc:
            choice = await self._ask(
                KeepKeyScreen(str(exc), credentials.plaintext_warning())
            )
            if choice == "file":
                await self._store_in_file(profile, sign_in.key, session.base_url)
        except Exception as exc:  # noqa: BLE001 - the session still works
            self.app.notify(
                f"The key could not be saved: {exc}", severity="error", markup=False
            )
        await self._opened(session)
        return None

    async def _store_in_file(self, profile: str, key: str, api_url: str) -> None:
        from ratel_tui import credentials

        try:
            result = await asyncio.to_thread(credentials.store, profile, key, "file")
            await asyncio.to_thread(_save_profile, profile, api_url)
        except Exception as exc:  # noqa: BLE001 - the session still works
            self.app.notify(
                f"The key could not be saved: {exc}", severity="error", markup=False
            )
            return
        self.app.notify(
            f"Key saved: {result.warning}", severity="warning", markup=False, timeout=15
        )

    async def _opened(self, session: Any) -> None:
        from ratel_tui.screens.main import SECTIONS, MainScreen

        app = self.app
        from ratel_tui.screens.writing import announce

        app.session = session
        session.add_listener(app.update_status)
        session.sender.listeners.append(lambda outcome: announce(app, outcome))
        sections = [name for name in SECTIONS if name != "moderation"]
        main = MainScreen(sections)
        if len(app.screen_stack) > 1:
            await app.switch_screen(main)
        else:
            await app.push_screen(main)
        self._apply_settings()
        session.count_outbox()
        app.update_status()
        await main.show("feed")
        app.run_worker(self._check_moderator(main), group="boot-moderator")
        app.run_worker(session.sender.run(), group="outbox", exit_on_error=False)
        moved = session.local.moved_aside
        if moved is not None:
            app.notify(
                f"The local drafts file could not be read and was moved to {moved}; "
                "a new one was started.",
                severity="warning",
                markup=False,
                timeout=15,
            )
        app.offer_restore()

    async def _check_moderator(self, main: Any) -> None:
        from ratel_tui.screens.moderation import moderates

        try:
            if await moderates(self.app.session):
                self.app.moderator = True
                main.set_sections([*main.sections, "moderation"])
        except Exception:  # noqa: BLE001 - no Moderation section: the safe side
            return

    def _apply_settings(self) -> None:
        app = self.app
        settings = self.start.settings if self.start else None
        if settings is None:
            return
        if settings.theme and settings.theme in app.available_themes:
            app.theme = settings.theme
        keymap, problems = keymap_from(settings.keys)
        if keymap:
            app.set_keymap(keymap)
        for problem in problems:
            app.notify(problem, severity="warning", markup=False, timeout=10)


def _warm_imports() -> None:
    """Import the service layer in a thread, not on the event loop."""
    import ratel_tui.api.models.posts
    import ratel_tui.api.models.users
    import ratel_tui.services.session  # noqa: F401


def _default_url() -> str:
    from ratel_tui.settings import DEFAULT_API_URL

    return DEFAULT_API_URL


def _save_profile(profile: str, api_url: str) -> None:
    from ratel_tui.settings import save_profile

    save_profile(profile, api_url)


def keymap_from(keys: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """The `[keys]` table of config.toml as a Textual keymap, and its problems."""
    keymap: dict[str, str] = {}
    problems = []
    for binding_id, value in keys.items():
        if isinstance(value, list) and all(isinstance(key, str) for key in value):
            value = ",".join(value)
        if not isinstance(value, str) or not value.strip():
            problems.append(
                f'config.toml [keys] {binding_id}: expected a key like "j" or "ctrl+n"'
            )
            continue
        keymap[binding_id] = value.replace(" ", "")
    return keymap, problems


async def remember_theme(theme: str) -> None:
    """Keep the chosen theme in config.toml (best effort)."""
    from ratel_tui.settings import SettingsError, set_theme

    try:
        await asyncio.to_thread(set_theme, theme)
    except (SettingsError, OSError):
        return


def fatal_renderable(error: BaseException | None, *, debug: bool) -> Any:
    """What the terminal shows after an unexpected error: one line, or with
    `--debug` a traceback without local variables, keys redacted."""
    from ratel_tui.api.redaction import KEY_PATTERN, REDACTED

    name = type(error).__name__ if error else "error"
    if not debug:
        return Text(
            f"ratel-tui stopped on an unexpected error ({name}). Nothing you "
            "wrote is lost; run with --debug to see where.",
        )
    import traceback

    lines = traceback.format_exception(error) if error else []
    return Text(KEY_PATTERN.sub(REDACTED, "".join(lines)))


async def shut_down(app: RatelApp) -> None:
    """Close the session and stop the sandbox of this process."""
    session = app.session
    if session is not None:
        # Workers were cancelled, but a store call they handed to a thread may
        # still be running: once the stores are closed it fails, and asyncio
        # would print that unread failure with its traceback after the app.
        asyncio.get_running_loop().set_exception_handler(_quiet_after_close)
        with contextlib.suppress(Exception):
            await session.close()
    server = app.sandbox_server
    if server is not None:
        await asyncio.to_thread(server.stop)


def _quiet_after_close(
    loop: asyncio.AbstractEventLoop, context: dict[str, Any]
) -> None:
    """Drop the unread failures of store calls cut off by closing the stores."""
    import sqlite3

    from ratel_tui.store.local import StoreError

    if isinstance(context.get("exception"), StoreError | sqlite3.ProgrammingError):
        return
    loop.default_exception_handler(context)
