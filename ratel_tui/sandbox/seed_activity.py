"""Seeding beyond the feed: deliberations, the oracle's requests and moderation."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ratel_tui.sandbox.clock import iso
from ratel_tui.sandbox.ids import new_id
from ratel_tui.sandbox.seed_text import (
    BANS,
    DECISION_NOTES,
    DELIBERATIONS,
    DISCUSSION,
    DISPUTED_NOTES,
    EXTRA_ANSWERS,
    EXTRA_QUESTIONS,
    REPLIES,
    REPORT_NOTES,
    VERIFICATIONS,
    VOTE_COMMENTS,
    DeliberationPlan,
    QuestionPlan,
    VerificationPlan,
)

if TYPE_CHECKING:
    from ratel_tui.sandbox.seed import Content, _World

DAY = 86_400
"""Seconds in a day."""

PHASES = ("draft", "pre_survey", "discussion", "post_survey", "completed")
"""A deliberation's phases, in order."""

ISSUER = "did:ratel:oracle"
"""Who issues the oracle's attestations."""

QUEUE = {
    "civic-tech": (30, 8),
    "climate-policy": (24, 6),
    "riverside": (7, 4),
    "open-science": (7, 4),
    "cycling": (7, 4),
}
"""(pending, decided) moderation items per Space; ada moderates the first two."""

DECIDED = ("removed", "approved", "dismissed", "escalated")
"""Decided item statuses, dealt out in this order."""

ACTION = {
    "removed": "remove",
    "approved": "approve",
    "dismissed": "dismiss",
    "escalated": "escalate",
}
"""The logged action behind each decided status."""

REASON_WEIGHTS = {
    "misinformation": 30,
    "off_topic": 25,
    "other": 25,
    "harassment": 12,
    "spam": 8,
}
"""Why ordinary content gets reported, relatively."""


@dataclass(frozen=True, slots=True)
class _Survey:
    """A seeded survey: its id and its questions' (id, plan) in order."""

    id: str
    questions: list[tuple[str, QuestionPlan]]


@dataclass(frozen=True, slots=True)
class _Timeline:
    """When a deliberation was created and when each phase it reached began,
    as ages (seconds before the anchor)."""

    created: int
    starts: dict[str, int]
    ends_at: str | None

    def span(self, phase: str) -> tuple[int, int]:
        """The ages between which `phase` ran (the end is 0 while it runs)."""
        later = PHASES[PHASES.index(phase) + 1]
        return self.starts[phase], self.starts.get(later, 0)


def seed_deliberations(world: _World) -> None:
    """Every planned deliberation, with surveys, responses and discussion."""
    for plan in DELIBERATIONS:
        _deliberation(world, plan)


def _deliberation(world: _World, plan: DeliberationPlan) -> None:
    rng = world.rng
    duration = rng.randint(7, 21)
    timeline = _timeline(world, plan.status, duration)
    creators = world.staff(plan.space, "admin", "moderator")
    deliberation_id = new_id("deliberation", rng)
    current = timeline.starts.get(plan.status)
    world.execute(
        "INSERT INTO deliberations(id, space_id, title, description, status,"
        " duration_days, phase_ends_at, created_by, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            deliberation_id,
            world.space_ids[plan.space],
            plan.title,
            plan.description,
            plan.status,
            duration,
            timeline.ends_at,
            rng.choice(creators),
            world.at(timeline.created),
            None if current is None else world.at(current),
        ),
    )
    extra = (rng.choice(EXTRA_QUESTIONS),) if rng.random() < 0.7 else ()
    pre = _survey(world, deliberation_id, "pre", plan.questions)
    post = _survey(world, deliberation_id, "post", plan.questions + extra)
    reached = PHASES.index(plan.status)
    if reached >= PHASES.index("pre_survey"):
        _responses(world, plan, timeline, pre, post)
    if reached >= PHASES.index("discussion"):
        _discussion(world, plan, deliberation_id, timeline.span("discussion"))


