"""The oracle: verification requests, votes, decisions and attestations."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx

from ratel_tui.sandbox.clock import parse_iso
from tests.conftest import Api

PATH = "/oracle/verifications"


def new_request(api: Api, **fields: Any) -> dict[str, Any]:
    """A fresh pending request of the caller, with a value no test used before."""
    body = {
        "attribute_type": "employer",
        "attribute_value": f"Acme Cooperative {uuid.uuid4().hex[:8]}",
        "evidence": [{"type": "url", "url": "https://acme.example/staff/ada"}],
        "description": "Staff page lists me as a maintainer.",
        **fields,
    }
    response = api.post(PATH, json=body)
    assert response.status_code == 201, response.text
    return response.json()["data"]


def cast(api: Api, verification_id: str, vote: str, comment: str | None = None) -> Any:
    body = {"vote": vote} if comment is None else {"vote": vote, "comment": comment}
    response = api.post(f"{PATH}/{verification_id}/votes", json=body)
    assert response.status_code == 201, response.text
    return response.json()["data"]


def every(api: Api, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a list endpoint, page by page."""
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        response = api.get(path, params={**params, "page": page, "per_page": 100})
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["data"]
        if page >= body["meta"]["total_pages"]:
            return items
        page += 1


def ids_of(items: list[dict[str, Any]]) -> set[str]:
    return {item["id"] for item in items}


def test_a_new_request_is_pending_with_every_field(as_user):
    ada = as_user("ada")
    created = new_request(ada, attribute_type="university", attribute_value="UNILAG")

    assert created["id"].startswith("verif_")
    assert created["requester"]["username"] == "ada"
    assert created["attribute_type"] == "university"
    assert created["attribute_value"] == "UNILAG"
    assert created["evidence"] == [
        {"type": "url", "url": "https://acme.example/staff/ada"}
    ]
    assert created["description"] == "Staff page lists me as a maintainer."
    assert created["status"] == "pending"
    assert created["decided_at"] is None
    assert created["votes"] == {"approve": 0, "reject": 0, "required": 3}
    assert created["my_vote"] is None
    assert created["attestation_id"] is None
    assert created["voters"] is None
    assert ada.data("GET", f"{PATH}/{created['id']}") == created


def test_two_approvals_and_a_rejection_approve_and_issue_an_attestation(as_user):
    ada = as_user("ada")
    request = new_request(ada, attribute_type="professional_skill")
    rid = request["id"]

    cast(as_user("bruno"), rid, "approve")
    second = cast(as_user("chen"), rid, "reject", "The page does not name her")
    assert second["status"] == "pending"
    assert second["votes"] == {"approve": 1, "reject": 1, "required": 3}
    assert second["my_vote"]["vote"] == "reject"
    assert second["my_vote"]["comment"] == "The page does not name her"
    assert second["voters"] is None
    decided = cast(as_user("dilnoza"), rid, "approve")

    assert decided["status"] == "approved"
    assert decided["votes"] == {"approve": 2, "reject": 1, "required": 3}
    assert decided["decided_at"] is not None
    assert decided["my_vote"]["vote"] == "approve"
    assert decided["my_vote"]["comment"] is None
    voters = [(v["user"]["username"], v["vote"]) for v in decided["voters"]]
    assert voters == [("bruno", "approve"), ("chen", "reject"), ("dilnoza", "approve")]
    assert decided["attestation_id"].startswith("att_")

    me = ada.data("GET", "/users/me")
    attestations = every(ada, f"/users/{me['id']}/attestations")
    [attestation] = [a for a in attestations if a["verification_id"] == rid]
    assert attestation["id"] == decided["attestation_id"]
    assert attestation["subject"]["username"] == "ada"
    assert attestation["attribute_type"] == "professional_skill"
    assert attestation["attribute_value"] == request["attribute_value"]
    assert attestation["issuer"] == "did:ratel:oracle"
    assert attestation["issued_at"] == decided["decided_at"]
    issued = parse_iso(attestation["issued_at"])
    assert parse_iso(attestation["expires_at"]) - issued in (
        timedelta(days=365),
        timedelta(days=366),
    )
    assert attestation["revoked"] is False


