"""API client benchmarks: a page of 100 posts parsed, and 200 sequential feed
pages over loopback, against a floor of bare httpx + json on the same server.

The client adds a streamed, capped body read, strict JSON (duplicate keys,
constants, depth), the envelope checks, logging and the retry loop; the goal
is that this costs little next to the round trip. Figures go to
results/api.json.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from pydantic import TypeAdapter

from ratel_tui.api.client import ApiClient
from ratel_tui.api.models import Post, parse
from ratel_tui.api.transport import decode_json
from ratel_tui.sandbox.config import SandboxConfig
from ratel_tui.sandbox.server import SandboxServer
from tests.bench.conftest import record

POSTS = 2_000
PAGES = 200
ROUNDS = 3
PER_PAGE = 100

POST_LIST = TypeAdapter(list[Post])
"""The model of a page of posts."""


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(samples), 3),
        "p95_ms": round(percentile(samples, 0.95), 3),
    }


async def timed_pages(fetch: Callable[[int], Awaitable[Any]]) -> list[float]:
    """Milliseconds of each of PAGES sequential page fetches."""
    samples = []
    for i in range(PAGES):
        started = time.perf_counter()
        await fetch(1 + i % (POSTS // PER_PAGE - 1))
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def feed_figures(server: SandboxServer) -> dict[str, dict[str, float]]:
    key = server.key_for("ada")
    bare = httpx.AsyncClient(headers={"Authorization": f"Bearer {key}"})
    client = ApiClient(server.url, key)

    async def floor(page: int) -> None:
        params = {"per_page": PER_PAGE, "page": page}
        response = await bare.get(f"{server.url}/posts", params=params)
        assert len(json.loads(response.content)["data"]) == PER_PAGE

    async def envelope(page: int) -> None:
        answer = await client.get("/posts", params={"per_page": PER_PAGE, "page": page})
        assert len(answer.data) == PER_PAGE

    async def models(page: int) -> None:
        answer = await client.get("/posts", params={"per_page": PER_PAGE, "page": page})
        assert len(parse(POST_LIST, answer.data, "GET /posts")) == PER_PAGE

    cases = {"floor_httpx_json": floor, "client": envelope, "client_models": models}
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for fetch in cases.values():
        await timed_pages(fetch)  # warm-up: connections, caches, the models
    for _ in range(ROUNDS):
        for name, fetch in cases.items():
            samples[name] += await timed_pages(fetch)
    await bare.aclose()
    await client.aclose()
    return {name: summary(values) for name, values in samples.items()}


def parse_figures(body: bytes) -> dict[str, dict[str, float]]:
    """Milliseconds to parse one page of 100 posts, in memory, each way."""
    cases: dict[str, Callable[[], Any]] = {
        "json_loads": lambda: json.loads(body),
        "strict_decode": lambda: decode_json(body),
        "strict_decode_and_models": lambda: parse(
            POST_LIST, decode_json(body)["data"], "GET /posts"
        ),
    }
    figures = {}
    for name, run in cases.items():
        samples = []
        for _ in range(300):
            started = time.perf_counter()
            run()
            samples.append((time.perf_counter() - started) * 1000)
        figures[name] = summary(samples)
    return figures


def test_the_client_costs_little_over_bare_httpx_and_json(tmp_path: Path) -> None:
    config = SandboxConfig(
        db_path=tmp_path / "bench.db", port=0, access_log=False, posts=POSTS
    )
    server = SandboxServer(config).start()
    try:
        key = server.key_for("ada")
        page = httpx.get(
            f"{server.url}/posts",
            params={"per_page": PER_PAGE},
            headers={"Authorization": f"Bearer {key}"},
        ).content
        feed = asyncio.run(feed_figures(server))
    finally:
        server.stop()
    parsing = parse_figures(page)

    floor = feed["floor_httpx_json"]["p50_ms"]
    ratio = round(feed["client"]["p50_ms"] / floor, 2)
    ratio_models = round(feed["client_models"]["p50_ms"] / floor, 2)
    record(
        "api",
        {
            "posts_in_world": POSTS,
            "pages_per_round": PAGES,
            "rounds": ROUNDS,
            "page_bytes": len(page),
            "feed_page": feed,
            "overhead_ratio_p50": ratio,
            "overhead_ratio_p50_with_models": ratio_models,
            "parse_one_page_of_100": parsing,
        },
    )
    assert ratio < 2.0
    assert ratio_models < 2.0