def _timeline(world: _World, status: str, duration: int) -> _Timeline:
    """Phase starts that agree with the server's deadlines: each timed phase
    lasts 8 hours per day of `duration`, and the current one ends 1-6 days
    after the anchor."""
    rng = world.rng
    if status == "draft":
        return _Timeline(rng.randint(DAY, 4 * DAY), {}, None)
    phase = duration * 8 * 3_600
    if status == "completed":
        start, ends_at = rng.randint(3 * DAY, 50 * DAY), None
    else:
        # The current phase began at least half a day ago, so it has answers.
        remaining = rng.randint(DAY, min(6 * DAY, phase - DAY // 2))
        start, ends_at = phase - remaining, world.at(-remaining)
    starts = {status: start}
    for earlier in reversed(PHASES[1 : PHASES.index(status)]):
        start += phase
        starts[earlier] = start
    created = starts["pre_survey"] + rng.randint(3_600, 3 * DAY)
    return _Timeline(created, starts, ends_at)


def _survey(
    world: _World, deliberation_id: str, kind: str, questions: tuple[QuestionPlan, ...]
) -> _Survey:
    """Insert a survey and its questions."""
    survey_id = new_id("survey", world.rng)
    world.execute(
        "INSERT INTO surveys(id, deliberation_id, kind) VALUES (?, ?, ?)",
        (survey_id, deliberation_id, kind),
    )
    asked = [(new_id("question", world.rng), q) for q in questions]
    world.conn.executemany(
        "INSERT INTO questions(id, survey_id, position, text, type, options,"
        " required) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (qid, survey_id, n, q.text, q.type, json.dumps(list(q.options)),
             int(q.type != "free_text"))
            for n, (qid, q) in enumerate(asked)
        ],
    )  # fmt: skip
    return _Survey(survey_id, asked)


def _responses(
    world: _World,
    plan: DeliberationPlan,
    timeline: _Timeline,
    pre: _Survey,
    post: _Survey,
) -> None:
    """Pre answers from most of the audience; post answers, some of them moved,
    from most of those once the post survey has opened."""
    rng = world.rng
    ada = world.user_ids["ada"]
    audience = world.audience(plan.space)
    # ada is left an open survey to answer in the demo whenever one is open.
    pool = [u for u in audience if not (plan.status == "pre_survey" and u == ada)]
    first = rng.sample(pool, max(2, round(len(pool) * rng.uniform(0.6, 0.9))))
    if plan.status == "post_survey" and ada in audience and ada not in first:
        first.append(ada)
    leans = [_lean(rng, q) for _, q in pre.questions]
    drift = rng.choice((-1, 1))
    said: dict[str, list[Any]] = {}
    rows: list[tuple[str, str, str]] = []
    for user in first:
        said[user] = [
            _answer(rng, q, lean, plan.views)
            for (_, q), lean in zip(pre.questions, leans, strict=True)
        ]
        rows += _response(world, pre, user, said[user], timeline.span("pre_survey"))
    if PHASES.index(plan.status) >= PHASES.index("post_survey"):
        pool = [u for u in first if not (plan.status == "post_survey" and u == ada)]
        second = rng.sample(pool, max(1, round(len(pool) * rng.uniform(0.7, 0.95))))
        for user in second:
            values = [
                _again(rng, q, before, drift, plan.views)
                for (_, q), before in zip(pre.questions, said[user], strict=True)
            ]
            # The post-only question, if any, is asked for the first time.
            values += [
                _answer(rng, q, _lean(rng, q), EXTRA_ANSWERS)
                for _, q in post.questions[len(pre.questions) :]
            ]
            rows += _response(world, post, user, values, timeline.span("post_survey"))
    world.conn.executemany(
        "INSERT INTO answers(response_id, question_id, value) VALUES (?, ?, ?)", rows
    )


