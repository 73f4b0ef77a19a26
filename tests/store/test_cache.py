"""The read cache: documents and positions kept across opens, private files,
and a file that cannot be read moved aside instead of stopping the app."""

from __future__ import annotations

import stat
import threading

from ratel_tui.store.cache import SCHEMA_VERSION, ReadCache
from ratel_tui.store.feed import FeedItem


def test_documents_and_positions_survive_a_reopen(tmp_path):
    path = tmp_path / "cache.db"
    cache = ReadCache(path)
    cache.put("post:1", {"id": "1", "content": "hello"}, fetched_at=1000.0)
    cache.save_position("feed:all", "post_9")
    cache.close()

    again = ReadCache(path)
    found = again.get("post:1")
    assert found is not None
    assert found.body == {"id": "1", "content": "hello"}
    assert found.fetched_at == 1000.0
    assert again.position("feed:all") == "post_9"
    assert again.get("post:2") is None


def test_the_file_is_private_and_versioned(tmp_path):
    path = tmp_path / "cache.db"
    ReadCache(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    import sqlite3

    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_unreadable_file_is_moved_aside(tmp_path):
    path = tmp_path / "cache.db"
    path.write_bytes(b"this is not a database" * 100)
    cache = ReadCache(path)
    assert cache.moved_aside is not None
    assert cache.moved_aside.read_bytes().startswith(b"this is not")
    cache.put("k", [1, 2])
    assert cache.get("k").body == [1, 2]


def test_clear_forgets_everything(tmp_path):
    cache = ReadCache(None)
    cache.put("a", 1)
    cache.save_position("feed:all", "x")
    cache.clear()
    assert cache.get("a") is None
    assert cache.position("feed:all") is None


def test_threads_can_share_one_cache():
    cache = ReadCache(None)

    def write(n: int) -> None:
        for i in range(50):
            cache.put(f"{n}:{i}", i)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(cache.get(f"{n}:49").body == 49 for n in range(4))


def test_feed_items_round_trip_and_bad_rows_are_refused():
    item = FeedItem("p", "u", "Ada", "ada", None, 1.5, "", "text", 3, 1, True)
    assert FeedItem.from_json(item.to_json()) == item
    try:
        FeedItem.from_json(["short"])
    except ValueError:
        pass
    else:
        raise AssertionError("a row of the wrong shape must be refused")
