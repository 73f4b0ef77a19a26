"""Deliberations: surveys before and after a discussion, responses, results."""

from __future__ import annotations

from pydantic import Field

from ratel_tui.api.models.base import Model, UserBrief, UtcDateTime

AnswerValue = str | int | float | list[str] | None
"""An answer: an option, a list of options (checkbox), 1-5 (likert) or text."""


class Question(Model):
    """A survey question."""

    id: str
    text: str
    type: str
    """Known: multiple_choice, checkbox (a list answer), likert (1-5), free_text."""
    options: tuple[str, ...] = ()
    required: bool = True


class Survey(Model):
    """The pre or post survey of a deliberation."""

    id: str
    questions: tuple[Question, ...] = ()


class Participants(Model):
    """How many answered each survey."""

    pre: int = 0
    post: int = 0


class MyResponses(Model):
    """Which surveys the caller has answered [ext]."""

    pre: bool = False
    post: bool = False


class Deliberation(Model):
    """A deliberation; `status` moves draft → pre_survey → discussion →
    post_survey → completed."""

    id: str
    title: str
    status: str
    """Known: draft, pre_survey, discussion, post_survey, completed."""
    description: str = ""
    space_id: str | None = None
    phase_ends_at: UtcDateTime | None = None
    duration_days: int | None = None
    created_by: UserBrief | None = None
    created_at: UtcDateTime | None = None
    pre_survey: Survey | None = None
    post_survey: Survey | None = None
    my_responses: MyResponses | None = None
    participants: Participants | None = None


class Answer(Model):
    """One answer of a response."""

    question_id: str
    answer: AnswerValue = None


class SurveyResponse(Model):
    """The answer to `POST …/surveys/{survey_id}/responses`."""

    id: str
    survey_id: str | None = None
    created_at: UtcDateTime | None = None
    answers: tuple[Answer, ...] = ()


class OptionCount(Model):
    """How often an option was chosen, and by what share of the respondents."""

    option: str
    count: int = 0
    percentage: float | None = None


class QuestionResult(Model):
    """One question's figures: options for choices, mean and distribution for
    likert, a count for free text."""

    question_id: str
    text: str = ""
    type: str = ""
    respondents: int | None = None
    options: tuple[OptionCount, ...] = ()
    mean: float | None = None
    distribution: dict[str, int] | None = None
    count: int | None = None


class SurveyResults(Model):
    """One survey's block of the results."""

    survey_id: str | None = None
    participants: int = 0
    questions: tuple[QuestionResult, ...] = ()


class OptionShift(Model):
    """How an option's count and share moved from the pre to the post survey."""

    option: str
    pre_count: int = 0
    post_count: int = 0
    pre_percentage: float | None = None
    post_percentage: float | None = None
    change: float | None = None


class QuestionShift(Model):
    """How the answers to a question asked in both surveys moved."""

    text: str
    type: str = ""
    pre_question_id: str | None = None
    post_question_id: str | None = None
    pre_respondents: int | None = None
    post_respondents: int | None = None
    paired: int | None = None
    moved: int | None = None
    options: tuple[OptionShift, ...] = ()
    pre_mean: float | None = None
    post_mean: float | None = None
    change: float | None = None


class HiddenReasons(Model):
    """Why a survey's block is withheld (None: shown)."""

    pre: str | None = None
    post: str | None = None


class Results(Model):
    """`GET /deliberations/{id}/results`: per survey and question, and the shift.

    A survey's block is None while it is withheld from the caller.
    """

    deliberation_id: str | None = None
    status: str | None = None
    final: bool = False
    participants: Participants = Field(default_factory=Participants)
    pre: SurveyResults | None = None
    post: SurveyResults | None = None
    shift: tuple[QuestionShift, ...] | None = None
    hidden_reason: HiddenReasons | None = None


class ExportQuestion(Question):
    """A question of the export, with the survey (`pre`, `post`) it belongs to."""

    survey: str


class ExportResponse(Model):
    """One anonymised response: participant alias, survey and answers by question."""

    participant: str
    survey: str
    submitted_at: UtcDateTime | None = None
    answers: dict[str, AnswerValue] = {}


class DeliberationExport(Model):
    """`GET /deliberations/{id}/export?format=json` [ext]: every response, anonymised."""

    deliberation_id: str | None = None
    title: str | None = None
    questions: tuple[ExportQuestion, ...] = ()
    responses: tuple[ExportResponse, ...] = ()
