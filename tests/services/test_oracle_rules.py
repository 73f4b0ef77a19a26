"""The oracle's rules in words: tallies, refusals, the form and the daily limit."""

from __future__ import annotations

from datetime import UTC, datetime

from ratel_tui.api.models.base import UserBrief
from ratel_tui.api.models.oracle import MyVote, Verification, VoteTally
from ratel_tui.services import oracle_rules as rules
from ratel_tui.services.oracle_rules import EvidenceRow

ME = UserBrief(id="user_me", username="me")
OTHER = UserBrief(id="user_other", username="other")
NOON = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)


def request(**values: object) -> Verification:
    fields: dict[str, object] = {
        "id": "verif_1",
        "attribute_type": "employer",
        "attribute_value": "Ratel",
        "requester": OTHER,
    }
    fields.update(values)
    return Verification.model_validate(fields)


def test_the_approval_rule_is_two_thirds_of_the_votes() -> None:
    assert rules.approved_by(2, 1)
    assert rules.approved_by(3, 0)
    assert not rules.approved_by(1, 2)
    assert "3 votes" in rules.rule_text(VoteTally(required=3))
    assert "two thirds approve" in rules.rule_text(VoteTally())


def test_tally_counts_against_the_quorum_and_says_what_is_needed() -> None:
    assert rules.tally_text(VoteTally(approve=0, reject=0, required=3)) == (
        "0 approve, 0 reject: 0 of 3 votes; 3 more needed"
    )
    assert "1 more" not in rules.tally_text(VoteTally(approve=1, required=3))
    assert rules.tally_text(VoteTally(approve=2, reject=1, required=3)) == (
        "2 approve, 1 reject: 3 of 3 votes"
    )


def test_tally_says_what_the_deciding_vote_will_do() -> None:
    assert "approved either way" in rules.tally_text(VoteTally(approve=2, required=3))
    assert "approve approves, reject rejects" in rules.tally_text(
        VoteTally(approve=1, reject=1, required=3)
    )
    assert "rejected either way" in rules.tally_text(VoteTally(reject=2, required=3))


def test_refusals_are_explained_in_words() -> None:
    assert "your own request" in (rules.refusal(request(requester=ME), ME.id) or "")
    voted = request(my_vote=MyVote(vote="approve"))
    assert "already voted on this request (approve)" in (
        rules.refusal(voted, ME.id) or ""
    )
    decided = request(status="rejected")
    assert "already decided (rejected)" in (rules.refusal(decided, ME.id) or "")
    assert rules.refusal(request(), ME.id) is None


def test_server_refusals_become_the_same_words() -> None:
    assert "your own request" in rules.explain(
        "Forbidden: You cannot vote on your own request"
    )
    assert "already voted" in rules.explain(
        "Conflict: You have already voted on this request"
    )
    assert "already decided" in rules.explain(
        "Conflict: This request was already decided (approved)"
    )
    assert "Daily limit reached" in rules.explain(
        "Rate limited: Rate limit exceeded (per day for this endpoint)"
    )
    assert rules.explain("Something else") == "Something else"


def test_requests_are_counted_per_utc_day_of_mine_only() -> None:
    mine_today = request(requester=ME, created_at="2025-03-04T00:10:00Z")
    mine_yesterday = request(requester=ME, created_at="2025-03-03T23:59:00Z")
    theirs_today = request(created_at="2025-03-04T08:00:00Z")
    items = [mine_today, mine_today, mine_yesterday, theirs_today]
    assert rules.sent_today(items, ME.id, NOON.timestamp()) == 2


def test_the_limit_line_says_how_many_are_left_or_that_it_is_reached() -> None:
    assert rules.limit_text(2) == "2 of 5 requests sent today; 3 left."
    assert rules.limit_text(5).startswith("Daily limit reached: 5 requests a day")


def test_form_problems_name_each_field_to_fix() -> None:
    assert (
        rules.form_problems(
            "employer", "Ratel", [EvidenceRow("url", "https://x.example/a")], ""
        )
        == []
    )
    found = rules.form_problems(
        None,
        "  ",
        [EvidenceRow("url", "ftp://x.example"), EvidenceRow("url", "")],
        "x" * 2_001,
    )
    assert found == [
        "Choose the type of the attribute.",
        "Write the value to verify.",
        "Evidence 1: an evidence address must start with http:// or https://.",
        "The description is at most 2,000 characters.",
    ]
    spaced = rules.form_problems("age", "30", [EvidenceRow("url", "https://a b")], "")
    assert spaced == ["Evidence 1: an evidence address must not contain spaces."]


def test_payload_leaves_out_empty_evidence_rows_and_blank_description() -> None:
    rows = [
        EvidenceRow("document", " https://x.example/cv.pdf "),
        EvidenceRow("url", ""),
    ]
    assert rules.payload("employer", " Ratel ", rows, "  ") == {
        "attribute_type": "employer",
        "attribute_value": "Ratel",
        "evidence": [{"type": "document", "url": "https://x.example/cv.pdf"}],
        "description": None,
    }
