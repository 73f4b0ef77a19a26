"""Deliberations: listing, reading, creating and advancing them.

A deliberation's surveys are answered in `deliberation_surveys` and its
discussion held in `deliberation_comments`; both find the deliberation
through `load_deliberation` here. An id in the path, or a `space_id`, that
names nothing the caller may see (unknown, of another kind, or in a private
Space they are not in) is 404 not_found. Ids inside a body that must belong
to the deliberation (a `question_id`, a `parent_id`) are 400 invalid_request.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from pydantic import AfterValidator, Field, StrictBool, StrictInt, model_validator

from ratel_tui.sandbox.auth import Caller, Db, scoped
from ratel_tui.sandbox.clock import now_iso
from ratel_tui.sandbox.db import Database
from ratel_tui.sandbox.deliberation_answers import (
    CHOICE_TYPES,
    answered_by,
    load_surveys,
    participants,
)
from ratel_tui.sandbox.deliberation_phases import (
    NEXT_PHASE,
    PHASES,
    advance_now,
    settle_due,
)
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
from ratel_tui.sandbox.views import user_brief

router = APIRouter(prefix="/v2", tags=["deliberations"], route_class=ApiRoute)

ReadDeliberations = Annotated[Caller, scoped("read:deliberations")]
WriteDeliberations = Annotated[Caller, scoped("write:deliberations")]
VoteDeliberations = Annotated[Caller, scoped("vote:deliberations")]
FULL = [feature("deliberations_full")]
"""The dependencies of every [ext] deliberation endpoint: 404 on a Part A server."""


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be blank")
    return text


Text = Annotated[str, AfterValidator(_not_blank)]
"""A string with something besides whitespace in it."""


class QuestionIn(Body):
    """A question of a new survey."""

    text: Text = Field(min_length=1, max_length=500)
    type: Literal["multiple_choice", "checkbox", "likert", "free_text"]
    options: list[Text] | None = Field(None, max_length=20)
    required: StrictBool = True

    @model_validator(mode="after")
    def _options_fit_type(self) -> QuestionIn:
        options = self.options or []
        if self.type in CHOICE_TYPES:
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


def load_deliberation(db: Database, deliberation_id: str, caller: Caller) -> Any:
    """The settled row of a deliberation the caller may see; else 404."""
    # Deadlines are applied on reading, so every endpoint sees the current phase.
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
    surveys = load_surveys(db, row["id"])
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
        "my_responses": answered_by(db, row["id"], caller.user_id),
        "participants": participants(db, row["id"]),
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

    advance_now(db, row)
    row = db.one("SELECT * FROM deliberations WHERE id = ?", (row["id"],))
    return ok(request, deliberation_view(db, row, caller))
