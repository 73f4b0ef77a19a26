"""The local database against a hostile machine: a loose umask, deleted text
left in free pages, two instances at once, a truncated file, and a sender
killed again and again while it sends."""

from __future__ import annotations

import os
import random
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ratel_tui.sandbox.server import SandboxServer
from ratel_tui.store.journal import Journal, new_draft
from ratel_tui.store.local import LocalStore, StoreError
from ratel_tui.store.outbox import Outbox
from tests.conftest import db_value, posts_with

ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def loose_umask() -> object:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_under_umask_022_the_file_its_wal_and_shm_are_0600_in_a_0700_folder(
    tmp_path: Path, loose_umask: object
) -> None:
    path = tmp_path / "data" / "local.db"
    store = LocalStore(path)
    Journal(store).save(new_draft("post", body="private words"))

    assert mode(path) == 0o600
    assert mode(f"{path}-wal") == 0o600
    assert mode(f"{path}-shm") == 0o600
    assert mode(path.parent) == 0o700
    store.close()


def test_an_existing_world_readable_file_and_folder_are_made_private_on_open(
    tmp_path: Path, loose_umask: object
) -> None:
    path = tmp_path / "data" / "local.db"
    LocalStore(path).close()
    path.chmod(0o644)
    path.parent.chmod(0o755)

    store = LocalStore(path)
    Journal(store).save(new_draft("post", body="private words"))

    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert mode(f"{path}-wal") == 0o600
    store.close()


def test_a_deleted_draft_cannot_be_read_back_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "local.db"
    store = LocalStore(path)
    journal = Journal(store)
    secret = "MEET-AT-THE-OLD-MILL-" + "x" * 200
    draft = journal.save(new_draft("post", body=secret))
    journal.save(new_draft("post", body="a draft that stays"))
    journal.delete(draft.id)
    store.query("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()

    for name in (path, Path(f"{path}-wal")):
        if name.exists():
            assert b"MEET-AT-THE-OLD-MILL" not in name.read_bytes()


EDITOR = """
import sys
from ratel_tui.store.journal import Journal, new_draft
from ratel_tui.store.local import LocalStore
journal = Journal(LocalStore(__import__("pathlib").Path(sys.argv[1])))
draft = journal.save(new_draft("post", body=""))
for n in range(int(sys.argv[2])):
    draft = journal.save(draft.with_text(body=f"{sys.argv[3]} {n}"))
    if n % 7 == 0:
        journal.delete(journal.save(new_draft("note", body=str(n))).id)
print("ok", n)
"""


def test_two_instances_editing_drafts_at_once_never_see_a_locked_database(
    tmp_path: Path,
) -> None:
    path = tmp_path / "local.db"
    LocalStore(path).close()
    others = [
        subprocess.Popen(
            [sys.executable, "-c", EDITOR, str(path), "300", name],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("first", "second")
    ]
    journal = Journal(LocalStore(path))
    mine = journal.save(new_draft("post", body=""))
    for n in range(300):
        mine = journal.save(mine.with_text(body=f"mine {n}"))
    results = [p.communicate(timeout=60) for p in others]

    assert [p.returncode for p in others] == [0, 0], results
    assert all("locked" not in out + err for out, err in results)
    bodies = sorted(d.body for d in Journal(LocalStore(path)).all())
    assert bodies == ["first 299", "mine 299", "second 299"]


def test_a_truncated_file_is_moved_aside_and_a_fresh_one_works(
    tmp_path: Path,
) -> None:
    path = tmp_path / "local.db"
    store = LocalStore(path)
    journal = Journal(store)
    for n in range(200):
        journal.save(new_draft("post", body=f"draft {n} " * 50))
    store.query("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    with path.open("r+b") as file:
        file.truncate(path.stat().st_size // 3)

    reopened = LocalStore(path)
    saved = Journal(reopened).save(new_draft("post", body="after the damage"))

    assert reopened.moved_aside is not None and reopened.moved_aside.exists()
    assert Journal(reopened).get(saved.id) is not None
    assert reopened.query("PRAGMA integrity_check")[0][0] == "ok"


def test_a_full_disk_in_the_outbox_is_one_line_and_the_file_stays_sound(
    tmp_path: Path,
) -> None:
    path = tmp_path / "local.db"
    store = LocalStore(path)
    outbox = Outbox(store)
    outbox.add("create_post", {"content": "fits"})
    pages = store.query("PRAGMA page_count")[0][0]
    store._conn.execute(f"PRAGMA max_page_count={pages}")

    with pytest.raises(StoreError, match="disk is full") as caught:
        outbox.add("create_post", {"content": "does not fit " * 20_000})

    assert "\n" not in str(caught.value)
    assert store.query("PRAGMA quick_check")[0][0] == "ok"
    assert [i.payload["content"] for i in outbox.items()] == ["fits"]


POSTS = 60
KILLS = 12


def test_a_sender_killed_twelve_times_mid_storm_sends_every_post_exactly_once(
    make_sandbox, tmp_path: Path
) -> None:
    world: SandboxServer = make_sandbox(latency_ms=100)
    home = tmp_path / "home"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("RATEL_", "XDG_"))},
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_STATE_HOME": str(home / "state"),
        "RATEL_API_URL": world.url,
        "RATEL_API_KEY": world.key_for("hana"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    path = home / "data" / "ratel-tui" / "local-default.db"
    outbox = Outbox(LocalStore(path))
    texts = [f"Storm post {n} of {POSTS}, {time.time_ns()}" for n in range(POSTS)]
    for text in texts:
        outbox.add("create_post", {"content": text}, summary=text[:20])
    flush = [sys.executable, "-m", "ratel_tui", "outbox", "flush"]
    rng = random.Random(8)

    kills = 0
    while kills < KILLS:
        child = subprocess.Popen(
            flush,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.35, 0.8))
        if child.poll() is not None:
            break  # it finished everything before the kill came
        child.kill()
        child.wait(10)
        kills += 1
    done = subprocess.run(
        flush,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    counts = [posts_with(world, text) for text in texts]
    states = [i.state for i in Outbox(LocalStore(path)).items()]
    assert kills >= 10, "the storm ended before ten kills: make it longer"
    assert done.returncode == 0, done.stderr
    assert counts == [1] * POSTS
    assert "sending" not in states and "pending" not in states
    assert (
        db_value(world, "SELECT COUNT(*) FROM posts WHERE content LIKE 'Storm post %'")
        == POSTS
    )