def test_one_approval_and_two_rejections_reject_without_attestation(as_user):
    ada = as_user("ada")
    rid = new_request(ada)["id"]

    cast(as_user("bruno"), rid, "reject")
    cast(as_user("chen"), rid, "approve")
    decided = cast(as_user("dilnoza"), rid, "reject")

    assert decided["status"] == "rejected"
    assert decided["votes"] == {"approve": 1, "reject": 2, "required": 3}
    assert decided["decided_at"] is not None
    assert decided["attestation_id"] is None
    me = ada.data("GET", "/users/me")
    attestations = every(ada, f"/users/{me['id']}/attestations")
    assert [a for a in attestations if a["verification_id"] == rid] == []
    assert [a["id"] for a in every(ada, PATH, status="rejected")].count(rid) == 1


def test_voting_on_ones_own_request_is_forbidden(as_user):
    ada = as_user("ada")
    rid = new_request(ada)["id"]

    error = ada.error(
        "POST", f"{PATH}/{rid}/votes", 403, "forbidden", json={"vote": "approve"}
    )

    assert error["message"] == "You cannot vote on your own request"
    assert ada.data("GET", f"{PATH}/{rid}")["votes"]["approve"] == 0


def test_a_second_vote_is_a_conflict(as_user):
    rid = new_request(as_user("ada"))["id"]
    bruno = as_user("bruno")
    cast(bruno, rid, "approve")

    error = bruno.error(
        "POST", f"{PATH}/{rid}/votes", 409, "conflict", json={"vote": "reject"}
    )

    assert error["message"] == "You have already voted on this request"
    after = bruno.data("GET", f"{PATH}/{rid}")
    assert after["votes"] == {"approve": 1, "reject": 0, "required": 3}
    assert after["my_vote"]["vote"] == "approve"


def test_a_vote_on_a_decided_request_is_a_conflict(as_user):
    rid = new_request(as_user("ada"))["id"]
    for name in ("bruno", "chen", "dilnoza"):
        cast(as_user(name), rid, "approve")

    error = as_user("emeka").error(
        "POST", f"{PATH}/{rid}/votes", 409, "conflict", json={"vote": "reject"}
    )

    assert error["message"] == "This request was already decided (approved)"
    assert as_user("emeka").data("GET", f"{PATH}/{rid}")["votes"]["reject"] == 0


def test_reviewable_lists_what_the_caller_may_still_vote_on(as_user):
    ada, bruno = as_user("ada"), as_user("bruno")
    open_one = new_request(ada)["id"]
    voted_on = new_request(ada, attribute_type="membership")["id"]
    cast(bruno, voted_on, "approve")
    own = new_request(bruno)["id"]

    reviewable = every(bruno, PATH, reviewable="true")

    found = ids_of(reviewable)
    assert open_one in found
    assert voted_on not in found
    assert own not in found
    assert all(v["status"] == "pending" for v in reviewable)
    assert all(v["requester"]["username"] != "bruno" for v in reviewable)
    assert all(v["my_vote"] is None for v in reviewable)
    assert voted_on in ids_of(every(bruno, PATH, reviewable="false"))
    assert open_one not in ids_of(every(ada, PATH, reviewable="true"))
    bruno.error("GET", PATH, 400, "invalid_request", params={"reviewable": "maybe"})


def test_list_is_newest_first_and_filters_by_status_and_type(as_user):
    chen = as_user("chen")
    first = new_request(chen, attribute_type="age", attribute_value="over 18")["id"]
    second = new_request(chen, attribute_type="gender", attribute_value="woman")["id"]

    everything = [v["id"] for v in every(chen, PATH)]
    ages = every(chen, PATH, attribute_type="age", status="pending")

    assert everything.index(second) < everything.index(first)
    assert first in ids_of(ages) and second not in ids_of(ages)
    assert {(v["attribute_type"], v["status"]) for v in ages} == {("age", "pending")}
    chen.error("GET", PATH, 400, "invalid_request", params={"status": "maybe"})
    chen.error("GET", PATH, 400, "invalid_request", params={"attribute_type": "shoe"})
    chen.error("GET", f"{PATH}/verif_nosuchthing", 404, "not_found")


def test_a_second_pending_request_for_the_same_attribute_is_a_conflict(as_user):
    hana = as_user("hana")
    first = new_request(hana, attribute_type="employer", attribute_value="Osaka Times")

    error = hana.error(
        "POST",
        PATH,
        409,
        "conflict",
        json={"attribute_type": "employer", "attribute_value": "OSAKA times"},
    )

    assert error["message"] == "You already have a pending request for this attribute"
    assert error["details"]["verification_id"] == first["id"]
    other_type = new_request(
        hana, attribute_type="membership", attribute_value="Osaka Times"
    )
    assert other_type["status"] == "pending"
    for name in ("bruno", "chen", "dilnoza"):
        cast(as_user(name), first["id"], "reject")
    again = new_request(hana, attribute_type="employer", attribute_value="Osaka Times")
    assert again["id"] != first["id"]


