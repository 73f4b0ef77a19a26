"""Sandbox benchmarks: seeding a 50,000-post world, and reading it over loopback.

Goals from the sandbox issue: seeding under 15 s; `GET /posts?per_page=100`
p50 under 25 ms on that world, both with the list total remembered and
right after a write (which makes the server count again). The figures go to
results/sandbox.json and the README's table.
"""

from __future__ import annotations

import statistics
import time

import httpx

from ratel_tui.sandbox.clock import now
from ratel_tui.sandbox.config import SandboxConfig
from ratel_tui.sandbox.db import Database
from ratel_tui.sandbox.seed import seed_world
from ratel_tui.sandbox.server import SandboxServer
from tests.bench.conftest import record

POSTS = 50_000
REQUESTS = 300


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def test_seed_and_read_a_big_world(tmp_path):
    db_path = tmp_path / "big.db"
    db = Database(db_path)
    started = time.perf_counter()
    seed_world(db, seed=7, posts=POSTS, anchor=now())
    seed_seconds = time.perf_counter() - started
    db.close()

    server = SandboxServer(
        SandboxConfig(db_path=db_path, port=0, access_log=False)
    ).start()
    try:
        key = server.key_for("ada")
        with httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {key}"}
        ) as http:
            for _ in range(20):
                http.get("/posts", params={"per_page": 100})
            liked = http.get("/posts", params={"per_page": 1}).json()["data"][0]["id"]
            first_page, deep_page, cursor_page, after_write = [], [], [], []
            cursor = None
            for i in range(REQUESTS):
                t = time.perf_counter()
                body = http.get("/posts", params={"per_page": 100}).json()
                first_page.append((time.perf_counter() - t) * 1000)
                assert len(body["data"]) == 100
                t = time.perf_counter()
                http.get("/posts", params={"per_page": 100, "page": 200 + i % 100})
                deep_page.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                body = http.get(
                    "/posts",
                    params={"per_page": 100, **({"cursor": cursor} if cursor else {})},
                ).json()
                cursor_page.append((time.perf_counter() - t) * 1000)
                cursor = body["meta"]["next_cursor"]
                # A write between reads drops the remembered totals: the cost of
                # a feed read while others post and like.
                http.request("POST" if i % 2 == 0 else "DELETE", f"/posts/{liked}/like")
                t = time.perf_counter()
                http.get("/posts", params={"per_page": 100})
                after_write.append((time.perf_counter() - t) * 1000)
    finally:
        server.stop()

    figures = {
        "posts": POSTS,
        "seed_seconds": round(seed_seconds, 2),
        "first_page_p50_ms": round(statistics.median(first_page), 2),
        "first_page_p95_ms": round(percentile(first_page, 0.95), 2),
        "deep_page_p50_ms": round(statistics.median(deep_page), 2),
        "deep_page_p95_ms": round(percentile(deep_page, 0.95), 2),
        "cursor_walk_p50_ms": round(statistics.median(cursor_page), 2),
        "cursor_walk_p95_ms": round(percentile(cursor_page, 0.95), 2),
        "after_write_p50_ms": round(statistics.median(after_write), 2),
        "after_write_p95_ms": round(percentile(after_write, 0.95), 2),
        "requests_each": REQUESTS,
    }
    record("sandbox", figures)
    assert seed_seconds < 15, figures
    assert figures["first_page_p50_ms"] < 25, figures
    assert figures["after_write_p50_ms"] < 25, figures
