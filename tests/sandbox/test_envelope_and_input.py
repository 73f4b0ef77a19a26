"""Bad input never yields a 500, a stack trace or a partial write.

Malformed JSON, wrong types, unknown fields, oversized bodies, ids of the
wrong kind, bad paging, unknown routes, wrong methods and unusable
credentials each get the error envelope with the right code, a request id
that matches the `X-Request-Id` header and a UTC timestamp; a rejected write
changes nothing.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from ratel_tui.sandbox.auth import mint_key, revoke_key
from tests.conftest import db_value

REQUEST_ID = re.compile(r"^req_[0-9A-Za-z]+$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
JSON_LIMIT = 1_048_576

JSON = {"Content-Type": "application/json"}


def assert_meta(response: httpx.Response, body: dict[str, Any]) -> None:
    """`meta` names the request id of the header and a UTC time."""
    request_id = body["meta"]["request_id"]
    assert REQUEST_ID.match(request_id), request_id
    assert request_id == response.headers["x-request-id"]
    assert TIMESTAMP.match(body["meta"]["timestamp"]), body["meta"]["timestamp"]


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The answer is the error envelope with `status` and `code`; its `error`."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("application/json")
    assert "Traceback" not in response.text
    assert 'File "' not in response.text
    body = response.json()
    assert set(body) == {"success", "error", "meta"}, body
    assert body["success"] is False
    error = body["error"]
    assert error["code"] == code, body
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], dict)
    assert_meta(response, body)
    return error


def db_write(server: Any, sql: str, params: tuple[Any, ...] = ()) -> None:
    """Change the sandbox's database behind its back (to age a credential)."""
    conn = sqlite3.connect(server.config.db_path, timeout=10)
    try:
        with conn:
            conn.execute(sql, params)
    finally:
        conn.close()


def alone(server: Any, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """A request as ada on a connection of its own.

    For inputs that have crashed the server: after a 500 uvicorn closes the
    connection, which would fail the next test's request on a shared one.
    """
    headers = {"Authorization": f"Bearer {server.key_for('ada')}"}
    return httpx.request(
        method, server.url + path, headers=headers, timeout=30, **kwargs
    )


def post_count(server: Any) -> int:
    return db_value(server, "SELECT COUNT(*) FROM posts")


@pytest.fixture(scope="module")
def ada_post(as_user: Any) -> dict[str, Any]:
    """A post of ada's in the shared world."""
    return as_user("ada").data("POST", "/posts", json={"content": "envelope test post"})


@pytest.fixture(scope="module")
def world_ids(as_user: Any, ada_post: dict[str, Any]) -> dict[str, str]:
    """One real id of each kind."""
    ada = as_user("ada")
    space = ada.data("GET", "/spaces")[0]
    return {
        "post": ada_post["id"],
        "user": ada_post["author"]["id"],
        "space": space["id"],
    }


# --- envelope of success and of unknown routes -----------------------------------


def test_a_success_answer_carries_the_request_id_of_its_header_and_a_utc_time(as_user):
    response = as_user("ada").get("/users/me")
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["data"]["username"] == "ada"
    assert_meta(response, body)


def test_every_request_gets_its_own_request_id(as_user):
    ids = {as_user("ada").get("/users/me").headers["x-request-id"] for _ in range(5)}
    assert len(ids) == 5


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/v2/nothing-here"),
        ("GET", "/nothing-here"),
        ("GET", "/"),
        ("GET", "/v1/posts"),
        ("POST", "/v2/unknown/thing"),
        ("GET", "/v2/posts/a/b/c"),
        ("DELETE", "/v2/users/me/preferences/extra"),
    ],
)
def test_an_unknown_route_answers_a_404_envelope_not_html(
    sandbox, as_user, method, url
):
    root = sandbox.url.removesuffix("/v2")
    response = as_user("ada").request(method, root + url)
    error = assert_error(response, 404, "not_found")
    assert url.split("?")[0] in error["message"]


