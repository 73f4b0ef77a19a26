"""Deliberations and the oracle over loopback, against a sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator

import pytest

from ratel_tui.api import deliberations, oracle, users
from ratel_tui.api.client import ApiClient
from ratel_tui.api.deliberations import QuestionDraft
from ratel_tui.api.errors import ConflictError, ForbiddenError
from ratel_tui.api.models.deliberations import AnswerValue, Survey
from ratel_tui.sandbox.server import SandboxServer
from tests.conftest import start_sandbox

QUESTIONS: list[QuestionDraft] = [
    {
        "text": "Should the library open on Sundays?",
        "type": "multiple_choice",
        "options": ["Yes", "No", "Not sure"],
    },
    {"text": "How often do you visit?", "type": "likert"},
    {
        "text": "What do you come for?",
        "type": "checkbox",
        "options": ["Books", "Study space", "Events"],
    },
    {"text": "Anything else?", "type": "free_text", "required": False},
]
"""The survey of the deliberation these tests run from draft to completed."""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A sandbox of this module's own, since these tests change its world."""
    server = start_sandbox(tmp_path_factory.mktemp("civic") / "world.db")
    yield server
    server.stop()


@pytest.fixture
async def connect(world: SandboxServer) -> AsyncIterator[Callable[[str], ApiClient]]:
    """`connect("bruno")`: a client of the world signed in as that demo user."""
    clients: list[ApiClient] = []

    def make(username: str) -> ApiClient:
        clients.append(ApiClient(world.url, world.key_for(username)))
        return clients[-1]

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
def ada(connect: Callable[[str], ApiClient]) -> ApiClient:
    """Ada, admin of civic-tech."""
    return connect("ada")


# --- Deliberations -----------------------------------------------------------


async def test_list_deliberations_filters_by_status(ada: ApiClient) -> None:
    completed = await deliberations.list_deliberations(ada, status="completed")
    one = await deliberations.get_deliberation(ada, completed.items[0].id)

    assert completed.items and {d.status for d in completed.items} == {"completed"}
    assert one.id == completed.items[0].id and one.pre_survey and one.post_survey


async def test_a_completed_deliberation_has_results_and_exports(
    ada: ApiClient,
) -> None:
    delib = (await deliberations.list_deliberations(ada, status="completed")).items[0]

    results = await deliberations.results(ada, delib.id)
    exported = await deliberations.export_json(ada, delib.id)
    csv = await deliberations.export_csv(ada, delib.id)

    assert results.final and results.pre and results.shift is not None
    assert exported.responses and exported.deliberation_id == delib.id
    assert csv.startswith(b"participant,survey,submitted_at")


def _answers(survey: Survey | None, *values: AnswerValue) -> dict[str, AnswerValue]:
    """Answers to a survey of `QUESTIONS`, in question order."""
    assert survey is not None
    return {q.id: v for q, v in zip(survey.questions, values, strict=True)}


async def test_a_deliberation_runs_from_draft_to_completed(
    connect: Callable[[str], ApiClient], ada: ApiClient
) -> None:
    bruno = connect("bruno")
    delib = await deliberations.create_deliberation(
        ada, "civic-tech", "Sunday opening", QUESTIONS, 3, description="Library hours"
    )
    assert delib.status == "draft" and delib.pre_survey and delib.post_survey
    before = _answers(delib.pre_survey, "No", 2, ["Books"], None)
    after = _answers(delib.post_survey, "Yes", 4, ["Books", "Events"], None)

    await deliberations.advance(ada, delib.id)
    pre = await deliberations.respond(bruno, delib.id, delib.pre_survey.id, before)
    with pytest.raises(ConflictError):
        await deliberations.respond(bruno, delib.id, delib.pre_survey.id, before)
    in_discussion = await deliberations.advance(ada, delib.id)
    said = await deliberations.create_comment(bruno, delib.id, "Sundays suit parents")
    reply = await deliberations.create_comment(
        ada, delib.id, "Noted", parent_id=said.id
    )
    thread = await deliberations.list_comments(ada, delib.id)
    await deliberations.advance(ada, delib.id)
    await deliberations.respond(bruno, delib.id, delib.post_survey.id, after)
    done = await deliberations.advance(ada, delib.id)
    results = await deliberations.results(ada, delib.id)

    assert pre.survey_id == delib.pre_survey.id and len(pre.answers) == 3
    assert in_discussion.status == "discussion"
    assert [c.id for c in thread.items] == [said.id, reply.id]
    assert reply.parent_id == said.id and said.deliberation_id == delib.id
    assert done.status == "completed"
    assert results.final and results.participants.pre == 1
    assert results.pre and results.pre.questions[0].options[1].count == 1
    likert = results.pre.questions[1]
    assert likert.mean == 2 and likert.distribution and likert.distribution["2"] == 1
    choice_shift = next(s for s in results.shift or () if s.type == "multiple_choice")
    assert choice_shift.moved == 1


async def test_only_its_manager_advances_a_deliberation(
    connect: Callable[[str], ApiClient], ada: ApiClient
) -> None:
    delib = await deliberations.create_deliberation(
        ada, "civic-tech", "Bench colours", QUESTIONS[:1], 1
    )

    with pytest.raises(ForbiddenError):
        await deliberations.advance(connect("bruno"), delib.id)


async def test_a_separate_post_survey_is_kept(ada: ApiClient) -> None:
    later: list[QuestionDraft] = [
        {"text": "Did the talk change your mind?", "type": "likert"}
    ]

    delib = await deliberations.create_deliberation(
        ada, "civic-tech", "Cycle lanes", QUESTIONS[:2], 2, post_survey=later
    )

    assert delib.post_survey
    assert [q.text for q in delib.post_survey.questions] == [later[0]["text"]]


# --- Oracle ------------------------------------------------------------------


async def test_list_verifications_filters_by_status_and_type(ada: ApiClient) -> None:
    approved = await oracle.list_verifications(ada, status="approved")
    employers = await oracle.list_verifications(ada, attribute_type="employer")

    assert approved.items and {v.status for v in approved.items} == {"approved"}
    assert {v.attribute_type for v in employers.items} == {"employer"}


async def test_a_decided_verification_shows_its_voters(ada: ApiClient) -> None:
    decided = (await oracle.list_verifications(ada, status="rejected")).items[0]

    verification = await oracle.get_verification(ada, decided.id)

    assert verification.decided_at and verification.voters
    assert verification.votes.reject + verification.votes.approve >= 3


async def test_a_verification_is_voted_on_until_approved(
    connect: Callable[[str], ApiClient],
) -> None:
    ivan = connect("ivan")
    request = await oracle.create_verification(
        ivan,
        "university",
        "Sofia University",
        evidence=[{"type": "url", "url": "https://uni-sofia.example/staff/ivan"}],
        description="Teaching physics",
    )
    reviewable = await oracle.list_verifications(connect("chen"), reviewable=True)
    with pytest.raises(ForbiddenError):
        await oracle.vote(ivan, request.id, "approve")

    for voter in ("chen", "hana", "june"):
        decided = await oracle.vote(connect(voter), request.id, "approve", comment="OK")
    with pytest.raises(ConflictError):
        await oracle.vote(connect("emeka"), request.id, "approve")
    attested = await users.attestations(ivan, "ivan")

    assert request.status == "pending" and request.requester
    assert request.requester.username == "ivan" and request.evidence[0].type == "url"
    assert request.id in {v.id for v in reviewable.items}
    assert decided.status == "approved" and decided.my_vote
    assert decided.my_vote.vote == "approve" and decided.attestation_id
    assert decided.attestation_id in {a.id for a in attested.items}
