"""Moderation [ext]: reports, the queue, decisions, bans and the log.

These tests run on a world of their own, so that bans and removals never
reach the tests of other modules that share the session's sandbox; its
seeded moderation history is cleared, so that what a test finds is what the
tests of this module made.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest

from ratel_tui.sandbox.clock import iso, now, parse_iso
from ratel_tui.sandbox.ids import new_id
from ratel_tui.sandbox.server import SandboxServer
from tests.conftest import Api, start_sandbox

REASONS = ("spam", "harassment", "misinformation", "off_topic", "other")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A sandbox for this module alone, with no reports, items, log or bans."""
    server = start_sandbox(tmp_path_factory.mktemp("moderation") / "world.db", posts=40)
    with server.db.tx() as conn:
        for table in ("reports", "mod_items", "mod_log", "space_bans"):
            conn.execute(f"DELETE FROM {table}")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def as_user(world: SandboxServer) -> Callable[..., Api]:
    """`as_user("ada")`: a client of this module's world."""
    clients: dict[tuple[str, bool], Api] = {}

    def make(username: str, *, read_only: bool = False) -> Api:
        key = (username, read_only)
        if key not in clients:
            clients[key] = Api(world, username, read_only=read_only)
        return clients[key]

    return make


def space_id(world: SandboxServer, slug: str) -> str:
    return world.db.scalar("SELECT id FROM spaces WHERE slug = ?", (slug,))


def user_id(world: SandboxServer, username: str) -> str:
    return world.db.scalar("SELECT id FROM users WHERE username = ?", (username,))


def _no_endpoint(response: Any) -> bool:
    """Whether the server has no such route (the posts routes may be missing)."""
    if response.status_code != 404:
        return False
    return response.json()["error"]["message"].startswith("No such endpoint")


def new_post(
    world: SandboxServer, api: Api, author: str, slug: str | None = "civic-tech"
) -> str:
    """A published post of `author` in the Space (a personal one for None),
    through the API when it has `POST /posts`, else written straight into the
    database."""
    content = f"Post {uuid.uuid4().hex[:10]} about bike lanes"
    space = None if slug is None else space_id(world, slug)
    response = api.post("/posts", json={"content": content, "space_id": space})
    if not _no_endpoint(response):
        assert response.status_code == 201, response.text
        return response.json()["data"]["id"]
    post_id, author_id = new_id("post"), user_id(world, author)
    with world.db.tx() as conn:
        conn.execute(
            "INSERT INTO posts(id, author_id, space_id, content, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (post_id, author_id, space, content, iso(now())),
        )
        conn.execute(
            "UPDATE users SET posts_count = posts_count + 1 WHERE id = ?", (author_id,)
        )
        if space is not None:
            conn.execute(
                "UPDATE spaces SET posts_count = posts_count + 1 WHERE id = ?",
                (space,),
            )
    return post_id


def new_comment(
    world: SandboxServer,
    api: Api,
    author: str,
    post_id: str,
    parent_id: str | None = None,
) -> str:
    """A comment on the post, through the API when it can, else in the database."""
    content = f"Comment {uuid.uuid4().hex[:10]}"
    response = api.post(
        f"/posts/{post_id}/comments", json={"content": content, "parent_id": parent_id}
    )
    if not _no_endpoint(response):
        assert response.status_code == 201, response.text
        return response.json()["data"]["id"]
    comment_id = new_id("comment")
    with world.db.tx() as conn:
        conn.execute(
            "INSERT INTO comments(id, post_id, parent_id, author_id, content,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                comment_id,
                post_id,
                parent_id,
                user_id(world, author),
                content,
                iso(now()),
            ),
        )
        conn.execute(
            "UPDATE posts SET comments_count = comments_count + 1 WHERE id = ?",
            (post_id,),
        )
    return comment_id


def report(
    api: Api, kind: str, target_id: str, reason: str = "spam", note: str | None = None
) -> Any:
    response = api.post(
        f"/{kind}s/{target_id}/reports", json={"reason": reason, "note": note}
    )
    assert response.status_code == 201, response.text
    return response.json()["data"]


def decide(api: Api, item_id: str, action: str, note: str | None = None) -> Any:
    response = api.post(
        f"/moderation/items/{item_id}/decisions", json={"action": action, "note": note}
    )
    assert response.status_code == 201, response.text
    return response.json()["data"]


