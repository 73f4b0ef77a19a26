"""The client against the sandbox over loopback, and in-process for the details:
envelopes, rate-limit figures, the error of each code, paging and discovery."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from ratel_tui import __version__
from ratel_tui.api.client import ApiClient, RateLimit
from ratel_tui.api.errors import (
    ApiError,
    AuthError,
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
    ProtocolError,
    RateLimitedError,
    ScopeError,
    ServerError,
    TokenExpiredError,
    UnsupportedError,
)
from ratel_tui.sandbox.server import SandboxServer


class Recording(httpx.AsyncBaseTransport):
    """A real transport that remembers every request it sent."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def answering(
    status: int, payload: Any, **headers: str
) -> Callable[[httpx.Request], httpx.Response]:
    """A MockTransport handler that always gives the same answer."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=payload, headers=headers or None)

    return handler


def mock_client(handler: Callable[[httpx.Request], httpx.Response]) -> ApiClient:
    transport = httpx.MockTransport(handler)
    return ApiClient(
        "https://api.example.com/v2", "ratel_sk_test_x", transport=transport
    )


def recording_mock() -> tuple[ApiClient, list[httpx.Request]]:
    """A client whose every request succeeds with null data, and what it sent."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"success": True, "data": None})

    return mock_client(handler), seen


def failed(code: str, message: str = "no", **details: Any) -> dict[str, Any]:
    error = {"code": code, "message": message, "details": details}
    return {"success": False, "error": error, "meta": {"request_id": "req_1"}}


async def test_a_get_gives_the_envelope_data_meta_and_request_id(
    sandbox: SandboxServer,
) -> None:
    async with ApiClient(sandbox.url, sandbox.key_for("ada")) as client:
        answer = await client.get("/posts", params={"per_page": 3})

    assert len(answer.data) == 3 and answer.data[0]["id"].startswith("post_")
    assert answer.meta["per_page"] == 3 and answer.meta["total"] > 3
    assert answer.request_id is not None and answer.request_id.startswith("req_")
    assert answer.status == 200


async def test_the_last_rate_limit_figures_are_kept_for_the_status_bar(
    sandbox: SandboxServer,
) -> None:
    async with ApiClient(sandbox.url, sandbox.key_for("ada")) as client:
        assert client.last_rate_limit is None
        await client.get("/users/me")
        first = client.last_rate_limit
        await client.get("/users/me")
        second = client.last_rate_limit

    assert first is not None and second is not None
    assert first.limit == 5000
    assert second.used == first.used + 1
    assert second.remaining == first.remaining - 1


def test_rate_limit_figures_need_all_four_headers_as_integers() -> None:
    good = {f"x-ratelimit-{n}": "5" for n in ("limit", "remaining", "reset", "used")}

    assert RateLimit.from_headers(good) == RateLimit(5, 5, 5, 5)
    assert RateLimit.from_headers({**good, "x-ratelimit-used": "-1"}) is None
    assert RateLimit.from_headers({"x-ratelimit-limit": "5"}) is None


async def test_no_key_is_an_auth_error(sandbox: SandboxServer) -> None:
    async with ApiClient(sandbox.url, None) as client:
        with pytest.raises(AuthError) as caught:
            await client.get("/users/me")

    assert caught.value.status == 401
    assert caught.value.request_id is not None


async def test_writing_with_a_read_only_key_is_a_scope_error_naming_the_scope(
    sandbox: SandboxServer,
) -> None:
    key = sandbox.key_for("ada", read_only=True)
    async with ApiClient(sandbox.url, key) as client:
        with pytest.raises(ScopeError) as caught:
            await client.post("/posts", json={"content": "hello"})

    assert caught.value.required_scope == "write:posts"
    assert caught.value.endpoint == "POST /posts"


