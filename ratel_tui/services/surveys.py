"""Survey answers and new surveys checked by the server's rules, and the
figures of results put in shape for display (no Textual)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ratel_tui.api.models.deliberations import (
    AnswerValue,
    Deliberation,
    OptionShift,
    Question,
    QuestionShift,
    Survey,
)

CHOICE_TYPES = frozenset({"multiple_choice", "checkbox"})
"""Question types answered with options."""

QUESTION_TYPES = ("multiple_choice", "checkbox", "likert", "free_text")
"""Every question type, in the order a builder offers them."""

TYPE_NAMES = {
    "multiple_choice": "one choice",
    "checkbox": "several choices",
    "likert": "scale 1-5",
    "free_text": "free text",
}
"""How each question type is named on screen."""

FREE_TEXT_LIMIT = 2_000
"""Longest free-text answer the server keeps, in characters."""

SURVEY_PHASE = {"pre": "pre_survey", "post": "post_survey"}
"""The phase in which each survey takes answers."""

PHASES = ("draft", "pre_survey", "discussion", "post_survey", "completed")
"""A deliberation's phases, in order."""

LIKERT_LABELS = {
    1: "strongly disagree",
    2: "disagree",
    3: "neutral",
    4: "agree",
    5: "strongly agree",
}
"""The words beside each point of the 1-5 scale."""

_EXPECTED = {
    "multiple_choice": "needs one of its options",
    "checkbox": "needs a list of distinct options",
    "likert": "needs a whole number from 1 to 5",
    "free_text": f"needs text of at most {FREE_TEXT_LIMIT:,} characters",
}
"""What an answer of each type must be (the server's words)."""


# Answering


def answer_problem(question: Question, value: AnswerValue) -> str | None:
    """Why the server would refuse `value` for `question`, or None.

    As on the server, null, an empty list and empty text mean "no answer",
    which only an optional question accepts.
    """
    if value is None or value in ("", []):
        return "needs an answer" if question.required else None
    if question.type == "multiple_choice":
        fits = isinstance(value, str) and value in question.options
    elif question.type == "checkbox":
        fits = (
            isinstance(value, list)
            and all(isinstance(v, str) and v in question.options for v in value)
            and len(set(value)) == len(value)
        )
    elif question.type == "likert":
        fits = type(value) is int and 1 <= value <= 5
    elif question.type == "free_text":
        fits = isinstance(value, str) and len(value) <= FREE_TEXT_LIMIT
    else:
        return f"is of a type this app cannot answer ({question.type})"
    return None if fits else _EXPECTED[question.type]


def answer_problems(
    survey: Survey, answers: Mapping[str, AnswerValue]
) -> list[tuple[Question, str]]:
    """Every question whose answer the server would refuse, in survey order."""
    found = []
    for question in survey.questions:
        problem = answer_problem(question, answers.get(question.id))
        if problem is not None:
            found.append((question, problem))
    return found


def kept_answers(
    survey: Survey, answers: Mapping[str, AnswerValue]
) -> dict[str, AnswerValue]:
    """The answers to send: skipped optional questions left out, in order."""
    kept: dict[str, AnswerValue] = {}
    for question in survey.questions:
        value = answers.get(question.id)
        if isinstance(value, str) and question.type == "free_text":
            value = value if value.strip() else None
        if value is not None and value not in ("", []):
            kept[question.id] = value
    return kept


def respond_payload(
    deliberation_id: str, survey_id: str, answers: Mapping[str, AnswerValue]
) -> dict[str, Any]:
    """The outbox payload of a `respond` write."""
    return {
        "deliberation_id": deliberation_id,
        "survey_id": survey_id,
        "answers": dict(answers),
    }


def survey_state(deliberation: Deliberation, kind: str) -> str:
    """`open`, `answered`, `not_yet` or `closed` for the `pre` or `post` survey."""
    mine = deliberation.my_responses
    if mine is not None and getattr(mine, kind):
        return "answered"
    phase = SURVEY_PHASE[kind]
    if deliberation.status == phase:
        return "open"
    if deliberation.status in PHASES and PHASES.index(
        deliberation.status
    ) < PHASES.index(phase):
        return "not_yet"
    return "closed"


def answer_words(question: Question, value: AnswerValue) -> str:
    """An answer as a line of text: "Yes", "A; B", "4 (agree)", "(skipped)"."""
    if value is None or value in ("", []):
        return "(skipped)"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if question.type == "likert" and isinstance(value, int):
        return f"{value} ({LIKERT_LABELS.get(value, '?')})"
    return str(value)


# Building a survey


@dataclass(frozen=True, slots=True)
class QuestionInput:
    """One question as a builder holds it, before checking."""

    text: str
    type: str
    options: tuple[str, ...] = ()
    required: bool = True

    def draft(self) -> dict[str, Any]:
        """The question as `POST /deliberations` takes it."""
        data: dict[str, Any] = {
            "text": self.text.strip(),
            "type": self.type,
            "required": self.required,
        }
        if self.type in CHOICE_TYPES:
            data["options"] = [o.strip() for o in self.options]
        return data