def queue(api: Api, slug: str = "civic-tech", **params: Any) -> list[dict[str, Any]]:
    """Every item of a Space's queue, page by page."""
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        body = api.get(
            f"/spaces/{slug}/moderation/queue",
            params={**params, "page": page, "per_page": 100},
        ).json()
        assert body["success"], body
        items += body["data"]
        if page >= body["meta"]["total_pages"]:
            return items
        page += 1


def in_queue(api: Api, item_id: str, slug: str = "civic-tech", **params: Any) -> Any:
    """The item as the queue shows it, or None when the queue leaves it out."""
    return next((i for i in queue(api, slug, **params) if i["id"] == item_id), None)


def counts(world: SandboxServer, post_id: str) -> tuple[int, int, int]:
    """(Space posts, author posts, post comments) of the post's counters."""
    row = world.db.one(
        "SELECT s.posts_count, u.posts_count, p.comments_count FROM posts p"
        " JOIN spaces s ON s.id = p.space_id JOIN users u ON u.id = p.author_id"
        " WHERE p.id = ?",
        (post_id,),
    )
    return tuple(row)


def listed(api: Api, post_id: str, slug: str = "civic-tech") -> bool | None:
    """Whether `GET /posts` of the Space lists the post; None without that route."""
    response = api.get("/posts", params={"space_id": slug, "per_page": 100})
    if _no_endpoint(response):
        return None
    return post_id in {p["id"] for p in response.json()["data"]}


# --- Reports and the queue ----------------------------------------------------


def test_a_report_puts_the_post_in_its_spaces_queue(world, as_user):
    post_id = new_post(world, as_user("gus"), "gus")

    filed = report(as_user("bruno"), "post", post_id, "spam", "Selling bikes again")
    second = report(as_user("chen"), "post", post_id, "harassment")

    assert filed["id"].startswith("report_")
    assert filed["item_id"].startswith("mod_")
    assert (filed["reason"], filed["note"]) == ("spam", "Selling bikes again")
    assert filed["target_type"] == "post" and filed["target_id"] == post_id
    assert second["item_id"] == filed["item_id"]
    item = in_queue(as_user("emeka"), filed["item_id"])
    assert item["status"] == "pending"
    assert item["space_id"] == space_id(world, "civic-tech")
    assert item["target_type"] == "post"
    assert item["target"]["id"] == post_id
    assert item["target"]["author"]["username"] == "gus"
    assert item["parent"] is None
    assert [
        (r["reason"], r["note"], r["reporter"]["username"], r["open"])
        for r in item["reports"]
    ] == [
        ("spam", "Selling bikes again", "bruno", True),
        ("harassment", None, "chen", True),
    ]
    assert item["report_count"] == 2
    assert item["open_report_count"] == 2
    assert item["reasons"] == {"spam": 1, "harassment": 1}
    assert item["author_history"] == {"removals": 0, "active_ban": None}


def test_the_queue_is_oldest_first(world, as_user):
    first = report(as_user("bruno"), "post", new_post(world, as_user("ivan"), "ivan"))
    second = report(as_user("bruno"), "post", new_post(world, as_user("ivan"), "ivan"))

    order = [i["id"] for i in queue(as_user("hana"))]

    assert order.index(first["item_id"]) < order.index(second["item_id"])


def test_a_second_open_report_by_the_same_person_is_a_conflict(world, as_user):
    post_id = new_post(world, as_user("gus"), "gus")
    first = report(as_user("bruno"), "post", post_id)

    error = as_user("bruno").error(
        "POST", f"/posts/{post_id}/reports", 409, "conflict", json={"reason": "other"}
    )

    assert error["message"] == "You have already reported this post"
    assert in_queue(as_user("emeka"), first["item_id"])["report_count"] == 1


