"""A deliberation's results: per-question figures, the pre→post shift, the export.

A question a respondent skipped has no answer (see `deliberation_answers`), so
each question's figures count the respondents who answered that question.
Percentages have one decimal, means two; changes are computed before rounding.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from typing import Any

from ratel_tui.sandbox.db import Database
from ratel_tui.sandbox.deliberation_answers import (
    CHOICE_TYPES,
    KINDS,
    Answers,
    Question,
    Survey,
    load_answers,
)

CSV_COLUMNS = (
    "participant",
    "survey",
    "submitted_at",
    "question_id",
    "question",
    "type",
    "answer",
)
"""The header row of the CSV export."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula."""


def results_view(
    db: Database, row: Any, surveys: dict[str, Survey], hidden: dict[str, str | None]
) -> dict[str, Any]:
    """`GET /deliberations/{id}/results`: the shown surveys' figures and the shift.

    `hidden` gives, per survey kind, why its block is withheld (None: shown).
    The shift needs both surveys, so it is null when either is withheld.
    """
    answers = {kind: load_answers(db, surveys[kind].id) for kind in KINDS}
    data: dict[str, Any] = {
        "deliberation_id": row["id"],
        "status": row["status"],
        "final": row["status"] == "completed",
        "participants": {kind: len(answers[kind]) for kind in KINDS},
        "hidden_reason": hidden,
    }
    for kind in KINDS:
        shown = hidden[kind] is None
        data[kind] = survey_results(surveys[kind], answers[kind]) if shown else None
    if hidden["pre"] is None and hidden["post"] is None:
        data["shift"] = shift(
            surveys["pre"], surveys["post"], answers["pre"], answers["post"]
        )
    else:
        data["shift"] = None
    return data


def survey_results(survey: Survey, answers: Answers) -> dict[str, Any]:
    """One survey's block: its participants and each question's figures."""
    return {
        "survey_id": survey.id,
        "participants": len(answers),
        "questions": [
            question_results(q, [a[q.id] for a in answers.values() if q.id in a])
            for q in survey.questions
        ],
    }


def question_results(question: Question, values: list[Any]) -> dict[str, Any]:
    """The figures of one question from the answers given to it."""
    data: dict[str, Any] = {
        "question_id": question.id,
        "text": question.text,
        "type": question.type,
        "respondents": len(values),
    }
    if question.type in CHOICE_TYPES:
        data["options"] = [
            {"option": option, "count": count, "percentage": round(share, 1)}
            for option, count, share in _tally(question.options, values)
        ]
    elif question.type == "likert":
        data["mean"] = _rounded(_mean(values), 2)
        data["distribution"] = {str(n): values.count(n) for n in range(1, 6)}
    else:
        data["count"] = len(values)
    return data


def shift(pre: Survey, post: Survey, before: Answers, after: Answers) -> list[Any]:
    """Pre→post change of every question asked in both (same text and type)."""
    later = {(q.text, q.type): q for q in post.questions}
    return [
        question_shift(q, later[(q.text, q.type)], before, after)
        for q in pre.questions
        if (q.text, q.type) in later
    ]


def question_shift(
    first: Question, second: Question, before: Answers, after: Answers
) -> dict[str, Any]:
    """How the answers to one question moved between the two surveys."""
    old = {user: a[first.id] for user, a in before.items() if first.id in a}
    new = {user: a[second.id] for user, a in after.items() if second.id in a}
    paired = old.keys() & new.keys()
    data: dict[str, Any] = {
        "text": first.text,
        "type": first.type,
        "pre_question_id": first.id,
        "post_question_id": second.id,
        "pre_respondents": len(old),
        "post_respondents": len(new),
        "paired": len(paired),
        "moved": sum(1 for user in paired if _key(old[user]) != _key(new[user])),
    }
    if first.type in CHOICE_TYPES:
        options = tuple(dict.fromkeys(first.options + second.options))
        data["options"] = _option_shift(options, list(old.values()), list(new.values()))
    elif first.type == "likert":
        pre_mean, post_mean = _mean(list(old.values())), _mean(list(new.values()))
        data["pre_mean"] = _rounded(pre_mean, 2)
        data["post_mean"] = _rounded(post_mean, 2)
        changed = (
            None if pre_mean is None or post_mean is None else post_mean - pre_mean
        )
        data["change"] = _rounded(changed, 2)
    return data