def test_an_unknown_route_is_404_even_without_credentials(sandbox, as_user):
    assert_error(as_user(None).get("/no-such-thing"), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/posts"),
        ("DELETE", "/users/me"),
        ("PATCH", "/spaces"),
        ("PUT", "/users/me/preferences"),
    ],
)
def test_a_wrong_method_answers_a_405_envelope(as_user, method, path):
    error = assert_error(as_user("ada").request(method, path), 405, "invalid_request")
    assert method in error["message"]


def test_a_405_answer_names_the_allowed_methods_in_an_allow_header(as_user):
    # RFC 9110 15.5.6: a 405 MUST carry Allow; clients use it to tell
    # "not supported here" from "no such resource".
    response = as_user("ada").request("DELETE", "/users/me")
    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers.get("allow", "").split(",")}
    assert allowed >= {"GET", "PATCH"}, response.headers


# --- malformed bodies: 400 and nothing written -------------------------------------


BAD_POST_BODIES = {
    "malformed JSON": b'{"content": "hi"',
    "a JSON array": b'["hi"]',
    "JSON null": b"null",
    "a bare JSON string": b'"hi"',
    "an empty body": b"",
    "content of the wrong type": b'{"content": 5}',
    "content as a list": b'{"content": ["hi"]}',
    "content as an object": b'{"content": {"text": "hi"}}',
    "null content": b'{"content": null}',
    "empty content": b'{"content": ""}',
    "no content at all": b'{"type": "text"}',
    "an unknown field": b'{"content": "hi", "colour": "red"}',
    "a type outside the enum": b'{"content": "hi", "type": "video"}',
    "a visibility of the wrong type": b'{"content": "hi", "visibility": true}',
    "media that is not a list": b'{"content": "hi", "media": "x.png"}',
    "media with a javascript url": (
        b'{"content": "hi", "media": [{"url": "javascript:alert(1)", "type": "image"}]}'
    ),
    "members-only visibility outside a Space": b'{"content": "hi", "visibility": "members"}',
    "a number too large for a float": b'{"content": "hi", "type": 1e999}',
    "bytes that are not UTF-8": b'{"content": "\xff\xfe"}',
    "a lone surrogate escape": b'{"content": "a\\ud800"}',
    "a raw control character in a string": b'{"content": "a\x00b"}',
    "deeply nested JSON": b"[" * 20_000 + b"]" * 20_000,
    "content over 5,000 characters": b'{"content": "' + b"x" * 5_001 + b'"}',
}


@pytest.mark.parametrize("body", BAD_POST_BODIES.values(), ids=BAD_POST_BODIES.keys())
def test_a_bad_post_body_is_a_400_envelope_and_writes_nothing(sandbox, as_user, body):
    before = post_count(sandbox)
    response = as_user("ada").post("/posts", content=body, headers=JSON)
    assert_error(response, 400, "invalid_request")
    assert post_count(sandbox) == before


def test_a_form_encoded_post_is_a_400_envelope_and_writes_nothing(sandbox, as_user):
    before = post_count(sandbox)
    response = as_user("ada").post("/posts", data={"content": "hi"})
    assert_error(response, 400, "invalid_request")
    assert post_count(sandbox) == before


def test_a_json_post_without_a_content_type_is_a_400_and_writes_nothing(
    sandbox, as_user
):
    before = post_count(sandbox)
    response = as_user("ada").post("/posts", content=b'{"content": "no type"}')
    assert "content-type" not in response.request.headers
    assert_error(response, 400, "invalid_request")
    assert post_count(sandbox) == before


def test_a_json_post_labelled_as_plain_text_is_a_400_and_writes_nothing(
    sandbox, as_user
):
    before = post_count(sandbox)
    response = as_user("ada").post(
        "/posts", content=b'{"content": "hi"}', headers={"Content-Type": "text/plain"}
    )
    assert_error(response, 400, "invalid_request")
    assert post_count(sandbox) == before