def test_reports_must_name_a_visible_target_and_a_known_reason(world, as_user):
    private_post = new_post(world, as_user("gus"), "gus", "riverside")
    post_id = new_post(world, as_user("gus"), "gus")
    chen = as_user("chen")

    chen.error(
        "POST",
        "/posts/post_nosuchthing/reports",
        404,
        "not_found",
        json={"reason": "spam"},
    )
    chen.error(
        "POST",
        f"/posts/{private_post}/reports",
        404,
        "not_found",
        json={"reason": "spam"},
    )
    chen.error(
        "POST",
        "/comments/comment_nosuchthing/reports",
        404,
        "not_found",
        json={"reason": "spam"},
    )
    chen.error(
        "POST",
        f"/posts/{post_id}/reports",
        400,
        "invalid_request",
        json={"reason": "ugly"},
    )
    chen.error(
        "POST",
        f"/posts/{post_id}/reports",
        400,
        "invalid_request",
        json={"reason": "spam", "note": "x" * 1_001},
    )
    reader = Api(world, "ada", read_only=True)
    reader.error(
        "POST",
        f"/posts/{post_id}/reports",
        403,
        "insufficient_scope",
        json={"reason": "spam"},
    )


def test_a_reported_comment_comes_with_its_post_and_parent(world, as_user):
    post_id = new_post(world, as_user("gus"), "gus")
    parent = new_comment(world, as_user("chen"), "chen", post_id)
    reply = new_comment(world, as_user("ivan"), "ivan", post_id, parent)

    filed = report(as_user("bruno"), "comment", reply, "off_topic")

    item = in_queue(as_user("hana"), filed["item_id"])
    assert item["target_type"] == "comment"
    assert item["target"]["id"] == reply
    assert item["target"]["author"]["username"] == "ivan"
    assert item["parent"]["post"]["id"] == post_id
    assert item["parent"]["comment"]["id"] == parent
    assert item["reasons"] == {"off_topic": 1}


def test_only_moderators_with_the_scope_see_the_queue(world, as_user):
    report(as_user("bruno"), "post", new_post(world, as_user("gus"), "gus"))

    error = as_user("gus").error(
        "GET", "/spaces/civic-tech/moderation/queue", 403, "forbidden"
    )
    assert error["message"] == "Only a moderator of this Space may do this"
    error = as_user("ada", read_only=True).error(
        "GET", "/spaces/civic-tech/moderation/queue", 403, "insufficient_scope"
    )
    assert "moderate:spaces" in error["message"]
    as_user("chen").error("GET", "/spaces/riverside/moderation/queue", 404, "not_found")
    by_slug = queue(as_user("hana"), "civic-tech")
    by_id = queue(as_user("ada"), space_id(world, "civic-tech"))
    assert [i["id"] for i in by_slug] == [i["id"] for i in by_id]
    assert queue(as_user("june"), "civic-tech") == by_slug
    as_user("hana").error(
        "GET",
        "/spaces/civic-tech/moderation/queue",
        400,
        "invalid_request",
        params={"status": "lost"},
    )


# --- Decisions ----------------------------------------------------------------


def test_approve_keeps_the_content_and_a_new_report_reopens_it(world, as_user):
    post_id = new_post(world, as_user("gus"), "gus")
    item_id = report(as_user("bruno"), "post", post_id)["item_id"]

    approved = decide(as_user("emeka"), item_id, "approve", "Fine by the rules")

    assert approved["status"] == "approved"
    assert [r["open"] for r in approved["reports"]] == [False]
    assert approved["target"]["removed"] is False
    assert world.db.scalar("SELECT removed FROM posts WHERE id = ?", (post_id,)) == 0
    assert in_queue(as_user("emeka"), item_id) is None
    assert in_queue(as_user("emeka"), item_id, status="approved")["id"] == item_id
    again = report(as_user("chen"), "post", post_id, "misinformation")
    assert again["item_id"] == item_id
    reopened = in_queue(as_user("emeka"), item_id)
    assert reopened["status"] == "pending"
    assert [(r["reporter"]["username"], r["open"]) for r in reopened["reports"]] == [
        ("bruno", False),
        ("chen", True),
    ]


