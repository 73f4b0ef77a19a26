"""Deliberation surveys: answering one, the results, and the export [ext]."""

from __future__ import annotations

import json
import sqlite3
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import Field
from starlette.responses import Response

from ratel_tui.sandbox.auth import Caller, Db
from ratel_tui.sandbox.clock import now_iso
from ratel_tui.sandbox.db import Database
from ratel_tui.sandbox.deliberation_answers import (
    Survey,
    answered_by,
    check_answers,
    load_surveys,
)
from ratel_tui.sandbox.deliberation_phases import PHASES, SURVEY_PHASE
from ratel_tui.sandbox.deliberation_results import (
    export_csv,
    export_data,
    results_view,
)
from ratel_tui.sandbox.envelope import (
    JsonResponse,
    conflict,
    forbidden,
    invalid,
    not_found,
    ok,
)
from ratel_tui.sandbox.ids import new_id
from ratel_tui.sandbox.routes.deliberations import (
    FULL,
    ReadDeliberations,
    VoteDeliberations,
    is_manager,
    load_deliberation,
)
from ratel_tui.sandbox.routing import ApiRoute
from ratel_tui.sandbox.rules import require_not_banned
from ratel_tui.sandbox.schemas import Body

router = APIRouter(prefix="/v2", tags=["deliberations"], route_class=ApiRoute)


class AnswerIn(Body):
    """One answer of a survey response; null or absent skips an optional question."""

    question_id: str = Field(max_length=100)
    answer: Any = None


class NewResponse(Body):
    """`POST /deliberations/{id}/surveys/{survey_id}/responses`."""

    answers: list[AnswerIn] = Field(max_length=100)


@router.post(
    "/deliberations/{deliberation_id}/surveys/{survey_id}/responses", status_code=201
)
async def respond(
    request: Request,
    db: Db,
    caller: VoteDeliberations,
    deliberation_id: str,
    survey_id: str,
    body: NewResponse,
) -> JsonResponse:
    """POST /deliberations/{id}/surveys/{survey_id}/responses: answer once."""
    row = load_deliberation(db, deliberation_id, caller)
    survey = _survey(db, row["id"], survey_id)
    require_not_banned(db, row["space_id"], caller)
    if row["status"] != SURVEY_PHASE[survey.kind]:
        raise conflict(
            f"The {survey.kind} survey takes responses only in the"
            f" {SURVEY_PHASE[survey.kind]} phase; this deliberation is in"
            f" {row['status']}",
            status=row["status"],
        )
    if answered_by(db, row["id"], caller.user_id)[survey.kind]:
        raise conflict("You have answered this survey already", survey_id=survey.id)

    pairs = [(item.question_id, item.answer) for item in body.answers]
    answers = check_answers(survey, pairs)
    return ok(request, _store_response(db, survey, caller, answers), status=201)


def _survey(db: Database, deliberation_id: str, survey_id: str) -> Survey:
    for survey in load_surveys(db, deliberation_id).values():
        if survey.id == survey_id:
            return survey
    raise not_found("survey", survey_id)


def _store_response(
    db: Database, survey: Survey, caller: Caller, answers: dict[str, Any]
) -> dict[str, Any]:
    response_id, created = new_id("response"), now_iso()
    # `respond` checked for an earlier response, but a concurrent one can land
    # in between; the table's UNIQUE(survey_id, user_id) turns that into a 409.
    try:
        with db.tx() as conn:
            conn.execute(
                "INSERT INTO responses(id, survey_id, user_id, created_at)"
                " VALUES (?, ?, ?, ?)",
                (response_id, survey.id, caller.user_id, created),
            )
            conn.executemany(
                "INSERT INTO answers(response_id, question_id, value) VALUES (?, ?, ?)",
                [(response_id, q, json.dumps(a)) for q, a in answers.items()],
            )
    except sqlite3.IntegrityError:
        raise conflict(
            "You have answered this survey already", survey_id=survey.id
        ) from None
    return {
        "id": response_id,
        "survey_id": survey.id,
        "created_at": created,
        "answers": [{"question_id": q, "answer": a} for q, a in answers.items()],
    }


@router.get("/deliberations/{deliberation_id}/results")
async def results(
    request: Request, db: Db, caller: ReadDeliberations, deliberation_id: str
) -> JsonResponse:
    """GET /deliberations/{id}/results: per survey and question, and the shift.

    A survey's block is shown to the creator and Space admins, to whoever
    answered that survey, and to everyone once its phase is over; otherwise
    it is null and `hidden_reason` says why.
    """
    row = load_deliberation(db, deliberation_id, caller)
    surveys = load_surveys(db, row["id"])
    manager = is_manager(db, row, caller)
    mine = answered_by(db, row["id"], caller.user_id)
    hidden = {kind: _hidden_reason(row, kind, manager or mine[kind]) for kind in mine}
    return ok(request, results_view(db, row, surveys, hidden))


def _hidden_reason(row: Any, kind: str, entitled: bool) -> str | None:
    over = PHASES.index(row["status"]) > PHASES.index(SURVEY_PHASE[kind])
    if entitled or over:
        return None
    return (
        f"Results of the {kind} survey are shown to those who answered it, and to"
        " everyone once its phase is over"
    )


@router.get("/deliberations/{deliberation_id}/export", dependencies=FULL)
async def export(
    request: Request,
    db: Db,
    caller: ReadDeliberations,
    deliberation_id: str,
    fmt: Annotated[str, Query(alias="format")] = "json",
) -> Response:
    """GET /deliberations/{id}/export?format=json|csv [ext]: anonymised responses.

    The creator and Space admins may export at any time, others once the
    deliberation is completed. CSV comes bare (no envelope), as a download.
    """
    if fmt not in ("json", "csv"):
        raise invalid("format must be json or csv", field="format")
    row = load_deliberation(db, deliberation_id, caller)
    if row["status"] != "completed" and not is_manager(db, row, caller):
        raise forbidden("Responses can be exported once the deliberation is completed")

    data = export_data(db, row, load_surveys(db, row["id"]))
    if fmt == "json":
        return ok(request, data)
    return Response(
        export_csv(data),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{row["id"]}.csv"'},
    )