async def test_a_missing_post_is_not_found(sandbox: SandboxServer) -> None:
    async with ApiClient(sandbox.url, sandbox.key_for("ada")) as client:
        with pytest.raises(NotFoundError) as caught:
            await client.get("/posts/post_nope")

    assert caught.value.title == "Not found"
    assert "post_nope" in caught.value.message


async def test_a_taken_space_slug_is_a_conflict(sandbox: SandboxServer) -> None:
    space = {
        "name": "Civic tech again",
        "slug": "civic-tech",
        "description": "A second one",
        "visibility": "public",
        "category": "civic",
    }
    async with ApiClient(sandbox.url, sandbox.key_for("ada")) as client:
        with pytest.raises(ConflictError, match="civic-tech"):
            await client.post("/spaces", json=space)


async def test_an_empty_post_is_an_invalid_request_with_details(
    sandbox: SandboxServer,
) -> None:
    async with ApiClient(sandbox.url, sandbox.key_for("ada")) as client:
        with pytest.raises(InvalidRequestError) as caught:
            await client.post("/posts", json={"content": ""})

    assert caught.value.status == 400
    assert caught.value.details["fields"][0]["field"] == "content"


async def test_a_method_the_route_lacks_is_an_invalid_request_with_405(
    sandbox: SandboxServer,
) -> None:
    async with ApiClient(sandbox.url, sandbox.key_for("ada")) as client:
        with pytest.raises(InvalidRequestError) as caught:
            await client.request("PUT", "/posts")

    assert caught.value.status == 405


async def test_a_post_can_be_created_edited_and_deleted(sandbox: SandboxServer) -> None:
    async with ApiClient(sandbox.url, sandbox.key_for("ada")) as client:
        created = await client.post("/posts", json={"content": "first words"})
        post_id = created.data["id"]
        edited = await client.patch(f"/posts/{post_id}", json={"content": "better"})
        await client.delete(f"/posts/{post_id}")
        with pytest.raises(NotFoundError):
            await client.get(f"/posts/{post_id}")

    assert created.status == 201
    assert edited.data["content"] == "better"


async def test_a_post_repeated_with_its_key_is_replayed_not_posted_twice(
    sandbox: SandboxServer,
) -> None:
    key = str(uuid.uuid4())
    async with ApiClient(sandbox.url, sandbox.key_for("ada")) as client:
        first = await client.post(
            "/posts", json={"content": "once"}, idempotency_key=key
        )
        again = await client.post(
            "/posts", json={"content": "once"}, idempotency_key=key
        )

    assert first.data["id"] == again.data["id"]


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (401, "unauthorized", AuthError),
        (401, "invalid_api_key", AuthError),
        (401, "token_expired", TokenExpiredError),
        (403, "forbidden", ForbiddenError),
        (403, "insufficient_scope", ScopeError),
        (404, "not_found", NotFoundError),
        (409, "conflict", ConflictError),
        (400, "invalid_request", InvalidRequestError),
        (413, "invalid_request", InvalidRequestError),
        (422, "some_new_code", InvalidRequestError),
        (429, "rate_limited", RateLimitedError),
        (429, "rate_limit_exceeded", RateLimitedError),
        (500, "server_error", ServerError),
        (418, "teapot", ApiError),
    ],
)
async def test_each_error_code_maps_to_its_error_class(
    status: int, code: str, expected: type[ApiError]
) -> None:
    async with mock_client(answering(status, failed(code, "why"))) as client:
        with pytest.raises(ApiError) as caught:
            await client.patch("/x")

    assert type(caught.value) is expected
    assert caught.value.request_id == "req_1"
    assert caught.value.message.endswith("why")


async def test_the_request_id_falls_back_to_the_x_request_id_header() -> None:
    payload = {"success": False, "error": {"code": "not_found"}}
    handler = answering(404, payload, **{"X-Request-Id": "req_header"})
    async with mock_client(handler) as client:
        with pytest.raises(NotFoundError) as caught:
            await client.get("/x")

    assert caught.value.request_id == "req_header"


