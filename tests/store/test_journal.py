"""The draft journal on disk: kept across opens and crashes, private, versioned."""

from __future__ import annotations

import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ratel_tui.store.journal import Journal, new_draft
from ratel_tui.store.local import SCHEMA_VERSION, LocalStore, StoreError

ROOT = Path(__file__).resolve().parents[2]
"""The project folder, so that child processes import this ratel_tui."""

WAIT_S = 15.0
"""The longest a test waits for a child process."""

EDITOR = """
import sys, time
from pathlib import Path
from ratel_tui.store.journal import Journal, new_draft
from ratel_tui.store.local import LocalStore

journal = Journal(LocalStore(Path(sys.argv[1])))
kept = journal.save(new_draft("post", body="closed properly"))
journal.release(kept.id)
journal.save(new_draft("post", body=sys.argv[2]))
print("saved", flush=True)
if sys.argv[3] == "stay":
    time.sleep(60)
"""
"""A compose screen in another process: one draft closed, one left open; it
then exits at once or stays until killed."""


def editor(path: Path, body: str, *, stay: bool) -> subprocess.Popen[str]:
    """Start EDITOR on `path`; returns once it has saved its drafts."""
    child = subprocess.Popen(
        [sys.executable, "-c", EDITOR, str(path), body, "stay" if stay else "exit"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "saved"
    return child


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """Where the journal lives, in a data folder that does not exist yet."""
    return tmp_path / "data" / "local-test.db"


def test_drafts_survive_a_reopen(path: Path) -> None:
    store = LocalStore(path)
    draft = new_draft(
        "reply",
        body="Agreed, and the bins too.",
        title="",
        target={"post_id": "post_1", "parent_id": "cmt_2"},
        fields={"visibility": "members"},
    )
    Journal(store).save(draft, editing=False)
    store.close()

    found = Journal(LocalStore(path)).get(draft.id)

    assert found is not None
    assert found.body == "Agreed, and the bins too."
    assert found.target == {"post_id": "post_1", "parent_id": "cmt_2"}
    assert found.fields == {"visibility": "members"}
    assert found.state == "editing" and found.editor is None
    assert found.created_at == pytest.approx(draft.created_at)


def test_the_file_is_private_and_its_folder_too(path: Path) -> None:
    store = LocalStore(path)
    Journal(store).save(new_draft("post", body="private"))

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    wal = Path(f"{path}-wal")
    assert wal.exists() and stat.S_IMODE(wal.stat().st_mode) == 0o600


def test_the_file_records_its_schema_version_and_runs_in_wal(path: Path) -> None:
    store = LocalStore(path)

    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.query("PRAGMA secure_delete")[0][0] == 1


def test_an_unreadable_file_is_moved_aside_and_a_fresh_one_works(
    path: Path,
) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00garbage, not a database\xff" * 200)

    store = LocalStore(path)
    saved = Journal(store).save(new_draft("post", body="after the mishap"))
    store.close()
    again = LocalStore(path)

    assert store.moved_aside is not None
    assert store.moved_aside.read_bytes().startswith(b"\x00garbage")
    assert again.moved_aside is None
    assert Journal(again).get(saved.id) is not None


def test_a_file_of_a_newer_schema_is_kept_aside_and_not_read(path: Path) -> None:
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE drafts (id TEXT, body TEXT, mood TEXT)")
        conn.execute("INSERT INTO drafts VALUES ('d1', 'from the future', 'calm')")
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")

    store = LocalStore(path)

    assert store.moved_aside is not None
    assert Journal(store).count() == 0
    with sqlite3.connect(store.moved_aside) as kept:
        assert kept.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        assert kept.execute("SELECT body FROM drafts").fetchall() == [
            ("from the future",)
        ]


def test_a_newer_file_keeps_the_changes_still_in_its_write_ahead_log(
    path: Path,
) -> None:
    path.parent.mkdir(parents=True)
    newer = sqlite3.connect(path, isolation_level=None)
    newer.execute("PRAGMA journal_mode=WAL")
    newer.execute("PRAGMA wal_autocheckpoint=0")
    newer.execute("CREATE TABLE drafts (id TEXT, body TEXT)")
    newer.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    newer.execute("INSERT INTO drafts VALUES ('d1', 'only in the log so far')")

    try:
        store = LocalStore(path)
        assert store.moved_aside is not None
        kept = sqlite3.connect(store.moved_aside)
        rows = kept.execute("SELECT body FROM drafts").fetchall()
        kept.close()
    finally:
        newer.close()

    assert rows == [("only in the log so far",)]
    assert Journal(store).count() == 0


def test_a_draft_open_in_a_killed_process_is_interrupted_only_once_it_is_dead(
    path: Path,
) -> None:
    journal = Journal(LocalStore(path))
    child = editor(path, "typed before the crash", stay=True)
    try:
        while_alive = journal.interrupted()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=WAIT_S)

    found = journal.interrupted()

    assert while_alive == []
    assert [d.body for d in found] == ["typed before the crash"]
    assert found[0].editor is not None and f":{child.pid}:" in found[0].editor


def test_a_draft_left_open_by_a_process_that_exited_is_interrupted(
    path: Path,
) -> None:
    journal = Journal(LocalStore(path))
    child = editor(path, "the terminal closed", stay=False)
    child.wait(timeout=WAIT_S)

    found = journal.interrupted()
    journal.adopt(found[0].id)

    assert [d.body for d in found] == ["the terminal closed"]
    assert journal.interrupted() == []
    assert journal.count() == 2


def test_this_process_never_finds_its_own_open_drafts_interrupted(
    path: Path,
) -> None:
    journal = Journal(LocalStore(path))
    mine = journal.save(new_draft("post", body="still typing"))
    other = Journal(LocalStore(path))

    assert mine.editor == journal.store.owner
    assert journal.interrupted() == []
    assert other.interrupted() == []


def test_find_returns_the_draft_being_written_for_a_target(path: Path) -> None:
    journal = Journal(LocalStore(path))
    reply = journal.save(
        new_draft("reply", body="yes", target={"post_id": "p1", "parent_id": "c1"})
    )
    journal.save(new_draft("reply", body="no", target={"post_id": "p1"}))

    found = journal.find("reply", {"parent_id": "c1", "post_id": "p1"})

    assert found is not None and found.id == reply.id
    assert journal.find("comment", {"post_id": "p1", "parent_id": "c1"}) is None


def test_all_lists_the_last_edited_first_and_delete_forgets(path: Path) -> None:
    journal = Journal(LocalStore(path))
    first = journal.save(new_draft("post", body="first"))
    second = journal.save(new_draft("post", body="second"))
    journal.save(first.with_text(body="first, edited"))

    order = [d.body for d in journal.all()]
    journal.delete(second.id)

    assert order == ["first, edited", "second"]
    assert journal.count() == 1 and journal.get(second.id) is None


def test_a_full_disk_raises_a_one_line_error_and_keeps_the_saved_text(
    path: Path,
) -> None:
    store = LocalStore(path)
    journal = Journal(store)
    saved = journal.save(new_draft("post", body="the part already saved"))
    pages = store.query("PRAGMA page_count")[0][0]
    store._conn.execute(f"PRAGMA max_page_count={pages}")

    with pytest.raises(StoreError) as caught:
        journal.save(saved.with_text(body="much more text " * 20_000))
    store.close()

    message = str(caught.value)
    assert "disk is full" in message and "\n" not in message
    found = Journal(LocalStore(path)).get(saved.id)
    assert found is not None and found.body == "the part already saved"


def test_a_full_disk_leaves_the_store_usable_once_space_is_back(path: Path) -> None:
    store = LocalStore(path)
    journal = Journal(store)
    pages = store.query("PRAGMA page_count")[0][0]
    store._conn.execute(f"PRAGMA max_page_count={pages}")
    with pytest.raises(StoreError):
        journal.save(new_draft("post", body="x" * 100_000))

    store._conn.execute("PRAGMA max_page_count=1073741823")
    saved = journal.save(new_draft("post", body="y" * 100_000))

    assert journal.get(saved.id) is not None
    assert journal.count() == 1
    assert not store._conn.in_transaction