def test_a_wrong_field_type_names_the_field_in_details(as_user):
    error = assert_error(
        as_user("ada").post("/posts", json={"content": 5}), 400, "invalid_request"
    )
    assert error["details"]["fields"][0]["field"] == "content"
    assert error["details"]["fields"][0]["in"] == "body"


def test_an_unknown_field_is_named_in_the_message(as_user):
    error = assert_error(
        as_user("ada").post("/posts", json={"content": "hi", "colour": "red"}),
        400,
        "invalid_request",
    )
    assert "colour" in error["message"]


def test_content_of_exactly_5000_characters_is_accepted(as_user):
    content = "é" * 5_000  # characters, not bytes: 10,000 bytes of UTF-8
    post = as_user("ada").data("POST", "/posts", json={"content": content})
    assert post["content"] == content


def test_content_of_5001_characters_is_refused(sandbox, as_user):
    before = post_count(sandbox)
    error = assert_error(
        as_user("ada").post("/posts", json={"content": "é" * 5_001}),
        400,
        "invalid_request",
    )
    assert error["details"]["fields"][0]["field"] == "content"
    assert post_count(sandbox) == before


def test_a_profile_update_with_one_bad_field_changes_no_field(sandbox, as_user):
    ivan = as_user("ivan")
    before = ivan.data("GET", "/users/me")
    response = ivan.patch("/users/me", json={"display_name": "Changed Name", "bio": 5})
    assert_error(response, 400, "invalid_request")
    after = ivan.data("GET", "/users/me")
    assert after["display_name"] == before["display_name"]
    assert after["bio"] == before["bio"]


def test_a_post_update_with_one_bad_field_changes_nothing(as_user, ada_post):
    ada = as_user("ada")
    response = ada.patch(
        f"/posts/{ada_post['id']}", json={"content": "edited", "visibility": 7}
    )
    assert_error(response, 400, "invalid_request")
    assert ada.data("GET", f"/posts/{ada_post['id']}")["content"] == ada_post["content"]


# --- oversized bodies -----------------------------------------------------------


def test_a_3_mb_body_is_a_413_envelope_and_writes_nothing(sandbox, as_user):
    before = post_count(sandbox)
    body = b'{"content": "' + b"x" * 3_000_000 + b'"}'
    error = assert_error(
        as_user("ada").post("/posts", content=body, headers=JSON),
        413,
        "invalid_request",
    )
    assert error["details"]["limit_bytes"] == JSON_LIMIT
    assert post_count(sandbox) == before


def test_a_body_of_exactly_the_limit_is_not_refused_as_too_large(as_user):
    body = b'{"content": "hi", "pad": "' + b"x" * (JSON_LIMIT - 28) + b'"}'
    assert len(body) == JSON_LIMIT
    response = as_user("ada").post("/posts", content=body, headers=JSON)
    # Not too large: refused for its unknown field instead.
    error = assert_error(response, 400, "invalid_request")
    assert "pad" in error["message"]


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        piece = min(size, total - sent)
        sent += piece
        yield b" " * piece


def test_a_chunked_body_over_1_mb_is_a_413_envelope(sandbox, as_user):
    # A generator body goes out with Transfer-Encoding: chunked, without a
    # Content-Length, so only the streamed byte count can catch it.
    before = post_count(sandbox)

    def body() -> Iterator[bytes]:
        yield b'{"content": "hi", "pad": "'
        yield from _chunks(JSON_LIMIT + 100_000)
        yield b'"}'

    response = as_user("ada").post("/posts", content=body(), headers=JSON)
    assert "content-length" not in response.request.headers
    error = assert_error(response, 413, "invalid_request")
    assert error["details"]["limit_bytes"] == JSON_LIMIT
    assert post_count(sandbox) == before


def test_an_upload_over_10_mb_is_a_413_envelope(sandbox, as_user):
    before = db_value(sandbox, "SELECT COUNT(*) FROM media")
    files = {
        "file": (
            "big.png",
            b"\x89PNG" + b"\0" * (10 * 1_048_576 + 200_000),
            "image/png",
        )
    }
    response = as_user("ada").post("/media/upload", files=files)
    assert_error(response, 413, "invalid_request")
    assert db_value(sandbox, "SELECT COUNT(*) FROM media") == before


