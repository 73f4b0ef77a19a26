"""`NewVerificationScreen`: the form of a new oracle request, within the daily limit."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, Select, Static, TextArea

from ratel_tui.api import oracle as oracle_api
from ratel_tui.api.errors import ApiError
from ratel_tui.api.models import Verification
from ratel_tui.screens.base import error_line, session_of
from ratel_tui.services import oracle_rules as rules
from ratel_tui.store.journal import Draft, new_draft
from ratel_tui.store.local import StoreError
from ratel_tui.text import clean_line
from ratel_tui.widgets.age import now
from ratel_tui.widgets.status_bar import StatusBar

DRAFT_TARGET = {"form": "new_verification"}
"""The journal target of the one form being written."""


class EvidenceRowWidget(Horizontal):
    """One evidence row: its type and its address."""

    DEFAULT_CSS = """
    EvidenceRowWidget { height: auto; }
    EvidenceRowWidget Select { width: 18; }
    EvidenceRowWidget Input { width: 1fr; }
    """

    def __init__(self, kind: str = "url", url: str = "") -> None:
        super().__init__()
        self.kind = kind if kind in rules.EVIDENCE_TYPES else "url"
        self.url = url

    def compose(self) -> ComposeResult:
        yield Select(
            [(Text(kind), kind) for kind in rules.EVIDENCE_TYPES],
            value=self.kind,
            allow_blank=False,
            classes="evidence-type",
        )
        yield Input(self.url, placeholder="https://…", classes="evidence-url")

    def row(self) -> rules.EvidenceRow:
        kind = self.query_one(Select).value
        url = self.query_one(Input).value
        return rules.EvidenceRow(kind if isinstance(kind, str) else "url", url)


class NewVerificationScreen(Screen[str | None]):
    """Ask the community to verify an attribute: ctrl+s sends, escape leaves
    (the form stays in the drafts). The answer is the new request's id."""

    DEFAULT_CSS = """
    NewVerificationScreen #vn-header { height: 1; padding: 0 1; background: $boost; }
    NewVerificationScreen #vn-form { height: 1fr; padding: 0 1; }
    NewVerificationScreen #vn-form > Input, NewVerificationScreen #vn-type { width: 1fr; }
    NewVerificationScreen #vn-description { height: 6; }
    NewVerificationScreen #vn-evidence { height: auto; }
    NewVerificationScreen #vn-limit, NewVerificationScreen #vn-problems {
        height: auto; padding: 0 1; text-style: bold;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send_request", "Send", priority=True, tooltip="Send the request to the oracle.", id="verification_new.send"),
        Binding("ctrl+n", "add_evidence", "Add evidence", priority=True, tooltip="Add a row of evidence.", id="verification_new.add_evidence"),
        Binding("ctrl+r", "remove_evidence", "Remove evidence", priority=True, tooltip="Remove the focused (or the last) row of evidence.", id="verification_new.remove_evidence"),
        Binding("escape", "back", "Back", tooltip="Leave the form; it stays in the drafts.", id="verification_new.back"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.draft: Draft | None = None
        self.used_today: int | None = None
        """My requests of the current UTC day; None until read."""
        self._timer: Timer | None = None
        self._sending = False

    def compose(self) -> ComposeResult:
        journal = session_of(self).journal
        self.draft = journal.find("verification", DRAFT_TARGET) or new_draft(
            "verification", target=dict(DRAFT_TARGET)
        )
        fields: dict[str, Any] = self.draft.fields
        rows = fields.get("evidence") or [{"type": "url", "url": ""}]
        kind = fields.get("attribute_type")
        yield Static(Text("New oracle request"), id="vn-header")
        with VerticalScroll(id="vn-form"):
            yield Label(Text("Attribute type"))
            yield Select(
                [(Text(label), key) for key, label in rules.ATTRIBUTE_TYPES],
                value=kind if kind in dict(rules.ATTRIBUTE_TYPES) else Select.NULL,
                prompt="Choose the type",
                id="vn-type",
            )
            yield Label(Text("Value"))
            yield Input(
                fields.get("attribute_value", ""),
                placeholder="What the oracle should verify",
                max_length=rules.VALUE_LIMIT,
                id="vn-value",
            )
            yield Label(Text("Evidence (ctrl+n add a row, ctrl+r remove one)"))
            with Vertical(id="vn-evidence"):
                for row in rows:
                    yield EvidenceRowWidget(row.get("type", "url"), row.get("url", ""))
            yield Label(Text("Description"))
            yield TextArea(self.draft.body, soft_wrap=True, id="vn-description")
        yield Static(Text("Counting today's requests…"), id="vn-limit")
        yield Static(Text(""), id="vn-problems")
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#vn-type", Select).focus()
        self.count_today()

    @work(group="verification-new-count", exit_on_error=False)
    async def count_today(self) -> None:
        """My requests of today, from the newest page of requests."""
        session = session_of(self)
        me = session.me.id if session.me else None
        try:
            page = await session.call(
                lambda c: oracle_api.list_verifications(c, per_page=100)
            )
        except ApiError as exc:
            self.query_one("#vn-limit", Static).update(
                Text(f"Today's requests could not be counted: {error_line(exc)}")
            )
            return
        self.used_today = rules.sent_today(page.items, me, now())
        self.query_one("#vn-limit", Static).update(
            Text(rules.limit_text(self.used_today))
        )

    # The form and its draft

    def evidence(self) -> list[rules.EvidenceRow]:
        return [row.row() for row in self.query(EvidenceRowWidget)]

    def form(self) -> tuple[str | None, str, list[rules.EvidenceRow], str]:
        kind = self.query_one("#vn-type", Select).value
        return (
            kind if isinstance(kind, str) else None,
            self.query_one("#vn-value", Input).value,
            self.evidence(),
            self.query_one("#vn-description", TextArea).text,
        )

    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    def changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.5, self.save_draft)

    def save_draft(self) -> None:
        """Keep the form in the journal (kind "verification")."""
        if self.draft is None or not self.is_mounted:
            return
        kind, value, evidence, description = self.form()
        fields = {
            "attribute_type": kind,
            "attribute_value": value,
            "evidence": [{"type": r.type, "url": r.url} for r in evidence],
        }
        self.draft = replace(self.draft, body=description, fields=fields)
        journal = session_of(self).journal
        empty = not (kind or value.strip() or description.strip()) and not any(
            row.url.strip() for row in evidence
        )
        try:
            if empty:
                journal.delete(self.draft.id)
            else:
                journal.save(self.draft, editing=True)
        except StoreError as exc:
            self.problems(str(exc))

    def problems(self, line: str) -> None:
        self.query_one("#vn-problems", Static).update(Text(clean_line(line)))

    def action_add_evidence(self) -> None:
        if len(self.evidence()) >= rules.EVIDENCE_LIMIT:
            self.problems(f"At most {rules.EVIDENCE_LIMIT} pieces of evidence.")
            return
        row = EvidenceRowWidget()
        self.query_one("#vn-evidence").mount(row)
        self.call_after_refresh(lambda: row.query_one(Input).focus())
        self.changed()

    def action_remove_evidence(self) -> None:
        rows = list(self.query(EvidenceRowWidget))
        if not rows:
            return
        focused = self.focused
        chosen = next((r for r in rows if focused in r.query("*")), rows[-1])
        chosen.remove()
        self.changed()

    def action_back(self) -> None:
        self.save_draft()
        self.dismiss(None)

    # Sending

    def action_send_request(self) -> None:
        if self._sending:
            return
        if self.used_today is not None and self.used_today >= rules.DAILY_LIMIT:
            self.problems(rules.limit_text(self.used_today))
            return
        kind, value, evidence, description = self.form()
        found = rules.form_problems(kind, value, evidence, description)
        if found or kind is None:
            self.problems(" ".join(found))
            return
        self.save_draft()
        if self._timer is not None:
            self._timer.stop()
        self.send(rules.payload(kind, value, evidence, description))

    @work(group="verification-new-send", exit_on_error=False)
    async def send(self, payload: dict[str, Any]) -> None:
        session = session_of(self)
        draft_id = self.draft.id if self.draft else None
        summary = clean_line(
            f"oracle request {payload['attribute_type']}: {payload['attribute_value']}"
        )
        self._sending = True
        self.problems("Sending…")
        try:
            item = session.write(
                "create_verification", payload, summary=summary, draft_id=draft_id
            )
            outcome = await session.sender.outcome(item.seq, 10.0)
        except StoreError as exc:
            self.problems(str(exc))
            return
        finally:
            self._sending = False
        if outcome is None:
            stored = session.outbox.get(item.seq)
            waiting = stored.last_error if stored else None
            if waiting and "rate limit" in waiting.lower():
                # The day's limit would keep it waiting for hours: take it back.
                session.outbox.discard(item.seq)
                session.count_outbox()
                self.problems(rules.limit_text(rules.DAILY_LIMIT))
                return
            self.notify("The request waits in the outbox", markup=False)
            self.dismiss(None)
        elif outcome.state == "refused":
            self.problems(rules.explain(outcome.reason))
        else:
            made = Verification.model_validate(outcome.result)
            self.notify("Request sent: others can now review it", markup=False)
            self.dismiss(made.id)