def _response(
    world: _World, survey: _Survey, user: str, values: list[Any], span: tuple[int, int]
) -> list[tuple[str, str, str]]:
    """Insert one response; the answer rows of the questions it answered."""
    response_id = new_id("response", world.rng)
    start, end = span
    answered = world.at(world.rng.randint(end + 1, start - 1))
    world.execute(
        "INSERT INTO responses(id, survey_id, user_id, created_at) VALUES (?, ?, ?, ?)",
        (response_id, survey.id, user, answered),
    )
    return [
        (response_id, qid, json.dumps(value))
        for (qid, _), value in zip(survey.questions, values, strict=True)
        if value is not None
    ]


def _lean(rng: random.Random, question: QuestionPlan) -> float:
    """Where a question's answers cluster: an option index, or a likert point."""
    if question.type == "multiple_choice":
        return rng.uniform(0.5, len(question.options) - 1.5)
    return rng.uniform(1.8, 4.2)


def _answer(
    rng: random.Random, q: QuestionPlan, lean: float, views: tuple[str, ...]
) -> Any:
    """A first answer to `q`; None skips an optional free-text question."""
    if q.type == "multiple_choice":
        return q.options[_clamp(round(rng.gauss(lean, 1.1)), 0, len(q.options) - 1)]
    if q.type == "checkbox":
        picked = rng.sample(
            range(len(q.options)), rng.randint(1, min(3, len(q.options)))
        )
        return [q.options[n] for n in sorted(picked)]
    if q.type == "likert":
        return _clamp(round(rng.gauss(lean, 1.0)), 1, 5)
    return rng.choice(views) if rng.random() < 0.7 else None


def _again(
    rng: random.Random, q: QuestionPlan, before: Any, drift: int, views: tuple[str, ...]
) -> Any:
    """The post-survey answer of someone who answered `before`: often the same,
    sometimes a step in the direction the discussion moved the room."""
    if q.type == "multiple_choice":
        index = q.options.index(before)
        if rng.random() < 0.45:
            index = _clamp(index + drift, 0, len(q.options) - 1)
        return q.options[index]
    if q.type == "checkbox":
        chosen = set(before)
        if rng.random() < 0.35:
            chosen ^= {rng.choice(q.options)}
        return [o for o in q.options if o in chosen] or before
    if q.type == "likert":
        return _clamp(before - drift, 1, 5) if rng.random() < 0.45 else before
    return rng.choice(views) if rng.random() < 0.5 else None


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _discussion(
    world: _World, plan: DeliberationPlan, deliberation_id: str, span: tuple[int, int]
) -> None:
    """The discussion's threads: the plan's own remarks first, then general ones."""
    rng = world.rng
    audience = world.audience(plan.space)
    opening = list(plan.comments) + rng.sample(DISCUSSION, 4)
    replies = rng.sample(REPLIES, len(REPLIES))
    rows: list[tuple[object, ...]] = []
    for age, parent in world.timeline(span[0], span[1], rng.randint(5, 12)):
        text = opening.pop(0) if parent is None and opening else replies.pop()
        rows.append(
            (new_id("comment", rng), deliberation_id,
             None if parent is None else rows[parent][0], rng.choice(audience), text,
             world.at(age))
        )  # fmt: skip
    world.conn.executemany(
        "INSERT INTO deliberation_comments(id, deliberation_id, parent_id, author_id,"
        " content, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )


def seed_oracle(world: _World) -> None:
    """The verification requests, oldest first, with votes and attestations."""
    for plan in sorted(VERIFICATIONS, key=lambda p: -p.days_ago):
        _verification(world, plan)


def _verification(world: _World, plan: VerificationPlan) -> None:
    rng = world.rng
    verification_id = new_id("verification", rng)
    age = int(plan.days_ago * DAY) + rng.randint(0, 3_600)
    created = age
    votes = []
    for voter, vote in plan.votes:
        age = world.later(age, 2 * DAY)
        comment = rng.choice(VOTE_COMMENTS[vote])
        votes.append(
            (verification_id, world.user_ids[voter], vote, comment, world.at(age))
        )
    approvals = sum(1 for _, vote in plan.votes if vote == "approve")
    status = "pending"
    if len(votes) >= 3:
        # The server's rule: approved when at least two thirds approve.
        status = "approved" if approvals * 3 >= len(votes) * 2 else "rejected"
    decided = None if status == "pending" else world.at(age)
    evidence = json.dumps([{"type": t, "url": url} for t, url in plan.evidence])
    world.execute(
        "INSERT INTO verifications(id, requester_id, attribute_type, attribute_value,"
        " evidence, description, status, created_at, decided_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            verification_id,
            world.user_ids[plan.requester],
            plan.attribute_type,
            plan.attribute_value,
            evidence,
            plan.description,
            status,
            world.at(created),
            decided,
        ),
    )
    world.conn.executemany(
        "INSERT INTO verification_votes(verification_id, voter_id, vote, comment,"
        " created_at) VALUES (?, ?, ?, ?, ?)",
        votes,
    )
    if status == "approved":
        _attest(world, plan, verification_id, world.anchor - timedelta(seconds=age))


