"""The oracle: attribute verification requests, community votes, attestations.

A request is decided by its first `REQUIRED_VOTES` votes: approved when at
least two thirds of them approve, else rejected. An approval issues an
attestation. Who voted how stays hidden until the request is decided, so
that later voters are not swayed by earlier ones.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request
from pydantic import Field, field_validator

from ratel_tui.sandbox.auth import Caller, Db, scoped
from ratel_tui.sandbox.clock import iso, now
from ratel_tui.sandbox.db import Database
from ratel_tui.sandbox.envelope import (
    JsonResponse,
    conflict,
    forbidden,
    invalid,
    not_found,
    ok,
)
from ratel_tui.sandbox.features import served
from ratel_tui.sandbox.ids import new_id
from ratel_tui.sandbox.paging import Paging, paginate
from ratel_tui.sandbox.routing import ApiRoute
from ratel_tui.sandbox.schemas import Body
from ratel_tui.sandbox.views import user_briefs

router = APIRouter(prefix="/v2", tags=["oracle"], route_class=ApiRoute)

ReadOracle = Annotated[Caller, scoped("read:oracle")]
WriteOracle = Annotated[Caller, scoped("write:oracle")]
VoteOracle = Annotated[Caller, scoped("vote:oracle")]

AttributeType = Literal[
    "age",
    "gender",
    "university",
    "employer",
    "membership",
    "professional_skill",
    "other",
]
Status = Literal["pending", "approved", "rejected"]

REQUIRED_VOTES = 3
"""How many votes decide a request in the sandbox."""

ISSUER = "did:ratel:oracle"
"""The issuer named on every attestation the sandbox's oracle issues."""

_TRUE = ("true", "1", "yes")
_FALSE = ("false", "0", "no")