def test_remove_hides_the_post_and_restore_brings_it_back(world, as_user):
    post_id = new_post(world, as_user("gus"), "gus")
    item_id = report(as_user("bruno"), "post", post_id)["item_id"]
    before = counts(world, post_id)
    assert listed(as_user("chen"), post_id) in (True, None)

    removed = decide(as_user("hana"), item_id, "remove", "Spam link")

    assert removed["status"] == "removed"
    assert removed["target"]["removed"] is True
    assert removed["target"]["content"].startswith("Post ")
    assert [r["open"] for r in removed["reports"]] == [False]
    assert world.db.scalar("SELECT removed FROM posts WHERE id = ?", (post_id,)) == 1
    assert counts(world, post_id) == (before[0] - 1, before[1] - 1, before[2])
    assert listed(as_user("chen"), post_id) in (False, None)
    error = as_user("dilnoza").error(
        "POST", f"/posts/{post_id}/reports", 409, "conflict", json={"reason": "spam"}
    )
    assert error["message"] == "This post was already removed by the moderators"

    restored = decide(as_user("hana"), item_id, "restore", "Removed by mistake")

    assert restored["status"] == "pending"
    assert restored["target"]["removed"] is False
    assert [r["open"] for r in restored["reports"]] == [True]
    assert world.db.scalar("SELECT removed FROM posts WHERE id = ?", (post_id,)) == 0
    assert counts(world, post_id) == before
    assert listed(as_user("chen"), post_id) in (True, None)


def test_remove_hides_a_comment_from_readers_but_not_from_moderators(world, as_user):
    post_id = new_post(world, as_user("gus"), "gus")
    comment_id = new_comment(world, as_user("ivan"), "ivan", post_id)
    item_id = report(as_user("bruno"), "comment", comment_id, "harassment")["item_id"]
    text = world.db.scalar("SELECT content FROM comments WHERE id = ?", (comment_id,))
    before = counts(world, post_id)

    removed = decide(as_user("emeka"), item_id, "remove")

    assert removed["target"]["removed"] is True
    assert removed["target"]["content"] == text
    assert counts(world, post_id) == (before[0], before[1], before[2] - 1)
    response = as_user("chen").get(f"/posts/{post_id}/comments")
    if not _no_endpoint(response):
        [shown] = [c for c in response.json()["data"] if c["id"] == comment_id]
        assert (shown["content"], shown["removed"]) == ("", True)
    restored = decide(as_user("emeka"), item_id, "restore")
    assert restored["target"]["removed"] is False
    assert counts(world, post_id) == before


def test_dismiss_closes_the_reports_and_keeps_the_content(world, as_user):
    post_id = new_post(world, as_user("gus"), "gus")
    item_id = report(as_user("bruno"), "post", post_id)["item_id"]
    report(as_user("chen"), "post", post_id, "other")

    dismissed = decide(as_user("emeka"), item_id, "dismiss")

    assert dismissed["status"] == "dismissed"
    assert [r["open"] for r in dismissed["reports"]] == [False, False]
    assert dismissed["open_report_count"] == 0
    assert dismissed["target"]["removed"] is False
    assert in_queue(as_user("emeka"), item_id, status="dismissed")["id"] == item_id


def test_an_escalated_item_is_decided_by_the_space_admins(world, as_user):
    post_id = new_post(world, as_user("gus"), "gus")
    item_id = report(as_user("bruno"), "post", post_id)["item_id"]
    path = f"/moderation/items/{item_id}/decisions"

    escalated = decide(as_user("emeka"), item_id, "escalate", "Needs an admin")

    assert escalated["status"] == "escalated"
    assert [r["open"] for r in escalated["reports"]] == [True]
    for name in ("emeka", "hana"):
        error = as_user(name).error(
            "POST", path, 403, "forbidden", json={"action": "approve"}
        )
        assert (
            error["message"]
            == "Only an admin of this Space can decide an escalated item"
        )
    as_user("ada").error("POST", path, 409, "conflict", json={"action": "escalate"})
    removed = decide(as_user("ada"), item_id, "remove")
    assert removed["status"] == "removed"
    as_user("hana").error("POST", path, 403, "forbidden", json={"action": "restore"})
    back = decide(as_user("ada"), item_id, "restore")
    assert back["status"] == "escalated"
    assert back["target"]["removed"] is False
    assert [r["open"] for r in back["reports"]] == [True]
    assert decide(as_user("ada"), item_id, "restore")["status"] == "pending"
    assert decide(as_user("june"), item_id, "approve")["status"] == "approved"


