"""The Textual app: the frame, navigation, and the few app-wide actions.

What happens at start (find the key, the sandbox, the welcome) lives in
`boot`; the sections and screens in `screens/`. Nothing heavy is imported
here: httpx, pydantic and the sandbox load after the first frame.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from ratel_tui.screens.main import SECTIONS, MainScreen
from ratel_tui.themes import DEFAULT_THEME, load_themes, styles_dir
from ratel_tui.widgets.status_bar import StatusBar, StatusInfo

if TYPE_CHECKING:
    from ratel_tui.sandbox.server import SandboxServer
    from ratel_tui.services.session import Session


PRUNE_EVERY_S = 5.0
"""How often what closed widgets leave behind (watchers, cached lines) is
freed (see `widgets.watchers`)."""


class RatelApp(App[int]):
    """ratel-tui: Spaces, posts, deliberations and the oracle, by keyboard."""

    TITLE = "ratel"
    CSS_PATH = str(styles_dir() / "app.tcss")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        *(
            Binding(
                key,
                f"section('{section}')",
                name,
                id=f"app.section.{section}",
                show=False,
            )
            for section, (key, name, _) in SECTIONS.items()
        ),
        Binding("g", "goto", "Go to…", id="app.goto", show=False),
        Binding("question_mark", "keys", "Keys", id="app.keys"),
        Binding("P", "my_profile", "My profile", id="app.profile", show=False),
        Binding("w", "write", "Write a post", id="app.write"),
        Binding("O", "outbox", "Outbox", id="app.outbox", show=False),
        Binding("q", "back_or_quit", "Back / quit", id="app.back"),
        Binding("ctrl+c", "quit", "Quit", id="app.quit", show=False, priority=True),
    ]

    def __init__(
        self, *, sandbox: bool = False, profile: str | None = None, debug: bool = False
    ) -> None:
        super().__init__()
        self.use_sandbox = sandbox
        self.profile_flag = profile
        self.debug_mode = debug
        self.session: Session | None = None  # type: ignore[assignment]
        self.sandbox_server: SandboxServer | None = None
        self.moderator = False

    def on_mount(self) -> None:
        for theme in load_themes():
            self.register_theme(theme)
        self.theme = (
            DEFAULT_THEME if DEFAULT_THEME in self.available_themes else "textual-dark"
        )
        from ratel_tui.boot import Boot

        Boot(self).begin()
        self.set_interval(PRUNE_EVERY_S, self._free_closed_widgets)

    # Navigation (what screens ask of the app: screens.base.Navigator)

    def open_post(self, post_id: str) -> None:
        from ratel_tui.screens.post import PostScreen

        self.push_screen(PostScreen(post_id))

    def open_user(self, user_id: str) -> None:
        from ratel_tui.screens.profile import ProfileScreen

        self.push_screen(ProfileScreen(user_id))

    def open_space(self, space_id: str) -> None:
        from ratel_tui.screens.space import SpaceScreen

        self.push_screen(SpaceScreen(space_id))

    def action_write(self) -> None:
        if self.session is None:
            return
        from ratel_tui.screens.writing import new_post

        space = getattr(self.screen, "space_id", None)
        new_post(self, space if isinstance(space, str) else None)

    def action_outbox(self) -> None:
        if self.session is None or type(self.screen).__name__ == "OutboxScreen":
            return
        from ratel_tui.screens.outbox import OutboxScreen

        self.push_screen(OutboxScreen())

    def offer_restore(self) -> None:
        """Offer back what was being written when the app last stopped."""
        from ratel_tui.screens.writing import offer_restore

        offer_restore(self)

    def report_error(self, error: BaseException, doing: str) -> None:
        from ratel_tui.screens.base import error_line

        self.notify(
            f"{doing}: {error_line(error)}", severity="error", markup=False, timeout=8
        )

    @property
    def main(self) -> MainScreen | None:
        """The frame, once signed in."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    async def action_section(self, section: str) -> None:
        main = self.main
        if main is None or section not in main.sections:
            return
        while self.screen is not main:
            self.pop_screen()
        await main.show(section)

    def action_goto(self) -> None:
        from ratel_tui.screens.goto import GotoScreen

        main = self.main
        available = set(main.sections if main else []) | {"top", "bottom", "profile"}

        async def chosen(target: str | None) -> None:
            if target in ("top", "bottom"):
                focused: Any = self.focused
                action = getattr(
                    focused, f"action_{'top' if target == 'top' else 'bottom'}", None
                )
                if action is None:
                    action = getattr(
                        focused,
                        f"action_scroll_{'home' if target == 'top' else 'end'}",
                        None,
                    )
                if action is not None:
                    action()
            elif target == "profile":
                self.action_my_profile()
            elif target:
                await self.action_section(target)

        self.push_screen(GotoScreen(available), chosen)

    def action_keys(self) -> None:
        from ratel_tui.screens.keys import KeysScreen, describe_bindings

        if type(self.screen).__name__ == "KeysScreen":
            return
        title = f"Keys · {type(self.screen).__name__.removesuffix('Screen') or 'ratel'}"
        self.push_screen(KeysScreen(describe_bindings(self.screen), title))

    def action_my_profile(self) -> None:
        if self.session is not None and self.session.me is not None:
            self.open_user(self.session.me.id)

    def action_back_or_quit(self) -> None:
        if (
            len(self.screen_stack) > 2
            and self.main is not None
            and self.screen is not self.main
        ):
            self.pop_screen()
        else:
            self.exit(0)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        from ratel_tui.screens.commands import commands_for

        yield from super().get_system_commands(screen)
        yield from commands_for(self, screen)

    # Status bar

    def update_status(self, hint: str | None = None) -> None:
        """Redraw every status bar (the frame's and those of screens over it)
        from the session's state; `hint` replaces the bars' hint."""
        session = self.session
        if session is None:
            return
        status = session.status
        limit = status.rate_limit
        info = StatusInfo(
            profile=session.me.username if session.me else session.profile,
            server=session.display_host,
            online=status.online,
            rate_remaining=limit.remaining if limit else None,
            rate_limit=limit.limit if limit else None,
            wait_until=status.wait_until,
            wait_reason=status.wait_reason,
            outbox=status.outbox,
        )
        for screen in self.screen_stack:
            for bar in screen.query(StatusBar):
                bar.info = replace(info, hint=bar.info.hint if hint is None else hint)

    def _free_closed_widgets(self) -> None:
        from textual.widgets import Footer

        from ratel_tui.widgets.watchers import (
            forget_closed_style_caches,
            prune_closed_watchers,
        )

        forget_closed_style_caches()
        prune_closed_watchers(self)
        for screen in self.screen_stack:
            prune_closed_watchers(screen)
            for footer in screen.query(Footer):
                prune_closed_watchers(footer)

    def watch_theme(self, theme: str) -> None:
        if self.session is not None:
            from ratel_tui.boot import remember_theme

            self.run_worker(remember_theme(theme), group="theme", exclusive=True)

    def _fatal_error(self) -> None:
        """An unexpected error ends the app with one line, never a traceback
        with local variables (which could hold the key)."""
        from ratel_tui.boot import fatal_renderable

        self.bell()
        self._exit_renderables.append(
            fatal_renderable(self._exception, debug=self.debug_mode)
        )
        self._close_messages_no_wait()

    async def on_unmount(self) -> None:
        from ratel_tui.boot import shut_down

        await shut_down(self)
