"""A deliberation's phases: their order, their deadlines, and moving on.

A deliberation moves `draft → pre_survey → discussion → post_survey →
completed`, by `POST /deliberations/{id}/advance` [ext] or by itself: each
timed phase lasts a third of `duration_days` (8 hours per day, so the three
add up to the whole). Deadlines are applied lazily: before a deliberation is
read or written (and before the list is read), any whose `phase_ends_at` has
passed is moved on, through several phases if several deadlines passed, each
next deadline counted from the one before, not from the moment of reading.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from typing import Any

from ratel_tui.sandbox.clock import iso, now, parse_iso
from ratel_tui.sandbox.db import Database

PHASES = ("draft", "pre_survey", "discussion", "post_survey", "completed")
"""The phases of a deliberation, in order."""

NEXT_PHASE = dict(zip(PHASES, PHASES[1:], strict=False))
"""The phase that follows each but the last."""

TIMED_PHASES = frozenset(PHASES[1:4])
"""Phases with a deadline."""

SURVEY_PHASE = {"pre": "pre_survey", "post": "post_survey"}
"""The phase in which each survey takes responses."""


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
            _set_phase(conn, row["id"], status, ends, moment)


def _roll_forward(row: Any, moment: datetime) -> tuple[str, datetime]:
    """The phase and deadline at `moment` of a deliberation past its deadline."""
    status, ends = row["status"], parse_iso(row["phase_ends_at"])
    while ends <= moment and status in NEXT_PHASE:
        status = NEXT_PHASE[status]
        ends += phase_length(row["duration_days"])
    return status, ends


def advance_now(db: Database, row: Any) -> None:
    """Move a deliberation on to its next phase, the deadline counted from now.

    The caller has checked that `row` is not completed already.
    """
    status = NEXT_PHASE[row["status"]]
    moment = now()
    ends = moment + phase_length(row["duration_days"])

    with db.tx() as conn:
        _set_phase(conn, row["id"], status, ends, moment)


def _set_phase(
    conn: sqlite3.Connection,
    deliberation_id: str,
    status: str,
    ends: datetime,
    moment: datetime,
) -> None:
    """Store a new phase; `ends` counts only for a phase that has a deadline."""
    conn.execute(
        "UPDATE deliberations SET status = ?, phase_ends_at = ?, updated_at = ?"
        " WHERE id = ?",
        (status, iso(ends) if status in TIMED_PHASES else None, iso(moment),
         deliberation_id),
    )  # fmt: skip