def split_options(line: str) -> tuple[str, ...]:
    """Options typed on one line, separated by `|` or `;`; blanks dropped."""
    parts = line.replace(";", "|").split("|")
    return tuple(part.strip() for part in parts if part.strip())


def question_problem(question: QuestionInput) -> str | None:
    """Why the server would refuse this question (as `draft` sends it), or None."""
    text = question.text.strip()
    if not text:
        return "needs its text"
    if len(text) > 500:
        return "is longer than 500 characters"
    if question.type not in QUESTION_TYPES:
        return f"has an unknown type {question.type}"
    options = [o.strip() for o in question.options]
    if question.type in CHOICE_TYPES:
        if not 2 <= len(options) <= 20:
            return f"needs 2 to 20 options ({TYPE_NAMES[question.type]})"
        if len(set(options)) != len(options):
            return "has the same option twice"
        if any(len(o) > 200 for o in options):
            return "has an option longer than 200 characters"
    # Options of the other types are dropped by `draft`, as the builder
    # keeps them only while the type is switched back and forth.
    return None


def survey_problems(questions: Sequence[QuestionInput]) -> list[str]:
    """Why the server would refuse these questions as a survey, as sentences."""
    if not questions:
        return ["A survey needs at least one question."]
    if len(questions) > 30:
        return ["A survey has at most 30 questions."]
    found = []
    for number, question in enumerate(questions, 1):
        problem = question_problem(question)
        if problem:
            found.append(f"Question {number} {problem}.")
    texts = [q.text.strip() for q in questions]
    if len(set(texts)) != len(texts):
        found.append("Two questions have the same text.")
    return found


def deliberation_problems(
    space_id: str | None, title: str, duration: str, description: str
) -> list[str]:
    """Why the server would refuse the rest of a new deliberation."""
    found = []
    if not space_id:
        found.append("Choose a Space.")
    if not title.strip():
        found.append("The title is empty.")
    elif len(title) > 200:
        found.append("The title is longer than 200 characters.")
    if not duration.strip().isdigit() or not 1 <= int(duration) <= 90:
        found.append("The duration is a whole number of days from 1 to 90.")
    if len(description) > 5_000:
        found.append("The description is longer than 5,000 characters.")
    return found


# Results for display


BLOCKS = " ▏▎▍▌▋▊▉█"
"""Eighths of a cell, for bars finer than a character."""


def bar(percentage: float | None, width: int) -> str:
    """A bar of `width` cells filled to `percentage`, padded with `·`."""
    share = max(0.0, min(100.0, percentage or 0.0)) / 100
    eighths = round(share * width * 8)
    full, part = divmod(eighths, 8)
    cells = "█" * full + (BLOCKS[part] if part else "")
    return cells + "·" * (width - len(cells))


def percent(value: float | None) -> str:
    """`42.5%`, or `—` when there is no share (nobody answered)."""
    return "—" if value is None else f"{value:.1f}%"


def signed(value: float | None, digits: int = 1) -> str:
    """`+12.5`, `−3.0`, `±0`, or `—` (with `digits` decimals)."""
    if value is None:
        return "—"
    if abs(value) < 0.5 * 10**-digits:
        return "±0"
    sign = "+" if value > 0 else "−"
    return f"{sign}{abs(value):.{digits}f}"


def direction(value: float | None) -> str:
    """▲, ▼ or = for a change (a symbol, so it reads without colour)."""
    if value is None or abs(value) < 0.05:
        return "="
    return "▲" if value > 0 else "▼"


def biggest_move(shift: QuestionShift) -> OptionShift | None:
    """The option whose share changed most, or None when none did."""
    moving = [
        o for o in shift.options if o.change is not None and abs(o.change) >= 0.05
    ]
    return max(moving, key=lambda o: abs(o.change or 0.0), default=None)


def moved_line(shift: QuestionShift) -> str:
    """ "3 of 5 who answered both changed their answer"."""
    if not shift.paired:
        return "Nobody answered both surveys yet."
    return (
        f"{shift.moved or 0} of {shift.paired} who answered both"
        f" changed their answer ({100 * (shift.moved or 0) / shift.paired:.0f}%)"
    )


def likert_share(
    distribution: Mapping[str, int] | None,
) -> list[tuple[int, int, float]]:
    """(point, count, percentage) for each point 1-5 of a likert question."""
    counts = {int(k): v for k, v in (distribution or {}).items() if k.isdigit()}
    total = sum(counts.values())
    return [
        (n, counts.get(n, 0), 100 * counts.get(n, 0) / total if total else 0.0)
        for n in range(1, 6)
    ]