def test_a_decided_item_cannot_be_decided_again(world, as_user):
    post_id = new_post(world, as_user("gus"), "gus")
    item_id = report(as_user("bruno"), "post", post_id)["item_id"]
    path = f"/moderation/items/{item_id}/decisions"
    emeka = as_user("emeka")

    error = emeka.error("POST", path, 409, "conflict", json={"action": "restore"})
    assert error["message"] == "There is no decision to undo: this item is pending"
    decide(emeka, item_id, "approve")
    for action in ("approve", "remove", "dismiss", "escalate"):
        error = emeka.error("POST", path, 409, "conflict", json={"action": action})
        assert error["message"] == (
            "This item was already decided (approved); restore it to decide again"
        )
    emeka.error("POST", path, 400, "invalid_request", json={"action": "burn"})
    emeka.error(
        "POST",
        "/moderation/items/mod_nosuchthing/decisions",
        404,
        "not_found",
        json={"action": "approve"},
    )


def test_only_moderators_of_the_items_space_decide_it(world, as_user):
    post_id = new_post(world, as_user("gus"), "gus")
    item_id = report(as_user("bruno"), "post", post_id)["item_id"]
    path = f"/moderation/items/{item_id}/decisions"

    as_user("chen").error("POST", path, 403, "forbidden", json={"action": "remove"})
    as_user("gus").error("POST", path, 403, "forbidden", json={"action": "approve"})
    as_user("ada", read_only=True).error(
        "POST", path, 403, "insufficient_scope", json={"action": "remove"}
    )

    assert in_queue(as_user("emeka"), item_id)["status"] == "pending"


def test_restore_reopens_only_the_reports_its_decision_closed(world, as_user):
    post_id = new_post(world, as_user("gus"), "gus")
    item_id = report(as_user("bruno"), "post", post_id)["item_id"]
    decide(as_user("emeka"), item_id, "approve")
    # Move the first round a minute back, as if the second came later.
    reported, approved = (
        iso(now() - timedelta(minutes=2)),
        iso(now() - timedelta(minutes=1)),
    )
    with world.db.tx() as conn:
        conn.execute(
            "UPDATE reports SET created_at = ? WHERE item_id = ?", (reported, item_id)
        )
        conn.execute(
            "UPDATE mod_log SET created_at = ? WHERE item_id = ?", (approved, item_id)
        )
    report(as_user("chen"), "post", post_id, "harassment")
    decide(as_user("emeka"), item_id, "dismiss")

    restored = decide(as_user("emeka"), item_id, "restore")

    assert restored["status"] == "pending"
    assert [(r["reporter"]["username"], r["open"]) for r in restored["reports"]] == [
        ("bruno", False),
        ("chen", True),
    ]
    as_user("emeka").error(
        "POST",
        f"/moderation/items/{item_id}/decisions",
        409,
        "conflict",
        json={"action": "restore"},
    )


def test_restore_leaves_closed_a_same_second_report_it_did_not_close(world, as_user):
    emeka = as_user("emeka")
    post_id = new_post(world, as_user("gus"), "gus")
    item_id = report(as_user("bruno"), "post", post_id)["item_id"]
    decide(emeka, item_id, "approve")
    report(as_user("chen"), "post", post_id, "harassment")
    decide(emeka, item_id, "dismiss")
    # A quick moderator does all this within one second. Pinned there, the
    # times cannot tell bruno's report, closed by the approval, from chen's.
    stamp = iso(now())
    with world.db.tx() as conn:
        for table in ("reports", "mod_log"):
            conn.execute(
                f"UPDATE {table} SET created_at = ? WHERE item_id = ?", (stamp, item_id)
            )

    restored = decide(emeka, item_id, "restore")

    approval = world.db.scalar(
        "SELECT id FROM mod_log WHERE item_id = ? AND action = 'approve'", (item_id,)
    )
    reports = world.db.all(
        "SELECT reporter_id, open, closed_by FROM reports WHERE item_id = ?"
        " ORDER BY seq",
        (item_id,),
    )
    assert [tuple(row) for row in reports] == [
        (user_id(world, "bruno"), 0, approval),
        (user_id(world, "chen"), 1, None),
    ]
    assert restored["open_report_count"] == 1