def test_a_chunked_upload_over_10_mb_is_a_413_envelope(sandbox, as_user):
    before = db_value(sandbox, "SELECT COUNT(*) FROM media")
    boundary = "ratelboundary0123456789"

    def body() -> Iterator[bytes]:
        yield (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="big.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        yield from _chunks(11 * 1_048_576)
        yield f"\r\n--{boundary}--\r\n".encode()

    response = as_user("ada").post(
        "/media/upload",
        content=body(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert_error(response, 413, "invalid_request")
    assert db_value(sandbox, "SELECT COUNT(*) FROM media") == before


def test_a_small_upload_is_taken(as_user):
    files = {"file": ("dot.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")}
    media = as_user("ada").data("POST", "/media/upload", files=files)
    assert media["id"].startswith("media_")
    assert media["size"] == 72


# --- ids of the wrong kind ------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "template", "kind"),
    [
        ("GET", "/posts/{}", "space"),
        ("GET", "/posts/{}", "user"),
        ("GET", "/spaces/{}", "post"),
        ("GET", "/users/{}", "post"),
        ("GET", "/users/{}", "space"),
        ("GET", "/media/{}", "post"),
        ("POST", "/posts/{}/like", "space"),
        ("DELETE", "/comments/{}", "post"),
        ("GET", "/posts/{}/comments", "user"),
        ("POST", "/spaces/{}/join", "user"),
        ("GET", "/spaces/{}/analytics", "post"),
        ("DELETE", "/webhooks/{}", "post"),
    ],
)
def test_an_id_of_the_wrong_kind_is_a_404_envelope(
    as_user, world_ids, method, template, kind
):
    wrong = world_ids[kind]
    error = assert_error(
        as_user("ada").request(method, template.format(wrong)), 404, "not_found"
    )
    assert error["details"].get("id", wrong) == wrong


@pytest.mark.parametrize(
    "ident",
    ["post_doesnotexist", "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "x" * 2_000, "%00", "💥"],
    ids=["unknown id", "dot segments", "2000 characters", "a nul byte", "an emoji"],
)
def test_an_odd_post_id_is_a_404_envelope(as_user, ident):
    assert_error(as_user("ada").get(f"/posts/{ident}"), 404, "not_found")


def test_a_post_in_a_space_given_by_a_user_id_is_a_404_and_writes_nothing(
    sandbox, as_user, world_ids
):
    before = post_count(sandbox)
    response = as_user("ada").post(
        "/posts", json={"content": "hi", "space_id": world_ids["user"]}
    )
    assert_error(response, 404, "not_found")
    assert post_count(sandbox) == before


# --- paging ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("page", "-1"),
        ("page", "0"),
        ("page", "one"),
        ("page", ""),
        ("page", "1.5"),
        ("page", str(10**30)),
        ("per_page", "0"),
        ("per_page", "-5"),
        ("per_page", "lots"),
    ],
)
def test_a_bad_paging_parameter_is_a_400_naming_it(as_user, name, value):
    error = assert_error(
        as_user("ada").get("/posts", params={name: value}), 400, "invalid_request"
    )
    assert error["details"]["fields"][0]["field"] == name
    assert error["details"]["fields"][0]["in"] == "query"


@pytest.mark.parametrize("per_page", [101, 1_000, 10**12])
def test_per_page_over_100_is_clamped_to_100(as_user, per_page):
    response = as_user("ada").get("/spaces", params={"per_page": per_page})
    assert response.status_code == 200
    assert response.json()["meta"]["per_page"] == 100


@pytest.mark.parametrize(
    "cursor",
    ["not-base64!!", "W10", "e30", "WzFd", "WyJhIiwgdHJ1ZV0", "x" * 513],
    ids=["garbage", "empty list", "an object", "one value", "a boolean", "too long"],
)
def test_a_cursor_that_is_not_ours_is_a_400(as_user, cursor):
    assert_error(
        as_user("ada").get("/posts", params={"cursor": cursor}), 400, "invalid_request"
    )


def test_a_cursor_holding_a_number_too_large_for_sqlite_is_a_400(sandbox):
    # base64url of ["2025-01-01T00:00:00Z", 10**30]: decodes fine, but the
    # number cannot be bound as an SQLite integer.
    import base64
    import json

    raw = json.dumps(["2025-01-01T00:00:00Z", 10**30]).encode()
    cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    response = alone(sandbox, "GET", "/posts", params={"cursor": cursor})
    assert_error(response, 400, "invalid_request")


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "0001-01-01", "end_date": "0001-01-02"},
        {"end_date": "0001-01-01"},
        {"start_date": "9999-12-01", "end_date": "9999-12-31"},
        {"start_date": "0001-01-01"},
        {"start_date": "9999-12-31"},
    ],
    ids=[
        "year one",
        "end in year one",
        "year 9999",
        "start in year one",
        "start in 9999",
    ],
)
def test_analytics_at_the_ends_of_the_calendar_answer_without_crashing(
    sandbox, world_ids, params
):
    # Valid dates, so either an empty period or a 400: never a 500.
    path = f"/spaces/{world_ids['space']}/analytics"
    response = alone(sandbox, "GET", path, params=params)
    if response.status_code == 200:
        data = response.json()["data"]
        assert data["timeline"] == []
        if "start_date" in params and "end_date" in params:
            assert data["period"] == {
                "start": params["start_date"],
                "end": params["end_date"],
            }
    else:
        assert_error(response, 400, "invalid_request")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start_date": "2025-02-30"}, "start_date"),
        ({"end_date": "yesterday"}, "end_date"),
        ({"metrics": "nonsense"}, "metrics"),
        ({"start_date": "2025-05-01", "end_date": "2024-05-01"}, "start_date"),
        ({"start_date": "2020-01-01", "end_date": "2025-01-01"}, "start_date"),
    ],
    ids=[
        "no such day",
        "not a date",
        "unknown metric",
        "start after end",
        "over 366 days",
    ],
)
def test_bad_analytics_parameters_are_a_400_naming_the_field(
    sandbox, world_ids, params, field
):
    path = f"/spaces/{world_ids['space']}/analytics"
    error = assert_error(
        alone(sandbox, "GET", path, params=params), 400, "invalid_request"
    )
    assert error["details"]["field"] == field


