"""A sandbox serving Part A only (`features=frozenset()`), as the platform
will at first: every [ext] endpoint is a 404 like any unknown route, no
cursors, no post titles or drafts, `Idempotency-Key` ignored, and every
Part A endpoint still works."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from ratel_tui.sandbox.config import SandboxConfig
from ratel_tui.sandbox.server import SandboxServer
from tests.conftest import db_value


@pytest.fixture(scope="module")
def part_a(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    config = SandboxConfig(
        db_path=tmp_path_factory.mktemp("part-a") / "world.db",
        port=0,
        access_log=False,
        features=frozenset(),
    )
    server = SandboxServer(config).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def ada(part_a: SandboxServer) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {part_a.key_for('ada')}"}
    with httpx.Client(base_url=part_a.url, headers=headers, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def ids(ada: httpx.Client) -> dict[str, str]:
    """Real ids of this world: bruno, a public Space and a post of ada's."""
    bruno = ada.get("/users/bruno").json()["data"]["id"]
    space = ada.get("/spaces").json()["data"][0]["id"]
    post = ada.post("/posts", json={"content": "a Part A post"}).json()["data"]["id"]
    return {"user": bruno, "space": space, "post": post}


def assert_not_found(response: httpx.Response) -> None:
    assert response.status_code == 404, (response.status_code, response.text[:300])
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == "not_found"
    assert body["meta"]["request_id"] == response.headers["x-request-id"]


def test_discovery_is_a_404_envelope(part_a):
    assert_not_found(httpx.get(part_a.url + "/"))


EXT_ENDPOINTS = [
    ("GET", "/users/me/preferences", None),
    ("PATCH", "/users/me/preferences", {"language": "fr"}),
    ("POST", "/users/{user}/follow", None),
    ("DELETE", "/users/{user}/follow", None),
    ("GET", "/users/{user}/followers", None),
    ("GET", "/users/{user}/following", None),
    ("GET", "/users/{user}/activity", None),
    ("GET", "/spaces/{space}/members", None),
    ("PATCH", "/spaces/{space}/members/{user}", {"role": "moderator"}),
    ("GET", "/spaces/{space}/moderation/queue", None),
]


@pytest.mark.parametrize(
    ("method", "template", "body"),
    EXT_ENDPOINTS,
    ids=[f"{m} {t}" for m, t, _ in EXT_ENDPOINTS],
)
def test_an_ext_endpoint_is_404_not_found(ada, ids, method, template, body):
    assert_not_found(ada.request(method, template.format(**ids), json=body))


@pytest.mark.parametrize(
    ("method", "template", "body"),
    EXT_ENDPOINTS,
    ids=[f"{m} {t}" for m, t, _ in EXT_ENDPOINTS],
)
def test_an_ext_endpoint_is_404_even_without_credentials(
    part_a, ids, method, template, body
):
    response = httpx.request(method, part_a.url + template.format(**ids), json=body)
    assert_not_found(response)


def test_an_ext_endpoint_is_404_even_with_a_malformed_body(ada):
    # A Part A server has no such route, so it cannot get as far as the body.
    response = ada.patch(
        "/users/me/preferences",
        content=b"{oops",
        headers={"Content-Type": "application/json"},
    )
    assert_not_found(response)


def test_a_refused_follow_changes_nothing(part_a, ada, ids):
    before = db_value(part_a, "SELECT COUNT(*) FROM follows")
    assert_not_found(ada.post(f"/users/{ids['user']}/follow"))
    assert db_value(part_a, "SELECT COUNT(*) FROM follows") == before


def test_a_refused_preferences_change_changes_nothing(part_a, ada):
    before = db_value(part_a, "SELECT preferences FROM users WHERE username = 'ada'")
    assert_not_found(ada.patch("/users/me/preferences", json={"language": "de"}))
    assert (
        db_value(part_a, "SELECT preferences FROM users WHERE username = 'ada'")
        == before
    )


LISTS = [
    "/posts",
    "/spaces",
    "/webhooks",
    "/posts/{post}/comments",
    "/users/{user}/attestations",
]


@pytest.mark.parametrize("template", LISTS)
def test_a_list_answer_has_no_next_cursor(ada, ids, template):
    response = ada.get(template.format(**ids), params={"per_page": 1})
    assert response.status_code == 200, response.text
    meta = response.json()["meta"]
    assert "next_cursor" not in meta, meta
    assert {"page", "per_page", "total", "total_pages"} <= set(meta)
    assert meta["per_page"] == 1


def test_the_posts_list_pages_by_number(ada):
    first = ada.get("/posts", params={"per_page": 2, "page": 1}).json()
    second = ada.get("/posts", params={"per_page": 2, "page": 2}).json()
    assert first["meta"]["page"] == 1
    assert second["meta"]["page"] == 2
    assert len(first["data"]) == 2
    assert {p["id"] for p in first["data"]}.isdisjoint(
        {p["id"] for p in second["data"]}
    )