async def test_a_server_message_is_kept_to_one_printable_line() -> None:
    handler = answering(400, failed("invalid_request", "bad\x1b]52;c;x\x07\nthing"))
    async with mock_client(handler) as client:
        with pytest.raises(InvalidRequestError) as caught:
            await client.get("/x")

    assert caught.value.message == "bad ]52;c;x  thing"


async def test_requests_carry_the_user_agent_token_and_timeouts_longer_for_uploads() -> (
    None
):
    client, seen = recording_mock()

    async with client:
        await client.get("/x")
        await client.post("/x", timeout=90)
        await client.post("/media/upload", files={"file": ("a.png", b"png")})

    get, post, upload = seen
    assert get.headers["user-agent"] == f"ratel-tui/{__version__}"
    assert get.headers["authorization"] == "Bearer ratel_sk_test_x"
    assert get.extensions["timeout"]["connect"] == 5.0
    assert get.extensions["timeout"]["read"] == 30.0
    assert post.extensions["timeout"]["write"] == 90.0
    assert upload.extensions["timeout"]["write"] == 120.0
    assert upload.extensions["timeout"]["connect"] == 5.0


async def test_every_post_carries_a_fresh_idempotency_key_unless_given() -> None:
    client, seen = recording_mock()

    async with client:
        await client.post("/x")
        await client.post("/x")
        await client.post("/x", idempotency_key="mine")
        await client.get("/x")

    keys = [request.headers.get("idempotency-key") for request in seen]
    assert keys[0] and keys[1] and keys[0] != keys[1]
    assert keys[2:] == ["mine", None]


async def test_a_path_that_could_leave_the_configured_host_is_refused() -> None:
    async with mock_client(answering(200, {})) as client:
        for path in ("https://evil.example/x", "//evil.example/x", "x"):
            with pytest.raises(ValueError):
                await client.get(path)


