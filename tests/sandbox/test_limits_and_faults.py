"""Rate limits (headers always, 429 when enforced) and injected faults.

The endpoint-limit test moves the rate limiter's clock (a test seam: the
`clock` of `RateLimits`), because the contract's burst limit of 100 requests
a minute would otherwise refuse the 101st post before the endpoint limit of
100 posts an hour could.
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from collections import Counter
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from ratel_tui.sandbox.middleware import RateLimits
from tests.conftest import posts_with

LIMIT_HEADERS = (
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "x-ratelimit-used",
)
DROPPED = (httpx.RemoteProtocolError, httpx.ReadError)
"""What httpx raises when the server drops the connection mid-answer."""


def client(server: Any, username: str | None = "ada") -> httpx.Client:
    headers = {}
    if username is not None:
        headers["Authorization"] = f"Bearer {server.key_for(username)}"
    return httpx.Client(base_url=server.url, headers=headers, timeout=30)


def limits(response: httpx.Response) -> dict[str, int]:
    """The four `X-RateLimit-*` headers as integers."""
    missing = [h for h in LIMIT_HEADERS if h not in response.headers]
    assert not missing, (response.status_code, missing, dict(response.headers))
    return {
        h.removeprefix("x-ratelimit-"): int(response.headers[h]) for h in LIMIT_HEADERS
    }


def wait_for_a_fresh_minute_if_near_its_end(margin: float = 4.0) -> None:
    """The burst windows are whole clock minutes: do not start a count near the end
    of one, so that the window cannot roll over in the middle of the test."""
    left = 60 - time.time() % 60
    if left < margin:
        time.sleep(left + 0.2)


def rate_limits_of(server: Any) -> RateLimits:
    """The `RateLimits` layer of a running sandbox (test seam for its clock)."""
    layer = server._server.config.app
    while not isinstance(layer, RateLimits):
        layer = layer.app
    return layer


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# --- the headers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("GET", "/users/me", {}, 200),
        ("POST", "/posts", {"json": {"content": "limits headers"}}, 201),
        ("GET", "/no-such-endpoint", {}, 404),
        ("GET", "/posts/post_doesnotexist", {}, 404),
        ("GET", "/posts", {"params": {"page": "-1"}}, 400),
        ("POST", "/posts", {"json": {"content": 5}}, 400),
        ("DELETE", "/users/me", {}, 405),
        (
            "POST",
            "/posts",
            {
                "content": b"x" * 2_000_000,
                "headers": {"Content-Type": "application/json"},
            },
            413,
        ),
        (
            "POST",
            "/posts",
            {"headers": {"Authorization": "Bearer ratel_sk_test_nope"}},
            401,
        ),
    ],
    ids=[
        "200",
        "201",
        "404 route",
        "404 resource",
        "400 query",
        "400 body",
        "405",
        "413",
        "401",
    ],
)
def test_every_answer_carries_the_four_rate_limit_headers(
    as_user, method, path, kwargs, status
):
    response = as_user("ada").request(method, path, **kwargs)
    assert response.status_code == status, response.text[:300]
    figures = limits(response)
    assert figures["limit"] == 5_000
    assert figures["used"] >= 1
    assert figures["remaining"] == max(0, figures["limit"] - figures["used"])
    assert figures["reset"] > time.time()
    assert figures["reset"] - time.time() <= 3_600


def test_an_anonymous_caller_sees_the_anonymous_hourly_limit(as_user):
    figures = limits(as_user(None).get("/posts"))
    assert figures["limit"] == 60


def test_an_oauth_caller_sees_the_oauth_hourly_limit(sandbox):
    root = sandbox.url.removesuffix("/v2")
    redirect = "http://127.0.0.1:9/cb"
    authorize = httpx.get(
        root + "/oauth/authorize",
        params={
            "client_id": "sandbox-demo",
            "redirect_uri": redirect,
            "scope": "read:posts",
        },
    )
    code = parse_qs(urlsplit(authorize.headers["location"]).query)["code"][0]
    tokens = httpx.post(
        sandbox.url + "/oauth/token",
        json={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": "sandbox-demo",
            "client_secret": sandbox.oauth_client_secret,
            "redirect_uri": redirect,
        },
    ).json()
    response = httpx.get(
        sandbox.url + "/posts",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert response.status_code == 200
    assert limits(response)["limit"] == 1_000


def test_used_goes_up_by_one_per_request(make_sandbox):
    server = make_sandbox()
    with client(server) as http:
        first = limits(http.get("/users/me"))
        second = limits(http.get("/no-such-endpoint"))
        third = limits(http.get("/users/me"))
    if first["reset"] == third["reset"]:  # not across an hour boundary
        assert (first["used"], second["used"], third["used"]) == (1, 2, 3)
        assert (first["remaining"], third["remaining"]) == (4_999, 4_997)


def test_callers_are_counted_apart(make_sandbox):
    server = make_sandbox()
    with client(server, "ada") as ada, client(server, "bruno") as bruno:
        for _ in range(3):
            ada.get("/users/me")
        assert limits(bruno.get("/users/me"))["used"] == 1


def test_without_enforcement_no_request_is_refused(make_sandbox):
    server = make_sandbox()
    with client(server) as http:
        statuses = Counter(http.get("/users/me").status_code for _ in range(120))
    assert statuses == {200: 120}


# --- 429 when enforced --------------------------------------------------------------


def assert_rate_limited(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 429, response.text[:300]
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] in ("rate_limited", "rate_limit_exceeded")
    retry_after = response.headers["retry-after"]
    assert retry_after.isdigit(), retry_after
    assert int(retry_after) > 0
    assert body["error"]["retry_after"] == int(retry_after)
    assert body["meta"]["request_id"] == response.headers["x-request-id"]
    limits(response)
    return body["error"]


def test_the_101st_request_in_a_minute_by_one_key_is_429_with_retry_after(make_sandbox):
    server = make_sandbox(rate_limit=True)
    wait_for_a_fresh_minute_if_near_its_end()
    with client(server) as http:
        answers = [http.get("/users/me") for _ in range(100)]
        refused = http.get("/users/me")
    assert [a.status_code for a in answers] == [200] * 100
    error = assert_rate_limited(refused)
    assert 1 <= error["retry_after"] <= 60
    assert error["details"]["window"] == "per minute"
    figures = limits(refused)
    assert figures["limit"] == 100
    assert figures["remaining"] == 0


def test_errors_count_towards_the_burst_limit(make_sandbox):
    server = make_sandbox(rate_limit=True)
    wait_for_a_fresh_minute_if_near_its_end()
    with client(server) as http:
        answers = [http.get("/posts/post_doesnotexist") for _ in range(100)]
        refused = http.get("/users/me")
    assert {a.status_code for a in answers} == {404}
    assert_rate_limited(refused)


def test_a_limited_key_does_not_limit_another_key(make_sandbox):
    server = make_sandbox(rate_limit=True)
    wait_for_a_fresh_minute_if_near_its_end()
    with client(server, "ada") as ada, client(server, "bruno") as bruno:
        for _ in range(100):
            ada.get("/users/me")
        assert ada.get("/users/me").status_code == 429
        assert bruno.get("/users/me").status_code == 200


def test_an_anonymous_caller_is_limited_at_10_a_minute(make_sandbox):
    server = make_sandbox(rate_limit=True)
    wait_for_a_fresh_minute_if_near_its_end()
    with client(server, None) as http:
        answers = [http.get("/") for _ in range(10)]
        refused = http.get("/")
    assert [a.status_code for a in answers] == [200] * 10
    error = assert_rate_limited(refused)
    assert error["details"]["window"] == "per minute"
    assert limits(refused)["limit"] == 10


def test_post_posts_is_limited_to_100_successful_posts_an_hour(make_sandbox):
    server = make_sandbox(rate_limit=True)
    clock = FakeClock(1_800_000_000 + 5)  # five seconds into a clock hour
    rate_limits_of(server).clock = clock
    with client(server) as http:

        def post(n: int) -> httpx.Response:
            return http.post("/posts", json={"content": f"limited post {n}"})

        made = 0
        for _batch in range(2):
            for _ in range(49):
                assert post(made).status_code == 201
                made += 1
            # Refused writes do not use the endpoint's budget up.
            assert http.post("/posts", json={"content": 5}).status_code == 400
            assert http.post("/posts", json={"content": "x" * 5_001}).status_code == 400
            clock.advance(61)  # a new burst minute, the same hour
        assert made == 98
        assert post(98).status_code == 201
        assert post(99).status_code == 201

        refused = post(100)
        error = assert_rate_limited(refused)
        assert error["details"]["window"] == "per hour for this endpoint"
        assert error["details"]["limit"] == 100
        assert error["retry_after"] == 3_600 - 5 - 2 * 61

        # Other endpoints and other callers are not affected.
        assert http.get("/users/me").status_code == 200
    with client(server, "bruno") as bruno:
        assert bruno.post("/posts", json={"content": "bruno may"}).status_code == 201

    clock.advance(3_600)
    with client(server) as http:
        assert http.post("/posts", json={"content": "a new hour"}).status_code == 201


def test_post_oracle_verifications_is_limited_to_5_successful_requests_a_day(
    make_sandbox,
):
    server = make_sandbox(rate_limit=True)
    with client(server, "chen") as http:

        def request(n: int) -> httpx.Response:
            return http.post(
                "/oracle/verifications",
                json={
                    "attribute_type": "professional_skill",
                    "attribute_value": f"Skill number {n} {uuid.uuid4().hex[:8]}",
                    "evidence": [{"type": "url", "url": f"https://example.org/cv/{n}"}],
                    "description": "Rate limit test",
                },
            )

        refused_body = http.post("/oracle/verifications", json={"attribute_type": 5})
        if refused_body.status_code in (404, 405):
            pytest.skip("this sandbox does not serve POST /v2/oracle/verifications yet")
        assert refused_body.status_code == 400, refused_body.text

        successes, attempts = 0, 0
        while successes < 5 and attempts < 15:
            answer = request(attempts)
            attempts += 1
            assert answer.status_code < 500, answer.text
            successes += 200 <= answer.status_code < 300
        if successes < 5:
            pytest.skip(f"the oracle took only {successes} of {attempts} requests")

        error = assert_rate_limited(request(99))
        assert error["details"]["window"] == "per day for this endpoint"
        assert error["details"]["limit"] == 5


# --- faults -------------------------------------------------------------------------


def _median_ms(server: Any, count: int = 15) -> tuple[float, float]:
    """Median and least time of `count` requests on one kept-alive connection."""
    times = []
    with client(server) as http:
        http.get("/users/me")  # open the connection first
        for _ in range(count):
            started = time.perf_counter()
            assert http.get("/users/me").status_code == 200
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times)


def test_latency_delays_answers_by_about_the_given_time(make_sandbox):
    baseline, _ = _median_ms(make_sandbox())
    median, least = _median_ms(make_sandbox(latency_ms=100, fault_seed=1))
    # Each delay is drawn from 50 to 150 ms.
    assert median >= 50
    assert least >= 45
    assert median - baseline >= 40, (median, baseline)
    assert median < 1_000


def test_fail_rate_1_breaks_every_answer_in_all_three_ways(make_sandbox):
    server = make_sandbox(fail_rate=1.0, fault_seed=3)
    kinds: Counter[str] = Counter()
    with client(server) as http:
        for _ in range(30):
            try:
                response = http.get("/users/me")
            except DROPPED:
                kinds["dropped"] += 1
                continue
            body = response.json()
            assert body["success"] is False
            assert body["meta"]["request_id"] == response.headers["x-request-id"]
            limits(response)
            if response.status_code == 500:
                assert body["error"]["code"] == "server_error"
                kinds["500"] += 1
            elif response.status_code == 503:
                assert body["error"]["code"] == "service_unavailable"
                assert response.headers["retry-after"].isdigit()
                assert int(response.headers["retry-after"]) > 0
                kinds["503"] += 1
            else:
                pytest.fail(
                    f"an answer got through: {response.status_code} {response.text}"
                )
    assert sum(kinds.values()) == 30
    assert set(kinds) == {"500", "503", "dropped"}, kinds


def test_fail_rate_0_breaks_nothing(make_sandbox):
    server = make_sandbox(fail_rate=0.0, fault_seed=3)
    with client(server) as http:
        assert {http.get("/users/me").status_code for _ in range(30)} == {200}


def test_a_fault_before_the_handler_writes_nothing(make_sandbox):
    server = make_sandbox(fail_rate=1.0, fault_seed=1)  # draws: 500, then 503
    content = f"never written {uuid.uuid4().hex}"
    with client(server) as http:
        for expected in (500, 503):
            assert (
                http.post("/posts", json={"content": content}).status_code == expected
            )
    assert posts_with(server, content) == 0


def _seed_whose_first_answer_is_dropped(fail_rate: float) -> int:
    """A fault seed whose first draw drops the connection, following the draw order
    of `Faults` (one `random()` against the rate, then the kind of fault)."""
    for seed in range(1_000):
        rng = random.Random(seed)
        if (
            rng.random() < fail_rate
            and rng.choice(("error", "unavailable", "drop")) == "drop"
        ):
            return seed
    raise AssertionError("no seed found")


def test_a_keyed_post_whose_answer_was_dropped_is_created_once_when_resent(
    make_sandbox,
):
    seed = _seed_whose_first_answer_is_dropped(0.5)
    server = make_sandbox(fail_rate=0.5, fault_seed=seed)
    content = f"dropped then resent {uuid.uuid4().hex}"
    key = str(uuid.uuid4())
    outcomes: list[str] = []
    answer = None
    with client(server) as http:
        for _ in range(40):
            try:
                response = http.post(
                    "/posts",
                    json={"content": content},
                    headers={"Idempotency-Key": key},
                )
            except DROPPED:
                outcomes.append("dropped")
                continue
            outcomes.append(str(response.status_code))
            if response.status_code < 500:
                answer = response
                break
    assert outcomes[0] == "dropped", (
        f"seed {seed} did not drop the first answer: {outcomes}"
    )
    assert answer is not None, outcomes
    assert answer.status_code == 201, answer.text
    assert answer.headers["idempotent-replayed"] == "true"
    assert answer.json()["data"]["content"] == content
    assert posts_with(server, content) == 1


def test_a_post_without_a_key_whose_answer_was_dropped_was_still_made(make_sandbox):
    # Why clients need the key: the dropped write happened.
    seed = _seed_whose_first_answer_is_dropped(1.0)
    server = make_sandbox(fail_rate=1.0, fault_seed=seed)
    content = f"dropped without a key {uuid.uuid4().hex}"
    with client(server) as http, pytest.raises(DROPPED):
        http.post("/posts", json={"content": content})
    assert posts_with(server, content) == 1
