"""A survey as a keyboard form: one choice (radio), several choices (a
selection list), a 1-5 scale (radio) and free text, which is kept in the
draft journal while it is typed."""

from __future__ import annotations

import contextlib
from typing import Any

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import RadioButton, RadioSet, SelectionList, Static, TextArea

from ratel_tui.api.models.deliberations import AnswerValue, Question, Survey
from ratel_tui.screens.base import session_of
from ratel_tui.services.surveys import (
    FREE_TEXT_LIMIT,
    LIKERT_LABELS,
    TYPE_NAMES,
    answer_words,
)
from ratel_tui.store.journal import Draft, new_draft
from ratel_tui.store.local import StoreError
from ratel_tui.text import clean_line
from ratel_tui.widgets.safe_text import plain, plain_line

SAVE_AFTER_S = 0.5
"""How soon after a keystroke free text goes to the journal."""


def _option(label: str) -> Content:
    return Content(clean_line(label, max_chars=200))


class MarkedRadioButton(RadioButton):
    """A radio button whose state shows as a symbol too (● on, ○ off)."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802
        return "●" if self.value else "○"


class MarkedSelectionList(SelectionList[int]):
    """A selection list whose ticks show as a symbol too (✓ on, blank off)."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        index = self.scroll_offset.y + y
        if len(segments) < 2 or index >= self.option_count:
            return strip
        ticked = self.get_option_at_index(index).value in self._selected
        segments[1] = Segment("✓" if ticked else " ", segments[1].style)
        return Strip(segments, strip.cell_length)


def question_heading(number: int, question: Question, *, here: bool = False) -> Text:
    """ "3. The text?  (scale 1-5, required)", with ▶ on the one being answered."""
    need = "required" if question.required else "optional"
    line = Text("▶ " if here else "  ", style="bold")
    line.append(f"{number}. ", style="bold")
    line.append(clean_line(question.text, max_chars=500), style="bold")
    line.append(f"  ({TYPE_NAMES.get(question.type, question.type)}, {need})")
    return line


