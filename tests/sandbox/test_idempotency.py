"""`Idempotency-Key` [ext]: a resent POST does its work once.

The same key with the same request replays the first answer with
`Idempotent-Replayed: true`; with a different request it is a 409; keys
belong to a user; a request that failed does not use its key up.
"""

from __future__ import annotations

import threading
import uuid

import httpx
import pytest

from ratel_tui.sandbox.config import SandboxConfig
from ratel_tui.sandbox.server import SandboxServer
from tests.conftest import posts_with


def unique(text: str) -> str:
    return f"{text} {uuid.uuid4().hex}"


def keyed(key: str) -> dict[str, str]:
    return {"Idempotency-Key": key}


def test_the_same_key_and_body_replay_the_first_answer_and_create_one_post(
    sandbox, as_user
):
    ada = as_user("ada")
    content = unique("sent twice")
    key = str(uuid.uuid4())
    first = ada.post("/posts", json={"content": content}, headers=keyed(key))
    second = ada.post("/posts", json={"content": content}, headers=keyed(key))

    assert first.status_code == 201
    assert "idempotent-replayed" not in first.headers
    assert second.status_code == 201
    assert second.headers["idempotent-replayed"] == "true"
    assert second.headers["content-type"].startswith("application/json")
    assert second.json()["data"] == first.json()["data"]
    assert posts_with(sandbox, content) == 1
    listed = ada.data("GET", "/posts", params={"author_id": "ada", "per_page": 100})
    assert [p["id"] for p in listed if p["content"] == content] == [
        first.json()["data"]["id"]
    ]


