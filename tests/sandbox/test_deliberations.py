"""Deliberations in the sandbox: phases, surveys, results, comments and export."""

from __future__ import annotations

import csv
import io
import threading
from datetime import timedelta
from typing import Any

import httpx
import pytest

from ratel_tui.sandbox.clock import iso, now, parse_iso
from tests.conftest import Api

QUESTIONS = [
    {
        "text": "Should the city build protected bike lanes?",
        "type": "multiple_choice",
        "options": ["Support", "Neutral", "Oppose"],
    },
    {
        "text": "Which streets need them first?",
        "type": "checkbox",
        "options": ["Main St", "River Rd", "Hill Ave"],
    },
    {"text": "How safe do you feel riding?", "type": "likert"},
    {"text": "Anything else?", "type": "free_text", "required": False},
]
"""The survey most tests ask, before and after."""

PRE_ANSWERS = {
    "bruno": ["Support", ["Main St", "River Rd"], 4, "More lanes"],
    "chen": ["Oppose", ["Main St"], 2, None],
    "dilnoza": ["Neutral", ["River Rd"], 3, ""],
    "gus": ["Support", ["Main St", "Hill Ave"], 5, "Ride daily, all year"],
}
"""Who answers the pre survey of the walked deliberation, and how."""

POST_ANSWERS = {
    "bruno": ["Support", ["River Rd", "Main St"], 5, "Still yes"],
    "chen": ["Support", ["Main St"], 3, None],
    "gus": ["Support", ["Hill Ave"], 5, None],
    "farah": ["Oppose", ["Main St"], 2, None],
}
"""Who answers its post survey: dilnoza drops out, farah joins."""

PEOPLE = ("bruno", "chen", "dilnoza", "gus", "farah")


def space_id(sandbox: Any, api: Api, slug: str) -> str:
    """The id of a seeded Space, from the API when it serves Spaces yet."""
    response = api.get(f"/spaces/{slug}")
    if response.status_code == 200:
        return response.json()["data"]["id"]
    return sandbox.db.one("SELECT id FROM spaces WHERE slug = ?", (slug,))["id"]


def new_body(space: str, **changes: Any) -> dict[str, Any]:
    """A valid `POST /deliberations` body, with `changes` applied."""
    body = {
        "space_id": space,
        "title": "Protected bike lanes on Main St",
        "description": "Should the council fund them this year?",
        "pre_survey": {"questions": QUESTIONS},
        "duration_days": 3,
    }
    body.update(changes)
    return body


def create(
    sandbox: Any, as_user: Any, who: str = "hana", slug: str = "civic-tech", **kw: Any
) -> dict[str, Any]:
    """A new deliberation created through the API."""
    api = as_user(who)
    return api.data(
        "POST", "/deliberations", json=new_body(space_id(sandbox, api, slug), **kw)
    )


def advance(api: Api, delib: dict[str, Any], times: int = 1) -> dict[str, Any]:
    """Advance `times` phases; the deliberation after the last."""
    for _ in range(times):
        delib = api.data("POST", f"/deliberations/{delib['id']}/advance")
    return delib


def answers_of(
    delib: dict[str, Any], kind: str, values: list[Any]
) -> list[dict[str, Any]]:
    """`answers` for the survey `kind` from one value per question, in order."""
    questions = delib[f"{kind}_survey"]["questions"]
    return [
        {"question_id": q["id"], "answer": v}
        for q, v in zip(questions, values, strict=True)
    ]


def respond_path(delib: dict[str, Any], kind: str) -> str:
    """The responses URL of the survey `kind`."""
    survey_id = delib[f"{kind}_survey"]["id"]
    return f"/deliberations/{delib['id']}/surveys/{survey_id}/responses"


def respond(api: Api, delib: dict[str, Any], kind: str, values: list[Any]) -> Any:
    return api.data(
        "POST",
        respond_path(delib, kind),
        json={"answers": answers_of(delib, kind, values)},
    )


def set_deadline(sandbox: Any, delib_id: str, when: str) -> None:
    """Move a deadline behind the server's back (a short write from the test thread)."""
    with sandbox.db.tx() as conn:
        conn.execute(
            "UPDATE deliberations SET phase_ends_at = ? WHERE id = ?", (when, delib_id)
        )


@pytest.fixture(scope="module")
def walked(sandbox: Any, as_user: Any) -> dict[str, Any]:
    """A completed deliberation with PRE_ANSWERS and POST_ANSWERS."""
    delib = create(sandbox, as_user)
    hana = as_user("hana")
    delib = advance(hana, delib)
    for who, values in PRE_ANSWERS.items():
        respond(as_user(who), delib, "pre", values)
    advance(hana, delib, 2)
    for who, values in POST_ANSWERS.items():
        respond(as_user(who), delib, "post", values)
    return advance(hana, delib)


