"""A deliberation's surveys and their answers: loading them, checking a response.

Answers are stored as JSON text, one `answers` row per answered question; a
question a respondent skipped (only an optional one may be) has no row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ratel_tui.sandbox.db import Database
from ratel_tui.sandbox.envelope import Problem, invalid

CHOICE_TYPES = frozenset({"multiple_choice", "checkbox"})
"""Question types answered with options."""

KINDS = ("pre", "post")
"""The two surveys of a deliberation, in order."""

FREE_TEXT_LIMIT = 2_000
"""Longest `free_text` answer, in characters."""

_EXPECTED = {
    "multiple_choice": "needs one of its options",
    "checkbox": "needs a list of distinct options",
    "likert": "needs an integer from 1 to 5",
    "free_text": f"needs text of at most {FREE_TEXT_LIMIT} characters",
}
"""What an answer of each question type must be, as the error message says it."""

Answers = dict[str, dict[str, Any]]
"""One survey's answers: respondent (user id) → question id → answer."""


@dataclass(frozen=True, slots=True)
class Question:
    """One question of a survey."""

    id: str
    text: str
    type: str
    options: tuple[str, ...]
    required: bool

    def view(self) -> dict[str, Any]:
        """`{id, text, type, options, required}` as the contract shows it."""
        return {
            "id": self.id,
            "text": self.text,
            "type": self.type,
            "options": list(self.options),
            "required": self.required,
        }


@dataclass(frozen=True, slots=True)
class Survey:
    """The pre or post survey of a deliberation."""

    id: str
    kind: str
    questions: tuple[Question, ...]

    def view(self) -> dict[str, Any]:
        """`{id, questions}` as the contract shows it."""
        return {"id": self.id, "questions": [q.view() for q in self.questions]}


def load_surveys(db: Database, deliberation_id: str) -> dict[str, Survey]:
    """Both surveys of a deliberation, by kind (`pre`, `post`)."""
    surveys = db.all(
        "SELECT id, kind FROM surveys WHERE deliberation_id = ?", (deliberation_id,)
    )
    questions: dict[str, list[Question]] = {s["id"]: [] for s in surveys}
    rows = db.all(
        "SELECT q.* FROM questions q JOIN surveys s ON s.id = q.survey_id"
        " WHERE s.deliberation_id = ? ORDER BY q.position",
        (deliberation_id,),
    )
    for row in rows:
        questions[row["survey_id"]].append(
            Question(
                row["id"],
                row["text"],
                row["type"],
                tuple(json.loads(row["options"])),
                bool(row["required"]),
            )
        )
    return {
        s["kind"]: Survey(s["id"], s["kind"], tuple(questions[s["id"]]))
        for s in surveys
    }


def participants(db: Database, deliberation_id: str) -> dict[str, int]:
    """How many people answered each survey."""
    rows = db.all(
        "SELECT s.kind, COUNT(r.id) AS n FROM surveys s"
        " LEFT JOIN responses r ON r.survey_id = s.id"
        " WHERE s.deliberation_id = ? GROUP BY s.kind",
        (deliberation_id,),
    )
    counts = {row["kind"]: row["n"] for row in rows}
    return {kind: counts.get(kind, 0) for kind in KINDS}


def answered_by(db: Database, deliberation_id: str, user_id: str) -> dict[str, bool]:
    """Which surveys of the deliberation the user has answered."""
    kinds = {
        row["kind"]
        for row in db.all(
            "SELECT s.kind FROM responses r JOIN surveys s ON s.id = r.survey_id"
            " WHERE s.deliberation_id = ? AND r.user_id = ?",
            (deliberation_id, user_id),
        )
    }
    return {kind: kind in kinds for kind in KINDS}


def load_answers(db: Database, survey_id: str) -> Answers:
    """Every answer to a survey, by respondent, in the order they answered."""
    answers: Answers = {}
    rows = db.all(
        "SELECT r.user_id, a.question_id, a.value FROM responses r"
        " LEFT JOIN answers a ON a.response_id = r.id"
        " WHERE r.survey_id = ? ORDER BY r.created_at, r.rowid",
        (survey_id,),
    )
    for row in rows:
        mine = answers.setdefault(row["user_id"], {})
        if row["question_id"] is not None:
            mine[row["question_id"]] = json.loads(row["value"])
    return answers


def check_answers(survey: Survey, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """`POST …/responses`: question id → answer to keep, in question order.

    400 invalid_request naming the first bad question in `details.question_id`.
    """
    questions = {q.id: q for q in survey.questions}
    given: dict[str, Any] = {}
    for question_id, answer in pairs:
        if question_id not in questions:
            raise _bad(question_id, "is not a question of this survey")
        if question_id in given:
            raise _bad(question_id, "is answered twice")
        given[question_id] = answer
    checked = {q.id: check_answer(q, given.get(q.id)) for q in survey.questions}
    return {qid: value for qid, value in checked.items() if value is not None}


def check_answer(question: Question, value: Any) -> Any:
    """The answer to keep (None: skipped); 400 when it does not fit the question.

    Null, an empty checkbox list and an empty free text all mean "no answer",
    which only an optional question accepts.
    """
    if value is None or value in ("", []):
        if question.required:
            raise _bad(question.id, "needs an answer")
        return None
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
    else:
        fits = isinstance(value, str) and len(value) <= FREE_TEXT_LIMIT
    if not fits:
        raise _bad(question.id, _EXPECTED[question.type], answer_type=question.type)
    return value


def _bad(question_id: str, problem: str, **details: Any) -> Problem:
    return invalid(
        f"Question {question_id} {problem}", question_id=question_id, **details
    )