def test_a_third_send_with_the_same_key_still_replays(sandbox, as_user):
    ada = as_user("ada")
    content = unique("sent thrice")
    key = str(uuid.uuid4())
    answers = [
        ada.post("/posts", json={"content": content}, headers=keyed(key))
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert [a.headers.get("idempotent-replayed") for a in answers] == [
        None,
        "true",
        "true",
    ]
    assert len({a.json()["data"]["id"] for a in answers}) == 1
    assert posts_with(sandbox, content) == 1


def test_the_same_key_with_a_different_body_is_409_conflict_and_writes_nothing(
    sandbox, as_user
):
    ada = as_user("ada")
    key = str(uuid.uuid4())
    original, other = unique("original"), unique("other")
    assert (
        ada.post("/posts", json={"content": original}, headers=keyed(key)).status_code
        == 201
    )

    response = ada.post("/posts", json={"content": other}, headers=keyed(key))
    assert response.status_code == 409
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == "conflict"
    assert body["error"]["details"]["header"] == "Idempotency-Key"
    assert "idempotent-replayed" not in response.headers
    assert posts_with(sandbox, other) == 0
    assert posts_with(sandbox, original) == 1

    # The key still replays its own request afterwards.
    again = ada.post("/posts", json={"content": original}, headers=keyed(key))
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"


def test_the_same_key_on_another_endpoint_is_409_conflict(as_user):
    ada = as_user("ada")
    key = str(uuid.uuid4())
    post = ada.post("/posts", json={"content": unique("first use")}, headers=keyed(key))
    assert post.status_code == 201
    hook = ada.post(
        "/webhooks",
        json={"url": "https://example.org/hook", "events": ["post.created"]},
        headers=keyed(key),
    )
    assert hook.status_code == 409
    assert hook.json()["error"]["code"] == "conflict"


def test_different_users_may_use_the_same_key_independently(sandbox, as_user):
    key = str(uuid.uuid4())
    content = unique("shared key")
    by_ada = as_user("ada").post(
        "/posts", json={"content": content}, headers=keyed(key)
    )
    by_bruno = as_user("bruno").post(
        "/posts", json={"content": content}, headers=keyed(key)
    )

    assert by_ada.status_code == 201
    assert by_bruno.status_code == 201
    assert "idempotent-replayed" not in by_bruno.headers
    assert by_ada.json()["data"]["id"] != by_bruno.json()["data"]["id"]
    assert by_bruno.json()["data"]["author"]["username"] == "bruno"
    assert posts_with(sandbox, content) == 2


def test_a_key_of_256_characters_is_a_400_and_writes_nothing(sandbox, as_user):
    content = unique("long key")
    response = as_user("ada").post(
        "/posts", json={"content": content}, headers=keyed("k" * 256)
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "invalid_request"
    assert body["error"]["details"]["header"] == "Idempotency-Key"
    assert posts_with(sandbox, content) == 0


def test_a_key_of_255_characters_is_taken(sandbox, as_user):
    content = unique("longest key")
    key = uuid.uuid4().hex + "k" * 223
    assert len(key) == 255
    ada = as_user("ada")
    assert (
        ada.post("/posts", json={"content": content}, headers=keyed(key)).status_code
        == 201
    )
    replay = ada.post("/posts", json={"content": content}, headers=keyed(key))
    assert replay.headers["idempotent-replayed"] == "true"
    assert posts_with(sandbox, content) == 1


def test_an_empty_key_is_a_400(as_user):
    response = as_user("ada").post(
        "/posts", json={"content": unique("empty key")}, headers=keyed("")
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"


def test_a_request_that_failed_validation_does_not_use_its_key_up(sandbox, as_user):
    # The client fixes its request and resends it under the same key, as it
    # would after a 400: the key was never used, so this is no conflict.
    ada = as_user("ada")
    key = str(uuid.uuid4())
    content = unique("fixed")
    refused = ada.post(
        "/posts", json={"content": content, "type": "video"}, headers=keyed(key)
    )
    assert refused.status_code == 400

    fixed = ada.post("/posts", json={"content": content}, headers=keyed(key))
    assert fixed.status_code == 201
    assert "idempotent-replayed" not in fixed.headers
    assert posts_with(sandbox, content) == 1


def test_a_request_refused_for_its_scope_does_not_use_the_key_up(sandbox, as_user):
    # The same user first sends with the read-only key (403), then with the
    # full key: keys are remembered per user, and the 403 left nothing behind.
    key = str(uuid.uuid4())
    content = unique("scope first")
    refused = as_user("ada", read_only=True).post(
        "/posts", json={"content": content}, headers=keyed(key)
    )
    assert refused.status_code == 403

    sent = as_user("ada").post("/posts", json={"content": content}, headers=keyed(key))
    assert sent.status_code == 201
    assert "idempotent-replayed" not in sent.headers
    assert posts_with(sandbox, content) == 1


def test_a_request_refused_with_404_does_not_use_its_key_up(sandbox, as_user):
    ada = as_user("ada")
    key = str(uuid.uuid4())
    content = unique("no such space")
    body = {"content": content, "space_id": "space_doesnotexist"}
    assert ada.post("/posts", json=body, headers=keyed(key)).status_code == 404
    # The same request again is tried again (and fails again), not replayed.
    again = ada.post("/posts", json=body, headers=keyed(key))
    assert again.status_code == 404
    assert "idempotent-replayed" not in again.headers
    assert (
        ada.post("/posts", json={"content": content}, headers=keyed(key)).status_code
        == 201
    )


def test_an_unauthenticated_keyed_post_is_401_and_does_not_use_the_key_up(
    sandbox, as_user
):
    key = str(uuid.uuid4())
    content = unique("anonymous first")
    anonymous = httpx.post(
        sandbox.url + "/posts", json={"content": content}, headers=keyed(key)
    )
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "unauthorized"
    sent = as_user("ada").post("/posts", json={"content": content}, headers=keyed(key))
    assert sent.status_code == 201
    assert "idempotent-replayed" not in sent.headers


def test_a_keyed_comment_is_created_once(sandbox, as_user):
    ada = as_user("ada")
    post = ada.data("POST", "/posts", json={"content": unique("commented")})
    key = str(uuid.uuid4())
    for _ in range(2):
        response = ada.post(
            f"/posts/{post['id']}/comments",
            json={"content": "once"},
            headers=keyed(key),
        )
        assert response.status_code == 201
    comments = ada.data("GET", f"/posts/{post['id']}/comments")
    assert [c["content"] for c in comments] == ["once"]
    assert ada.data("GET", f"/posts/{post['id']}")["stats"]["comments"] == 1


def test_five_concurrent_sends_with_one_key_create_exactly_one_post(sandbox):
    content = unique("concurrent")
    key = str(uuid.uuid4())
    barrier = threading.Barrier(5)
    answers: list[httpx.Response | BaseException] = []
    lock = threading.Lock()

    def send() -> None:
        headers = {"Authorization": f"Bearer {sandbox.key_for('ada')}", **keyed(key)}
        with httpx.Client(base_url=sandbox.url, headers=headers, timeout=30) as client:
            barrier.wait()
            try:
                answer: httpx.Response | BaseException = client.post(
                    "/posts", json={"content": content}
                )
            except BaseException as exc:  # noqa: BLE001 - reported below
                answer = exc
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=send) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(answers) == 5
    assert all(isinstance(a, httpx.Response) for a in answers), answers
    firsts = [
        a
        for a in answers
        if a.status_code == 201 and "idempotent-replayed" not in a.headers
    ]
    assert len(firsts) == 1, [(a.status_code, a.text[:200]) for a in answers]
    post_id = firsts[0].json()["data"]["id"]
    for answer in answers:
        if answer is firsts[0]:
            continue
        if answer.status_code == 201:
            assert answer.headers["idempotent-replayed"] == "true"
            assert answer.json()["data"]["id"] == post_id
        else:
            assert answer.status_code == 409, answer.text
            assert answer.json()["error"]["details"]["in_progress"] is True
    assert posts_with(sandbox, content) == 1


@pytest.fixture
def restartable(tmp_path):
    """Start, stop and start again a sandbox on one database file."""
    servers: list[SandboxServer] = []

    def start() -> SandboxServer:
        config = SandboxConfig(db_path=tmp_path / "world.db", port=0, access_log=False)
        server = SandboxServer(config).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def test_a_key_is_remembered_across_a_restart(restartable):
    content = unique("before restart")
    key = str(uuid.uuid4())
    first_server = restartable()
    headers = {"Authorization": f"Bearer {first_server.key_for('ada')}", **keyed(key)}
    first = httpx.post(
        first_server.url + "/posts", json={"content": content}, headers=headers
    )
    assert first.status_code == 201
    first_server.stop()

    second_server = restartable()
    # A fresh demo key of the same user: keys are remembered per user.
    headers = {"Authorization": f"Bearer {second_server.key_for('ada')}", **keyed(key)}
    again = httpx.post(
        second_server.url + "/posts", json={"content": content}, headers=headers
    )
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["data"]["id"] == first.json()["data"]["id"]
    assert posts_with(second_server, content) == 1
