"""A new deliberation for hosts: its Space, title, length and a question
builder for the survey (asked before and again after the discussion)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Select, Static, TextArea

from ratel_tui.api.errors import ApiError
from ratel_tui.api.models import Deliberation
from ratel_tui.screens.base import session_of
from ratel_tui.services import surveys
from ratel_tui.services.surveys import QuestionInput
from ratel_tui.store.local import StoreError
from ratel_tui.text import clean_line
from ratel_tui.widgets.status_bar import StatusBar

TYPE_CHOICES = [(surveys.TYPE_NAMES[t], t) for t in surveys.QUESTION_TYPES]
"""The question types a builder row offers, by their names on screen."""


class QuestionRow(Vertical):
    """One question of the builder: its text, type, options and whether it
    must be answered."""

    DEFAULT_CSS = """
    QuestionRow { height: auto; margin-bottom: 1; }
    QuestionRow Horizontal { height: auto; }
    QuestionRow Select { width: 24; }
    QuestionRow .row-number { width: 5; }
    """

    def __init__(self, number: int, question: QuestionInput | None = None) -> None:
        super().__init__()
        self.number = number
        self.start = question or QuestionInput("", "multiple_choice", ("Yes", "No"))

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Static(f"Q{self.number}", classes="row-number")
            yield Input(
                self.start.text,
                placeholder="The question",
                max_length=500,
                compact=True,
                classes="q-text",
            )
        with Horizontal():
            yield Static("", classes="row-number")
            yield Select(
                TYPE_CHOICES,
                value=self.start.type,
                allow_blank=False,
                compact=True,
                classes="q-type",
            )
            yield Select(
                [("required", True), ("optional", False)],
                value=self.start.required,
                allow_blank=False,
                compact=True,
                classes="q-required",
            )
            yield Input(
                " | ".join(self.start.options),
                placeholder="Options, separated by |",
                compact=True,
                classes="q-options",
            )

    def question(self) -> QuestionInput:
        """The question as the row holds it now."""
        kind = str(self.query_one(".q-type", Select).value)
        options = surveys.split_options(self.query_one(".q-options", Input).value)
        return QuestionInput(
            text=self.query_one(".q-text", Input).value,
            type=kind,
            options=options if kind in surveys.CHOICE_TYPES else (),
            required=bool(self.query_one(".q-required", Select).value),
        )


class DeliberationNewScreen(Screen[str | None]):
    """Build a deliberation; dismisses with its id once created, else None."""

    DEFAULT_CSS = """
    DeliberationNewScreen #new-form { padding: 0 1; }
    DeliberationNewScreen .field { height: auto; margin-bottom: 1; }
    DeliberationNewScreen .field-label { width: 13; }
    DeliberationNewScreen .questions-title { text-style: bold; }
    DeliberationNewScreen #new-description { height: 3; }
    DeliberationNewScreen #new-problems { padding: 0 1; text-style: bold; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s",
            "create",
            "Create",
            tooltip="Check and create the deliberation (it starts in draft).",
            id="deliberation_new.create",
            priority=True,
        ),
        Binding(
            "ctrl+n",
            "add_question",
            "Add question",
            tooltip="Add a question to the survey.",
            id="deliberation_new.add",
            priority=True,
        ),
        Binding(
            "ctrl+x",
            "remove_question",
            "Remove question",
            tooltip="Remove the question being edited.",
            id="deliberation_new.remove",
            priority=True,
        ),
        Binding("escape", "close", "Cancel", id="deliberation_new.close"),
    ]

    def __init__(self, space_id: str | None = None) -> None:
        super().__init__()
        self.space_id = space_id

    def compose(self) -> ComposeResult:
        names = session_of(self).space_names
        spaces = sorted(names.items(), key=lambda item: item[1].casefold())
        with VerticalScroll(id="new-form"):
            yield Static(
                Text(
                    "New deliberation · the survey is asked before the discussion"
                    " and again after it",
                    style="bold",
                )
            )
            with Horizontal(classes="field"):
                yield Static("Space", classes="field-label")
                yield Select(
                    [(Content(clean_line(n, max_chars=60)), sid) for sid, n in spaces],
                    value=self.space_id if self.space_id in names else Select.NULL,
                    prompt="choose one",
                    compact=True,
                    id="new-space",
                )
            with Horizontal(classes="field"):
                yield Static("Title", classes="field-label")
                yield Input(max_length=200, compact=True, id="new-title")
            with Horizontal(classes="field"):
                yield Static("Days (1-90)", classes="field-label")
                yield Input("7", compact=True, id="new-duration")
            with Horizontal(classes="field"):
                yield Static("About", classes="field-label")
                yield TextArea(compact=True, id="new-description")
            yield Static(
                Text("Questions · ctrl+n adds one, ctrl+x removes the one you edit"),
                classes="questions-title",
            )
            yield Vertical(QuestionRow(1), id="new-questions")
        yield Static("ctrl+n adds a question · ctrl+s creates", id="new-problems")
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#new-title", Input).focus()

    def rows(self) -> list[QuestionRow]:
        return list(self.query(QuestionRow))

    async def action_add_question(self) -> None:
        row = QuestionRow(len(self.rows()) + 1)
        await self.query_one("#new-questions", Vertical).mount(row)
        row.query_one(".q-text", Input).focus()
        row.scroll_visible()

    def action_remove_question(self) -> None:
        rows = self.rows()
        focused = self.focused
        for row in rows:
            if focused is not None and focused in row.walk_children():
                if len(rows) > 1:
                    self._rebuild([r.question() for r in rows if r is not row])
                return

    def _rebuild(self, questions: list[QuestionInput]) -> None:
        area = self.query_one("#new-questions", Vertical)
        area.remove_children()
        area.mount_all([QuestionRow(n, q) for n, q in enumerate(questions, 1)])

    def payload(self) -> dict[str, Any]:
        """The `create_deliberation` write as the form holds it."""
        duration = self.query_one("#new-duration", Input).value.strip()
        space = self.query_one("#new-space", Select).value
        return {
            "space_id": None if space is Select.NULL else space,
            "title": self.query_one("#new-title", Input).value.strip(),
            "description": self.query_one("#new-description", TextArea).text,
            "duration_days": int(duration) if duration.isdigit() else duration,
            "pre_survey": [row.question().draft() for row in self.rows()],
        }

    def problems(self) -> list[str]:
        """Why the server would refuse the deliberation, as sentences."""
        payload = self.payload()
        found = surveys.deliberation_problems(
            payload["space_id"],
            payload["title"],
            str(payload["duration_days"]),
            payload["description"],
        )
        return found + surveys.survey_problems([r.question() for r in self.rows()])

    @on(Input.Changed)
    @on(Select.Changed)
    def _clear(self) -> None:
        self.query_one("#new-problems", Static).update("ctrl+s creates")

    def action_create(self) -> None:
        found = self.problems()
        if found:
            self.query_one("#new-problems", Static).update(Text(" ".join(found)))
            return
        self._create(self.payload())

    @work(group="deliberation-create", exclusive=True, exit_on_error=False)
    async def _create(self, payload: dict[str, Any]) -> None:
        line = self.query_one("#new-problems", Static)
        line.update("Creating…")
        try:
            made = await session_of(self).perform(
                "create_deliberation",
                payload,
                summary=f"new deliberation: {payload['title'][:60]}",
                model=Deliberation,
            )
        except (ApiError, StoreError) as exc:
            line.update(Text(clean_line(f"Not created: {exc}", max_chars=300)))
            return
        if made is None:
            self.notify("Kept in the outbox: it is created when the server is back.")
            self.dismiss(None)
            return
        self.dismiss(made.id)
        from ratel_tui.screens.deliberation import DeliberationScreen

        self.app.push_screen(DeliberationScreen(made.id))

    def action_close(self) -> None:
        self.dismiss(None)
