"""Posts, likes and comments over real HTTP, with every rule of the contract."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest


def space_id(api, slug: str) -> str:
    return api.data("GET", f"/spaces/{slug}")["id"]


def new_post(api, **fields) -> dict:
    body = {"content": "A post written by a test.", **fields}
    return api.data("POST", "/posts", json=body)


def test_created_post_is_listed_first_with_its_author_and_space(as_user):
    ada = as_user("ada")
    space = space_id(ada, "civic-tech")
    post = new_post(
        ada,
        content="Budget hearing moved to Thursday.",
        space_id=space,
        title="Hearing",
    )

    assert post["id"].startswith("post_")
    assert post["author"]["username"] == "ada"
    assert post["space_id"] == space
    assert post["title"] == "Hearing"
    assert post["stats"] == {"likes": 0, "comments": 0, "shares": 0}
    assert post["created_at"].endswith("Z")
    first = ada.data("GET", "/posts", params={"space_id": space, "per_page": 1})
    assert first[0]["id"] == post["id"]


def test_list_meta_counts_pages(as_user):
    api = as_user("bruno")
    response = api.get("/posts", params={"per_page": 7})
    body = response.json()
    meta = body["meta"]
    assert len(body["data"]) == 7
    assert meta["per_page"] == 7
    assert meta["page"] == 1
    assert meta["total_pages"] == -(-meta["total"] // 7)
    assert meta["next_cursor"]


def test_per_page_is_capped_at_one_hundred(as_user):
    body = as_user("ada").get("/posts", params={"per_page": 500}).json()
    assert body["meta"]["per_page"] == 100
    assert len(body["data"]) == 100


def test_cursor_paging_continues_after_new_posts_arrive(as_user):
    ada, bruno = as_user("ada"), as_user("bruno")
    first = ada.get("/posts", params={"per_page": 5}).json()
    new_post(bruno, content="Arrives while ada is reading.")
    second = ada.get(
        "/posts", params={"per_page": 5, "cursor": first["meta"]["next_cursor"]}
    ).json()
    by_page = ada.get("/posts", params={"per_page": 5, "page": 2}).json()

    first_ids = [p["id"] for p in first["data"]]
    second_ids = [p["id"] for p in second["data"]]
    assert not set(first_ids) & set(second_ids)
    # The page number shifted by the new post; the cursor did not.
    assert by_page["data"][0]["id"] == first_ids[-1]
    assert second["data"][0]["created_at"] <= first["data"][-1]["created_at"]


def test_walking_every_cursor_visits_each_post_once(as_user):
    api = as_user("chen")
    seen: list[str] = []
    cursor = None
    while True:
        params = {"per_page": 100, **({"cursor": cursor} if cursor else {})}
        body = api.get("/posts", params=params).json()
        seen.extend(p["id"] for p in body["data"])
        cursor = body["meta"]["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == body["meta"]["total"]


def test_filters_by_author_username_and_type(as_user):
    api = as_user("ada")
    posts = api.data("GET", "/posts", params={"author_id": "hana", "per_page": 50})
    assert posts and {p["author"]["username"] for p in posts} == {"hana"}
    images = api.data("GET", "/posts", params={"type": "image", "per_page": 50})
    assert all(p["type"] == "image" for p in images)


def test_private_space_posts_are_hidden_from_non_members(as_user):
    bruno, chen = as_user("bruno"), as_user("chen")
    riverside = space_id(bruno, "riverside")
    post = new_post(
        bruno, content="Flood-watch rota for next week.", space_id=riverside
    )

    chen.error("GET", f"/posts/{post['id']}", 404, "not_found")
    listed = chen.data("GET", "/posts", params={"per_page": 100})
    assert post["id"] not in {p["id"] for p in listed}
    chen.error("GET", "/spaces/riverside", 404, "not_found")
    assert as_user("gus").data("GET", f"/posts/{post['id']}")["id"] == post["id"]


def test_members_only_post_needs_membership(as_user):
    ada = as_user("ada")
    post = new_post(
        ada,
        content="For members.",
        space_id=space_id(ada, "civic-tech"),
        visibility="members",
    )
    assert (
        as_user("bruno").data("GET", f"/posts/{post['id']}")["visibility"] == "members"
    )
    as_user("farah").error("GET", f"/posts/{post['id']}", 404, "not_found")


def test_closed_space_refuses_posts_from_members(as_user):
    ada = as_user("ada")
    error = ada.error(
        "POST",
        "/posts",
        403,
        "forbidden",
        json={"content": "Hello team", "space_id": space_id(ada, "announcements")},
    )
    assert "does not take posts" in error["message"]
    assert new_post(as_user("june"), space_id=space_id(ada, "announcements"))["id"]


def test_content_limit_is_five_thousand_characters(as_user):
    api = as_user("ada")
    assert new_post(api, content="x" * 5000)["content"] == "x" * 5000
    error = api.error(
        "POST", "/posts", 400, "invalid_request", json={"content": "x" * 5001}
    )
    assert error["details"]["fields"][0]["field"] == "content"


def test_only_the_author_edits_a_post(as_user):
    ada = as_user("ada")
    post = new_post(ada, content="Fist draft")
    edited = ada.data("PATCH", f"/posts/{post['id']}", json={"content": "First draft"})
    assert edited["content"] == "First draft"
    assert edited["updated_at"]
    as_user("bruno").error(
        "PATCH",
        f"/posts/{post['id']}",
        403,
        "forbidden",
        json={"content": "vandalised"},
    )


def test_author_and_space_admin_may_delete_but_not_others(as_user):
    ada, bruno, emeka = as_user("ada"), as_user("bruno"), as_user("emeka")
    space = space_id(ada, "civic-tech")
    by_bruno = new_post(bruno, content="To be removed by the admin", space_id=space)
    emeka.error("DELETE", f"/posts/{by_bruno['id']}", 403, "forbidden")
    assert ada.data("DELETE", f"/posts/{by_bruno['id']}") == {
        "id": by_bruno["id"],
        "deleted": True,
    }
    ada.error("GET", f"/posts/{by_bruno['id']}", 404, "not_found")

    own = new_post(emeka, content="Mine to delete")
    emeka.data("DELETE", f"/posts/{own['id']}")
    as_user("ada", read_only=True).error(
        "DELETE", f"/posts/{own['id']}", 403, "insufficient_scope"
    )


def test_deleting_a_post_updates_the_counts(as_user):
    gus = as_user("gus")
    before = gus.data("GET", "/users/me")["stats"]["posts"]
    post = new_post(
        gus, content="Counted then uncounted", space_id=space_id(gus, "cycling")
    )
    assert gus.data("GET", "/users/me")["stats"]["posts"] == before + 1
    gus.data("DELETE", f"/posts/{post['id']}")
    assert gus.data("GET", "/users/me")["stats"]["posts"] == before


def test_like_twice_counts_once_and_unlike_takes_it_back(as_user):
    ada, hana = as_user("ada"), as_user("hana")
    post = new_post(ada, content="Like me")
    assert hana.data("POST", f"/posts/{post['id']}/like") == {
        "post_id": post["id"],
        "liked": True,
        "likes": 1,
    }
    assert hana.data("POST", f"/posts/{post['id']}/like")["likes"] == 1
    assert hana.data("GET", f"/posts/{post['id']}")["liked"] is True
    assert hana.data("DELETE", f"/posts/{post['id']}/like") == {
        "post_id": post["id"],
        "liked": False,
        "likes": 0,
    }


def test_concurrent_likes_from_two_clients_count_once_each(sandbox, as_user):
    post = new_post(as_user("ada"), content="Race")
    from tests.conftest import Api

    clients = [Api(sandbox, "chen") for _ in range(4)] + [
        Api(sandbox, "ivan") for _ in range(4)
    ]
    threads = [
        threading.Thread(target=c.post, args=(f"/posts/{post['id']}/like",))
        for c in clients
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert as_user("ada").data("GET", f"/posts/{post['id']}")["stats"]["likes"] == 2


def test_comments_form_threads_in_order(as_user):
    ada, bruno = as_user("ada"), as_user("bruno")
    post = new_post(ada, content="Thread root")
    top = bruno.data(
        "POST", f"/posts/{post['id']}/comments", json={"content": "First!"}
    )
    reply = ada.data(
        "POST",
        f"/posts/{post['id']}/comments",
        json={"content": "Thanks", "parent_id": top["id"]},
    )
    assert top["parent_id"] is None
    assert reply["parent_id"] == top["id"]

    comments = ada.data("GET", f"/posts/{post['id']}/comments")
    assert [c["id"] for c in comments] == [top["id"], reply["id"]]
    assert ada.data("GET", f"/posts/{post['id']}")["stats"]["comments"] == 2


def test_reply_to_a_comment_of_another_post_is_refused(as_user):
    ada = as_user("ada")
    one, two = new_post(ada, content="one"), new_post(ada, content="two")
    comment = ada.data(
        "POST", f"/posts/{one['id']}/comments", json={"content": "on one"}
    )
    error = ada.error(
        "POST",
        f"/posts/{two['id']}/comments",
        400,
        "invalid_request",
        json={"content": "x", "parent_id": comment["id"]},
    )
    assert error["details"]["field"] == "parent_id"


def test_deleted_comment_keeps_its_place_in_the_thread(as_user):
    ada, bruno = as_user("ada"), as_user("bruno")
    post = new_post(ada, content="root")
    top = bruno.data(
        "POST", f"/posts/{post['id']}/comments", json={"content": "regret"}
    )
    ada.data(
        "POST",
        f"/posts/{post['id']}/comments",
        json={"content": "hm", "parent_id": top["id"]},
    )
    ada.error("DELETE", f"/comments/{top['id']}", 403, "forbidden")
    bruno.data("DELETE", f"/comments/{top['id']}")

    comments = ada.data("GET", f"/posts/{post['id']}/comments")
    assert comments[0]["deleted"] is True and comments[0]["content"] == ""
    assert comments[1]["parent_id"] == top["id"]
    assert ada.data("GET", f"/posts/{post['id']}")["stats"]["comments"] == 1


def test_drafts_are_private_to_their_author_and_publish_on_patch(as_user):
    ivan = as_user("ivan")
    draft = new_post(ivan, content="Half-written", status="draft")
    assert draft["status"] == "draft"
    as_user("ada").error("GET", f"/posts/{draft['id']}", 404, "not_found")
    drafts = ivan.data("GET", "/posts", params={"status": "draft", "per_page": 100})
    assert draft["id"] in {p["id"] for p in drafts}

    published = ivan.data(
        "PATCH", f"/posts/{draft['id']}", json={"status": "published"}
    )
    assert published["status"] == "published"
    assert as_user("ada").data("GET", f"/posts/{draft['id']}")["id"] == draft["id"]
    ivan.error(
        "PATCH",
        f"/posts/{draft['id']}",
        400,
        "invalid_request",
        json={"status": "draft"},
    )


def test_scheduled_post_needs_a_future_time(as_user):
    api = as_user("farah")
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    api.error(
        "POST",
        "/posts",
        400,
        "invalid_request",
        json={"content": "late", "status": "scheduled", "scheduled_at": past},
    )
    api.error(
        "POST",
        "/posts",
        400,
        "invalid_request",
        json={"content": "when?", "status": "scheduled"},
    )
    soon = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    post = new_post(api, content="tomorrow", status="scheduled", scheduled_at=soon)
    assert post["status"] == "scheduled"
    as_user("ada").error("GET", f"/posts/{post['id']}", 404, "not_found")


def test_scheduled_post_is_published_when_its_time_comes(sandbox, as_user):
    api = as_user("farah")
    soon = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    post = new_post(api, content="time travel", status="scheduled", scheduled_at=soon)
    with sandbox.db.tx() as conn:
        conn.execute(
            "UPDATE posts SET scheduled_at = '2020-01-01T00:00:00Z' WHERE id = ?",
            (post["id"],),
        )
    seen = as_user("ada").data("GET", f"/posts/{post['id']}")
    assert seen["status"] == "published"
    assert seen["created_at"] == "2020-01-01T00:00:00Z"


def test_following_feed_holds_only_followed_authors(as_user):
    api = as_user("ada")
    followed = {
        u["user"]["username"]
        for u in api.data("GET", "/users/ada/following", params={"per_page": 100})
    }
    posts = api.data("GET", "/posts", params={"following": "true", "per_page": 100})
    assert posts
    assert {p["author"]["username"] for p in posts} <= followed


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "file:///etc/passwd"])
def test_media_urls_must_be_http(as_user, bad):
    as_user("ada").error(
        "POST",
        "/posts",
        400,
        "invalid_request",
        json={
            "content": "pic",
            "type": "image",
            "media": [{"url": bad, "type": "image"}],
        },
    )