class SurveyForm(Vertical):
    """The questions of one survey, answered with the keyboard (tab moves on)."""

    DEFAULT_CSS = """
    SurveyForm { height: auto; }
    SurveyForm .question { margin-top: 1; }
    SurveyForm .problem { text-style: bold; }
    SurveyForm RadioSet, SurveyForm SelectionList { width: 100%; height: auto; }
    SurveyForm TextArea { height: 5; border-left: outer $foreground 30%; }
    SurveyForm RadioSet > RadioButton.-selected { text-style: bold underline; }
    SurveyForm .option-list--option-highlighted { text-style: bold underline; }
    """

    def __init__(self, deliberation_id: str, survey: Survey) -> None:
        super().__init__()
        self.deliberation_id = deliberation_id
        self.survey = survey
        self.drafts: dict[str, Draft] = {}
        self._dirty: set[str] = set()

    def compose(self) -> ComposeResult:
        for number, question in enumerate(self.survey.questions, 1):
            yield Static(
                question_heading(number, question),
                id=f"heading-{question.id}",
                classes="question",
            )
            yield self._field(question)
            yield Static("", id=f"problem-{question.id}", classes="problem")

    def _field(self, question: Question) -> Widget:
        name = f"q-{question.id}"
        if question.type == "multiple_choice":
            buttons = [MarkedRadioButton(_option(o)) for o in question.options]
            return RadioSet(*buttons, id=name, compact=True)
        if question.type == "likert":
            buttons = [
                MarkedRadioButton(Content(f"{n} {w}")) for n, w in LIKERT_LABELS.items()
            ]
            return RadioSet(*buttons, id=name, compact=True)
        if question.type == "checkbox":
            return MarkedSelectionList(
                *[(_option(o), n) for n, o in enumerate(question.options)],
                id=name,
                compact=True,
            )
        text = self._saved_text(question)
        return TextArea(text, soft_wrap=True, compact=True, id=name)

    def on_mount(self) -> None:
        self.set_interval(SAVE_AFTER_S, self.save_text)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Mark the question being answered with ▶ (not by colour alone)."""
        focused = event.widget.id or ""
        for number, question in enumerate(self.survey.questions, 1):
            here = focused == f"q-{question.id}"
            heading = question_heading(number, question, here=here)
            self.query_one(f"#heading-{question.id}", Static).update(heading)

    # Free text in the journal

    def _target(self, question: Question) -> dict[str, Any]:
        return {
            "deliberation_id": self.deliberation_id,
            "survey_id": self.survey.id,
            "question_id": question.id,
        }

    def _saved_text(self, question: Question) -> str:
        target = self._target(question)
        try:
            draft = session_of(self).journal.find("survey", target)
        except StoreError:
            draft = None
        self.drafts[question.id] = draft or new_draft("survey", target=target)
        return self.drafts[question.id].body

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        question_id = (event.text_area.id or "")[2:]
        self._dirty.add(question_id)
        used = len(event.text_area.text)
        note = Text(f"{used:,} / {FREE_TEXT_LIMIT:,} characters")
        if used > FREE_TEXT_LIMIT:
            note.append(f" · {used - FREE_TEXT_LIMIT:,} too many")
        self.query_one(f"#problem-{question_id}", Static).update(note)

    def save_text(self) -> None:
        """Write changed free text to the journal (a timer calls this)."""
        journal = session_of(self).journal
        for question_id in list(self._dirty):
            area = self.query_one(f"#q-{question_id}", TextArea)
            draft = self.drafts[question_id].with_text(body=area.text)
            try:
                self.drafts[question_id] = journal.save(draft, editing=True)
            except StoreError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self._dirty.discard(question_id)

    def forget_text(self) -> None:
        """The answers were sent: the free-text drafts are no longer needed."""
        self._dirty.clear()
        journal = session_of(self).journal
        for draft in self.drafts.values():
            with contextlib.suppress(StoreError):
                journal.delete(draft.id)

    def on_unmount(self) -> None:
        if self._dirty:
            self.save_text()
        journal = session_of(self).journal
        for draft in self.drafts.values():
            with contextlib.suppress(StoreError):
                journal.release(draft.id)

    # Reading the answers

    def answers(self) -> dict[str, AnswerValue]:
        """Question id → the answer as the form holds it (None: none yet)."""
        return {q.id: self._value(q) for q in self.survey.questions}

    def _value(self, question: Question) -> AnswerValue:
        field = self.query_one(f"#q-{question.id}")
        if isinstance(field, RadioSet):
            index = field.pressed_index
            if index < 0:
                return None
            if question.type == "likert":
                return index + 1
            return question.options[index]
        if isinstance(field, SelectionList):
            return [question.options[n] for n in sorted(field.selected)]
        assert isinstance(field, TextArea)
        return field.text

    def show_problems(self, problems: list[tuple[Question, str]]) -> None:
        """Mark each question the server would refuse, and go to the first."""
        for question in self.survey.questions:
            if question.type != "free_text":
                self.query_one(f"#problem-{question.id}", Static).update("")
        for question, problem in problems:
            line = Text(f"✗ This question {problem}.")
            self.query_one(f"#problem-{question.id}", Static).update(line)
        if problems:
            self.query_one(f"#q-{problems[0][0].id}").focus()


STATE_WORDS = {
    "open": "open · ctrl+s sends\n"
    "Tab moves to the next question, arrows move, space or enter picks.",
    "waiting": "sent to the outbox: your answers go out when the server is back",
    "answered": "answered ✓ · the form is closed",
    "not_yet": "not open yet: it takes answers in its own phase",
    "closed": "closed: its phase is over",
}
"""What each survey state means, in words."""


def survey_note(
    kind: str, survey: Survey, state: str, saved: dict[str, Any] | None
) -> Text:
    """Above the form: the survey's state, and what I answered once I did."""
    text = Text(f"{kind.capitalize()}-survey", style="bold")
    text.append(f" · {len(survey.questions)} questions · {STATE_WORDS[state]}\n")
    if state == "open":
        return text
    if state == "closed":
        text.append("You did not answer it.\n")
    elif saved is None and state == "answered":
        text.append("You answered from elsewhere; your answers are not kept here.\n")
    for number, question in enumerate(survey.questions, 1):
        text.append("\n")
        text.append_text(question_heading(number, question))
        if saved is not None:
            text.append("\n   Your answer: ")
            words = answer_words(question, saved.get(question.id))
            text.append_text(plain(words[:2_000]))
        elif question.options:
            text.append("\n   Options: ")
            text.append_text(plain_line(" | ".join(question.options), max_chars=400))
    return text