def test_a_cursor_parameter_is_ignored_like_any_unknown_parameter(ada):
    # A Part A server does not know `cursor`: it answers page 1 rather than a 400.
    plain = ada.get("/posts", params={"per_page": 3}).json()["data"]
    response = ada.get("/posts", params={"per_page": 3, "cursor": "not-a-cursor"})
    assert response.status_code == 200, response.text
    assert [p["id"] for p in response.json()["data"]] == [p["id"] for p in plain]


@pytest.mark.parametrize(
    "extra",
    [
        {"title": "A title"},
        {"status": "draft"},
        {"status": "scheduled", "scheduled_at": "2099-01-01T00:00:00Z"},
    ],
    ids=["title", "draft", "scheduled"],
)
def test_a_post_with_an_ext_field_is_a_400_and_writes_nothing(part_a, ada, extra):
    content = f"ext field {uuid.uuid4().hex}"
    response = ada.post("/posts", json={"content": content, **extra})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    field = next(iter(extra))
    assert field in error["message"]
    assert (
        db_value(part_a, "SELECT COUNT(*) FROM posts WHERE content = ?", (content,))
        == 0
    )


def test_a_post_update_with_a_title_is_a_400_and_changes_nothing(ada, ids):
    response = ada.patch(
        f"/posts/{ids['post']}", json={"title": "A title", "content": "new"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"
    assert ada.get(f"/posts/{ids['post']}").json()["data"]["content"] == "a Part A post"


def test_an_idempotency_key_is_ignored_so_two_sends_make_two_posts(part_a, ada):
    content = f"sent twice to Part A {uuid.uuid4().hex}"
    key = str(uuid.uuid4())
    answers = [
        ada.post("/posts", json={"content": content}, headers={"Idempotency-Key": key})
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [201, 201]
    assert all("idempotent-replayed" not in a.headers for a in answers)
    assert answers[0].json()["data"]["id"] != answers[1].json()["data"]["id"]
    assert (
        db_value(part_a, "SELECT COUNT(*) FROM posts WHERE content = ?", (content,))
        == 2
    )


def test_an_idempotency_key_a_full_server_would_refuse_is_ignored_too(ada):
    response = ada.post(
        "/posts", json={"content": "long key"}, headers={"Idempotency-Key": "k" * 300}
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    "template",
    [
        "/users/me",
        "/users/{user}",
        "/users/{user}/attestations",
        "/posts",
        "/posts/{post}",
        "/posts/{post}/comments",
        "/spaces",
        "/spaces/{space}",
        "/spaces/{space}/analytics",
        "/webhooks",
    ],
)
def test_a_part_a_read_works(ada, ids, template):
    response = ada.get(template.format(**ids))
    assert response.status_code == 200, response.text
    assert response.json()["success"] is True


def test_a_part_a_client_round_trip_works(ada, ids):
    post = ada.post(
        "/posts", json={"content": "round trip", "type": "text", "visibility": "public"}
    )
    assert post.status_code == 201, post.text
    post_id = post.json()["data"]["id"]
    assert ada.patch(f"/posts/{post_id}", json={"content": "edited"}).status_code == 200
    assert ada.post(f"/posts/{post_id}/like").json()["data"]["liked"] is True
    comment = ada.post(
        f"/posts/{post_id}/comments", json={"content": "hi", "parent_id": None}
    )
    assert comment.status_code == 201, comment.text
    reply = ada.post(
        f"/posts/{post_id}/comments",
        json={"content": "reply", "parent_id": comment.json()["data"]["id"]},
    )
    assert reply.status_code == 201, reply.text
    assert ada.get(f"/posts/{post_id}").json()["data"]["stats"]["comments"] == 2
    assert ada.delete(f"/comments/{reply.json()['data']['id']}").status_code == 200
    assert ada.delete(f"/posts/{post_id}/like").json()["data"]["liked"] is False
    assert ada.delete(f"/posts/{post_id}").status_code == 200
    assert ada.get(f"/posts/{post_id}").status_code == 404

    slug = f"part-a-{uuid.uuid4().hex[:8]}"
    space = ada.post("/spaces", json={"name": "Part A Space", "slug": slug})
    assert space.status_code == 201, space.text
    assert ada.post(f"/spaces/{ids['space']}/join").status_code == 200
    assert ada.patch("/users/me", json={"bio": "Part A bio"}).status_code == 200
    hook = ada.post(
        "/webhooks",
        json={"url": "https://example.org/hook", "events": ["post.created"]},
    )
    assert hook.status_code == 201, hook.text
    upload = ada.post(
        "/media/upload", files={"file": ("a.txt", b"hello", "text/plain")}
    )
    assert upload.status_code == 201, upload.text


def test_posts_carry_no_draft_fields_on_a_part_a_server(ada, ids):
    listed = ada.get("/posts", params={"per_page": 5}).json()["data"]
    single = ada.get(f"/posts/{ids['post']}").json()["data"]
    for post in [*listed, single]:
        assert not {"title", "status", "scheduled_at"} & set(post), post