@pytest.fixture
def in_pre(sandbox: Any, as_user: Any) -> dict[str, Any]:
    """A fresh deliberation by hana in its pre_survey phase."""
    return advance(as_user("hana"), create(sandbox, as_user))


# Creating


def test_create_starts_in_draft_with_both_surveys(sandbox, as_user):
    before = sandbox.db.scalar(
        "SELECT deliberations_count FROM spaces WHERE slug = 'civic-tech'"
    )
    delib = create(sandbox, as_user)

    assert delib["id"].startswith("delib_")
    assert delib["status"] == "draft"
    assert delib["phase_ends_at"] is None
    assert delib["duration_days"] == 3
    assert delib["created_by"]["username"] == "hana"
    assert delib["space_id"] == space_id(sandbox, as_user("hana"), "civic-tech")
    assert delib["my_responses"] == {"pre": False, "post": False}
    assert delib["participants"] == {"pre": 0, "post": 0}
    pre, post = delib["pre_survey"], delib["post_survey"]
    assert pre["id"].startswith("survey_") and post["id"].startswith("survey_")
    assert pre["id"] != post["id"]
    assert [q["text"] for q in pre["questions"]] == [q["text"] for q in QUESTIONS]
    assert [q["text"] for q in post["questions"]] == [q["text"] for q in QUESTIONS]
    assert {q["id"] for q in pre["questions"]}.isdisjoint(
        q["id"] for q in post["questions"]
    )
    assert pre["questions"][0] == {
        "id": pre["questions"][0]["id"],
        "text": QUESTIONS[0]["text"],
        "type": "multiple_choice",
        "options": ["Support", "Neutral", "Oppose"],
        "required": True,
    }
    assert pre["questions"][2]["options"] == []
    assert pre["questions"][3]["required"] is False
    after = sandbox.db.scalar(
        "SELECT deliberations_count FROM spaces WHERE slug = 'civic-tech'"
    )
    assert after == before + 1
    assert as_user("chen").data("GET", f"/deliberations/{delib['id']}") == delib


def test_create_with_its_own_post_survey(sandbox, as_user):
    post = {"questions": [{"text": "Did the discussion help?", "type": "likert"}]}
    delib = create(sandbox, as_user, post_survey=post)

    assert [q["text"] for q in delib["post_survey"]["questions"]] == [
        "Did the discussion help?"
    ]
    assert len(delib["pre_survey"]["questions"]) == 4


def _question(**changes: Any) -> dict[str, Any]:
    return {**QUESTIONS[0], **changes}


BAD_BODIES = {
    "missing title": {"title": None},
    "blank title": {"title": "   "},
    "long title": {"title": "x" * 201},
    "long description": {"description": "x" * 5001},
    "no questions": {"pre_survey": {"questions": []}},
    "31 questions": {
        "pre_survey": {"questions": [_question(text=f"Q{n}") for n in range(31)]}
    },
    "one option": {"pre_survey": {"questions": [_question(options=["Only"])]}},
    "21 options": {
        "pre_survey": {"questions": [_question(options=[f"o{n}" for n in range(21)])]}
    },
    "repeated option": {"pre_survey": {"questions": [_question(options=["A", "A"])]}},
    "empty option": {"pre_survey": {"questions": [_question(options=["A", " "])]}},
    "checkbox without options": {
        "pre_survey": {"questions": [{"text": "Pick", "type": "checkbox"}]}
    },
    "likert with options": {
        "pre_survey": {
            "questions": [{"text": "Rate", "type": "likert", "options": ["a", "b"]}]
        }
    },
    "unknown type": {"pre_survey": {"questions": [_question(type="ranking")]}},
    "blank question": {"pre_survey": {"questions": [_question(text="")]}},
    "same question twice": {"pre_survey": {"questions": [_question(), _question()]}},
    "bad post survey": {"post_survey": {"questions": []}},
    "required not a bool": {"pre_survey": {"questions": [_question(required="yes")]}},
    "zero days": {"duration_days": 0},
    "91 days": {"duration_days": 91},
    "days as text": {"duration_days": "3"},
    "days as bool": {"duration_days": True},
    "unknown field": {"visibility": "public"},
}


