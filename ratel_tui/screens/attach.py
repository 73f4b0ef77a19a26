"""Attach a file to a post: a path (tab completes it), alt text, then the
upload with a progress bar. The 10 MB limit is checked before any byte is sent."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, ProgressBar, Static

from ratel_tui.api.errors import ApiError
from ratel_tui.screens.base import error_line, session_of
from ratel_tui.services.compose import check_media


class PathSuggester(Suggester):
    """Completes the last part of a path from the files that are there."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        expanded = os.path.expanduser(value)
        folder, _, start = expanded.rpartition(os.sep)
        try:
            names = sorted(os.listdir(folder or "."))
        except OSError:
            return None
        for name in names:
            if name.startswith(start) and name != start and not name.startswith("."):
                rest = name[len(start) :]
                if os.path.isdir(os.path.join(folder or ".", name)):
                    rest += os.sep
                return value + rest
        return None


class AttachModal(ModalScreen[dict[str, Any] | None]):
    """Dismisses with the uploaded media (`url`, `type`, `alt_text`, `name`), or None."""

    DEFAULT_CSS = """
    AttachModal { align: center middle; }
    AttachModal > Vertical {
        width: 70; max-width: 100%; height: auto;
        border: round $primary; background: $surface; padding: 0 1;
    }
    AttachModal ProgressBar { display: none; }
    AttachModal ProgressBar.shown { display: block; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="attach.cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Attach a file"
            yield Input(
                placeholder="path (tab or → completes)",
                suggester=PathSuggester(),
                id="attach-path",
            )
            yield Input(
                placeholder="alt text: what it shows, for screen readers",
                id="attach-alt",
            )
            yield ProgressBar(total=100, show_eta=False, id="attach-progress")
            yield Static(Text("enter uploads · esc cancels"), id="attach-status")

    @on(Input.Submitted, "#attach-path")
    def _to_alt(self) -> None:
        if self._checked_path() is not None:
            self.query_one("#attach-alt", Input).focus()

    @on(Input.Submitted, "#attach-alt")
    def _submit(self) -> None:
        path = self._checked_path()
        if path is not None:
            self.upload(path, self.query_one("#attach-alt", Input).value.strip())

    def _checked_path(self) -> Path | None:
        text = self.query_one("#attach-path", Input).value.strip()
        if not text:
            self._say("Type the path of a file")
            return None
        path = Path(os.path.expanduser(text))
        try:
            check_media(path)
        except ValueError as exc:
            self._say(str(exc))
            return None
        return path

    def _say(self, line: str) -> None:
        self.query_one("#attach-status", Static).update(Text(line))

    @work(exclusive=True, group="upload", exit_on_error=False)
    async def upload(self, path: Path, alt_text: str) -> None:
        from ratel_tui.api import media as media_api

        bar = self.query_one(ProgressBar)
        bar.add_class("shown")
        self._say(f"Uploading {path.name}…")

        def progress(sent: int, total: int) -> None:
            bar.update(total=max(total, 1), progress=sent)

        try:
            media = await session_of(self).call(
                lambda client: media_api.upload(
                    client, path, alt_text=alt_text or None, on_progress=progress
                )
            )
        except ApiError as exc:
            self._say(f"Not attached: {error_line(exc)}")
            bar.remove_class("shown")
            return
        except OSError as exc:
            self._say(f"Cannot read {path}: {exc.strerror or exc}")
            bar.remove_class("shown")
            return
        self.dismiss(
            {
                "url": media.url,
                "type": media.type,
                "alt_text": alt_text or None,
                "name": path.name,
            }
        )

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "upload")
        self.dismiss(None)