async def test_pages_follow_cursors_and_visit_each_post_once(
    sandbox: SandboxServer,
) -> None:
    recording = Recording()
    key = sandbox.key_for("ada")
    async with ApiClient(sandbox.url, key, transport=recording) as client:
        total = (await client.get("/posts", params={"per_page": 1})).meta["total"]
        ids = [post["id"] async for post in client.pages("/posts", per_page=100)]

    pages = recording.requests[1:]
    assert len(ids) == len(set(ids)) == total
    assert len(pages) == -(-total // 100)
    assert all("cursor" in page.url.params for page in pages[1:])
    assert all("page" not in page.url.params for page in pages)


async def test_pages_follow_page_numbers_on_a_part_a_server(
    make_sandbox: Callable[..., SandboxServer],
) -> None:
    part_a = make_sandbox(features=frozenset())
    recording = Recording()
    key = part_a.key_for("ada")
    async with ApiClient(part_a.url, key, transport=recording) as client:
        ids = [post["id"] async for post in client.pages("/posts", per_page=100)]
        total = (await client.get("/posts", params={"per_page": 1})).meta["total"]

    assert len(ids) == len(set(ids)) == total
    numbers = [request.url.params.get("page") for request in recording.requests[:-1]]
    assert numbers == [None, *map(str, range(2, len(numbers) + 1))]


async def test_pages_stop_at_the_limit(sandbox: SandboxServer) -> None:
    async with ApiClient(sandbox.url, sandbox.key_for("ada")) as client:
        posts = [post async for post in client.pages("/posts", per_page=7, limit=10)]

    assert len(posts) == 10


async def test_pages_drop_items_seen_on_an_earlier_page() -> None:
    pages = {"1": [{"id": "a"}, {"id": "b"}], "2": [{"id": "b"}, {"id": "c"}]}

    def handler(request: httpx.Request) -> httpx.Response:
        page = request.url.params.get("page", "1")
        meta = {"page": int(page), "total_pages": 2}
        return answering(200, {"success": True, "data": pages[page], "meta": meta})(
            request
        )

    async with mock_client(handler) as client:
        ids = [item["id"] async for item in client.pages("/items")]

    assert ids == ["a", "b", "c"]


async def test_pages_of_something_other_than_a_list_are_a_protocol_error() -> None:
    handler = answering(200, {"success": True, "data": {"id": 1}})
    async with mock_client(handler) as client:
        with pytest.raises(ProtocolError, match="not a list"):
            [item async for item in client.pages("/items")]


async def test_features_are_discovered_once_per_client(sandbox: SandboxServer) -> None:
    recording = Recording()
    key = sandbox.key_for("ada")
    async with ApiClient(sandbox.url, key, transport=recording) as client:
        first = await client.features()
        again = await client.features()
        await client.require("moderation", "moderation")

    assert {"moderation", "cursors", "idempotency"} <= first
    assert again == first
    assert [str(r.url) for r in recording.requests] == [f"{sandbox.url}/"]


async def test_a_part_a_server_has_no_features_and_require_says_so(
    make_sandbox: Callable[..., SandboxServer],
) -> None:
    part_a = make_sandbox(features=frozenset())
    async with ApiClient(part_a.url, part_a.key_for("ada")) as client:
        features = await client.features()
        with pytest.raises(UnsupportedError) as caught:
            await client.require("moderation", "moderation")

    assert features == frozenset()
    assert caught.value.message == "this server does not support moderation"
    assert caught.value.feature == "moderation"


@pytest.mark.parametrize(
    "handler",
    [
        answering(405, failed("invalid_request", "no GET here")),
        answering(404, failed("not_found")),
        lambda request: httpx.Response(200, text="<html>hi</html>"),
        answering(200, {"name": "something else"}),
        answering(200, {"success": True, "data": ["not", "an", "object"]}),
    ],
    ids=["405", "404", "html", "no envelope", "odd data"],
)
async def test_a_server_without_discovery_is_treated_as_part_a(
    handler: Callable[[httpx.Request], httpx.Response],
) -> None:
    async with mock_client(handler) as client:
        assert await client.features() == frozenset()


async def test_discovery_that_fails_for_another_reason_raises_and_is_asked_again() -> (
    None
):
    answers = iter(
        [
            answering(401, failed("invalid_api_key")),
            answering(200, {"success": True, "data": {"features": ["moderation"]}}),
        ]
    )

    async with mock_client(lambda request: next(answers)(request)) as client:
        with pytest.raises(AuthError):
            await client.features()
        assert await client.features() == {"moderation"}


async def test_get_raw_returns_a_csv_export_as_bytes(sandbox: SandboxServer) -> None:
    async with ApiClient(sandbox.url, sandbox.key_for("ada")) as client:
        query = {"per_page": 1, "status": "completed"}
        listing = await client.get("/deliberations", params=query)
        deliberation_id = listing.data[0]["id"]
        csv = await client.get_raw(
            f"/deliberations/{deliberation_id}/export", params={"format": "csv"}
        )
        with pytest.raises(NotFoundError):
            await client.get_raw("/deliberations/delib_nope/export")

    assert csv.splitlines()[0].count(b",") >= 2


async def test_an_async_on_wait_callback_is_awaited() -> None:
    told: list[tuple[float, str]] = []
    answers = iter([429, 200])

    async def on_wait(seconds: float, reason: str) -> None:
        told.append((seconds, reason))

    def handler(request: httpx.Request) -> httpx.Response:
        if next(answers) == 429:
            return httpx.Response(429, headers={"Retry-After": "0"})
        return answering(200, {"success": True, "data": 1})(request)

    transport = httpx.MockTransport(handler)
    async with ApiClient(
        "https://api.example.com", None, transport=transport, on_wait=on_wait
    ) as client:
        answer = await client.get("/x")

    assert answer.data == 1
    assert told == [(0.0, "rate limited")]