def _attest(
    world: _World, plan: VerificationPlan, verification_id: str, issued: datetime
) -> None:
    """The attestation an approval issues, valid for a year as the server's are."""
    try:
        expires = issued.replace(year=issued.year + 1)
    except ValueError:  # 29 February
        expires = issued.replace(year=issued.year + 1, day=28)
    world.execute(
        "INSERT INTO attestations(id, subject_id, attribute_type, attribute_value,"
        " verification_id, issuer, issued_at, expires_at, revoked)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new_id("attestation", world.rng),
            world.user_ids[plan.requester],
            plan.attribute_type,
            plan.attribute_value,
            verification_id,
            ISSUER,
            iso(issued),
            iso(expires),
            int(plan.revoked),
        ),
    )


def seed_moderation(world: _World) -> None:
    """Each moderated Space's queue, some decided items, the bans and the log."""
    items: list[tuple[object, ...]] = []
    reports: list[tuple[object, ...]] = []
    log: list[tuple[object, ...]] = []
    for slug, (pending, decided) in QUEUE.items():
        for target, status in _queue_plan(world, slug, pending, decided):
            _item(world, target, status, items, reports, log)
    _bans(world, log)
    # Rows go in oldest first, so that `seq` order is time order as well.
    world.conn.executemany(
        "INSERT INTO mod_items(id, space_id, target_type, target_id, status,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        sorted(items, key=lambda r: (r[5], r[0])),
    )
    world.conn.executemany(
        "INSERT INTO reports(item_id, reporter_id, reason, note, created_at, open)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        sorted(reports, key=lambda r: (r[4], r[0], r[1])),
    )
    world.conn.executemany(
        "INSERT INTO mod_log(id, item_id, space_id, moderator_id, action, note,"
        " subject_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        sorted(log, key=lambda r: (r[7], r[0])),
    )


def _queue_plan(
    world: _World, slug: str, pending: int, decided: int
) -> list[tuple[Content, str]]:
    """Targets in the Space and the status of each one's item. Content written
    to be reported comes first; removals and escalations go to it, approvals
    and dismissals to ordinary content that was reported anyway."""
    rng = world.rng
    content = world.content.get(slug, [])
    bad = [c for c in content if c.id in world.flagged]
    fine = [c for c in content if c.id not in world.flagged]
    wanted = pending + decided
    bad = rng.sample(bad, min(len(bad), wanted))
    fine = rng.sample(fine, min(len(fine), wanted - len(bad)))
    plan: list[tuple[Content, str]] = []
    for n in range(decided):
        status = DECIDED[n % len(DECIDED)]
        first, second = (
            (bad, fine) if status in ("removed", "escalated") else (fine, bad)
        )
        source = first or second
        if source:
            plan.append((source.pop(), status))
    plan += [(target, "pending") for target in bad + fine]
    return plan