def _option_shift(
    options: tuple[str, ...], old: list[Any], new: list[Any]
) -> list[dict[str, Any]]:
    """Per option: both counts and shares; a survey nobody answered has no share."""
    rows = []
    for (option, pre_n, pre_share), (_, post_n, post_share) in zip(
        _tally(options, old), _tally(options, new), strict=True
    ):
        pre = round(pre_share, 1) if old else None
        post = round(post_share, 1) if new else None
        rows.append(
            {
                "option": option,
                "pre_count": pre_n,
                "pre_percentage": pre,
                "post_count": post_n,
                "post_percentage": post,
                "change": round(post_share - pre_share, 1) if old and new else None,
            }
        )
    return rows


def _tally(options: tuple[str, ...], values: list[Any]) -> list[tuple[str, int, float]]:
    """(option, count, percentage of respondents) for each option."""
    counts: Counter[str] = Counter()
    for value in values:
        counts.update(value if isinstance(value, list) else [value])
    total = len(values)
    return [(o, counts[o], 100 * counts[o] / total if total else 0.0) for o in options]


def _mean(values: list[Any]) -> float | None:
    return sum(values) / len(values) if values else None


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _key(value: Any) -> Any:
    """A comparable form of an answer: a checkbox answer's order does not count."""
    return frozenset(value) if isinstance(value, list) else value


def export_data(db: Database, row: Any, surveys: dict[str, Survey]) -> dict[str, Any]:
    """`GET /deliberations/{id}/export`: every response, anonymised.

    Respondents become `p001`, `p002`… in the order of their first response;
    no user id or username appears.
    """
    questions = [
        {"survey": kind, **q.view()} for kind in KINDS for q in surveys[kind].questions
    ]
    order = {q["id"]: n for n, q in enumerate(questions)}
    rows = db.all(
        "SELECT r.id, r.user_id, r.created_at, s.kind FROM responses r"
        " JOIN surveys s ON s.id = r.survey_id WHERE s.deliberation_id = ?"
        " ORDER BY r.created_at, r.rowid",
        (row["id"],),
    )
    aliases: dict[str, str] = {}
    responses = []
    for response in rows:
        alias = aliases.setdefault(response["user_id"], f"p{len(aliases) + 1:03d}")
        answers = _response_answers(db, response["id"], order)
        responses.append(
            {
                "participant": alias,
                "survey": response["kind"],
                "submitted_at": response["created_at"],
                "answers": answers,
            }
        )
    return {
        "deliberation_id": row["id"],
        "title": row["title"],
        "questions": questions,
        "responses": responses,
    }


def _response_answers(
    db: Database, response_id: str, order: dict[str, int]
) -> dict[str, Any]:
    rows = db.all(
        "SELECT question_id, value FROM answers WHERE response_id = ?", (response_id,)
    )
    rows.sort(key=lambda r: order.get(r["question_id"], len(order)))
    return {r["question_id"]: json.loads(r["value"]) for r in rows}


def export_csv(data: dict[str, Any]) -> str:
    """The export as CSV: one row per answer, checkbox options joined by `; `.

    A cell that a spreadsheet would run as a formula gets a leading `'`.
    """
    questions = {q["id"]: q for q in data["questions"]}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for response in data["responses"]:
        for question_id, answer in response["answers"].items():
            question = questions[question_id]
            cells = (
                response["participant"],
                response["survey"],
                response["submitted_at"],
                question_id,
                question["text"],
                question["type"],
                "; ".join(answer) if isinstance(answer, list) else str(answer),
            )
            writer.writerow([_defused(cell) for cell in cells])
    return out.getvalue()


def _defused(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell
