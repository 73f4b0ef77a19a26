"""Deliberations: a survey before and after a discussion, and what moved.

A deliberation moves `draft → pre_survey → discussion → post_survey →
completed`, by `POST /deliberations/{id}/advance` [ext] or by itself: each
timed phase lasts a third of `duration_days` (8 hours per day, so the three
add up to the whole). Deadlines are applied lazily: before a deliberation is
read or written (and before the list is read), any whose `phase_ends_at` has
passed is moved on, through several phases if several deadlines passed, each
next deadline counted from the one before, not from the moment of reading.

An id in the path, or a `space_id`, that names nothing the caller may see
(unknown, of another kind, or in a private Space they are not in) is 404
not_found. Ids inside a body that must belong to the deliberation (a
`question_id`, a `parent_id`) are 400 invalid_request.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import AfterValidator, Field, StrictBool, StrictInt, model_validator
from starlette.responses import Response

from ratel_tui.sandbox import deliberation_results as dr
from ratel_tui.sandbox.auth import Caller, Db, scoped
from ratel_tui.sandbox.clock import iso, now, now_iso, parse_iso
from ratel_tui.sandbox.db import Database
from ratel_tui.sandbox.envelope import (
    JsonResponse,
    conflict,
    forbidden,
    invalid,
    not_found,
    ok,
)
from ratel_tui.sandbox.features import feature
from ratel_tui.sandbox.ids import new_id
from ratel_tui.sandbox.paging import Paging, paginate
from ratel_tui.sandbox.routing import ApiRoute
from ratel_tui.sandbox.rules import (
    can_view_space,
    require_not_banned,
    require_role,
    role_in,
    visible_space,
)
from ratel_tui.sandbox.schemas import Body
from ratel_tui.sandbox.views import user_brief, user_briefs

router = APIRouter(prefix="/v2", tags=["deliberations"], route_class=ApiRoute)

ReadDeliberations = Annotated[Caller, scoped("read:deliberations")]
WriteDeliberations = Annotated[Caller, scoped("write:deliberations")]
VoteDeliberations = Annotated[Caller, scoped("vote:deliberations")]
FULL = [feature("deliberations_full")]

PHASES = ("draft", "pre_survey", "discussion", "post_survey", "completed")
"""The phases of a deliberation, in order."""

NEXT_PHASE = dict(zip(PHASES, PHASES[1:], strict=False))
"""The phase that follows each but the last."""

TIMED_PHASES = frozenset(PHASES[1:4])
"""Phases with a deadline."""

SURVEY_PHASE = {"pre": "pre_survey", "post": "post_survey"}
"""The phase in which each survey takes responses."""


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be blank")
    return text


Text = Annotated[str, AfterValidator(_not_blank)]


class QuestionIn(Body):
    """A question of a new survey."""

    text: Text = Field(min_length=1, max_length=500)
    type: Literal["multiple_choice", "checkbox", "likert", "free_text"]
    options: list[Text] | None = Field(None, max_length=20)
    required: StrictBool = True

    @model_validator(mode="after")
    def _options_fit_type(self) -> QuestionIn:
        options = self.options or []
        if self.type in dr.CHOICE_TYPES:
            if len(options) < 2:
                raise ValueError(f"a {self.type} question needs 2 to 20 options")
            if len(set(options)) != len(options):
                raise ValueError("options must be distinct")
        elif options:
            raise ValueError(f"a {self.type} question takes no options")
        if any(len(option) > 200 for option in options):
            raise ValueError("an option is longer than 200 characters")
        return self


class SurveyIn(Body):
    """A new survey: 1 to 30 questions of distinct text."""

    questions: list[QuestionIn] = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _distinct_texts(self) -> SurveyIn:
        texts = [q.text for q in self.questions]
        if len(set(texts)) != len(texts):
            raise ValueError("two questions of a survey have the same text")
        return self


class NewDeliberation(Body):
    """`POST /deliberations`."""

    space_id: str = Field(min_length=1, max_length=100)
    title: Text = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5_000)
    pre_survey: SurveyIn
    post_survey: SurveyIn | None = None
    duration_days: StrictInt = Field(ge=1, le=90)


class AnswerIn(Body):
    """One answer of a survey response; null or absent skips an optional question."""

    question_id: str = Field(max_length=100)
    answer: Any = None


class NewResponse(Body):
    """`POST /deliberations/{id}/surveys/{survey_id}/responses`."""

    answers: list[AnswerIn] = Field(max_length=100)


class NewComment(Body):
    """`POST /deliberations/{id}/comments` [ext]."""

    content: Text = Field(min_length=1, max_length=5_000)
    parent_id: str | None = Field(None, max_length=100)


def phase_length(duration_days: int) -> timedelta:
    """A timed phase: a third of the deliberation's duration."""
    return timedelta(hours=8 * duration_days)


def settle_due(db: Database, deliberation_id: str | None = None) -> None:
    """Move on every deliberation (or the one given) whose deadline has passed."""
    moment = now()
    sql = "SELECT * FROM deliberations WHERE phase_ends_at <= ?"
    params: tuple[str, ...] = (iso(moment),)
    if deliberation_id is not None:
        sql += " AND id = ?"
        params += (deliberation_id,)
    due = db.all(sql, params)
    if not due:
        return

    with db.tx() as conn:
        for row in due:
            status, ends = _roll_forward(row, moment)
            conn.execute(
                "UPDATE deliberations SET status = ?, phase_ends_at = ?, updated_at = ?"
                " WHERE id = ?",
                (status, ends, iso(moment), row["id"]),
            )


def _roll_forward(row: Any, moment: datetime) -> tuple[str, str | None]:
    """The phase and deadline at `moment` of a deliberation past its deadline."""
    status, ends = row["status"], parse_iso(row["phase_ends_at"])
    while ends <= moment and status in NEXT_PHASE:
        status = NEXT_PHASE[status]
        ends += phase_length(row["duration_days"])
    return status, iso(ends) if status in TIMED_PHASES else None


def load_deliberation(db: Database, deliberation_id: str, caller: Caller) -> Any:
    """The settled row of a deliberation the caller may see; else 404."""
    settle_due(db, deliberation_id)
    row = db.one("SELECT * FROM deliberations WHERE id = ?", (deliberation_id,))
    if row is None:
        raise not_found("deliberation", deliberation_id)
    space = db.one("SELECT * FROM spaces WHERE id = ?", (row["space_id"],))
    if space is None or not can_view_space(db, space, caller):
        raise not_found("deliberation", deliberation_id)
    return row


def is_manager(db: Database, row: Any, caller: Caller) -> bool:
    """The creator, a Space admin, or a platform admin holding `admin:spaces`."""
    if row["created_by"] == caller.user_id:
        return True
    if caller.is_admin and caller.has("admin:spaces"):
        return True
    return role_in(db, row["space_id"], caller.user_id) == "admin"


def deliberation_view(db: Database, row: Any, caller: Caller) -> dict[str, Any]:
    """The deliberation resource as `caller` sees it."""
    surveys = dr.load_surveys(db, row["id"])
    return {
        "id": row["id"],
        "space_id": row["space_id"],
        "title": row["title"],
        "description": row["description"],
        "status": row["status"],
        "phase_ends_at": row["phase_ends_at"],
        "duration_days": row["duration_days"],
        "created_by": user_brief(db, row["created_by"]),
        "created_at": row["created_at"],
        "pre_survey": surveys["pre"].view(),
        "post_survey": surveys["post"].view(),
        "my_responses": dr.answered_by(db, row["id"], caller.user_id),
        "participants": dr.participants(db, row["id"]),
    }


def _visible_spaces(caller: Caller) -> tuple[str, tuple[str, ...]]:
    """A WHERE clause on `space_id` matching the Spaces the caller may see."""
    if caller.is_admin and caller.has("admin:spaces"):
        return "1", ()
    return (
        "(space_id IN (SELECT id FROM spaces WHERE visibility = 'public')"
        " OR space_id IN (SELECT space_id FROM space_members WHERE user_id = ?))",
        (caller.user_id,),
    )


@router.get("/deliberations")
async def list_deliberations(
    request: Request,
    db: Db,
    caller: ReadDeliberations,
    paging: Paging,
    space_id: str | None = None,
    status: str | None = None,
) -> JsonResponse:
    """GET /deliberations: newest first, in the Spaces the caller may see."""
    if status is not None and status not in PHASES:
        raise invalid(f"status must be one of {', '.join(PHASES)}", field="status")
    where, params = _visible_spaces(caller)
    if space_id:
        where += " AND space_id = ?"
        params += (visible_space(db, space_id, caller)["id"],)
    if status is not None:
        where += " AND status = ?"
        params += (status,)

    settle_due(db)
    listing = paginate(
        db,
        select="SELECT * FROM deliberations",
        where=where,
        params=params,
        paging=paging,
    )
    data = [deliberation_view(db, row, caller) for row in listing.rows]
    return ok(request, data, **listing.meta)