def test_an_item_on_a_personal_post_is_logged_with_no_space(world, as_user):
    post_id = new_post(world, as_user("gus"), "gus", slug=None)
    item_id = report(as_user("bruno"), "post", post_id)["item_id"]
    path = f"/moderation/items/{item_id}/decisions"

    error = as_user("emeka").error(
        "POST", path, 403, "forbidden", json={"action": "remove"}
    )
    removed = decide(as_user("june"), item_id, "remove")
    restored = decide(as_user("june"), item_id, "restore")

    assert error["message"] == "Only platform admins moderate content outside Spaces"
    assert removed["space_id"] is None and removed["status"] == "removed"
    assert [r["open"] for r in restored["reports"]] == [True]
    entries = world.db.all(
        "SELECT action, space_id FROM mod_log WHERE item_id = ? ORDER BY seq",
        (item_id,),
    )
    assert [tuple(row) for row in entries] == [("remove", None), ("restore", None)]


def test_the_author_history_counts_earlier_removals(world, as_user):
    first = report(
        as_user("bruno"), "post", new_post(world, as_user("dilnoza"), "dilnoza")
    )
    decide(as_user("emeka"), first["item_id"], "remove")
    second = report(
        as_user("bruno"), "post", new_post(world, as_user("dilnoza"), "dilnoza")
    )

    item = in_queue(as_user("emeka"), second["item_id"])

    assert item["author_history"] == {"removals": 1, "active_ban": None}


# --- Filters and counts --------------------------------------------------------


def _meta_counts(api: Api, slug: str = "civic-tech") -> dict[str, Any]:
    body = api.get(f"/spaces/{slug}/moderation/queue").json()
    return body["meta"]["counts"]


def test_the_reason_filter_and_the_pending_counts(world, as_user):
    hana = as_user("hana")
    before = _meta_counts(hana)
    post_id = new_post(world, as_user("gus"), "gus")
    item_id = report(as_user("bruno"), "post", post_id, "misinformation")["item_id"]
    report(as_user("chen"), "post", post_id, "misinformation")

    after = _meta_counts(hana)
    filtered = queue(hana, reason="misinformation")

    assert set(after["reasons"]) == set(REASONS)
    assert after["pending"] == before["pending"] + 1
    assert after["reasons"]["misinformation"] == before["reasons"]["misinformation"] + 1
    assert after["reasons"]["spam"] == before["reasons"]["spam"]
    assert item_id in {i["id"] for i in filtered}
    assert len(filtered) == after["reasons"]["misinformation"]
    assert all(
        any(r["open"] and r["reason"] == "misinformation" for r in i["reports"])
        for i in filtered
    )
    assert item_id not in {i["id"] for i in queue(hana, reason="off_topic")}
    decide(hana, item_id, "escalate")
    escalated = _meta_counts(hana)
    assert escalated["pending"] == before["pending"]
    assert escalated["escalated"] == before["escalated"] + 1
    assert escalated["reasons"] == before["reasons"]


# --- Bans and the log ------------------------------------------------------------


def test_bans_are_set_replaced_listed_and_lifted(world, as_user):
    ada = as_user("ada")
    post_id = new_post(world, as_user("ivan"), "ivan")
    item_id = report(as_user("bruno"), "post", post_id)["item_id"]

    banned = ada.data(
        "POST",
        "/spaces/civic-tech/bans",
        json={"user_id": "ivan", "reason": "Repeated spam", "duration_days": 7},
    )

    assert banned["space_id"] == space_id(world, "civic-tech")
    assert banned["user"]["username"] == "ivan"
    assert banned["banned_by"]["username"] == "ada"
    assert banned["reason"] == "Repeated spam"
    assert parse_iso(banned["expires_at"]) - parse_iso(
        banned["created_at"]
    ) == timedelta(days=7)
    history = in_queue(as_user("emeka"), item_id)["author_history"]
    assert history["active_ban"] == {
        "reason": "Repeated spam",
        "expires_at": banned["expires_at"],
    }
    forever = as_user("emeka").data(
        "POST",
        "/spaces/civic-tech/bans",
        json={
            "user_id": user_id(world, "ivan"),
            "reason": "Again",
            "duration_days": None,
        },
    )
    assert forever["expires_at"] is None
    assert forever["banned_by"]["username"] == "emeka"
    bans = ada.data("GET", "/spaces/civic-tech/bans")
    assert [(b["user"]["username"], b["reason"]) for b in bans] == [("ivan", "Again")]

    lifted = ada.data("DELETE", f"/spaces/civic-tech/bans/{user_id(world, 'ivan')}")

    assert lifted["user"]["username"] == "ivan"
    assert ada.data("GET", "/spaces/civic-tech/bans") == []
    ada.error("DELETE", "/spaces/civic-tech/bans/ivan", 404, "not_found")
    log = ada.data("GET", "/spaces/civic-tech/moderation/log", params={"per_page": 3})
    assert [
        (e["action"], e["moderator"]["username"], e["subject"]["username"]) for e in log
    ] == [
        ("unban", "ada", "ivan"),
        ("ban", "emeka", "ivan"),
        ("ban", "ada", "ivan"),
    ]
    assert [e["item_id"] for e in log] == [None, None, None]