@pytest.mark.parametrize("changes", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_create_refuses_an_invalid_body(sandbox, as_user, changes):
    api = as_user("ada")
    body = new_body(space_id(sandbox, api, "civic-tech"), **changes)
    body = {k: v for k, v in body.items() if v is not None}

    error = api.error("POST", "/deliberations", 400, "invalid_request", json=body)
    assert error["details"]["fields"]


def test_create_needs_a_member_of_a_space_that_allows_them(sandbox, as_user):
    def attempt(who: str, slug: str, status: int, code: str) -> None:
        api = as_user(who)
        body = new_body(space_id(sandbox, api, slug))
        api.error("POST", "/deliberations", status, code, json=body)

    attempt("farah", "civic-tech", 403, "forbidden")  # not a member
    attempt("june", "announcements", 403, "forbidden")  # Space admin, but not allowed
    attempt("chen", "riverside", 404, "not_found")  # private, not a member
    body = new_body("space_doesnotexist")
    as_user("ada").error("POST", "/deliberations", 404, "not_found", json=body)
    body = new_body(space_id(sandbox, as_user("ada"), "civic-tech"))
    as_user("ada", read_only=True).error(
        "POST", "/deliberations", 403, "insufficient_scope", json=body
    )


# Phases


def test_advance_walks_every_phase_and_sets_deadlines(sandbox, as_user):
    delib = create(sandbox, as_user, duration_days=6)
    hana = as_user("hana")
    seen = []
    for _ in range(4):
        start = now()
        delib = advance(hana, delib)
        seen.append(delib["status"])
        if delib["status"] != "completed":
            # Six days make three phases of two days each.
            ends = parse_iso(delib["phase_ends_at"])
            assert start + timedelta(days=2) <= ends <= now() + timedelta(days=2)
    assert seen == ["pre_survey", "discussion", "post_survey", "completed"]
    assert delib["phase_ends_at"] is None
    error = hana.error("POST", f"/deliberations/{delib['id']}/advance", 409, "conflict")
    assert error["details"]["status"] == "completed"


def test_only_the_creator_or_a_space_admin_advances(sandbox, as_user):
    delib = create(sandbox, as_user)
    path = f"/deliberations/{delib['id']}/advance"

    as_user("bruno").error("POST", path, 403, "forbidden")  # member
    as_user("emeka").error("POST", path, 403, "forbidden")  # moderator
    as_user("ada", read_only=True).error("POST", path, 403, "insufficient_scope")
    assert as_user("ada").data("POST", path)["status"] == "pre_survey"  # Space admin
    assert as_user("hana").data("POST", path)["status"] == "discussion"  # creator
    assert (
        as_user("june").data("POST", path)["status"] == "post_survey"
    )  # platform admin


def test_a_passed_deadline_moves_the_phase_on(sandbox, as_user):
    delib = advance(as_user("hana"), create(sandbox, as_user))  # 3 days: 1 per phase
    passed = now() - timedelta(minutes=1)
    set_deadline(sandbox, delib["id"], iso(passed))

    seen = as_user("chen").data("GET", f"/deliberations/{delib['id']}")
    assert seen["status"] == "discussion"
    assert seen["phase_ends_at"] == iso(passed + timedelta(days=1))


def test_several_passed_deadlines_move_several_phases(sandbox, as_user):
    delib = advance(as_user("hana"), create(sandbox, as_user))
    passed = now() - timedelta(days=1, hours=1)
    set_deadline(sandbox, delib["id"], iso(passed))

    seen = as_user("chen").data("GET", f"/deliberations/{delib['id']}")
    assert seen["status"] == "post_survey"
    assert seen["phase_ends_at"] == iso(passed + timedelta(days=2))

    set_deadline(sandbox, delib["id"], iso(now() - timedelta(days=30)))
    seen = as_user("chen").data("GET", f"/deliberations/{delib['id']}")
    assert seen["status"] == "completed"
    assert seen["phase_ends_at"] is None


def test_the_list_applies_passed_deadlines_too(sandbox, as_user):
    delib = advance(as_user("hana"), create(sandbox, as_user))
    set_deadline(sandbox, delib["id"], iso(now() - timedelta(seconds=5)))

    space = delib["space_id"]
    listed = as_user("chen").data(
        "GET", f"/deliberations?space_id={space}&status=discussion&per_page=100"
    )
    assert delib["id"] in [d["id"] for d in listed]
    stored = sandbox.db.scalar(
        "SELECT status FROM deliberations WHERE id = ?", (delib["id"],)
    )
    assert stored == "discussion"


def test_a_response_after_the_deadline_is_refused(sandbox, as_user, in_pre):
    set_deadline(sandbox, in_pre["id"], iso(now() - timedelta(seconds=1)))

    body = {"answers": answers_of(in_pre, "pre", PRE_ANSWERS["bruno"])}
    error = as_user("bruno").error(
        "POST", respond_path(in_pre, "pre"), 409, "conflict", json=body
    )
    assert error["details"]["status"] == "discussion"


# Listing and reading


def test_list_is_newest_first_and_filters(sandbox, as_user):
    first = create(sandbox, as_user, slug="open-science", who="dilnoza")
    second = create(sandbox, as_user, slug="open-science", who="dilnoza")
    advance(as_user("dilnoza"), second)
    api = as_user("ivan")
    space = first["space_id"]

    listed = api.data("GET", f"/deliberations?space_id={space}&per_page=100")
    ids = [d["id"] for d in listed]
    assert ids.index(second["id"]) < ids.index(first["id"])
    assert all(d["space_id"] == space for d in listed)
    drafts = api.data(
        "GET", f"/deliberations?space_id={space}&status=draft&per_page=100"
    )
    assert first["id"] in [d["id"] for d in drafts]
    assert second["id"] not in [d["id"] for d in drafts]
    assert {d["status"] for d in drafts} == {"draft"}


def test_list_pages_with_meta_and_cursor(sandbox, as_user):
    create(sandbox, as_user, slug="open-science", who="dilnoza")
    create(sandbox, as_user, slug="open-science", who="dilnoza")
    response = as_user("ivan").get("/deliberations?per_page=1")
    body = response.json()

    assert response.status_code == 200
    assert len(body["data"]) == 1
    meta = body["meta"]
    assert meta["page"] == 1 and meta["per_page"] == 1
    assert meta["total"] >= 2 and meta["total_pages"] == meta["total"]
    after = as_user("ivan").data(
        "GET", f"/deliberations?per_page=1&cursor={meta['next_cursor']}"
    )
    assert after[0]["id"] != body["data"][0]["id"]


def test_list_refuses_an_unknown_status(as_user):
    error = as_user("ada").error(
        "GET", "/deliberations?status=voting", 400, "invalid_request"
    )
    assert error["details"]["field"] == "status"


def test_unknown_or_misshapen_ids_are_404(sandbox, as_user, in_pre):
    api = as_user("bruno")
    for path in (
        "/deliberations/delib_doesnotexist",
        "/deliberations/post_abc",
        "/deliberations/delib_doesnotexist/results",
        f"/deliberations/{in_pre['id']}/surveys/survey_nope/responses",
    ):
        method = "POST" if path.endswith("responses") else "GET"
        api.error(method, path, 404, "not_found", json={"answers": []})
    other = create(sandbox, as_user)
    path = (
        f"/deliberations/{in_pre['id']}/surveys/{other['pre_survey']['id']}/responses"
    )
    api.error("POST", path, 404, "not_found", json={"answers": []})


def test_a_private_space_hides_its_deliberations(sandbox, as_user):
    delib = create(sandbox, as_user, who="bruno", slug="riverside")
    path = f"/deliberations/{delib['id']}"
    chen = as_user("chen")

    chen.error("GET", path, 404, "not_found")
    chen.error("GET", f"{path}/results", 404, "not_found")
    chen.error("GET", f"{path}/comments", 404, "not_found")
    chen.error("GET", f"/deliberations?space_id={delib['space_id']}", 404, "not_found")
    listed = chen.data("GET", "/deliberations?per_page=100&status=draft")
    assert delib["id"] not in [d["id"] for d in listed]
    advance(as_user("bruno"), delib)
    body = {"answers": answers_of(delib, "pre", PRE_ANSWERS["chen"])}
    chen.error("POST", respond_path(delib, "pre"), 404, "not_found", json=body)

    assert as_user("gus").data("GET", path)["id"] == delib["id"]  # a member
    assert as_user("june").data("GET", path)["id"] == delib["id"]  # platform admin
    respond(as_user("gus"), delib, "pre", PRE_ANSWERS["gus"])


def test_seeded_deliberations_read_back_in_every_phase(sandbox, as_user):
    seeded = sandbox.db.all(
        "SELECT id FROM deliberations"
        " WHERE created_at < (SELECT value FROM meta WHERE key = 'seeded_at')"
    )
    if not seeded:
        pytest.skip("the seed has no deliberations yet")
    june = as_user("june")  # a platform admin sees private Spaces and may export

    statuses = set()
    for row in seeded:
        statuses.add(june.data("GET", f"/deliberations/{row['id']}")["status"])
        assert june.data("GET", f"/deliberations/{row['id']}/results")["pre"]
        export = june.get(f"/deliberations/{row['id']}/export?format=csv")
        assert export.status_code == 200
        _assert_anonymous(sandbox, export.text, names=())
    phases = {"draft", "pre_survey", "discussion", "post_survey", "completed"}
    assert statuses == phases


# Responses


def test_a_response_is_stored_once_per_user_and_survey(as_user, in_pre):
    api = as_user("bruno")
    answers = answers_of(in_pre, "pre", ["Neutral", ["Hill Ave"], 3, None])

    response = api.data("POST", respond_path(in_pre, "pre"), json={"answers": answers})
    assert response["id"].startswith("resp_")
    assert response["survey_id"] == in_pre["pre_survey"]["id"]
    assert response["answers"] == answers[:3]  # the skipped question is not kept
    error = api.error(
        "POST", respond_path(in_pre, "pre"), 409, "conflict", json={"answers": answers}
    )
    assert error["details"]["survey_id"] == in_pre["pre_survey"]["id"]
    seen = api.data("GET", f"/deliberations/{in_pre['id']}")
    assert seen["my_responses"] == {"pre": True, "post": False}
    assert seen["participants"] == {"pre": 1, "post": 0}
    assert (
        as_user("chen").data("GET", f"/deliberations/{in_pre['id']}")["my_responses"][
            "pre"
        ]
        is False
    )


def test_a_survey_answers_only_in_its_phase(sandbox, as_user):
    delib = create(sandbox, as_user)
    api, hana = as_user("bruno"), as_user("hana")
    pre = {"answers": answers_of(delib, "pre", PRE_ANSWERS["bruno"])}
    post = {"answers": answers_of(delib, "post", PRE_ANSWERS["bruno"])}

    api.error("POST", respond_path(delib, "pre"), 409, "conflict", json=pre)  # draft
    advance(hana, delib)
    api.error("POST", respond_path(delib, "post"), 409, "conflict", json=post)
    advance(hana, delib)
    api.error(
        "POST", respond_path(delib, "pre"), 409, "conflict", json=pre
    )  # discussion
    advance(hana, delib)
    api.error("POST", respond_path(delib, "pre"), 409, "conflict", json=pre)
    api.data("POST", respond_path(delib, "post"), json=post)


def _bad_answers(delib: dict[str, Any]) -> dict[str, tuple[list[dict[str, Any]], str]]:
    q = [x["id"] for x in delib["pre_survey"]["questions"]]
    post_q = delib["post_survey"]["questions"][0]["id"]

    def with_(index: int, value: Any) -> list[dict[str, Any]]:
        values: list[Any] = ["Support", ["Main St"], 3, None]
        values[index] = value
        return [{"question_id": i, "answer": v} for i, v in zip(q, values, strict=True)]

    return {
        "not an option": (with_(0, "Maybe"), q[0]),
        "option in a list": (with_(0, ["Support"]), q[0]),
        "number for a choice": (with_(0, 1), q[0]),
        "null for a required one": (with_(0, None), q[0]),
        "empty checkbox": (with_(1, []), q[1]),
        "checkbox not a list": (with_(1, "Main St"), q[1]),
        "checkbox unknown option": (with_(1, ["Main St", "Ocean Dr"]), q[1]),
        "checkbox repeated option": (with_(1, ["Main St", "Main St"]), q[1]),
        "likert zero": (with_(2, 0), q[2]),
        "likert six": (with_(2, 6), q[2]),
        "likert bool": (with_(2, True), q[2]),
        "likert float": (with_(2, 3.5), q[2]),
        "likert text": (with_(2, "3"), q[2]),
        "free text too long": (with_(3, "x" * 2001), q[3]),
        "free text a number": (with_(3, 7), q[3]),
        "required one missing": (
            with_(0, "Support")[:2] + with_(0, "Support")[3:],
            q[2],
        ),
        "unknown question": (
            with_(0, "Support") + [{"question_id": "q_nope", "answer": "x"}],
            "q_nope",
        ),
        "other survey's question": (
            with_(0, "Support") + [{"question_id": post_q, "answer": "Support"}],
            post_q,
        ),
        "question twice": (
            with_(0, "Support") + [{"question_id": q[0], "answer": "Oppose"}],
            q[0],
        ),
    }


def test_each_bad_answer_names_its_question(as_user, in_pre):
    api = as_user("bruno")
    for name, (answers, question_id) in _bad_answers(in_pre).items():
        error = api.error(
            "POST",
            respond_path(in_pre, "pre"),
            400,
            "invalid_request",
            json={"answers": answers},
        )
        assert error["details"]["question_id"] == question_id, name

    assert api.data("GET", f"/deliberations/{in_pre['id']}")["participants"]["pre"] == 0
    longest = ["Support", ["Main St"], 3, "x" * 2000]
    assert respond(api, in_pre, "pre", longest)["answers"][3]["answer"] == "x" * 2000


def test_responding_needs_the_vote_scope_and_no_ban(sandbox, as_user, in_pre):
    body = {"answers": answers_of(in_pre, "pre", PRE_ANSWERS["bruno"])}
    as_user("ada", read_only=True).error(
        "POST", respond_path(in_pre, "pre"), 403, "insufficient_scope", json=body
    )

    bruno = sandbox.db.scalar("SELECT id FROM users WHERE username = 'bruno'")
    with sandbox.db.tx() as conn:
        conn.execute(
            "INSERT INTO space_bans(space_id, user_id, reason, banned_by, created_at)"
            " VALUES (?, ?, 'test', ?, ?)",
            (in_pre["space_id"], bruno, bruno, iso(now())),
        )
    try:
        as_user("bruno").error(
            "POST", respond_path(in_pre, "pre"), 403, "forbidden", json=body
        )
        as_user("bruno").error(
            "POST",
            "/deliberations",
            403,
            "forbidden",
            json=new_body(in_pre["space_id"]),
        )
    finally:
        with sandbox.db.tx() as conn:
            conn.execute("DELETE FROM space_bans WHERE user_id = ?", (bruno,))
    respond(as_user("bruno"), in_pre, "pre", PRE_ANSWERS["bruno"])


def test_a_non_member_may_answer_in_a_public_space(as_user, in_pre):
    response = respond(as_user("farah"), in_pre, "pre", PRE_ANSWERS["bruno"])
    assert len(response["answers"]) == 4


def test_two_identical_responses_at_once_count_once(sandbox, in_pre):
    key = sandbox.key_for("bruno")
    body = {"answers": answers_of(in_pre, "pre", PRE_ANSWERS["bruno"])}
    statuses: list[int] = []
    barrier = threading.Barrier(2)

    def send() -> None:
        with httpx.Client(
            base_url=sandbox.url, headers={"Authorization": f"Bearer {key}"}
        ) as http:
            barrier.wait()
            statuses.append(
                http.post(respond_path(in_pre, "pre"), json=body).status_code
            )

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [201, 409]
    count = sandbox.db.scalar(
        "SELECT COUNT(*) FROM responses WHERE survey_id = ?",
        (in_pre["pre_survey"]["id"],),
    )
    assert count == 1


# Results


def _by_text(block: dict[str, Any]) -> dict[str, Any]:
    return {q["text"]: q for q in block["questions"]}


def test_results_count_each_survey(as_user, walked):
    results = as_user("ivan").data("GET", f"/deliberations/{walked['id']}/results")

    assert results["status"] == "completed" and results["final"] is True
    assert results["participants"] == {"pre": 4, "post": 4}
    assert results["hidden_reason"] == {"pre": None, "post": None}
    pre = _by_text(results["pre"])
    choice = pre[QUESTIONS[0]["text"]]
    assert choice["respondents"] == 4
    assert choice["options"] == [
        {"option": "Support", "count": 2, "percentage": 50.0},
        {"option": "Neutral", "count": 1, "percentage": 25.0},
        {"option": "Oppose", "count": 1, "percentage": 25.0},
    ]
    boxes = pre[QUESTIONS[1]["text"]]
    assert [(o["count"], o["percentage"]) for o in boxes["options"]] == [
        (3, 75.0),
        (2, 50.0),
        (1, 25.0),
    ]
    likert = pre[QUESTIONS[2]["text"]]
    assert likert["mean"] == 3.5
    assert likert["distribution"] == {"1": 0, "2": 1, "3": 1, "4": 1, "5": 1}
    assert pre[QUESTIONS[3]["text"]]["count"] == 2  # empty and null are no answer
    post = _by_text(results["post"])
    assert post[QUESTIONS[2]["text"]]["mean"] == 3.75
    assert post[QUESTIONS[2]["text"]]["distribution"] == {
        "1": 0,
        "2": 1,
        "3": 1,
        "4": 0,
        "5": 2,
    }
    assert [o["count"] for o in post[QUESTIONS[0]["text"]]["options"]] == [3, 0, 1]
    assert results["post"]["survey_id"] == walked["post_survey"]["id"]


def test_results_shift_from_pre_to_post(as_user, walked):
    shift = as_user("ivan").data("GET", f"/deliberations/{walked['id']}/results")[
        "shift"
    ]
    by_text = {s["text"]: s for s in shift}

    assert len(shift) == 4
    choice = by_text[QUESTIONS[0]["text"]]
    assert choice["paired"] == 3  # bruno, chen, gus
    assert choice["moved"] == 1  # chen: Oppose → Support
    assert choice["options"] == [
        {"option": "Support", "pre_count": 2, "pre_percentage": 50.0,
         "post_count": 3, "post_percentage": 75.0, "change": 25.0},
        {"option": "Neutral", "pre_count": 1, "pre_percentage": 25.0,
         "post_count": 0, "post_percentage": 0.0, "change": -25.0},
        {"option": "Oppose", "pre_count": 1, "pre_percentage": 25.0,
         "post_count": 1, "post_percentage": 25.0, "change": 0.0},
    ]  # fmt: skip
    boxes = by_text[QUESTIONS[1]["text"]]
    assert boxes["moved"] == 1  # gus; bruno only reordered his choice
    assert [o["change"] for o in boxes["options"]] == [0.0, -25.0, 0.0]
    likert = by_text[QUESTIONS[2]["text"]]
    assert (likert["pre_mean"], likert["post_mean"], likert["change"]) == (
        3.5,
        3.75,
        0.25,
    )
    assert likert["moved"] == 2  # bruno 4 → 5, chen 2 → 3
    text = by_text[QUESTIONS[3]["text"]]
    assert (text["pre_respondents"], text["post_respondents"], text["moved"]) == (
        2,
        1,
        1,
    )


def test_results_round_thirds(sandbox, as_user, in_pre):
    for who, choice in (("bruno", "Support"), ("chen", "Oppose"), ("gus", "Oppose")):
        respond(as_user(who), in_pre, "pre", [choice, ["Main St"], 1, None])

    results = as_user("hana").data("GET", f"/deliberations/{in_pre['id']}/results")
    options = results["pre"]["questions"][0]["options"]
    assert [o["percentage"] for o in options] == [33.3, 0.0, 66.7]
    assert results["pre"]["questions"][2]["mean"] == 1.0


def test_results_are_hidden_until_answered_or_over(sandbox, as_user, in_pre):
    path = f"/deliberations/{in_pre['id']}/results"
    respond(as_user("bruno"), in_pre, "pre", PRE_ANSWERS["bruno"])

    def shown(who: str) -> tuple[bool, bool]:
        results = as_user(who).data("GET", path)
        for kind in ("pre", "post"):
            assert (results[kind] is None) == (
                results["hidden_reason"][kind] is not None
            )
        assert (results["shift"] is None) == (
            results["pre"] is None or results["post"] is None
        )
        return results["pre"] is not None, results["post"] is not None

    assert shown("chen") == (False, False)
    assert shown("emeka") == (False, False)  # a moderator is no admin
    assert shown("bruno") == (True, False)
    assert shown("hana") == (True, True)  # the creator
    assert shown("ada") == (True, True)  # a Space admin
    hidden = as_user("chen").data("GET", path)
    assert hidden["status"] == "pre_survey" and hidden["final"] is False
    assert hidden["participants"] == {"pre": 1, "post": 0}
    assert "answered" in hidden["hidden_reason"]["pre"]
    shift = as_user("hana").data("GET", path)["shift"][0]["options"][0]  # no post yet
    assert (shift["pre_count"], shift["pre_percentage"]) == (1, 100.0)
    assert (shift["post_percentage"], shift["change"]) == (None, None)
    advance(as_user("hana"), in_pre)
    assert shown("chen") == (True, False)
    advance(as_user("hana"), in_pre)
    assert shown("chen") == (True, False)
    advance(as_user("hana"), in_pre)
    assert shown("chen") == (True, True)


# Comments


def test_comments_open_only_in_the_discussion(sandbox, as_user, in_pre):
    path = f"/deliberations/{in_pre['id']}/comments"
    bruno, chen = as_user("bruno"), as_user("chen")

    bruno.error("POST", path, 409, "conflict", json={"content": "Too early"})
    advance(as_user("hana"), in_pre)
    first = bruno.data("POST", path, json={"content": "Main St first, please."})
    reply = chen.data(
        "POST", path, json={"content": "Agreed.", "parent_id": first["id"]}
    )
    other = create(sandbox, as_user)
    for bad in ({"content": ""}, {"content": "  "}, {"content": "x" * 5001},
                {"content": "Hi", "parent_id": "comment_nope"},
                {"content": "Hi", "extra": 1}):  # fmt: skip
        chen.error("POST", path, 400, "invalid_request", json=bad)
    as_user("ada", read_only=True).error(
        "POST", path, 403, "insufficient_scope", json={"content": "Hi"}
    )
    advance(as_user("hana"), in_pre)
    bruno.error("POST", path, 409, "conflict", json={"content": "Too late"})

    assert first["id"].startswith("comment_")
    assert first["author"]["username"] == "bruno"
    listed = as_user("ada", read_only=True).data("GET", path)
    assert [c["id"] for c in listed] == [first["id"], reply["id"]]
    assert listed[1] == {
        "id": reply["id"],
        "deliberation_id": in_pre["id"],
        "parent_id": first["id"],
        "author": {
            "id": listed[1]["author"]["id"],
            "username": "chen",
            "display_name": "Chen Wei",
        },
        "content": "Agreed.",
        "created_at": reply["created_at"],
        "deleted": False,
    }
    assert as_user("ivan").data("GET", f"/deliberations/{other['id']}/comments") == []


def test_a_reply_must_stay_in_its_deliberation(sandbox, as_user):
    hana = as_user("hana")
    one = advance(hana, create(sandbox, as_user), 2)
    two = advance(hana, create(sandbox, as_user), 2)
    parent = hana.data(
        "POST", f"/deliberations/{one['id']}/comments", json={"content": "Hello"}
    )

    body = {"content": "Reply", "parent_id": parent["id"]}
    error = hana.error(
        "POST",
        f"/deliberations/{two['id']}/comments",
        400,
        "invalid_request",
        json=body,
    )
    assert error["details"]["field"] == "parent_id"


# Export


def test_export_json_is_anonymised_and_complete(sandbox, as_user, walked):
    response = as_user("ivan").get(f"/deliberations/{walked['id']}/export?format=json")
    data = response.json()["data"]

    assert data["deliberation_id"] == walked["id"] and data["title"] == walked["title"]
    assert len(data["questions"]) == 8
    assert [(r["participant"], r["survey"]) for r in data["responses"]] == [
        ("p001", "pre"), ("p002", "pre"), ("p003", "pre"), ("p004", "pre"),
        ("p001", "post"), ("p002", "post"), ("p004", "post"), ("p005", "post"),
    ]  # fmt: skip
    first = data["responses"][0]["answers"]
    pre_ids = [q["id"] for q in walked["pre_survey"]["questions"]]
    assert first == dict(zip(pre_ids, PRE_ANSWERS["bruno"], strict=True))
    _assert_anonymous(sandbox, response.text)


def _assert_anonymous(sandbox: Any, text: str, names: tuple[str, ...] = PEOPLE) -> None:
    """No user id, nor any of `names`, appears in an export."""
    for user in sandbox.db.all("SELECT id, username FROM users"):
        assert user["id"] not in text
        if user["username"] in names:
            assert user["username"] not in text.lower()


def test_export_csv_matches_the_results(sandbox, as_user, walked):
    response = as_user("ivan").get(f"/deliberations/{walked['id']}/export?format=csv")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert (
        response.headers["content-disposition"]
        == f'attachment; filename="{walked["id"]}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == [
        "participant",
        "survey",
        "submitted_at",
        "question_id",
        "question",
        "type",
        "answer",
    ]
    assert len(rows) == 14 + 13
    assert rows[1]["answer"] == "Main St; River Rd"
    assert rows[3]["answer"] == "More lanes"
    _assert_anonymous(sandbox, response.text)

    results = as_user("ivan").data("GET", f"/deliberations/{walked['id']}/results")
    for kind in ("pre", "post"):
        for question in results[kind]["questions"]:
            mine = [r for r in rows if r["question_id"] == question["question_id"]]
            assert len(mine) == question["respondents"]
            if question["type"] == "checkbox":
                for option in question["options"]:
                    picked = [
                        r for r in mine if option["option"] in r["answer"].split("; ")
                    ]
                    assert len(picked) == option["count"]
            if question["type"] == "likert":
                assert (
                    sum(int(r["answer"]) for r in mine) / len(mine) == question["mean"]
                )


def test_export_defuses_formulas_and_quotes_cells(sandbox, as_user):
    questions = [
        {
            "text": "=cmd|' /C calc'!A0",
            "type": "multiple_choice",
            "options": ["+1", "-1", "@SUM(A1)"],
        },
        {"text": "Why?", "type": "free_text"},
    ]
    hana = as_user("hana")
    delib = advance(hana, create(sandbox, as_user, pre_survey={"questions": questions}))
    respond(as_user("bruno"), delib, "pre", ["+1", '=HYPERLINK("http://x")'])
    respond(as_user("chen"), delib, "pre", ["@SUM(A1)", 'Line one,\n"quoted" line two'])

    text = hana.get(f"/deliberations/{delib['id']}/export?format=csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["answer"] for r in rows] == [
        "'+1",
        '\'=HYPERLINK("http://x")',
        "'@SUM(A1)",
        'Line one,\n"quoted" line two',
    ]
    assert rows[0]["question"] == "'=cmd|' /C calc'!A0"
    assert rows[1]["question"] == "Why?"


def test_export_waits_for_completion_except_for_managers(sandbox, as_user, in_pre):
    path = f"/deliberations/{in_pre['id']}/export"

    as_user("bruno").error("GET", path, 403, "forbidden")
    assert as_user("hana").data("GET", path)["responses"] == []  # creator
    assert as_user("ada").get(f"{path}?format=csv").status_code == 200  # Space admin
    as_user("hana").error("GET", f"{path}?format=xml", 400, "invalid_request")
    advance(as_user("hana"), in_pre, 3)
    assert as_user("bruno").data("GET", path)["deliberation_id"] == in_pre["id"]
    as_user("bruno").error("GET", "/deliberations/delib_nope/export", 404, "not_found")


# Part A only


def test_a_part_a_server_has_no_full_deliberation_endpoints(make_sandbox):
    server = make_sandbox(features=frozenset())
    api = Api(server, "ada")
    space = server.db.scalar("SELECT id FROM spaces WHERE slug = 'civic-tech'")
    delib = api.data("POST", "/deliberations", json=new_body(space))

    for method, path in (
        ("POST", f"/deliberations/{delib['id']}/advance"),
        ("GET", f"/deliberations/{delib['id']}/comments"),
        ("POST", f"/deliberations/{delib['id']}/comments"),
        ("GET", f"/deliberations/{delib['id']}/export"),
    ):
        api.error(method, path, 404, "not_found", json={"content": "x"})
    assert api.data("GET", f"/deliberations/{delib['id']}/results")["status"] == "draft"
    assert api.data("GET", "/deliberations?status=draft")[0]["id"] == delib["id"]
