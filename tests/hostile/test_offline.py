"""An offline start, end to end: the app opens on the saved feed, takes posts
into the outbox, and sends them in the order written once the server is back."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ratel_tui.app import RatelApp
from tests.conftest import db_value, posts_with
from tests.tui.test_app import feed_of, until
from tests.tui.test_outbox_app import serve, status, write_post


async def test_an_offline_start_reads_the_cache_queues_posts_and_sends_them_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = serve(tmp_path / "world.db")
    port = urlsplit(server.url).port or 0
    monkeypatch.setenv("RATEL_API_URL", server.url)
    monkeypatch.setenv("RATEL_API_KEY", server.key_for("ada"))
    online = RatelApp()
    async with online.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: len(feed_of(online).items) >= 20)
        first = feed_of(online).items[0].id
    server.stop()
    texts = [f"Written offline, number {n}, to arrive in order." for n in range(3)]

    app = RatelApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: len(feed_of(app).items) >= 20, timeout=30)
        assert feed_of(app).items[0].id == first
        assert "offline" in str(app.screen.query_one("#feed-header").render())
        for text in texts:
            await write_post(app, pilot, text)
        await until(pilot, lambda: status(app).info.outbox == 3, timeout=30)

        server = serve(tmp_path / "world.db", port)
        try:
            await until(pilot, lambda: status(app).info.outbox == 0, timeout=60)
        finally:
            server.stop()

    assert [posts_with(server, text) for text in texts] == [1, 1, 1]
    order = [
        db_value(server, "SELECT seq FROM posts WHERE content = ?", (text,))
        for text in texts
    ]
    assert order == sorted(order)