@router.get("/deliberations/{deliberation_id}")
async def get_deliberation(
    request: Request, db: Db, caller: ReadDeliberations, deliberation_id: str
) -> JsonResponse:
    """GET /deliberations/{id}."""
    row = load_deliberation(db, deliberation_id, caller)
    return ok(request, deliberation_view(db, row, caller))


@router.post("/deliberations", status_code=201)
async def create_deliberation(
    request: Request, db: Db, caller: WriteDeliberations, body: NewDeliberation
) -> JsonResponse:
    """POST /deliberations: a new deliberation, in `draft` until advanced.

    Without `post_survey`, the post survey asks the pre survey's questions
    again (as questions of its own, with new ids), so each gets a shift.
    """
    space = visible_space(db, body.space_id, caller)
    if not space["allow_deliberations"]:
        raise forbidden("This Space does not allow deliberations")
    require_role(db, space["id"], caller, "member")
    require_not_banned(db, space["id"], caller)

    deliberation_id = _insert_deliberation(db, space["id"], caller, body)
    row = db.one("SELECT * FROM deliberations WHERE id = ?", (deliberation_id,))
    return ok(request, deliberation_view(db, row, caller), status=201)


def _insert_deliberation(
    db: Database, space_id: str, caller: Caller, body: NewDeliberation
) -> str:
    deliberation_id = new_id("deliberation")
    surveys = {"pre": body.pre_survey, "post": body.post_survey or body.pre_survey}
    with db.tx() as conn:
        conn.execute(
            "INSERT INTO deliberations(id, space_id, title, description, status,"
            " duration_days, created_by, created_at)"
            " VALUES (?, ?, ?, ?, 'draft', ?, ?, ?)",
            (deliberation_id, space_id, body.title, body.description,
             body.duration_days, caller.user_id, now_iso()),
        )  # fmt: skip
        for kind, survey in surveys.items():
            survey_id = new_id("survey")
            conn.execute(
                "INSERT INTO surveys(id, deliberation_id, kind) VALUES (?, ?, ?)",
                (survey_id, deliberation_id, kind),
            )
            conn.executemany(
                "INSERT INTO questions(id, survey_id, position, text, type, options,"
                " required) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (new_id("question"), survey_id, n, q.text, q.type,
                     json.dumps(q.options or []), int(q.required))
                    for n, q in enumerate(survey.questions)
                ],
            )  # fmt: skip
        conn.execute(
            "UPDATE spaces SET deliberations_count = deliberations_count + 1"
            " WHERE id = ?",
            (space_id,),
        )
    return deliberation_id


@router.post("/deliberations/{deliberation_id}/advance", dependencies=FULL)
async def advance(
    request: Request, db: Db, caller: WriteDeliberations, deliberation_id: str
) -> JsonResponse:
    """POST /deliberations/{id}/advance [ext]: on to the next phase."""
    row = load_deliberation(db, deliberation_id, caller)
    if not is_manager(db, row, caller):
        raise forbidden("Only the creator or a Space admin may advance a deliberation")
    if row["status"] not in NEXT_PHASE:
        raise conflict("This deliberation is completed already", status=row["status"])

    status = NEXT_PHASE[row["status"]]
    moment = now()
    ends = moment + phase_length(row["duration_days"])
    with db.tx() as conn:
        conn.execute(
            "UPDATE deliberations SET status = ?, phase_ends_at = ?, updated_at = ?"
            " WHERE id = ?",
            (status, iso(ends) if status in TIMED_PHASES else None, iso(moment),
             row["id"]),
        )  # fmt: skip
    row = db.one("SELECT * FROM deliberations WHERE id = ?", (row["id"],))
    return ok(request, deliberation_view(db, row, caller))


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
    if dr.answered_by(db, row["id"], caller.user_id)[survey.kind]:
        raise conflict("You have answered this survey already", survey_id=survey.id)

    pairs = [(item.question_id, item.answer) for item in body.answers]
    answers = dr.check_answers(survey, pairs)
    return ok(request, _store_response(db, survey, caller, answers), status=201)