class Evidence(Body):
    """One piece of evidence: a link to a web page, a document or a reference."""

    type: Literal["url", "document", "reference"]
    url: str = Field(min_length=1, max_length=2_000)

    @field_validator("url")
    @classmethod
    def _web_address(cls, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            raise ValueError("evidence url must be an http or https address")
        if any(char.isspace() for char in url):
            raise ValueError("evidence url must not contain spaces")
        return url


class NewVerification(Body):
    """`POST /oracle/verifications`."""

    attribute_type: AttributeType
    attribute_value: str = Field(min_length=1, max_length=200)
    evidence: list[Evidence] = Field(default_factory=list, max_length=10)
    description: str | None = Field(None, max_length=2_000)


class NewVote(Body):
    """`POST /oracle/verifications/{id}/votes`."""

    vote: Literal["approve", "reject"]
    comment: str | None = Field(None, max_length=1_000)


@router.get("/oracle/verifications")
async def list_verifications(
    request: Request,
    db: Db,
    caller: ReadOracle,
    paging: Paging,
    status: Annotated[Status | None, Query()] = None,
    attribute_type: Annotated[AttributeType | None, Query()] = None,
    reviewable: Annotated[str | None, Query()] = None,
) -> JsonResponse:
    """Verification requests, newest first; `reviewable=true` [ext] keeps the
    pending ones the caller may still vote on."""
    where, params = ["1"], []
    if status is not None:
        where.append("v.status = ?")
        params.append(status)
    if attribute_type is not None:
        where.append("v.attribute_type = ?")
        params.append(attribute_type)
    # A server of Part A alone ignores a query parameter it does not know.
    if served(request, "oracle_full") and _flag("reviewable", reviewable):
        where.append(
            "v.status = 'pending' AND v.requester_id != ? AND NOT EXISTS ("
            "SELECT 1 FROM verification_votes w"
            " WHERE w.verification_id = v.id AND w.voter_id = ?)"
        )
        params += [caller.user_id, caller.user_id]

    listing = paginate(
        db,
        select="SELECT v.* FROM verifications v",
        where=" AND ".join(where),
        params=tuple(params),
        keys=("v.created_at", "v.seq"),
        paging=paging,
        count_from="FROM verifications v",
    )
    data = verification_views(db, listing.rows, caller.user_id)
    return ok(request, data, **listing.meta)


def _flag(name: str, value: str | None) -> bool:
    """A boolean query parameter; absent is false."""
    if value is None or value.lower() in _FALSE:
        return False
    if value.lower() in _TRUE:
        return True
    raise invalid(f"{name} must be true or false", field=name)


@router.get("/oracle/verifications/{verification_id}")
async def get_verification(
    request: Request, db: Db, caller: ReadOracle, verification_id: str
) -> JsonResponse:
    """One verification request, with the voters once it is decided."""
    row = _load(db, verification_id)
    return ok(request, verification_detail(db, row, caller.user_id))


@router.post("/oracle/verifications", status_code=201)
async def create_verification(
    request: Request, db: Db, caller: WriteOracle, body: NewVerification
) -> JsonResponse:
    """Ask the community to verify an attribute of the caller."""
    value = body.attribute_value.strip()
    if not value:
        raise invalid("attribute_value cannot be blank", field="attribute_value")
    evidence = json.dumps([item.model_dump() for item in body.evidence])

    verification_id = new_id("verification")
    with db.tx() as conn:
        _refuse_duplicate(conn, caller.user_id, body.attribute_type, value)
        conn.execute(
            "INSERT INTO verifications(id, requester_id, attribute_type,"
            " attribute_value, evidence, description, status, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
            (
                verification_id,
                caller.user_id,
                body.attribute_type,
                value,
                evidence,
                body.description or "",
                iso(now()),
            ),
        )
    row = _load(db, verification_id)
    return ok(request, verification_detail(db, row, caller.user_id), status=201)


def _refuse_duplicate(
    conn: sqlite3.Connection, requester_id: str, attribute_type: str, value: str
) -> None:
    """409 when the requester already waits for the same attribute (any case)."""
    pending = conn.execute(
        "SELECT id, attribute_value FROM verifications"
        " WHERE requester_id = ? AND attribute_type = ? AND status = 'pending'",
        (requester_id, attribute_type),
    ).fetchall()
    for row in pending:
        if row["attribute_value"].casefold() == value.casefold():
            raise conflict(
                "You already have a pending request for this attribute",
                verification_id=row["id"],
            )


@router.post("/oracle/verifications/{verification_id}/votes", status_code=201)
async def vote(
    request: Request, db: Db, caller: VoteOracle, verification_id: str, body: NewVote
) -> JsonResponse:
    """Vote on someone else's pending request; the deciding vote decides it."""
    with db.tx() as conn:
        _cast_vote(conn, verification_id, caller.user_id, body)
        _decide_if_due(conn, verification_id)
    row = _load(db, verification_id)
    return ok(request, verification_detail(db, row, caller.user_id), status=201)


def _cast_vote(
    conn: sqlite3.Connection, verification_id: str, voter_id: str, body: NewVote
) -> None:
    """Record one vote, refusing what the rules refuse (inside the transaction)."""
    row = conn.execute(
        "SELECT requester_id, status FROM verifications WHERE id = ?",
        (verification_id,),
    ).fetchone()
    if row is None:
        raise not_found("verification", verification_id)
    if row["requester_id"] == voter_id:
        raise forbidden("You cannot vote on your own request")
    already = conn.execute(
        "SELECT 1 FROM verification_votes WHERE verification_id = ? AND voter_id = ?",
        (verification_id, voter_id),
    ).fetchone()
    if already is not None:
        raise conflict("You have already voted on this request")
    if row["status"] != "pending":
        raise conflict(
            f"This request was already decided ({row['status']})",
            status=row["status"],
        )

    try:
        conn.execute(
            "INSERT INTO verification_votes(verification_id, voter_id, vote, comment,"
            " created_at) VALUES (?, ?, ?, ?, ?)",
            (verification_id, voter_id, body.vote, body.comment or "", iso(now())),
        )
    except sqlite3.IntegrityError:
        raise conflict("You have already voted on this request") from None


def _decide_if_due(conn: sqlite3.Connection, verification_id: str) -> None:
    """Decide the request once it has its votes, issuing an attestation on approval."""
    tally = _tally(conn, verification_id)
    total = tally["approve"] + tally["reject"]
    if total < REQUIRED_VOTES:
        return
    status = "approved" if tally["approve"] * 3 >= total * 2 else "rejected"
    decided = now()

    # The `status = 'pending'` guard makes a second decision impossible even if
    # two deciding votes ever raced past the checks.
    cur = conn.execute(
        "UPDATE verifications SET status = ?, decided_at = ?"
        " WHERE id = ? AND status = 'pending'",
        (status, iso(decided), verification_id),
    )
    if cur.rowcount == 1 and status == "approved":
        _issue_attestation(conn, verification_id, decided)


def _tally(conn: sqlite3.Connection, verification_id: str) -> dict[str, int]:
    rows = conn.execute(
        "SELECT vote, COUNT(*) FROM verification_votes"
        " WHERE verification_id = ? GROUP BY vote",
        (verification_id,),
    ).fetchall()
    return {"approve": 0, "reject": 0, **{r[0]: r[1] for r in rows}}


def _issue_attestation(
    conn: sqlite3.Connection, verification_id: str, issued: datetime
) -> None:
    request_row = conn.execute(
        "SELECT requester_id, attribute_type, attribute_value FROM verifications"
        " WHERE id = ?",
        (verification_id,),
    ).fetchone()
    conn.execute(
        "INSERT INTO attestations(id, subject_id, attribute_type, attribute_value,"
        " verification_id, issuer, issued_at, expires_at, revoked)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
        (
            new_id("attestation"),
            request_row["requester_id"],
            request_row["attribute_type"],
            request_row["attribute_value"],
            verification_id,
            ISSUER,
            iso(issued),
            iso(_a_year_after(issued)),
        ),
    )


def _a_year_after(moment: datetime) -> datetime:
    """The same day and time a year later (28 February for 29 February)."""
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:
        return moment.replace(year=moment.year + 1, day=28)


def _load(db: Database, verification_id: str) -> Any:
    row = db.one("SELECT * FROM verifications WHERE id = ?", (verification_id,))
    if row is None:
        raise not_found("verification", verification_id)
    return row


def verification_views(
    db: Database, rows: list[Any], viewer_id: str
) -> list[dict[str, Any]]:
    """The verification resources of `rows`, with a handful of queries in all."""
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    marks = ",".join("?" for _ in ids)
    tallies: dict[str, dict[str, int]] = {i: {"approve": 0, "reject": 0} for i in ids}
    for r in db.all(
        "SELECT verification_id, vote, COUNT(*) AS n FROM verification_votes"
        f" WHERE verification_id IN ({marks}) GROUP BY verification_id, vote",
        ids,
    ):
        tallies[r["verification_id"]][r["vote"]] = r["n"]
    mine = {
        r["verification_id"]: r
        for r in db.all(
            "SELECT * FROM verification_votes"
            f" WHERE voter_id = ? AND verification_id IN ({marks})",
            (viewer_id, *ids),
        )
    }
    attestations = dict(
        db.all(
            "SELECT verification_id, id FROM attestations"
            f" WHERE verification_id IN ({marks})",
            ids,
        )
    )
    requesters = user_briefs(db, {r["requester_id"] for r in rows})
    return [
        _view(r, requesters, tallies[r["id"]], mine.get(r["id"]), attestations)
        for r in rows
    ]


def _view(
    row: Any,
    requesters: dict[str, dict[str, Any]],
    tally: dict[str, int],
    my_vote: Any,
    attestations: dict[str, str],
) -> dict[str, Any]:
    return {
        "id": row["id"],
        "requester": requesters[row["requester_id"]],
        "attribute_type": row["attribute_type"],
        "attribute_value": row["attribute_value"],
        "evidence": json.loads(row["evidence"]),
        "description": row["description"] or None,
        "status": row["status"],
        "created_at": row["created_at"],
        "decided_at": row["decided_at"],
        "votes": {**tally, "required": REQUIRED_VOTES},
        "my_vote": None if my_vote is None else _vote_view(my_vote),
        "attestation_id": attestations.get(row["id"]),
    }


def _vote_view(row: Any) -> dict[str, Any]:
    return {
        "vote": row["vote"],
        "comment": row["comment"] or None,
        "created_at": row["created_at"],
    }


def verification_detail(db: Database, row: Any, viewer_id: str) -> dict[str, Any]:
    """One verification, plus `voters` once decided (null while pending)."""
    data = verification_views(db, [row], viewer_id)[0]
    if row["status"] == "pending":
        data["voters"] = None
        return data
    votes = db.all(
        "SELECT * FROM verification_votes WHERE verification_id = ?"
        " ORDER BY created_at, rowid",
        (row["id"],),
    )
    voters = user_briefs(db, {v["voter_id"] for v in votes})
    data["voters"] = [{"user": voters[v["voter_id"]], **_vote_view(v)} for v in votes]
    return data
