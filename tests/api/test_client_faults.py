"""The client against a hostile world: broken bodies, slow drips, bombs, redirects,
rate limits and a sandbox that fails half its answers."""

from __future__ import annotations

import gzip
import json
import random
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from ratel_tui.api.client import ApiClient
from ratel_tui.api.errors import (
    ApiError,
    NetworkError,
    ProtocolError,
    RateLimitedError,
    ServerError,
)
from ratel_tui.api.retry import RetryPolicy, parse_retry_after
from ratel_tui.sandbox.app import create_api
from ratel_tui.sandbox.server import SandboxServer
from tests.api.misbehaving import (
    QUICK_RETRIES,
    MisbehavingServer,
    Received,
    Reply,
    envelope,
    failure,
    gzip_bomb,
    html,
)

TOKEN = "ratel_sk_test_FaultsSecretKey0123456789"
"""A key shaped like a real one, so a leak would show."""


@pytest.fixture
def server() -> Iterator[MisbehavingServer]:
    """A misbehaving server of this test alone."""
    with MisbehavingServer() as started:
        yield started


class Waits:
    """An on_wait callback that remembers what it was told."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, str]] = []

    def __call__(self, seconds: float, reason: str) -> None:
        self.calls.append((seconds, reason))


def client_of(server: MisbehavingServer, **options: Any) -> ApiClient:
    options.setdefault("retry", QUICK_RETRIES)
    return ApiClient(server.url, TOKEN, **options)


async def test_an_html_502_on_get_is_retried_three_times_then_reads_server_unavailable(
    server: MisbehavingServer,
) -> None:
    server.route("/posts", html(502))

    async with client_of(server) as client:
        with pytest.raises(ServerError) as caught:
            await client.get("/posts")

    assert str(caught.value).startswith("Server unavailable (502)")
    assert caught.value.status == 502
    assert len(server.hits("/posts")) == 3


async def test_a_post_is_retried_after_a_502_with_the_same_idempotency_key(
    server: MisbehavingServer,
) -> None:
    server.route("/posts", lambda _r, n: html(502) if n < 3 else envelope({"id": 1}))

    async with client_of(server) as client:
        answer = await client.post("/posts", json={"content": "hi"})

    keys = {hit.headers["idempotency-key"] for hit in server.hits("/posts")}
    assert answer.data == {"id": 1}
    assert len(server.hits("/posts")) == 3
    assert len(keys) == 1
    assert uuid.UUID(keys.pop()).version == 4


async def test_a_patch_is_not_retried_after_a_502(server: MisbehavingServer) -> None:
    server.route("/posts/1", html(502))

    async with client_of(server) as client:
        with pytest.raises(ServerError):
            await client.patch("/posts/1", json={"content": "edit"})

    assert len(server.hits("/posts/1")) == 1


async def test_a_500_envelope_is_not_retried(server: MisbehavingServer) -> None:
    server.route("/posts", failure("server_error", "boom", 500))

    async with client_of(server) as client:
        with pytest.raises(ServerError, match=r"Server error \(500\): boom"):
            await client.get("/posts")

    assert len(server.hits("/posts")) == 1


async def test_a_400_is_never_retried(server: MisbehavingServer) -> None:
    server.route("/posts", failure("invalid_request", "no", 400))

    async with client_of(server) as client:
        with pytest.raises(ApiError):
            await client.get("/posts")

    assert len(server.hits("/posts")) == 1


async def test_503_ten_times_gives_up_after_three_jittered_tries_in_bounded_time(
    server: MisbehavingServer,
) -> None:
    server.route("/posts", lambda _r, _n: failure("service_unavailable", "busy", 503))
    waits = Waits()

    started = time.monotonic()
    async with ApiClient(server.url, TOKEN, on_wait=waits) as client:
        with pytest.raises(ServerError, match=r"Server unavailable \(503\)"):
            await client.get("/posts")
    elapsed = time.monotonic() - started

    assert len(server.hits("/posts")) == 3
    assert [reason for _, reason in waits.calls] == ["server unavailable (503)"] * 2
    assert 0 <= waits.calls[0][0] <= 1.0 and 0 <= waits.calls[1][0] <= 2.0
    assert elapsed < 3.0 + 1.0


def test_backoff_is_full_jitter_under_a_doubling_ceiling() -> None:
    policy = RetryPolicy(rng=random.Random(5))
    error = ServerError("busy", status=503)

    first = [policy.next_wait(error, 1, True) for _ in range(200)]
    second = [policy.next_wait(error, 2, True) for _ in range(200)]

    firsts = [wait for wait, _ in filter(None, first)]
    seconds = [wait for wait, _ in filter(None, second)]
    assert len(set(firsts)) == 200 and len(set(seconds)) == 200
    assert min(firsts) >= 0 and max(firsts) <= 1.0 and max(seconds) <= 2.0
    assert max(seconds) > 1.0
    assert policy.next_wait(error, 3, True) is None


async def test_a_dropped_body_is_retried_for_get_and_reported_as_dropped(
    server: MisbehavingServer,
) -> None:
    cut = Reply(200, b'{"success": true, "da', content_length=1000)
    server.route("/posts", cut)

    async with client_of(server) as client:
        with pytest.raises(NetworkError) as caught:
            await client.get("/posts")

    assert caught.value.kind == "dropped"
    assert len(server.hits("/posts")) == 3


async def test_a_dropped_body_on_patch_is_not_retried_and_may_have_been_applied(
    server: MisbehavingServer,
) -> None:
    server.route("/posts/1", Reply(200, b"{", content_length=1000))

    async with client_of(server) as client:
        with pytest.raises(NetworkError, match="may have been applied"):
            await client.patch("/posts/1", json={"content": "x"})

    assert len(server.hits("/posts/1")) == 1


BAD_BODIES = {
    "truncated JSON": b'{"success": true, "data": {"id": 1',
    "NaN": b'{"success": true, "data": {"score": NaN}, "meta": {}}',
    "Infinity": b'{"success": true, "data": {"score": -Infinity}, "meta": {}}',
    "duplicate keys": b'{"success": true, "success": false, "data": 1, "meta": {}}',
    "5001-digit integer": b'{"success": true, "data": ' + b"9" * 5001 + b"}",
    "nesting of 65": b'{"success": true, "data": ' + b"[" * 65 + b"]" * 65 + b"}",
    "nesting of 100000": b"[" * 100_000 + b"]" * 100_000,
    "invalid UTF-8": b'{"success": true, "data": "caf\xe9", "meta": {}}',
    "UTF-8 BOM": b'\xef\xbb\xbf{"success": true, "data": 1, "meta": {}}',
    "not an object": b"[1, 2, 3]",
    "success not a bool": b'{"success": "yes", "data": 1}',
    "no data": b'{"success": true, "meta": {}}',
    "failure without code": b'{"success": false, "error": {"message": "x"}}',
    "200 with success false": json.dumps(
        {"success": False, "error": {"code": "not_found", "message": "gone"}}
    ).encode(),
}
"""Bodies served with status 200 and application/json, none of them usable."""


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
async def test_an_unusable_body_is_a_protocol_error_and_not_retried(
    server: MisbehavingServer, body: bytes
) -> None:
    server.route("/posts", Reply(200, body))

    async with client_of(server) as client:
        with pytest.raises(ProtocolError) as caught:
            await client.get("/posts")

    assert caught.value.title == "Bad response from server"
    assert caught.value.endpoint == "GET /posts"
    assert len(server.hits("/posts")) == 1


async def test_nesting_of_64_levels_is_still_accepted(
    server: MisbehavingServer,
) -> None:
    body = b'{"success": true, "data": ' + b"[" * 63 + b"]" * 63 + b"}"
    server.route("/posts", Reply(200, body))

    async with client_of(server) as client:
        answer = await client.get("/posts")

    assert isinstance(answer.data, list)


async def test_a_json_body_served_as_text_html_is_a_protocol_error(
    server: MisbehavingServer,
) -> None:
    server.route("/posts", Reply(200, b'{"success": true, "data": 1}', "text/html"))

    async with client_of(server) as client:
        with pytest.raises(ProtocolError, match="text/html, not JSON"):
            await client.get("/posts")


async def test_success_true_with_status_500_is_an_error(
    server: MisbehavingServer,
) -> None:
    server.route("/posts", envelope({"id": 1}, status=500))

    async with client_of(server) as client:
        with pytest.raises(ProtocolError, match="yet reported success"):
            await client.get("/posts")


async def test_a_lone_surrogate_is_replaced_by_the_replacement_character(
    server: MisbehavingServer,
) -> None:
    body = b'{"success": true, "data": {"t\\udc00": ["a\\ud800b", "\\ud83d\\ude00"]}}'
    server.route("/posts", Reply(200, body))

    async with client_of(server) as client:
        answer = await client.get("/posts")

    assert answer.data == {"t\ufffd": ["a\ufffdb", "\N{GRINNING FACE}"]}


async def test_429_with_retry_after_one_second_waits_then_succeeds(
    server: MisbehavingServer,
) -> None:
    limited = failure("rate_limited", "slow down", 429)
    limited.headers["Retry-After"] = "1"
    server.route("/posts", lambda _r, n: limited if n == 1 else envelope([]))
    waits = Waits()

    started = time.monotonic()
    async with client_of(server, on_wait=waits) as client:
        answer = await client.get("/posts")

    assert answer.data == []
    assert waits.calls == [(1.0, "rate limited")]
    assert time.monotonic() - started >= 1.0


async def test_429_with_an_http_date_two_seconds_ahead_waits_it_out(
    server: MisbehavingServer,
) -> None:
    def answer(_request: Received, attempt: int) -> Reply:
        if attempt > 1:
            return envelope([])
        when = datetime.now(UTC) + timedelta(seconds=2)
        return Reply(
            429,
            b"Too Many Requests",
            "text/plain",
            {"Retry-After": format_datetime(when, usegmt=True)},
        )

    server.route("/posts", answer)
    waits = Waits()

    async with client_of(server, on_wait=waits) as client:
        await client.get("/posts")

    ((seconds, reason),) = waits.calls
    assert reason == "rate limited"
    assert 0.9 <= seconds <= 2.0


async def test_429_with_only_error_retry_after_waits_that_long(
    server: MisbehavingServer,
) -> None:
    limited = failure("rate_limit_exceeded", "slow down", 429, retry_after=0.2)
    server.route("/posts", lambda _r, n: limited if n == 1 else envelope([]))
    waits = Waits()

    async with client_of(server, on_wait=waits) as client:
        await client.get("/posts")

    assert waits.calls == [(0.2, "rate limited")]


@pytest.mark.parametrize(
    ("header", "expected"), [("99999", 99999.0), ("-5", None), ("soon", None)]
)
async def test_429_with_a_long_or_unusable_retry_after_raises_at_once(
    server: MisbehavingServer, header: str, expected: float | None
) -> None:
    limited = failure("rate_limited", "slow down", 429)
    limited.headers["Retry-After"] = header
    server.route("/posts", limited)
    waits = Waits()

    started = time.monotonic()
    async with client_of(server, on_wait=waits) as client:
        with pytest.raises(RateLimitedError) as caught:
            await client.get("/posts")

    assert caught.value.retry_after == expected
    assert waits.calls == []
    assert len(server.hits("/posts")) == 1
    assert time.monotonic() - started < 1.0


async def test_a_patch_that_got_429_is_sent_again_since_the_server_did_not_act(
    server: MisbehavingServer,
) -> None:
    limited = failure("rate_limited", "slow down", 429)
    limited.headers["Retry-After"] = "0"
    server.route("/posts/1", lambda _r, n: limited if n == 1 else envelope({}))

    async with client_of(server) as client:
        await client.patch("/posts/1", json={"content": "x"})

    assert len(server.hits("/posts/1")) == 2


async def test_a_drip_is_cut_off_by_the_deadline_and_the_client_still_works(
    server: MisbehavingServer,
) -> None:
    server.route("/slow", Reply(200, b" " * 100 + b'{"success": true}', drip=0.5))
    server.route("/fast", envelope({"ok": True}))

    started = time.monotonic()
    async with client_of(server, deadline=1.5, timeout=2.0) as client:
        with pytest.raises(NetworkError) as caught:
            await client.get("/slow")
        elapsed = time.monotonic() - started
        answer = await client.get("/fast")

    assert caught.value.kind == "deadline"
    assert "1.5 s" in caught.value.message
    assert 1.4 <= elapsed < 2.5
    assert len(server.hits("/slow")) == 1
    assert answer.data == {"ok": True}


async def test_a_server_silent_past_the_read_timeout_is_a_retried_timeout(
    server: MisbehavingServer,
) -> None:
    server.route("/posts", Reply(200, b"{}", delay=2.0))

    async with client_of(server, timeout=0.3) as client:
        with pytest.raises(NetworkError) as caught:
            await client.get("/posts")

    assert caught.value.kind == "timeout"
    assert "0.3 s" in caught.value.message
    assert len(server.hits("/posts")) == 3


async def test_a_refused_connection_is_a_connect_error_retried_even_for_patch() -> None:
    with MisbehavingServer() as gone:
        url = gone.url
    waits = Waits()

    async with ApiClient(url, TOKEN, retry=QUICK_RETRIES, on_wait=waits) as client:
        with pytest.raises(NetworkError) as caught:
            await client.patch("/posts/1", json={})

    assert caught.value.kind == "connect"
    assert [reason for _, reason in waits.calls] == ["cannot connect"] * 2


async def test_a_gzip_body_is_decoded(server: MisbehavingServer) -> None:
    body = gzip.compress(json.dumps({"success": True, "data": [1, 2]}).encode())
    server.route("/posts", Reply(200, body, headers={"Content-Encoding": "gzip"}))

    async with client_of(server) as client:
        answer = await client.get("/posts")

    assert server.hits("/posts")[0].headers["accept-encoding"] == "gzip, deflate"
    assert answer.data == [1, 2]


async def test_a_gzip_bomb_is_aborted_at_the_cap_without_growing_memory(
    server: MisbehavingServer,
) -> None:
    bomb = gzip_bomb()
    server.route("/posts", Reply(200, bomb, headers={"Content-Encoding": "gzip"}))

    async with client_of(server) as client:
        tracemalloc.start()
        try:
            with pytest.raises(ProtocolError, match="larger than the 10 MiB limit"):
                await client.get("/posts")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

    assert len(bomb) < 100_000
    assert peak < 12 * 1024 * 1024
    assert len(server.hits("/posts")) == 1


async def test_an_oversized_plain_body_is_refused_from_its_content_length(
    server: MisbehavingServer,
) -> None:
    server.route("/posts", Reply(200, b"{}", content_length=11 * 1024 * 1024))

    async with client_of(server) as client:
        with pytest.raises(ProtocolError, match="larger than"):
            await client.get("/posts")


async def test_a_redirect_to_another_host_is_not_followed_and_the_key_stays_home(
    server: MisbehavingServer,
) -> None:
    with MisbehavingServer() as elsewhere:
        elsewhere.route("/users/me", envelope({"id": "user_evil"}))
        target = f"{elsewhere.url}/users/me"
        server.route("/users/me", Reply(302, b"", None, {"Location": target}))

        async with client_of(server) as client:
            with pytest.raises(ProtocolError) as caught:
                await client.get("/users/me")

    assert f"127.0.0.1:{elsewhere.port}" in caught.value.message
    assert caught.value.status == 302
    assert elsewhere.received == []
    (home,) = server.hits("/users/me")
    assert home.headers["authorization"] == f"Bearer {TOKEN}"


async def test_fifty_gets_through_a_failing_sandbox_end_in_data_or_api_errors(
    make_sandbox: Callable[..., SandboxServer],
) -> None:
    sandbox = make_sandbox(fail_rate=0.5, fault_seed=11)
    outcomes: list[str] = []
    waits = Waits()

    key = sandbox.key_for("ada")
    async with ApiClient(
        sandbox.url, key, retry=QUICK_RETRIES, on_wait=waits
    ) as client:
        for _ in range(50):
            try:
                answer = await client.get("/posts", params={"per_page": 5})
                outcomes.append("ok" if len(answer.data) == 5 else "short")
            except ApiError as error:
                outcomes.append(type(error).__name__)

    assert set(outcomes) <= {"ok", "ServerError", "NetworkError"}
    assert outcomes.count("ok") >= 25
    assert {reason for _, reason in waits.calls} == {
        "connection dropped",
        "server unavailable (503)",
    }


async def test_a_keyed_post_through_faults_leaves_exactly_one_post(
    make_sandbox: Callable[..., SandboxServer],
) -> None:
    sandbox = make_sandbox(fail_rate=0.5, fault_seed=3)
    key, content = str(uuid.uuid4()), f"exactly once {uuid.uuid4()}"

    async with ApiClient(
        sandbox.url, sandbox.key_for("ada"), retry=QUICK_RETRIES
    ) as client:
        for _ in range(30):
            try:
                await client.post(
                    "/posts", json={"content": content}, idempotency_key=key
                )
                break
            except (ServerError, NetworkError):
                continue
        else:
            pytest.fail("the post never got through the faults")

    async with clean_client_of(sandbox) as clean:
        me = (await clean.get("/users/me")).data
        mine = [p async for p in clean.pages("/posts", params={"author_id": me["id"]})]
    assert [post["content"] for post in mine].count(content) == 1


def clean_client_of(sandbox: SandboxServer) -> ApiClient:
    """A client of the same world without the fault layer, to check outcomes."""
    assert sandbox.db is not None
    transport = httpx.ASGITransport(app=create_api(sandbox.db))
    return ApiClient(sandbox.url, sandbox.key_for("ada"), transport=transport)


NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
"""The clock of the Retry-After parsing cases."""


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("2", 2.0),
        ("0", 0.0),
        ("  7 ", 7.0),
        ("-5", None),
        ("1.5", None),
        ("soon", None),
        ("", None),
        ("99999999999999999999", 1e9),
        ("Thu, 01 Jan 2026 12:00:30 GMT", 30.0),
        ("Wed, 31 Dec 2025 23:59:00 GMT", 0.0),
        ("Thursday, 01-Jan-26 12:00:10 GMT", 10.0),
        ("Thu Jan  1 12:00:20 2026", 20.0),
        ("Thu, 32 Jan 2026 12:00:30 GMT", None),
    ],
)
def test_retry_after_is_read_as_seconds_or_an_http_date(
    header: str, seconds: float | None
) -> None:
    assert parse_retry_after(header, NOW) == seconds
