"""Deliberations: surveys, responses and results; advancing, discussion and
export [ext]."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NotRequired, TypedDict

from ratel_tui.api.models.base import Page, body, parse_data, parse_page, query, segment
from ratel_tui.api.models.deliberations import (
    AnswerValue,
    Deliberation,
    DeliberationExport,
    Results,
    SurveyResponse,
)
from ratel_tui.api.models.posts import Comment

if TYPE_CHECKING:
    from ratel_tui.api.client import ApiClient

FULL = ("deliberations_full", "the full deliberation workflow")
"""The [ext] feature behind advancing, discussion threads and export."""


class QuestionDraft(TypedDict):
    """A question of a new survey."""

    text: str
    type: str
    """multiple_choice, checkbox, likert or free_text."""
    options: NotRequired[list[str]]
    required: NotRequired[bool]


async def list_deliberations(
    client: ApiClient,
    *,
    space_id: str | None = None,
    status: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page[Deliberation]:
    """GET /deliberations: newest first; `status` is a phase such as `discussion`."""
    params = query(space_id=space_id, status=status, page=page, per_page=per_page)

    envelope = await client.get("/deliberations", params=params)
    return parse_page(Deliberation, envelope, "GET /deliberations")


async def get_deliberation(client: ApiClient, deliberation_id: str) -> Deliberation:
    """GET /deliberations/{deliberation_id}."""
    envelope = await client.get(f"/deliberations/{segment(deliberation_id)}")
    return parse_data(Deliberation, envelope, "GET /deliberations/{deliberation_id}")


async def create_deliberation(
    client: ApiClient,
    space_id: str,
    title: str,
    pre_survey: Sequence[QuestionDraft],
    duration_days: int,
    *,
    description: str | None = None,
    post_survey: Sequence[QuestionDraft] | None = None,
    idempotency_key: str | None = None,
) -> Deliberation:
    """POST /deliberations: a new deliberation, in `draft` until advanced.

    A separate `post_survey` [ext] is sent only when given; without one the
    post survey asks the pre survey's questions again.
    """
    if post_survey is not None:
        await client.require(*FULL)
    payload = body(
        space_id=space_id,
        title=title,
        description=description,
        pre_survey={"questions": list(pre_survey)},
        post_survey=None if post_survey is None else {"questions": list(post_survey)},
        duration_days=duration_days,
    )

    envelope = await client.post(
        "/deliberations", json=payload, idempotency_key=idempotency_key
    )
    return parse_data(Deliberation, envelope, "POST /deliberations")


async def respond(
    client: ApiClient,
    deliberation_id: str,
    survey_id: str,
    answers: Mapping[str, AnswerValue],
    *,
    idempotency_key: str | None = None,
) -> SurveyResponse:
    """POST /deliberations/{deliberation_id}/surveys/{survey_id}/responses.

    `answers` maps question ids to answers: an option, a list of options
    (checkbox), 1-5 (likert) or text; None skips an optional question.
    """
    path = f"/deliberations/{segment(deliberation_id)}/surveys/{segment(survey_id)}/responses"
    payload = {"answers": [{"question_id": q, "answer": a} for q, a in answers.items()]}

    envelope = await client.post(path, json=payload, idempotency_key=idempotency_key)
    return parse_data(
        SurveyResponse,
        envelope,
        "POST /deliberations/{deliberation_id}/surveys/{survey_id}/responses",
    )


async def results(client: ApiClient, deliberation_id: str) -> Results:
    """GET /deliberations/{deliberation_id}/results: per survey and question,
    and the pre→post shift."""
    envelope = await client.get(f"/deliberations/{segment(deliberation_id)}/results")
    return parse_data(Results, envelope, "GET /deliberations/{deliberation_id}/results")


async def advance(
    client: ApiClient, deliberation_id: str, *, idempotency_key: str | None = None
) -> Deliberation:
    """POST /deliberations/{deliberation_id}/advance [ext]: on to the next phase
    (its creator or a Space admin)."""
    await client.require(*FULL)

    envelope = await client.post(
        f"/deliberations/{segment(deliberation_id)}/advance",
        idempotency_key=idempotency_key,
    )
    return parse_data(
        Deliberation, envelope, "POST /deliberations/{deliberation_id}/advance"
    )


async def list_comments(
    client: ApiClient,
    deliberation_id: str,
    *,
    page: int = 1,
    per_page: int = 20,
    cursor: str | None = None,
) -> Page[Comment]:
    """GET /deliberations/{deliberation_id}/comments [ext]: the discussion,
    oldest first."""
    await client.require(*FULL)
    params = query(page=page, per_page=per_page, cursor=cursor)

    envelope = await client.get(
        f"/deliberations/{segment(deliberation_id)}/comments", params=params
    )
    return parse_page(
        Comment, envelope, "GET /deliberations/{deliberation_id}/comments"
    )


async def create_comment(
    client: ApiClient,
    deliberation_id: str,
    content: str,
    *,
    parent_id: str | None = None,
    idempotency_key: str | None = None,
) -> Comment:
    """POST /deliberations/{deliberation_id}/comments [ext]: in the discussion
    phase only."""
    await client.require(*FULL)
    payload = {"content": content, "parent_id": parent_id}

    envelope = await client.post(
        f"/deliberations/{segment(deliberation_id)}/comments",
        json=payload,
        idempotency_key=idempotency_key,
    )
    return parse_data(
        Comment, envelope, "POST /deliberations/{deliberation_id}/comments"
    )


async def export_json(client: ApiClient, deliberation_id: str) -> DeliberationExport:
    """GET /deliberations/{deliberation_id}/export?format=json [ext]: every
    response, anonymised."""
    await client.require(*FULL)

    envelope = await client.get(
        f"/deliberations/{segment(deliberation_id)}/export", params={"format": "json"}
    )
    return parse_data(
        DeliberationExport, envelope, "GET /deliberations/{deliberation_id}/export"
    )


async def export_csv(client: ApiClient, deliberation_id: str) -> bytes:
    """GET /deliberations/{deliberation_id}/export?format=csv [ext]: the same as
    CSV, one row per answer, as the server sent it (UTF-8)."""
    await client.require(*FULL)

    return await client.get_raw(
        f"/deliberations/{segment(deliberation_id)}/export", params={"format": "csv"}
    )
