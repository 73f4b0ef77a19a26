"""The outbox on disk: stored keys, one sender per item, dead claims freed."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from ratel_tui.store.journal import Journal, new_draft
from ratel_tui.store.local import LocalStore, StoreError
from ratel_tui.store.outbox import LEASE_S, Outbox

ROOT = Path(__file__).resolve().parents[2]
"""The project folder, so that child processes import this ratel_tui."""

WAIT_S = 20.0
"""The longest a test waits for a child process."""

CLAIMER = """
import json, sys, time
from pathlib import Path
from ratel_tui.store.local import LocalStore
from ratel_tui.store.outbox import Outbox

outbox = Outbox(LocalStore(Path(sys.argv[1])))
go = Path(sys.argv[2])
print("ready", flush=True)
deadline = time.monotonic() + 15
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.001)
got = []
while (item := outbox.claim()) is not None:
    got.append(item.seq)
    time.sleep(0.002)
print(json.dumps(got), flush=True)
"""
"""A sender in another process: waits for the start file, then claims until
nothing is left and prints what it got."""

HOLDER = """
import sys, time
from pathlib import Path
from ratel_tui.store.local import LocalStore
from ratel_tui.store.outbox import Outbox

item = Outbox(LocalStore(Path(sys.argv[1]))).claim()
print(item.seq if item else "none", flush=True)
time.sleep(60)
"""
"""A sender in another process that claims one item and hangs on to it."""


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """The local database of these tests."""
    return tmp_path / "local.db"


@pytest.fixture
def outbox(path: Path) -> Outbox:
    """An outbox of this process on `path`."""
    return Outbox(LocalStore(path))


def hold(path: Path) -> tuple[subprocess.Popen[str], str]:
    """Start HOLDER; the child and the seq it claimed ("none" if nothing)."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    return child, child.stdout.readline().strip()


def kill(child: subprocess.Popen[str]) -> None:
    """SIGKILL the child and reap it, so that its pid is gone for good."""
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=WAIT_S)


def test_add_stores_a_fresh_idempotency_key_before_anything_is_sent(
    path: Path, outbox: Outbox
) -> None:
    first = outbox.add("like", {"post_id": "post_1"}, summary="Like post_1")
    second = outbox.add("like", {"post_id": "post_1"}, summary="Like post_1")
    outbox.store.close()

    kept = Outbox(LocalStore(path)).items()

    assert first.idempotency_key != second.idempotency_key
    assert str(uuid.UUID(first.idempotency_key)) == first.idempotency_key
    assert [i.idempotency_key for i in kept] == [
        first.idempotency_key,
        second.idempotency_key,
    ]
    assert [(i.state, i.attempts, i.payload) for i in kept] == [
        ("pending", 0, {"post_id": "post_1"}),
        ("pending", 0, {"post_id": "post_1"}),
    ]


def test_adding_a_draft_s_write_marks_the_draft_queued(outbox: Outbox) -> None:
    journal = Journal(outbox.store)
    draft = journal.save(new_draft("post", body="Bring gloves"))

    outbox.add("create_post", {"content": draft.body}, draft_id=draft.id)

    queued = journal.get(draft.id)
    assert queued is not None
    assert queued.state == "queued" and queued.editor is None


def test_a_claim_keeps_other_senders_off_the_item_until_its_lease_ends(
    path: Path, outbox: Outbox
) -> None:
    item = outbox.add("like", {"post_id": "post_1"})
    other = Outbox(LocalStore(path))

    mine = outbox.claim()
    theirs = other.claim()
    later = other.claim(now=time.time() + LEASE_S + 1)

    assert mine is not None and mine.seq == item.seq
    assert mine.claimed_by == outbox.store.owner and mine.attempts == 1
    assert theirs is None
    assert later is not None and later.claimed_by == other.store.owner
    assert later.attempts == 2


def test_two_processes_claiming_at_once_never_get_the_same_item(
    path: Path, outbox: Outbox, tmp_path: Path
) -> None:
    added = [
        outbox.add("like", {"post_id": f"post_{n}"}, lane=f"post_id:post_{n}").seq
        for n in range(150)
    ]
    go = tmp_path / "go"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CLAIMER, str(path), str(go)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"

    go.touch()
    outputs = [child.communicate(timeout=WAIT_S)[0] for child in children]

    got = [json.loads(out.strip().splitlines()[-1]) for out in outputs]
    assert all(child.returncode == 0 for child in children)
    assert sorted(got[0] + got[1]) == added
    assert not set(got[0]) & set(got[1])
    assert got[0] and got[1], "both senders took part"