def _survey(db: Database, deliberation_id: str, survey_id: str) -> dr.Survey:
    for survey in dr.load_surveys(db, deliberation_id).values():
        if survey.id == survey_id:
            return survey
    raise not_found("survey", survey_id)


def _store_response(
    db: Database, survey: dr.Survey, caller: Caller, answers: dict[str, Any]
) -> dict[str, Any]:
    response_id, created = new_id("response"), now_iso()
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
    surveys = dr.load_surveys(db, row["id"])
    manager = is_manager(db, row, caller)
    mine = dr.answered_by(db, row["id"], caller.user_id)
    hidden = {kind: _hidden_reason(row, kind, manager or mine[kind]) for kind in mine}
    return ok(request, dr.results_view(db, row, surveys, hidden))


def _hidden_reason(row: Any, kind: str, entitled: bool) -> str | None:
    over = PHASES.index(row["status"]) > PHASES.index(SURVEY_PHASE[kind])
    if entitled or over:
        return None
    return (
        f"Results of the {kind} survey are shown to those who answered it, and to"
        " everyone once its phase is over"
    )


@router.get("/deliberations/{deliberation_id}/comments", dependencies=FULL)
async def list_comments(
    request: Request,
    db: Db,
    caller: ReadDeliberations,
    deliberation_id: str,
    paging: Paging,
) -> JsonResponse:
    """GET /deliberations/{id}/comments [ext]: the discussion, oldest first."""
    row = load_deliberation(db, deliberation_id, caller)
    listing = paginate(
        db,
        select="SELECT * FROM deliberation_comments",
        where="deliberation_id = ?",
        params=(row["id"],),
        descending=False,
        paging=paging,
    )
    authors = user_briefs(db, {r["author_id"] for r in listing.rows})
    data = [_comment_view(r, authors[r["author_id"]]) for r in listing.rows]
    return ok(request, data, **listing.meta)


@router.post(
    "/deliberations/{deliberation_id}/comments", status_code=201, dependencies=FULL
)
async def add_comment(
    request: Request,
    db: Db,
    caller: WriteDeliberations,
    deliberation_id: str,
    body: NewComment,
) -> JsonResponse:
    """POST /deliberations/{id}/comments [ext]: only in the discussion phase."""
    row = load_deliberation(db, deliberation_id, caller)
    require_not_banned(db, row["space_id"], caller)
    if row["status"] != "discussion":
        raise conflict(
            f"Comments are open in the discussion phase; this deliberation is in"
            f" {row['status']}",
            status=row["status"],
        )
    _check_parent(db, row["id"], body.parent_id)

    comment_id = new_id("comment")
    with db.tx() as conn:
        conn.execute(
            "INSERT INTO deliberation_comments(id, deliberation_id, parent_id,"
            " author_id, content, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (comment_id, row["id"], body.parent_id, caller.user_id, body.content,
             now_iso()),
        )  # fmt: skip
    comment = db.one("SELECT * FROM deliberation_comments WHERE id = ?", (comment_id,))
    view = _comment_view(comment, user_brief(db, caller.user_id))
    return ok(request, view, status=201)


def _check_parent(db: Database, deliberation_id: str, parent_id: str | None) -> None:
    if parent_id is None:
        return
    found = db.one(
        "SELECT 1 FROM deliberation_comments WHERE id = ? AND deliberation_id = ?",
        (parent_id, deliberation_id),
    )
    if found is None:
        raise invalid(
            "parent_id is not a comment of this deliberation", field="parent_id"
        )


def _comment_view(row: Any, author: dict[str, Any]) -> dict[str, Any]:
    deleted = bool(row["deleted"])
    return {
        "id": row["id"],
        "deliberation_id": row["deliberation_id"],
        "parent_id": row["parent_id"],
        "author": author,
        "content": "" if deleted else row["content"],
        "created_at": row["created_at"],
        "deleted": deleted,
    }


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

    data = dr.export_data(db, row, dr.load_surveys(db, row["id"]))
    if fmt == "json":
        return ok(request, data)
    return Response(
        dr.export_csv(data),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{row["id"]}.csv"'},
    )
