"""The triage screen: one moderation item whole, the next ones below, one key a decision."""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from ratel_tui.api import moderation as moderation_api
from ratel_tui.api import users as users_api
from ratel_tui.api.errors import ApiError
from ratel_tui.screens.base import error_line, session_of
from ratel_tui.screens.dialogs import NOTE_LIMIT, Confirm
from ratel_tui.screens.moderation import QUEUE_CODEC, moderated_spaces
from ratel_tui.screens.moderation_view import (
    QUEUE_BINDINGS,
    BanDurationModal,
    duration_words,
    item_row,
    item_whole,
)
from ratel_tui.screens.note import NoteModal
from ratel_tui.services import moderation as mod
from ratel_tui.store.audit import AuditLog, audit_path
from ratel_tui.store.journal import Draft, new_draft
from ratel_tui.store.local import StoreError
from ratel_tui.widgets.safe_text import plain_line
from ratel_tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from ratel_tui.services.sender import Outcome
    from ratel_tui.services.session import Session

log = logging.getLogger(__name__)

QUEUE_PAGE = 100
"""Pending items read per request."""

QUEUE_PAGES = 5
"""Pages read per Space at most (500 items)."""

SETTLED = ("sent", "refused")
"""Decision states the server's answer settles (kept in the audit log)."""