# --- credentials ----------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [None, "Basic YWRhOnNlY3JldA==", "Bearer", "ratel_sk_test_abc", "Token x"],
    ids=["missing", "basic auth", "bearer alone", "no scheme", "another scheme"],
)
def test_a_missing_or_malformed_authorization_is_401_unauthorized(sandbox, header):
    headers = {} if header is None else {"Authorization": header}
    response = httpx.get(sandbox.url + "/posts", headers=headers)
    assert_error(response, 401, "unauthorized")


def test_an_unknown_key_is_401_invalid_api_key(sandbox):
    response = httpx.get(
        sandbox.url + "/posts",
        headers={"Authorization": "Bearer ratel_sk_test_" + "0" * 32},
    )
    assert_error(response, 401, "invalid_api_key")


def _user_id(sandbox: Any, username: str) -> str:
    return db_value(sandbox, "SELECT id FROM users WHERE username = ?", (username,))


def test_a_revoked_key_is_401_invalid_api_key(sandbox):
    key = mint_key(
        sandbox.db, _user_id(sandbox, "chen"), ("read:posts",), label="to revoke"
    )
    headers = {"Authorization": f"Bearer {key}"}
    assert httpx.get(sandbox.url + "/posts", headers=headers).status_code == 200
    assert revoke_key(sandbox.db, key) is True
    assert_error(
        httpx.get(sandbox.url + "/posts", headers=headers), 401, "invalid_api_key"
    )
    assert revoke_key(sandbox.db, key) is False