def _item(
    world: _World,
    target: Content,
    status: str,
    items: list[tuple[object, ...]],
    reports: list[tuple[object, ...]],
    log: list[tuple[object, ...]],
) -> None:
    """One queue item with 1-4 reports from distinct readers, and its decision."""
    rng = world.rng
    readers = [u for u in target.audience if u != target.author_id]
    if not readers:
        return
    item_id = new_id("moderation", rng)
    reason = world.flagged.get(target.id) or _ordinary_reason(rng)
    reporters = rng.sample(
        readers, min(len(readers), rng.choice((1, 1, 1, 2, 2, 3, 4)))
    )
    # Pending reports are recent; decided ones may be older.
    horizon = (10 if status == "pending" else 30) * DAY
    age = rng.randint(0, max(0, min(target.age - 1, horizon)))
    first = age
    still_open = int(status in ("pending", "escalated"))
    for reporter in reporters:
        said, note = _report(rng, reason, target.id in world.flagged)
        reports.append((item_id, reporter, said, note, world.at(age), still_open))
        last, age = age, world.later(age, 2 * DAY)
    updated = world.at(last) if len(reporters) > 1 else None
    if status != "pending":
        decided = world.later(last, 2 * DAY)
        updated = world.at(decided)
        _decision(world, item_id, target, status, decided, log)
    space_id = world.space_ids[target.space] if target.space else None
    items.append(
        (item_id, space_id, target.kind, target.id, status, world.at(first), updated)
    )


def _ordinary_reason(rng: random.Random) -> str:
    return rng.choices(tuple(REASON_WEIGHTS), tuple(REASON_WEIGHTS.values()))[0]


def _report(rng: random.Random, reason: str, flagged: bool) -> tuple[str, str]:
    """(reason, note) of one report: most reporters agree on why; content that
    was written to be reported gets the blunter notes."""
    said = reason if rng.random() < 0.8 else _ordinary_reason(rng)
    notes = REPORT_NOTES if flagged and said == reason else DISPUTED_NOTES
    return said, rng.choice(notes[said]) if rng.random() < 0.85 else ""


def _decision(
    world: _World,
    item_id: str,
    target: Content,
    status: str,
    age: int,
    log: list[tuple[object, ...]],
) -> None:
    """Log the decision (escalations by a moderator, for the admins) and hide
    removed content."""
    rng = world.rng
    assert target.space is not None
    deciders = world.staff(target.space, "moderator") if status == "escalated" else []
    moderator = rng.choice(deciders or world.staff(target.space, "admin", "moderator"))
    action = ACTION[status]
    log.append(
        (new_id("log", rng), item_id, world.space_ids[target.space], moderator,
         action, rng.choice(DECISION_NOTES[action]), target.author_id, world.at(age))
    )  # fmt: skip
    if status == "removed":
        table = "posts" if target.kind == "post" else "comments"
        world.execute(f"UPDATE {table} SET removed = 1 WHERE id = ?", (target.id,))


def _bans(world: _World, log: list[tuple[object, ...]]) -> None:
    """A finished, a running and a permanent ban, each logged."""
    rng = world.rng
    for slug, username, reason, kind in BANS:
        admin = world.staff(slug, "admin")[0]
        user_id = world.user_ids[username]
        created = {"over": 40, "active": 3, "permanent": 60}[kind] * DAY
        created += rng.randint(0, DAY // 2)
        expires = None if kind == "permanent" else world.at(created - 14 * DAY)
        world.execute(
            "INSERT INTO space_bans(space_id, user_id, reason, banned_by, created_at,"
            " expires_at) VALUES (?, ?, ?, ?, ?, ?)",
            (world.space_ids[slug], user_id, reason, admin, world.at(created), expires),
        )
        log.append(
            (new_id("log", rng), None, world.space_ids[slug], admin, "ban", reason,
             user_id, world.at(created))
        )  # fmt: skip