def test_a_claim_left_by_a_killed_process_is_released(
    path: Path, outbox: Outbox
) -> None:
    item = outbox.add("follow", {"user_id": "user_1"})
    child, seq = hold(path)
    kill(child)

    before = outbox.claim()
    released = outbox.release_dead_claims()
    after = outbox.claim()

    assert seq == str(item.seq)
    assert before is None
    assert released == 1
    assert after is not None and after.seq == item.seq and after.attempts == 2


def test_the_claim_of_a_live_sender_is_not_released(path: Path, outbox: Outbox) -> None:
    outbox.add("follow", {"user_id": "user_1"})
    other = Outbox(LocalStore(path))
    assert other.claim() is not None

    released = outbox.release_dead_claims()

    assert released == 0
    assert outbox.claim() is None


def test_mark_sent_forgets_the_linked_draft_in_the_same_step(
    outbox: Outbox,
) -> None:
    journal = Journal(outbox.store)
    draft = journal.save(new_draft("post", body="Sent at last"))
    item = outbox.add("create_post", {"content": draft.body}, draft_id=draft.id)
    assert outbox.claim() is not None

    outbox.mark_sent(item.seq, {"id": "post_9"})

    done = outbox.get(item.seq)
    assert done is not None
    assert done.state == "sent" and done.result == {"id": "post_9"}
    assert done.claimed_by is None and done.sent_at is not None
    assert journal.get(draft.id) is None
    assert outbox.pending_count() == 0
    assert outbox.claim() is None


def test_marking_a_write_done_waits_for_another_instance_s_change(
    path: Path, outbox: Outbox
) -> None:
    sent, refused = outbox.add("like", {"post_id": "a"}), outbox.add("like", {})
    failures: list[BaseException] = []

    def mark() -> None:
        try:
            outbox.mark_sent(sent.seq)
            outbox.mark_refused(refused.seq, "no")
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)

    marker = threading.Thread(target=mark)
    with LocalStore(path).transaction(immediate=True) as conn:
        conn.execute("UPDATE outbox SET summary = 'seen elsewhere'")
        marker.start()
        time.sleep(0.2)
    marker.join(timeout=WAIT_S)

    assert failures == []
    assert [i.state for i in outbox.items()] == ["sent", "refused"]
    assert {i.summary for i in outbox.items()} == {"seen elsewhere"}


def test_mark_refused_brings_the_draft_back_with_the_problem(
    outbox: Outbox,
) -> None:
    journal = Journal(outbox.store)
    draft = journal.save(new_draft("post", body="In a closed Space"))
    item = outbox.add("create_post", {"content": draft.body}, draft_id=draft.id)
    assert outbox.claim() is not None

    outbox.mark_refused(item.seq, "Not allowed: this Space takes no posts")

    refused = outbox.get(item.seq)
    back = journal.get(draft.id)
    assert refused is not None and refused.state == "refused"
    assert refused.last_error == "Not allowed: this Space takes no posts"
    assert back is not None and back.state == "editing"
    assert back.problem == "Not allowed: this Space takes no posts"
    assert outbox.claim() is None


def test_retrying_a_refused_item_queues_its_draft_again(outbox: Outbox) -> None:
    journal = Journal(outbox.store)
    draft = journal.save(new_draft("post", body="Try again"))
    item = outbox.add("create_post", {"content": draft.body}, draft_id=draft.id)
    assert outbox.claim() is not None
    outbox.mark_refused(item.seq, "Server said no")

    outbox.retry_now(item.seq)

    again = outbox.claim()
    queued = journal.get(draft.id)
    assert again is not None and again.seq == item.seq
    assert queued is not None and queued.state == "queued" and queued.problem is None


def test_a_failed_item_backs_off_and_retry_all_makes_it_due(outbox: Outbox) -> None:
    item = outbox.add("like", {"post_id": "post_1"})
    assert outbox.claim() is not None

    before = time.time()
    when = outbox.mark_retry(item.seq, "Cannot reach the server")
    waiting = outbox.get(item.seq)
    too_soon = outbox.claim()
    outbox.retry_all()
    due = outbox.claim()

    assert before + 1.0 <= when <= time.time() + 2.0
    assert waiting is not None and waiting.last_error == "Cannot reach the server"
    assert waiting.claimed_by is None and waiting.state == "pending"
    assert outbox.next_due() is not None
    assert too_soon is None
    assert due is not None and due.seq == item.seq and due.attempts == 2


