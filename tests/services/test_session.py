"""The session against a sandbox: reads kept and served offline, feed pages,
the online state and the cache belonging to one account."""

from __future__ import annotations

import pytest

from ratel_tui.api.errors import NetworkError
from ratel_tui.api.models import User
from ratel_tui.services import codecs
from ratel_tui.services.session import Feed, Session
from ratel_tui.store.cache import ReadCache
from tests.tui.harness import open_session


async def test_open_learns_who_and_what_the_server_has(sandbox):
    async with open_session(sandbox, "ada") as session:
        assert session.me.username == "ada"
        assert session.supports("follows")
        assert session.status.online is True
        assert session.status.rate_limit is not None


async def test_feed_pages_follow_the_cursor_without_repeats(sandbox):
    async with open_session(sandbox, "ada") as session:
        first = await session.feed_page(Feed())
        second = await session.feed_page(Feed(), first.next)
        assert len(first.items) == 50 and len(second.items) == 50
        ids = [item.id for item in first.items + second.items]
        assert len(set(ids)) == 100
        assert first.items[0].created >= second.items[-1].created


async def test_space_feed_keeps_to_its_space(sandbox):
    async with open_session(sandbox, "ada") as session:
        names = await session.load_space_names()
        space_id = next(iter(names))
        page = await session.feed_page(Feed("space", space_id))
        assert page.items
        assert {item.space_id for item in page.items} == {space_id}


async def test_reads_are_served_from_the_cache_when_the_server_is_gone(
    make_sandbox, tmp_path
):
    server = make_sandbox()
    cache = tmp_path / "cache.db"
    async with open_session(server, "ada", cache=cache) as session:
        page = await session.feed_page(Feed())
        post = await session.post(page.items[0].id)
        server.stop()
        again = await session.post(page.items[0].id)
        assert again.cached and again.value == post.value
        offline = await session.feed_page(Feed())
        assert offline.cached
        assert [i.id for i in offline.items] == [i.id for i in page.items]
        assert session.status.online is False
        with pytest.raises(NetworkError):
            await session.post("post_never_read")


async def test_another_account_starts_the_cache_afresh(sandbox, tmp_path):
    cache = tmp_path / "cache.db"
    async with open_session(sandbox, "ada", cache=cache) as session:
        await session.feed_page(Feed())
        session.cache.save_position("feed:all", "x")
    async with open_session(sandbox, "bruno", cache=cache) as session:
        assert session.cache.position("feed:all") is None
        assert session.me.username == "bruno"


async def test_a_saved_copy_that_no_longer_parses_is_an_error_not_a_crash(
    make_sandbox, tmp_path
):
    server = make_sandbox()
    session = Session(
        profile="t",
        base_url=server.url,
        token=server.key_for("ada"),
        cache=ReadCache(tmp_path / "c.db"),
    )
    session.cache.put("me", {"not": "a user"})
    server.stop()
    with pytest.raises(NetworkError, match="saved copy"):
        await session.read("me", lambda c: c.get("/users/me"), codecs.model(User))
    await session.close()


def test_the_repr_names_no_key(sandbox):
    session = Session(
        profile="t",
        base_url=sandbox.url,
        token=sandbox.key_for("ada"),
        cache=ReadCache(None),
    )
    assert "ratel_sk" not in repr(session)
    assert "ratel_sk" not in repr(session.client)