def test_an_expired_key_is_401_invalid_api_key(sandbox):
    key = mint_key(
        sandbox.db,
        _user_id(sandbox, "chen"),
        ("read:posts",),
        label="expired",
        expires_in=timedelta(seconds=-1),
    )
    response = httpx.get(
        sandbox.url + "/posts", headers={"Authorization": f"Bearer {key}"}
    )
    assert_error(response, 401, "invalid_api_key")


def test_a_key_that_expires_later_works_now(sandbox):
    key = mint_key(
        sandbox.db,
        _user_id(sandbox, "chen"),
        ("read:posts",),
        label="later",
        expires_in=timedelta(hours=1),
    )
    response = httpx.get(
        sandbox.url + "/posts", headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200


def test_a_read_only_key_writing_is_403_insufficient_scope_and_writes_nothing(
    sandbox, as_user
):
    before = post_count(sandbox)
    response = as_user("ada", read_only=True).post("/posts", json={"content": "hi"})
    error = assert_error(response, 403, "insufficient_scope")
    assert error["details"]["required_scope"] == "write:posts"
    assert "write:posts" in error["message"]
    assert post_count(sandbox) == before


def test_a_key_without_the_read_scope_is_403_naming_it(sandbox):
    key = mint_key(
        sandbox.db, _user_id(sandbox, "chen"), ("read:posts",), label="narrow"
    )
    response = httpx.get(
        sandbox.url + "/spaces", headers={"Authorization": f"Bearer {key}"}
    )
    error = assert_error(response, 403, "insufficient_scope")
    assert error["details"]["required_scope"] == "read:spaces"


def _oauth_tokens(sandbox: Any) -> dict[str, Any]:
    root = sandbox.url.removesuffix("/v2")
    redirect = "http://127.0.0.1:9/callback"
    answer = httpx.get(
        root + "/oauth/authorize",
        params={
            "client_id": "sandbox-demo",
            "redirect_uri": redirect,
            "response_type": "code",
            "scope": "read:posts",
            "state": "s1",
            "login": "chen",
        },
    )
    assert answer.status_code == 302, answer.text
    code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
    tokens = httpx.post(
        sandbox.url + "/oauth/token",
        json={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": "sandbox-demo",
            "client_secret": sandbox.oauth_client_secret,
            "redirect_uri": redirect,
        },
    )
    assert tokens.status_code == 200, tokens.text
    return tokens.json()


def test_an_expired_oauth_access_token_is_401_token_expired(sandbox):
    tokens = _oauth_tokens(sandbox)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert httpx.get(sandbox.url + "/posts", headers=headers).status_code == 200
    db_write(
        sandbox,
        "UPDATE oauth_tokens SET expires_at = '2000-01-01T00:00:00Z' WHERE token_hash = ?",
        (hashlib.sha256(tokens["access_token"].encode()).hexdigest(),),
    )
    assert_error(
        httpx.get(sandbox.url + "/posts", headers=headers), 401, "token_expired"
    )


def test_an_unknown_oauth_access_token_is_401_invalid_api_key(sandbox):
    headers = {"Authorization": "Bearer ratel_at_" + "0" * 32}
    assert_error(
        httpx.get(sandbox.url + "/posts", headers=headers), 401, "invalid_api_key"
    )


@pytest.mark.parametrize(
    "body",
    [
        b"garbage",
        b"{}",
        b'{"grant_type": "password", "client_id": "x", "client_secret": "y"}',
    ],
    ids=["not JSON", "empty object", "unknown grant type"],
)
def test_a_malformed_token_request_answers_bare_oauth_error_json(sandbox, body):
    # The contract: /oauth/token answers bare OAuth JSON, never the envelope;
    # RFC 6749 5.2: a malformed request is 400 {"error": "invalid_request"}.
    response = httpx.post(sandbox.url + "/oauth/token", content=body, headers=JSON)
    assert response.status_code == 400, response.text
    payload = response.json()
    assert payload.get("error") in ("invalid_request", "unsupported_grant_type"), (
        payload
    )
    assert "success" not in payload