class ModerationQueueScreen(Screen[None]):
    """Triage: the focused item whole, the next items below, a key per decision."""

    DEFAULT_CSS = """
    ModerationQueueScreen #mq-counter { height: auto; max-height: 3; text-style: bold; }
    ModerationQueueScreen #mq-filters { height: 1; color: $text-muted; }
    ModerationQueueScreen #mq-focus { height: 1fr; border-top: solid $accent; }
    ModerationQueueScreen #mq-next { height: 35%; border-top: solid $accent; }
    ModerationQueueScreen #mq-filter { display: none; }
    ModerationQueueScreen #mq-filter.shown { display: block; }
    """

    BINDINGS: ClassVar[list[BindingType]] = QUEUE_BINDINGS

    def __init__(
        self,
        space_ids: tuple[str, ...] | None = None,
        *,
        templates: dict[str, mod.Template] | None = None,
        audit: AuditLog | None = None,
    ) -> None:
        super().__init__()
        self.space_ids = space_ids
        self.templates = templates
        self.audit = audit
        self._own_audit = audit is None
        self.triage = mod.Triage()
        self.spaces: dict[str, str] = {}
        self.filters = mod.saved_filters({})
        self.filter_index = 0
        self.text_filter = ""
        self.index = 0
        self.marks: set[str] = set()
        self.last_mark: str | None = None
        self.last_duration: int | None | bool = False
        """The last ban length chosen (False: none yet)."""
        self.said = ""
        self.loaded = False
        self.activity: dict[str, list[Any]] = {}
        self._helpers = 0
        self.note: Draft | None = None
        """A note written for the next decision (kept in the journal)."""

    def compose(self) -> ComposeResult:
        yield Static(Text("Loading the queues…"), id="mq-counter")
        yield Static(Text(""), id="mq-filters")
        with VerticalScroll(id="mq-focus"):
            yield Static(Text(""), id="mq-item")
        yield Static(Text(""), id="mq-next")
        yield Input(
            placeholder="text or @author (enter keeps, escape clears)", id="mq-filter"
        )
        yield StatusBar()
        yield Footer()

    # Life

    def on_mount(self) -> None:
        session = session_of(self)
        if self.templates is None:
            self.templates = self._configured_templates()
        if self.audit is None:
            try:
                self.audit = AuditLog(audit_path(session.profile))
            except Exception as exc:  # noqa: BLE001 - decide anyway, in memory
                self.notify(
                    f"Audit log unavailable: {exc}", severity="warning", markup=False
                )
                self.audit = AuditLog(None)
        session.sender.listeners.append(self._heard)
        self.run_worker(self.load(), group="modq-load", exclusive=True)

    def on_unmount(self) -> None:
        listeners = session_of(self).sender.listeners
        if self._heard in listeners:
            listeners.remove(self._heard)
        if self._own_audit and self.audit is not None:
            self.audit.close()

    def _configured_templates(self) -> dict[str, mod.Template]:
        from ratel_tui.settings import SettingsError, load_settings

        try:
            return mod.templates_from(load_settings().moderation_templates)
        except SettingsError as exc:
            self.notify(str(exc), severity="warning", markup=False, timeout=10)
            return dict(mod.DEFAULT_TEMPLATES)

    async def load(self) -> None:
        """Read every queue (or the Spaces asked for) and show the first item."""
        session = session_of(self)
        try:
            if self.space_ids is None:
                spaces = await moderated_spaces(session)
                self.spaces = {s.id: s.name for s in spaces}
            else:
                names = session.space_names or await session.load_space_names()
                self.spaces = {s: names.get(s, s) for s in self.space_ids}
            queues = [await self._read_queue(session, s) for s in self.spaces]
        except ApiError as exc:
            self._show_counter(Text(error_line(exc)))
            return
        if not self.spaces:
            self._show_counter(Text("You moderate no Spaces."))
            return
        self.triage.load(mod.merge_queues(queues))
        self.filters = mod.saved_filters(self.spaces)
        self.loaded = True
        self.refresh_view()

    async def _read_queue(self, session: Session, space_id: str) -> list[Any]:
        items: list[Any] = []
        for page in range(1, QUEUE_PAGES + 1):
            fetched = await session.read(
                f"modtriage:{space_id}:{page}",
                lambda c, p=page: moderation_api.queue(
                    c, space_id, page=p, per_page=QUEUE_PAGE
                ),
                QUEUE_CODEC,
            )
            items.extend(fetched.value.items)
            if not fetched.value.has_more:
                break
        return items

    # What is shown

    def shown_items(self) -> list[Any]:
        """The items the saved filter and the `/` text let through, in order."""
        shown = self.filters[self.filter_index].apply(self.triage.items)
        if self.text_filter:
            shown = [i for i in shown if mod.matches(i, self.text_filter)]
        return shown

    def current_item(self, shown: list[Any] | None = None) -> Any:
        shown = self.shown_items() if shown is None else shown
        if not shown:
            return None
        self.index = max(0, min(self.index, len(shown) - 1))
        return shown[self.index]

    def refresh_view(self) -> None:
        """Draw the counter, the filters, the item in focus and the next items."""
        shown = self.shown_items()
        item = self.current_item(shown)
        counter = Text(self.triage.counter())
        if self.marks:
            counter.append(f" · {len(self.marks)} marked")
        if self.said:
            counter = Text(f"{self.said} · ").append_text(counter)
        if self.note is not None:
            counter.append(" · note for the next decision: ")
            counter.append_text(plain_line(self.note.body, max_chars=40))
        self._show_counter(counter)
        self._show_filters(len(shown))
        self.query_one("#mq-item", Static).update(self._whole(item))
        self._show_next(shown)
        if item is not None:
            self._want_activity(item)

    def _show_counter(self, line: Text) -> None:
        self.query_one("#mq-counter", Static).update(line)

    def _show_filters(self, count: int) -> None:
        current = self.filters[self.filter_index]
        line = Text(f"Filter ▸ {current.label} ({count})")
        if self.text_filter:
            line.append(" · text ")
            line.append(repr(self.text_filter[:30]))
        counts = mod.filter_counts(self.filters, self.triage.items)
        others = [
            f"{f.label} {counts[f.key]}" for f in self.filters if f is not current
        ]
        line.append(" · f: " + " · ".join(others))
        self.query_one("#mq-filters", Static).update(line)

    def _whole(self, item: Any) -> Text:
        if item is None:
            if not self.loaded:
                return Text("")
            return Text(
                "Nothing left to decide here."
                if not self.triage.items
                else "No item matches the filter."
            )
        refused = next(
            (
                d.reason
                for d in reversed(self.triage.decisions)
                if d.item.id == item.id and d.state == "refused"
            ),
            "",
        )
        author = mod.author_of(item)
        activity = self.activity.get(author.id) if author else None
        return item_whole(
            item,
            self.spaces.get(item.space_id or "", item.space_id or ""),
            refused=refused,
            activity=activity,
        )

    def _show_next(self, shown: list[Any]) -> None:
        widget = self.query_one("#mq-next", Static)
        width = max(widget.size.width, 40)
        rows = max(widget.size.height, 8)
        lines = Text(
            f"Next ({max(0, len(shown) - self.index - 1)} after this one)\n",
            style="bold",
        )
        for n, item in enumerate(shown[self.index : self.index + rows - 1]):
            lines.append_text(
                item_row(
                    item, focused=n == 0, marked=item.id in self.marks, width=width
                )
            )
            lines.append("\n")
        widget.update(lines)

    def _want_activity(self, item: Any) -> None:
        author = mod.author_of(item)
        session = session_of(self)
        if (
            author is None
            or author.id in self.activity
            or not session.supports("follows")
        ):
            return
        self.activity[author.id] = []
        self.run_worker(self._read_activity(author.id), group="modq-activity")

    async def _read_activity(self, user_id: str) -> None:
        session = session_of(self)
        try:
            page = await session.call(
                lambda c: users_api.activity(c, user_id, per_page=5)
            )
        except ApiError:
            return
        self.activity[user_id] = list(page.items)
        current = self.current_item()
        if current is not None and (mod.author_of(current) or current).id == user_id:
            self.query_one("#mq-item", Static).update(self._whole(current))

    # Deciding

    def targets(self) -> list[Any]:
        """The marked items (in queue order), else the one in focus."""
        if self.marks:
            return [i for i in self.triage.items if i.id in self.marks]
        item = self.current_item()
        return [] if item is None else [item]

    def action_decide(
        self, action: str, note: str | None = None, duration: int | None = None
    ) -> None:
        """Decide the marked items, else the focused one; the next shows at once."""
        items = self.targets()
        if not items:
            self.notify("Nothing to decide.", severity="warning")
            return
        session = session_of(self)
        written = self.note.body.strip() if self.note is not None else ""
        if written:
            note = f"{note} {written}" if note else written
        try:
            made = self.triage.decide(
                items, action, note, self._store, duration_days=duration
            )
        except StoreError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if self.note is not None:
            # The note now travels in the outbox with the decision.
            with contextlib.suppress(StoreError):
                session.journal.delete(self.note.id)
            self.note = None
        for decision in made:
            self._audit(session, decision)
        self.marks.clear()
        self.last_mark = None
        self._spur_sender()
        count = len(made)
        self.said = (
            f"{mod.PAST[action].capitalize()} {count} item{'' if count == 1 else 's'}"
        )
        self.refresh_view()

    def _spur_sender(self) -> None:
        """Make sure the decisions go out: the app's sender is woken by each
        write; a host without one (a script, a test) gets one pass at a time."""
        sender = session_of(self).sender
        if sender.running or self._helpers:
            return
        self._helpers = 1
        self.run_worker(self._help_send(), group="modq-send", exit_on_error=False)

    async def _help_send(self) -> None:
        try:
            sender = session_of(self).sender
            while (await sender.flush()).outcomes:
                pass
        finally:
            self._helpers = 0

    def _store(self, action: str, payload: dict[str, Any]) -> int:
        summary = f"Moderation: {payload.get('action', action)} {payload.get('item_id') or payload.get('user_id')}"
        return session_of(self).write(action, payload, summary=summary).seq

    def _audit(self, session: Session, decision: mod.Decision) -> None:
        if self.audit is None:
            return
        item = decision.item
        author = mod.author_of(item)
        decision.audit_id = self.audit.record(
            server=session.display_host,
            moderator=session.me.username if session.me else "",
            item_id=item.id,
            space_id=item.space_id,
            target_type=item.target_type,
            target_id=item.target_id,
            author=author.username if author else None,
            action=decision.action,
            note=decision.note,
            duration_days=decision.duration_days,
        )

    def action_write_note(self) -> None:
        """Write a note that the next decision carries (after a template's)."""
        session = session_of(self)
        target = {"queue": "triage"}
        try:
            draft = (
                self.note
                or session.journal.find("note", target)
                or new_draft("note", target=target)
            )
        except StoreError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return

        def written(text: str | None) -> None:
            if text is None:
                return  # kept in the journal, not applied
            self.note = draft.with_text(body=text) if text else None
            if not text:
                with contextlib.suppress(StoreError):
                    session.journal.delete(draft.id)
            self.refresh_view()

        self.app.push_screen(
            NoteModal(
                Text("A note for the next decision", style="bold"),
                draft,
                limit=NOTE_LIMIT,
                hint="enter keeps it for the next decision · escape cancels (kept)",
                placeholder="Note (the author and the log see it)",
            ),
            written,
        )

    def action_remove_item(self) -> None:
        count = len(self.targets())
        if not count:
            return
        question = f"Remove {count} item{'' if count == 1 else 's'}?"
        self.app.push_screen(Confirm(question, yes="Remove"), self._removal_answered)

    def _removal_answered(self, yes: bool | None) -> None:
        if yes:
            self.action_decide("remove")

    def action_ban_author(self) -> None:
        if self.targets():
            self.app.push_screen(BanDurationModal(), self._duration_chosen)

    def _duration_chosen(self, choice: tuple[int | None] | None) -> None:
        if choice is None:
            return
        self.last_duration = choice[0]
        self.action_decide(
            "ban", note=f"Banned {duration_words(choice[0])}.", duration=choice[0]
        )

    def action_ban_again(self) -> None:
        if self.last_duration is False:
            self.action_ban_author()
            return
        days = self.last_duration if isinstance(self.last_duration, int) else None
        self.action_decide("ban", note=f"Banned {duration_words(days)}.", duration=days)

    def action_apply_template(self, key: str) -> None:
        template = (self.templates or {}).get(key)
        if template is None:
            self.notify(
                f"No template {key} (set one in config.toml).", severity="warning"
            )
            return
        self.action_decide(template.action, note=template.note or None)

    # What the sender says

    def _heard(self, outcome: Outcome) -> None:
        decision = self.triage.heard(outcome.item.seq, outcome.state, outcome.reason)
        if decision is None or outcome.state == "waiting":
            return
        audit, entry = self.audit, decision.audit_id
        if audit is not None and entry is not None and decision.state in SETTLED:
            audit.set_state(entry, decision.state, decision.reason or None)
        if decision.state == "refused" and outcome.state == "refused":
            # The app's own toast names the refusal; the item shows the reason.
            self.said = "Refused: back in the queue"
            self.refresh_view()

    # Undo

    def action_undo_decision(self) -> None:
        decision = self.triage.last_standing()
        if decision is None:
            self.notify("Nothing to undo.", severity="warning")
            return
        self.undo(decision)

    def undo(self, decision: mod.Decision) -> None:
        """Take `decision` back: not sent if still queued, else restored."""
        session = session_of(self)
        try:
            sent = self.triage.undo(
                decision,
                lambda seq: session.outbox.discard(seq) is not None,
                self._store,
            )
        except StoreError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        session.count_outbox()
        if self.audit is not None and decision.audit_id is not None:
            self.audit.set_state(
                decision.audit_id, "undone", "restored" if sent else "not sent"
            )
        self.filter_index, self.text_filter, self.index = 0, "", 0
        self.said = (
            f"Undid {decision.action} ({'restore sent' if sent else 'not sent'})"
        )
        self.refresh_view()

    def action_open_log(self) -> None:
        from ratel_tui.screens.moderation_log import ModerationLogScreen

        self.app.push_screen(ModerationLogScreen(self))

    # Marks

    def action_mark_item(self) -> None:
        item = self.current_item()
        if item is None:
            return
        if item.id in self.marks:
            self.marks.discard(item.id)
        else:
            self.marks.add(item.id)
            self.last_mark = item.id
        self.said = ""
        self.refresh_view()

    def action_mark_range(self) -> None:
        shown = self.shown_items()
        item = self.current_item(shown)
        if item is None:
            return
        ids = [i.id for i in shown]
        start = ids.index(self.last_mark) if self.last_mark in ids else self.index
        low, high = sorted((start, self.index))
        self.marks.update(ids[low : high + 1])
        self.last_mark = item.id
        self.refresh_view()

    def action_mark_all(self) -> None:
        self.marks.update(i.id for i in self.shown_items())
        self.refresh_view()

    # Moving and filtering

    def action_move(self, step: int) -> None:
        self.index = max(0, self.index + step)
        self.said = ""
        self.refresh_view()

    def action_next_filter(self) -> None:
        self.filter_index = (self.filter_index + 1) % len(self.filters)
        self.index = 0
        self.refresh_view()

    def action_filter_text(self) -> None:
        box = self.query_one("#mq-filter", Input)
        box.add_class("shown")
        box.focus()

    @on(Input.Changed, "#mq-filter")
    def narrow(self, event: Input.Changed) -> None:
        self.text_filter = event.value
        self.index = 0
        self.refresh_view()

    @on(Input.Submitted, "#mq-filter")
    def keep_filter(self, event: Input.Submitted) -> None:
        self.set_focus(None)

    def action_back(self) -> None:
        box = self.query_one("#mq-filter", Input)
        if box.has_focus or self.text_filter:
            box.value = ""
            box.remove_class("shown")
            self.text_filter = ""
            self.set_focus(None)
            self.refresh_view()
            return
        self.app.pop_screen()
