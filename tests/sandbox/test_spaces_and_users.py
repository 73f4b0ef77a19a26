"""Spaces, members, analytics, profiles, follows and preferences over real HTTP."""

from __future__ import annotations

import itertools

_slugs = itertools.count()


def fresh_slug() -> str:
    return f"test-space-{next(_slugs)}"


def test_spaces_list_public_and_own_private_ones(as_user):
    chen_sees = {
        s["slug"]
        for s in as_user("chen").data("GET", "/spaces", params={"per_page": 100})
    }
    gus_sees = {
        s["slug"]
        for s in as_user("gus").data("GET", "/spaces", params={"per_page": 100})
    }
    assert "riverside" not in chen_sees
    assert "riverside" in gus_sees
    assert {
        "civic-tech",
        "climate-policy",
        "open-science",
        "cycling",
        "announcements",
    } <= chen_sees


def test_member_filter_and_my_role(as_user):
    mine = as_user("gus").data("GET", "/spaces", params={"member": "true"})
    roles = {s["slug"]: s["my_role"] for s in mine}
    assert roles["cycling"] == "admin"
    assert roles["riverside"] == "member"
    assert "open-science" not in roles


def test_space_has_the_contract_fields(as_user):
    space = as_user("ada").data("GET", "/spaces/civic-tech")
    assert space["id"].startswith("space_")
    assert set(space["stats"]) == {"members", "posts", "deliberations"}
    assert set(space["settings"]) == {
        "allow_posts",
        "moderation",
        "allow_deliberations",
    }
    assert as_user("ada").data("GET", f"/spaces/{space['id']}")["slug"] == "civic-tech"


def test_category_filter(as_user):
    spaces = as_user("ada").data("GET", "/spaces", params={"category": "policy"})
    assert [s["slug"] for s in spaces] == ["climate-policy"]


def test_creating_a_space_makes_the_creator_admin_and_slugs_are_unique(as_user):
    hana = as_user("hana")
    slug = fresh_slug()
    space = hana.data(
        "POST",
        "/spaces",
        json={
            "name": "Data Desk",
            "slug": slug,
            "category": "media",
            "description": "Charts",
        },
    )
    assert space["my_role"] == "admin"
    assert space["stats"]["members"] == 1
    hana.error("POST", "/spaces", 409, "conflict", json={"name": "Again", "slug": slug})
    hana.error(
        "POST",
        "/spaces",
        400,
        "invalid_request",
        json={"name": "Bad", "slug": "Not A Slug"},
    )


def test_join_and_leave_change_membership(as_user):
    hana, farah = as_user("hana"), as_user("farah")
    space = hana.data("POST", "/spaces", json={"name": "Join Me", "slug": fresh_slug()})
    joined = farah.data("POST", f"/spaces/{space['id']}/join")
    assert joined == {"space_id": space["id"], "role": "member", "members": 2}
    assert farah.data("POST", f"/spaces/{space['id']}/join")["members"] == 2
    left = farah.data("DELETE", f"/spaces/{space['id']}/join")
    assert left == {"space_id": space["id"], "role": None, "members": 1}
    hana.error("DELETE", f"/spaces/{space['id']}/join", 409, "conflict")


def test_private_space_cannot_be_joined(as_user):
    hana = as_user("hana")
    space = hana.data(
        "POST",
        "/spaces",
        json={"name": "Hidden", "slug": fresh_slug(), "visibility": "private"},
    )
    as_user("chen").error("POST", f"/spaces/{space['id']}/join", 404, "not_found")


def test_only_admins_change_a_space(as_user):
    hana, ivan = as_user("hana"), as_user("ivan")
    space = hana.data(
        "POST", "/spaces", json={"name": "Editable", "slug": fresh_slug()}
    )
    ivan.data("POST", f"/spaces/{space['id']}/join")
    ivan.error(
        "PATCH", f"/spaces/{space['id']}", 403, "forbidden", json={"name": "Mine now"}
    )
    changed = hana.data(
        "PATCH",
        f"/spaces/{space['id']}",
        json={"description": "New words", "settings": {"allow_posts": False}},
    )
    assert changed["description"] == "New words"
    assert changed["settings"]["allow_posts"] is False


def test_member_roles_are_listed_admins_first_and_can_change(as_user):
    hana, dilnoza = as_user("hana"), as_user("dilnoza")
    space = hana.data("POST", "/spaces", json={"name": "Roles", "slug": fresh_slug()})
    dilnoza.data("POST", f"/spaces/{space['id']}/join")
    members = hana.data("GET", f"/spaces/{space['id']}/members")
    assert [(m["user"]["username"], m["role"]) for m in members] == [
        ("hana", "admin"),
        ("dilnoza", "member"),
    ]

    dilnoza.error(
        "PATCH",
        f"/spaces/{space['id']}/members/hana",
        403,
        "forbidden",
        json={"role": "member"},
    )
    promoted = hana.data(
        "PATCH", f"/spaces/{space['id']}/members/dilnoza", json={"role": "moderator"}
    )
    assert promoted["role"] == "moderator"
    hana.error(
        "PATCH",
        f"/spaces/{space['id']}/members/hana",
        409,
        "conflict",
        json={"role": "member"},
    )


