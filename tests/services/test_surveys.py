"""The client's survey checks against the sandbox's own rules, and the
figures the results screen draws."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from ratel_tui.api.models.deliberations import (
    Deliberation,
    MyResponses,
    Question,
    QuestionShift,
    Survey,
)
from ratel_tui.sandbox import deliberation_answers as server
from ratel_tui.sandbox.envelope import Problem
from ratel_tui.sandbox.routes.deliberations import QuestionIn, SurveyIn
from ratel_tui.services import surveys
from ratel_tui.services.surveys import QuestionInput

QUESTIONS = [
    Question(id="q1", text="One", type="multiple_choice", options=("A", "B")),
    Question(id="q2", text="Some", type="checkbox", options=("A", "B", "C")),
    Question(id="q3", text="Scale", type="likert"),
    Question(id="q4", text="Say", type="free_text", required=False),
    Question(id="q5", text="Must say", type="free_text"),
]
"""One question of each type, and a required free text."""

ANSWERS: list[Any] = [
    None, "", [], "A", "B", "Z", "a", ["A"], ["A", "C"], ["A", "A"], ["Z"], [1],
    "A; B", 0, 1, 3, 5, 6, -1, True, 3.0, "3", "x" * 2_000, "x" * 2_001, {"A": 1},
]  # fmt: skip
"""Answers good and bad for some type: the server and the client must agree."""


def server_accepts(question: Question, value: Any) -> bool:
    mirror = server.Question(
        question.id, question.text, question.type, question.options, question.required
    )
    try:
        server.check_answer(mirror, value)
    except Problem:
        return False
    return True


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.type + q.id)
def test_answers_are_checked_by_the_same_rules_as_the_server(
    question: Question,
) -> None:
    for value in ANSWERS:
        client_ok = surveys.answer_problem(question, value) is None
        assert client_ok == server_accepts(question, value), (question.type, value)


def test_every_refused_answer_is_named_in_survey_order() -> None:
    survey = Survey(id="s", questions=tuple(QUESTIONS))

    found = surveys.answer_problems(survey, {"q1": "Z", "q3": 4})

    assert [(q.id, p) for q, p in found] == [
        ("q1", "needs one of its options"),
        ("q2", "needs an answer"),
        ("q5", "needs an answer"),
    ]


def test_skipped_optional_answers_are_left_out_of_what_is_sent() -> None:
    survey = Survey(id="s", questions=tuple(QUESTIONS))
    answers = {"q1": "A", "q2": ["B"], "q3": 2, "q4": "   ", "q5": "yes"}

    kept = surveys.kept_answers(survey, answers)

    assert kept == {"q1": "A", "q2": ["B"], "q3": 2, "q5": "yes"}
    payload = surveys.respond_payload("d", "s", kept)
    assert payload == {"deliberation_id": "d", "survey_id": "s", "answers": kept}


BUILT = [
    QuestionInput("", "likert"),
    QuestionInput("Ok?", "likert"),
    QuestionInput("Ok?", "likert", ("A", "B")),
    QuestionInput("Pick", "multiple_choice", ("A",)),
    QuestionInput("Pick", "multiple_choice", ("A", "B")),
    QuestionInput("Pick", "checkbox", ("A", "A")),
    QuestionInput("Pick", "checkbox", tuple(f"o{n}" for n in range(21))),
    QuestionInput("Pick", "checkbox", ("A", "x" * 201)),
    QuestionInput("x" * 501, "free_text"),
    QuestionInput("Tell", "free_text", required=False),
    QuestionInput("Tell", "essay"),
]
"""Questions a builder may hold, good and bad."""


@pytest.mark.parametrize("question", BUILT, ids=lambda q: f"{q.type}-{len(q.options)}")
def test_built_questions_are_checked_by_the_same_rules_as_the_server(
    question: QuestionInput,
) -> None:
    try:
        QuestionIn.model_validate(question.draft())
        server_ok = True
    except ValidationError:
        server_ok = False

    assert (surveys.question_problem(question) is None) == server_ok


def test_a_survey_with_two_questions_of_the_same_text_is_refused() -> None:
    twice = [QuestionInput("Ok?", "likert"), QuestionInput("Ok?", "free_text")]

    assert surveys.survey_problems(twice) == ["Two questions have the same text."]
    with pytest.raises(ValidationError):
        SurveyIn.model_validate({"questions": [q.draft() for q in twice]})
    assert surveys.survey_problems([]) == ["A survey needs at least one question."]


def test_options_are_typed_on_one_line() -> None:
    assert surveys.split_options(" Yes | No ;Maybe|| ") == ("Yes", "No", "Maybe")


def test_the_rest_of_a_new_deliberation_is_checked() -> None:
    assert surveys.deliberation_problems("s", "T", "7", "") == []
    assert surveys.deliberation_problems(None, " ", "0", "x" * 5_001) == [
        "Choose a Space.",
        "The title is empty.",
        "The duration is a whole number of days from 1 to 90.",
        "The description is longer than 5,000 characters.",
    ]


@pytest.mark.parametrize(
    ("status", "mine", "pre", "post"),
    [
        ("draft", False, "not_yet", "not_yet"),
        ("pre_survey", False, "open", "not_yet"),
        ("discussion", False, "closed", "not_yet"),
        ("post_survey", True, "answered", "answered"),
        ("completed", False, "closed", "closed"),
    ],
)
def test_each_survey_is_open_only_in_its_phase(
    status: str, mine: bool, pre: str, post: str
) -> None:
    item = Deliberation(
        id="d", title="t", status=status, my_responses=MyResponses(pre=mine, post=mine)
    )

    assert surveys.survey_state(item, "pre") == pre
    assert surveys.survey_state(item, "post") == post


def test_bars_fill_in_eighths_and_pad_with_dots() -> None:
    assert surveys.bar(0, 4) == "····"
    assert surveys.bar(100, 4) == "████"
    assert surveys.bar(50, 4) == "██··"
    assert surveys.bar(None, 3) == "···"
    assert surveys.bar(12.5, 2) == "▎·"
    assert all(len(surveys.bar(p, 10)) == 10 for p in range(0, 101, 7))


def test_changes_read_without_colour() -> None:
    assert (surveys.signed(12.34), surveys.direction(12.34)) == ("+12.3", "▲")
    assert (surveys.signed(-3), surveys.direction(-3)) == ("−3.0", "▼")
    assert (surveys.signed(0.01), surveys.direction(0.01)) == ("±0", "=")
    assert surveys.signed(None) == "—" and surveys.percent(None) == "—"


def test_how_many_moved_is_said_in_words() -> None:
    shift = QuestionShift(text="q", paired=4, moved=1)

    assert surveys.moved_line(shift) == (
        "1 of 4 who answered both changed their answer (25%)"
    )
    assert surveys.moved_line(QuestionShift(text="q", paired=0)).startswith("Nobody")


def test_likert_shares_cover_every_point() -> None:
    assert surveys.likert_share({"1": 1, "5": 3}) == [
        (1, 1, 25.0), (2, 0, 0.0), (3, 0, 0.0), (4, 0, 0.0), (5, 3, 75.0)
    ]  # fmt: skip
    assert surveys.likert_share(None)[0] == (1, 0, 0.0)