def test_a_request_must_be_well_formed(as_user):
    ivan = as_user("ivan")
    good = {"attribute_type": "employer", "attribute_value": "School 7"}
    bad_bodies = [
        {**good, "evidence": [{"type": "url", "url": "javascript:alert(1)"}]},
        {**good, "evidence": [{"type": "url", "url": "ftp://files.example/cv.pdf"}]},
        {**good, "evidence": [{"type": "url", "url": "https://" + "a" * 2_000}]},
        {**good, "evidence": [{"type": "video", "url": "https://a.example"}]},
        {**good, "evidence": [{"type": "url", "url": "https://a.example"}] * 11},
        {**good, "attribute_type": "shoe_size"},
        {**good, "attribute_value": ""},
        {**good, "attribute_value": "   "},
        {**good, "attribute_value": "x" * 201},
        {**good, "description": "x" * 2_001},
        {**good, "colour": "blue"},
    ]

    for body in bad_bodies:
        ivan.error("POST", PATH, 400, "invalid_request", json=body)

    evidence = [{"type": "document", "url": "http://localhost:9/cv.pdf"}]
    created = new_request(ivan, **good, evidence=evidence, description=None)
    assert created["evidence"] == evidence
    assert created["description"] is None


def test_votes_must_be_well_formed_and_scoped(as_user):
    rid = new_request(as_user("ada"))["id"]
    bruno = as_user("bruno")

    bruno.error(
        "POST", f"{PATH}/{rid}/votes", 400, "invalid_request", json={"vote": "maybe"}
    )
    bruno.error(
        "POST",
        f"{PATH}/{rid}/votes",
        400,
        "invalid_request",
        json={"vote": "approve", "comment": "x" * 1_001},
    )
    bruno.error(
        "POST",
        f"{PATH}/verif_nosuchthing/votes",
        404,
        "not_found",
        json={"vote": "approve"},
    )
    reader = as_user("ada", read_only=True)
    assert rid in ids_of(reader.data("GET", PATH, params={"per_page": 100}))
    error = reader.error(
        "POST",
        PATH,
        403,
        "insufficient_scope",
        json={"attribute_type": "age", "attribute_value": "30"},
    )
    assert "write:oracle" in error["message"]
    assert bruno.data("GET", f"{PATH}/{rid}")["votes"]["approve"] == 0


def _race(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    """Run the calls at once from as many threads, released together."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], httpx.Response]) -> httpx.Response:
        start.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_concurrent_votes_decide_once_and_issue_one_attestation(sandbox, as_user):
    rid = new_request(as_user("ada"))["id"]
    voters = [Api(sandbox, name) for name in ("bruno", "chen", "dilnoza", "emeka")]

    responses = _race(
        [
            lambda api=api: api.post(f"{PATH}/{rid}/votes", json={"vote": "approve"})
            for api in voters
        ]
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 201, 201, 409]
    final = as_user("ada").data("GET", f"{PATH}/{rid}")
    assert final["status"] == "approved"
    assert final["votes"] == {"approve": 3, "reject": 0, "required": 3}
    count = sandbox.db.scalar(
        "SELECT COUNT(*) FROM attestations WHERE verification_id = ?", (rid,)
    )
    assert count == 1


def test_concurrent_votes_by_one_user_count_once(sandbox, as_user):
    rid = new_request(as_user("ada"))["id"]
    twins = [Api(sandbox, "farah"), Api(sandbox, "farah")]

    responses = _race(
        [
            lambda api=api: api.post(f"{PATH}/{rid}/votes", json={"vote": "reject"})
            for api in twins
        ]
    )

    assert sorted(r.status_code for r in responses) == [201, 409]
    after = as_user("ada").data("GET", f"{PATH}/{rid}")
    assert after["votes"] == {"approve": 0, "reject": 1, "required": 3}


def test_a_part_a_server_ignores_reviewable(make_sandbox):
    server = make_sandbox(features=frozenset(), posts=10)
    ada = Api(server, "ada")
    own = new_request(ada)["id"]

    response = ada.get(PATH, params={"reviewable": "maybe", "per_page": 100})

    assert response.status_code == 200, response.text
    assert own in ids_of(response.json()["data"])
    assert "next_cursor" not in response.json()["meta"]