def test_deleting_a_space_removes_its_posts(as_user):
    hana = as_user("hana")
    space = hana.data(
        "POST", "/spaces", json={"name": "Short lived", "slug": fresh_slug()}
    )
    post = hana.data(
        "POST", "/posts", json={"content": "in the space", "space_id": space["id"]}
    )
    as_user("ada").error("DELETE", f"/spaces/{space['id']}", 403, "forbidden")
    hana.data("DELETE", f"/spaces/{space['id']}")
    hana.error("GET", f"/spaces/{space['id']}", 404, "not_found")
    hana.error("GET", f"/posts/{post['id']}", 404, "not_found")


def test_analytics_cover_the_period_asked(as_user):
    data = as_user("ada").data(
        "GET",
        "/spaces/civic-tech/analytics",
        params={"start_date": "2000-01-01", "end_date": "2000-01-31"},
    )
    assert data["period"] == {"start": "2000-01-01", "end": "2000-01-31"}
    assert data["timeline"] == []
    assert set(data["metrics"]) == {
        "new_members",
        "total_posts",
        "average_engagement",
        "daily_active_users",
    }
    some = as_user("ada").data(
        "GET", "/spaces/civic-tech/analytics", params={"metrics": "total_posts"}
    )
    assert set(some["metrics"]) == {"total_posts"}
    as_user("ada").error(
        "GET",
        "/spaces/civic-tech/analytics",
        400,
        "invalid_request",
        params={"metrics": "vibes"},
    )
    as_user("ada").error(
        "GET",
        "/spaces/civic-tech/analytics",
        400,
        "invalid_request",
        params={"start_date": "2020-02-01", "end_date": "2020-01-01"},
    )


def test_new_post_counts_in_todays_analytics(as_user):
    hana = as_user("hana")
    space = hana.data("POST", "/spaces", json={"name": "Counted", "slug": fresh_slug()})
    hana.data("POST", "/posts", json={"content": "one", "space_id": space["id"]})
    hana.data("POST", "/posts", json={"content": "two", "space_id": space["id"]})
    data = hana.data("GET", f"/spaces/{space['id']}/analytics")
    assert data["metrics"]["total_posts"] == 2
    assert data["timeline"][-1]["posts"] == 2


def test_user_by_id_or_username_shows_follow_relations(as_user):
    ada = as_user("ada")
    bruno = ada.data("GET", "/users/bruno")
    assert bruno["username"] == "bruno"
    assert bruno["followed_by_me"] is True
    assert bruno["follows_me"] is True
    assert ada.data("GET", f"/users/{bruno['id']}")["id"] == bruno["id"]
    ada.error("GET", "/users/nobody-at-all", 404, "not_found")


def test_profile_update_and_its_limits(as_user):
    ivan = as_user("ivan")
    me = ivan.data("PATCH", "/users/me", json={"bio": "Teaching optics this term."})
    assert me["bio"] == "Teaching optics this term."
    ivan.error("PATCH", "/users/me", 400, "invalid_request", json={"bio": "x" * 501})
    ivan.error("PATCH", "/users/me", 400, "invalid_request", json={"username": "root"})
    error = as_user("ada", read_only=True).error(
        "PATCH", "/users/me", 403, "insufficient_scope", json={"bio": "nope"}
    )
    assert error["details"]["required_scope"] == "write:user"


def test_follow_and_unfollow_move_the_counts(as_user):
    dilnoza, gus = as_user("dilnoza"), as_user("gus")
    before = gus.data("GET", "/users/me")["stats"]["followers"]
    assert dilnoza.data("POST", "/users/gus/follow")["following"] is True
    dilnoza.data("POST", "/users/gus/follow")
    assert gus.data("GET", "/users/me")["stats"]["followers"] == before + 1
    followers = {
        f["user"]["username"]
        for f in gus.data("GET", "/users/gus/followers", params={"per_page": 100})
    }
    assert "dilnoza" in followers
    assert dilnoza.data("DELETE", "/users/gus/follow")["following"] is False
    assert gus.data("GET", "/users/me")["stats"]["followers"] == before
    dilnoza.error("POST", "/users/dilnoza/follow", 400, "invalid_request")


def test_activity_lists_posts_and_comments_newest_first(as_user):
    emeka = as_user("emeka")
    post = emeka.data("POST", "/posts", json={"content": "activity check"})
    emeka.data(
        "POST", f"/posts/{post['id']}/comments", json={"content": "and a comment"}
    )
    items = emeka.data("GET", "/users/emeka/activity", params={"per_page": 2})
    assert {i["type"] for i in items} == {"comment", "post"}
    assert items[0]["created_at"] >= items[1]["created_at"]
    assert {i["target_id"] for i in items} == {post["id"]}


def test_preferences_start_from_defaults_and_merge(as_user):
    june = as_user("june")
    prefs = june.data("GET", "/users/me/preferences")
    assert prefs["email_digest"] == "weekly"
    changed = june.data(
        "PATCH", "/users/me/preferences", json={"email_digest": "never"}
    )
    assert changed["email_digest"] == "never"
    assert changed["language"] == prefs["language"]
    june.error(
        "PATCH", "/users/me/preferences", 400, "invalid_request", json={"theme": "dark"}
    )