def test_an_item_that_must_wait_holds_back_the_later_ones(outbox: Outbox) -> None:
    like = outbox.add("like", {"post_id": "post_1"})
    unlike = outbox.add("unlike", {"post_id": "post_1"})
    assert outbox.claim() is not None
    when = outbox.mark_retry(like.seq, "Server error", delay=60)

    held = outbox.claim()
    due = outbox.next_due()
    first = outbox.claim(now=when + 1)

    assert held is None
    assert due == pytest.approx(when)
    assert first is not None and first.seq == like.seq
    assert outbox.get(unlike.seq).attempts == 0  # type: ignore[union-attr]


def test_an_item_being_sent_elsewhere_does_not_hold_back_the_next(
    path: Path, outbox: Outbox
) -> None:
    first = outbox.add("like", {"post_id": "post_1"}, lane="post_id:post_1")
    second = outbox.add("like", {"post_id": "post_2"}, lane="post_id:post_2")
    other = Outbox(LocalStore(path))

    theirs = other.claim()
    mine = outbox.claim()

    assert theirs is not None and theirs.seq == first.seq
    assert mine is not None and mine.seq == second.seq
    assert outbox.next_due() == pytest.approx(time.time() + LEASE_S, abs=5)


def test_discard_refuses_an_item_a_live_process_is_sending(
    path: Path, outbox: Outbox
) -> None:
    journal = Journal(outbox.store)
    draft = journal.save(new_draft("comment", body="Second thoughts"))
    item = outbox.add("create_comment", {"content": draft.body}, draft_id=draft.id)
    child, seq = hold(path)
    try:
        while_held = outbox.discard(item.seq)
    finally:
        kill(child)

    taken = outbox.discard(item.seq)

    assert seq == str(item.seq)
    assert while_held is None and taken is not None and taken.seq == item.seq
    assert outbox.get(item.seq) is None
    back = journal.get(draft.id)
    assert back is not None and back.state == "editing"


def test_discard_refuses_an_item_already_sent(outbox: Outbox) -> None:
    item = outbox.add("like", {"post_id": "post_1"})
    assert outbox.claim() is not None
    outbox.mark_sent(item.seq, {"liked": True})

    assert outbox.discard(item.seq) is None
    assert outbox.get(item.seq) is not None


def test_items_lists_by_state_oldest_first(outbox: Outbox) -> None:
    sent = outbox.add("like", {"post_id": "a"})
    refused = outbox.add("like", {"post_id": "b"})
    pending = outbox.add("like", {"post_id": "c"})
    outbox.mark_sent(sent.seq)
    outbox.mark_refused(refused.seq, "no")

    assert [i.seq for i in outbox.items()] == [sent.seq, refused.seq, pending.seq]
    assert [i.seq for i in outbox.items("pending", "refused")] == [
        refused.seq,
        pending.seq,
    ]
    assert outbox.pending_count() == 1


def test_a_full_disk_keeps_no_half_stored_write(outbox: Outbox) -> None:
    store = outbox.store
    kept = outbox.add("like", {"post_id": "post_1"})
    pages = store.query("PRAGMA page_count")[0][0]
    store._conn.execute(f"PRAGMA max_page_count={pages}")

    with pytest.raises(StoreError) as caught:
        outbox.add("create_post", {"content": "long " * 50_000})

    assert "disk is full" in str(caught.value)
    assert [i.seq for i in outbox.items()] == [kept.seq]


def test_a_lane_keeps_its_order_while_other_lanes_go_ahead(outbox: Outbox) -> None:
    like = outbox.add("like", {"post_id": "post_1"}, lane="post_id:post_1")
    unlike = outbox.add("unlike", {"post_id": "post_1"}, lane="post_id:post_1")
    other = outbox.add("like", {"post_id": "post_2"}, lane="post_id:post_2")

    first = outbox.claim()
    second = outbox.claim()  # the unlike waits behind the like in flight
    third = outbox.claim()

    assert first is not None and first.seq == like.seq
    assert second is not None and second.seq == other.seq
    assert third is None
    outbox.mark_sent(like.seq)
    after = outbox.claim()
    assert after is not None and after.seq == unlike.seq


def test_a_version_one_file_gains_lanes_and_keeps_its_items(path: Path) -> None:
    import sqlite3

    store = LocalStore(path)
    Outbox(store).add("like", {"post_id": "post_1"})
    store.close()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP INDEX outbox_lane")
        conn.execute("ALTER TABLE outbox DROP COLUMN lane")
        conn.execute("PRAGMA user_version=1")

    again = Outbox(LocalStore(path))
    [item] = again.items()
    assert item.lane == "" and item.action == "like"
    assert again.claim() is not None