def test_bans_refuse_admins_oneself_members_and_bad_durations(world, as_user):
    path = "/spaces/civic-tech/bans"
    error = as_user("emeka").error(
        "POST", path, 403, "forbidden", json={"user_id": "ada"}
    )
    assert error["message"] == "You cannot ban an admin of this Space"
    error = as_user("hana").error(
        "POST", path, 403, "forbidden", json={"user_id": "hana"}
    )
    assert error["message"] == "You cannot ban yourself"
    as_user("gus").error("POST", path, 403, "forbidden", json={"user_id": "chen"})
    as_user("gus").error("GET", path, 403, "forbidden")
    for days in (0, 3_651):
        as_user("hana").error(
            "POST",
            path,
            400,
            "invalid_request",
            json={"user_id": "gus", "duration_days": days},
        )
    as_user("hana").error("POST", path, 404, "not_found", json={"user_id": "nobody"})
    assert as_user("hana").data("GET", path) == []


def test_the_log_lists_every_decision_newest_first(world, as_user):
    post_id = new_post(world, as_user("gus"), "gus")
    item_id = report(as_user("bruno"), "post", post_id)["item_id"]
    hana = as_user("hana")
    decide(hana, item_id, "remove", "Spam link")
    decide(hana, item_id, "restore", "Misread it")
    decide(hana, item_id, "approve")

    mine = hana.data(
        "GET",
        "/spaces/civic-tech/moderation/log",
        params={"moderator": "me", "per_page": 3},
    )

    assert [(e["item_id"], e["action"], e["note"]) for e in mine] == [
        (item_id, "approve", None),
        (item_id, "restore", "Misread it"),
        (item_id, "remove", "Spam link"),
    ]
    assert all(e["moderator"]["username"] == "hana" for e in mine)
    assert all(e["subject"]["username"] == "gus" for e in mine)
    assert all(e["id"].startswith("modlog_") for e in mine)
    by_name = hana.data(
        "GET",
        "/spaces/civic-tech/moderation/log",
        params={"moderator": "hana", "per_page": 3},
    )
    assert by_name == mine
    as_user("gus").error("GET", "/spaces/civic-tech/moderation/log", 403, "forbidden")


def test_a_server_without_moderation_answers_404(make_sandbox):
    server = make_sandbox(features=frozenset(), posts=10)
    ada = Api(server, "ada")

    ada.error("GET", "/spaces/civic-tech/moderation/queue", 404, "not_found")
    ada.error(
        "POST", "/posts/post_x/reports", 404, "not_found", json={"reason": "spam"}
    )
    ada.error(
        "POST",
        "/moderation/items/mod_x/decisions",
        404,
        "not_found",
        json={"action": "approve"},
    )
    ada.error("GET", "/spaces/civic-tech/bans", 404, "not_found")


def test_the_seeded_moderation_history_renders(sandbox):
    june = Api(sandbox, "june")
    slugs = [r[0] for r in sandbox.db.all("SELECT slug FROM spaces ORDER BY seq")]

    for slug in slugs:
        items = queue(june, slug, status="all")
        log = june.data(
            "GET", f"/spaces/{slug}/moderation/log", params={"per_page": 100}
        )
        bans = june.data("GET", f"/spaces/{slug}/bans", params={"per_page": 100})

        for item in items:
            assert item["id"].startswith("mod_")
            assert item["status"] in {
                "pending",
                "approved",
                "removed",
                "dismissed",
                "escalated",
            }
            assert item["report_count"] == len(item["reports"])
            assert sum(item["reasons"].values()) == item["report_count"]
        assert all(entry["moderator"]["id"].startswith("user_") for entry in log)
        assert all(ban["user"]["id"].startswith("user_") for ban in bans)
