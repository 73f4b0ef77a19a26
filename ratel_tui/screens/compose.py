"""Compose: a post (title, Space, visibility, type, schedule, media), a
comment or a reply, with every key kept in the draft journal.

The text is saved at most half a second after a change (and on every close),
so a killed process loses at most that. Sending checks what the server
would refuse first, then stores the write in the outbox and closes: the
outbox sends it, now or when the server is back. Escape closes and keeps
the draft (in Drafts, 3); an empty draft is forgotten.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import tempfile
from dataclasses import replace
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Select, Static, TextArea

from ratel_tui import paths
from ratel_tui.screens.base import session_of
from ratel_tui.services.compose import (
    CONTENT_LIMIT,
    POST_TYPES,
    VISIBILITIES,
    outbox_write,
    problems,
)
from ratel_tui.store.journal import Draft
from ratel_tui.store.local import StoreError
from ratel_tui.store.outbox import OutboxItem
from ratel_tui.widgets.safe_text import plain_line
from ratel_tui.widgets.status_bar import StatusBar

SAVE_EVERY_S = 0.5
"""How often unsaved changes go to the journal: at most this much is lost
to a kill."""


class ComposeScreen(Screen[OutboxItem | None]):
    """Write `draft`; dismisses with the outbox item that sends it, or None
    when closed (the draft stays in the journal)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s",
            "send",
            "Send",
            tooltip="Check and send (through the outbox: offline, it waits).",
            id="compose.send",
            priority=True,
        ),
        Binding(
            "ctrl+e",
            "editor",
            "$EDITOR",
            tooltip="Edit the text in $EDITOR and bring it back.",
            id="compose.editor",
            priority=True,
        ),
        Binding(
            "ctrl+t",
            "pick_space",
            "Space",
            tooltip="Choose the Space to post in (type to filter).",
            id="compose.space",
        ),
        Binding(
            "ctrl+o",
            "attach",
            "Attach",
            tooltip="Attach a file (at most 10 MB), with alt text.",
            id="compose.attach",
        ),
        Binding(
            "ctrl+r",
            "server_draft",
            "Server draft",
            tooltip="Save as a draft on the server instead of publishing.",
            id="compose.server_draft",
        ),
        Binding(
            "escape",
            "close",
            "Close (kept)",
            tooltip="Close; the text stays in Drafts.",
            id="compose.close",
        ),
    ]

    def __init__(self, draft: Draft, heading: Text | str | None = None) -> None:
        super().__init__()
        self.draft = draft
        self.heading = heading
        self._dirty = False
        self._save_problem: str | None = None
        self._finished = False

    @property
    def is_post(self) -> bool:
        return self.draft.kind == "post"

    def compose(self) -> ComposeResult:
        fields = self.draft.fields
        with Vertical(id="compose"):
            yield Static(self._heading(), id="compose-heading")
            if self.is_post:
                with Horizontal(id="compose-options"):
                    yield Static(self._space_line(), id="compose-space")
                    yield Select(
                        [(v, v) for v in VISIBILITIES],
                        value=fields.get("visibility") or "public",
                        allow_blank=False,
                        compact=True,
                        id="compose-visibility",
                    )
                    yield Select(
                        [(t, t) for t in POST_TYPES],
                        value=fields.get("type") or "text",
                        allow_blank=False,
                        compact=True,
                        id="compose-type",
                    )
                yield Input(
                    self.draft.title,
                    placeholder="Title (optional)",
                    max_length=400,
                    compact=True,
                    id="compose-title",
                )
                yield Input(
                    str(fields.get("schedule") or ""),
                    placeholder="Schedule: empty for now, or +2h, +1d, 2026-12-24T09:00Z",
                    compact=True,
                    id="compose-schedule",
                )
            yield TextArea(
                self.draft.body, soft_wrap=True, compact=True, id="compose-body"
            )
            yield Static(self._media_line(), id="compose-media")
            yield Static(id="compose-count")
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        area = self.query_one("#compose-body", TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        self._count()
        self.set_interval(SAVE_EVERY_S, self.save_now)
        self._save(editing=True)

    # What is written

    def _heading(self) -> Text:
        if isinstance(self.heading, Text):
            return self.heading
        if self.heading:
            return Text(self.heading)
        headings = {"post": "New post", "edit": "Edit your post"}
        return Text(headings.get(self.draft.kind, "Comment"), style="bold")

    def _space_line(self) -> Text:
        space_id = self.draft.target.get("space_id")
        if not space_id:
            return Text("Space: none (ctrl+t)")
        name = session_of(self).space_names.get(space_id, space_id)
        return Text("Space: ").append_text(plain_line(name, max_chars=30))

    def _media_line(self) -> Text:
        media = self.draft.fields.get("media") or []
        if not media:
            return Text("")
        line = Text("Attached: ")
        for number, item in enumerate(media, 1):
            alt = item.get("alt_text") or "no alt text"
            line.append(f"{number}. ")
            line.append_text(
                plain_line(item.get("name") or item.get("url"), max_chars=40)
            )
            line.append(" (")
            line.append_text(plain_line(alt, max_chars=40))
            line.append(")  ")
        return line

    def _read_form(self) -> Draft:
        """The draft as the form shows it now."""
        body = self.query_one("#compose-body", TextArea).text
        if not self.is_post:
            return self.draft.with_text(body=body)
        title = self.query_one("#compose-title", Input).value
        fields = dict(self.draft.fields)
        fields["visibility"] = self.query_one("#compose-visibility", Select).value
        fields["type"] = self.query_one("#compose-type", Select).value
        fields["schedule"] = self.query_one("#compose-schedule", Input).value
        return replace(self.draft.with_text(body=body, title=title), fields=fields)

    @on(TextArea.Changed)
    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self._dirty = True
        self._count()

    def _count(self) -> None:
        used = len(self.query_one("#compose-body", TextArea).text)
        line = Text(f"{used:,} / {CONTENT_LIMIT:,}")
        if used > CONTENT_LIMIT:
            line.append(f" · {used - CONTENT_LIMIT:,} too many", style="bold reverse")
        if self._save_problem:
            line.append(" · NOT SAVED: ", style="bold reverse")
            line.append(self._save_problem)
        else:
            line.append(" · kept in Drafts" if not self._dirty else " · saving…")
        self.query_one("#compose-count", Static).update(line)

    # Saving

    def save_now(self) -> None:
        """Write unsaved changes to the journal (the timer calls this)."""
        if self._dirty and not self._finished:
            self._save(editing=True)

    def _save(self, *, editing: bool) -> bool:
        self.draft = self._read_form()
        try:
            self.draft = session_of(self).journal.save(self.draft, editing=editing)
        except StoreError as exc:
            if self._save_problem != str(exc):
                self.notify(
                    f"{exc}. The text stays here; send it or copy it out.",
                    severity="error",
                    markup=False,
                    timeout=10,
                )
            self._save_problem = str(exc)
            self._count()
            return False
        self._dirty = False
        self._save_problem = None
        self._count()
        return True

    # Actions

    def action_send(self, server_draft: bool = False) -> None:
        draft = self._read_form()
        found = problems(draft)
        if found:
            self.notify(found[0], severity="warning", markup=False)
            return
        if not self._save(editing=True):
            return
        action, payload, summary = outbox_write(self.draft, server_draft=server_draft)
        session = session_of(self)
        try:
            item = session.write(
                action, payload, summary=summary, draft_id=self.draft.id
            )
        except StoreError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self._finished = True
        self.dismiss(item)

    def action_server_draft(self) -> None:
        if not self.is_post:
            return
        if not session_of(self).supports("post_drafts"):
            self.notify(
                "This server keeps no drafts: yours stays here, in Drafts (3).",
                severity="warning",
            )
            return
        self.action_send(server_draft=True)

    def action_close(self) -> None:
        self._finished = True
        draft = self._read_form()
        journal = session_of(self).journal
        try:
            if (
                not draft.body.strip()
                and not draft.title.strip()
                and not draft.fields.get("media")
            ):
                journal.delete(draft.id)
            else:
                journal.save(draft, editing=False)
                self.notify("Kept in Drafts (3).", timeout=3)
        except StoreError as exc:
            self._finished = False
            self._save_problem = str(exc)
            self._count()
            self.notify(
                f"{exc}. Not closed, so the text is not lost.",
                severity="error",
                markup=False,
            )
            return
        self.dismiss(None)

    def action_pick_space(self) -> None:
        if not self.is_post:
            return
        from ratel_tui.screens.space_picker import SpacePicker

        def chosen(space_id: str | None) -> None:
            if space_id is None:
                return
            target = {**self.draft.target, "space_id": space_id or None}
            self.draft = replace(self.draft, target=target)
            self.query_one("#compose-space", Static).update(self._space_line())
            self._dirty = True

        names = {"": "(no Space)", **session_of(self).space_names}
        self.app.push_screen(SpacePicker(names, "Post in"), chosen)

    def action_attach(self) -> None:
        if not self.is_post:
            return
        from ratel_tui.screens.attach import AttachModal

        def attached(media: dict[str, Any] | None) -> None:
            if media is None:
                return
            fields = dict(self.draft.fields)
            fields["media"] = [*(fields.get("media") or []), media]
            if fields.get("type") in (None, "text") and str(
                media.get("type", "")
            ).startswith("image"):
                fields["type"] = "image"
                self.query_one("#compose-type", Select).value = "image"
            self.draft = replace(self.draft, fields=fields)
            self.query_one("#compose-media", Static).update(self._media_line())
            self._save(editing=True)

        self.app.push_screen(AttachModal(), attached)

    def action_editor(self) -> None:
        """Hand the text to $EDITOR (VISUAL, EDITOR, else vi) and take it back."""
        from ratel_tui.credentials.model import child_environment

        self._save(editing=True)
        area = self.query_one("#compose-body", TextArea)
        command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        fd, name = tempfile.mkstemp(prefix="ratel-", suffix=".md", dir=paths.data_dir())
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                file.write(area.text)
            try:
                with self.app.suspend():
                    finished = subprocess.run(
                        [*shlex.split(command), name],
                        check=False,
                        env=child_environment(),  # never the key
                    )
            except SuspendNotSupported:
                self.notify(
                    "The editor needs a real terminal; the text is unchanged.",
                    severity="warning",
                )
                return
            except (OSError, ValueError) as exc:
                self.notify(
                    f"Cannot run the editor {command!r}: {exc}",
                    severity="error",
                    markup=False,
                )
                return
            if finished.returncode != 0:
                self.notify(
                    f"The editor exited with {finished.returncode}; the text is unchanged.",
                    severity="warning",
                )
                return
            with open(name, encoding="utf-8", errors="replace") as file:
                text = file.read()
        finally:
            with contextlib.suppress(OSError):
                os.remove(name)
        if text.endswith("\n") and not area.text.endswith("\n"):
            text = text[:-1]
        area.load_text(text)
        area.move_cursor(area.document.end)
        self._dirty = True
        self._save(editing=True)

    def on_unmount(self) -> None:
        # The app is quitting with the screen open: the last text goes to
        # disk, still marked open, so the next start offers it back.
        if self._finished:
            return
        with contextlib.suppress(Exception):
            self.draft = self._read_form()
        with contextlib.suppress(StoreError):
            session_of(self).journal.save(self.draft, editing=True)
