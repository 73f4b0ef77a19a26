"""`drafts` and `outbox` on the command line, and `post` through the outbox."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from typing import Any

import pytest

from ratel_tui.api.models.posts import Post
from ratel_tui.cli import EXIT_AUTH, EXIT_ERROR, EXIT_NETWORK, EXIT_OK, main
from ratel_tui.sandbox.server import SandboxServer
from ratel_tui.services.connect import local_path
from ratel_tui.store.journal import Journal, new_draft
from ratel_tui.store.local import LocalStore
from ratel_tui.store.outbox import Outbox
from tests.conftest import posts_with


def run(capsys: Any, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def local(profile: str = "default") -> LocalStore:
    """The local database the command line uses for `profile`."""
    return LocalStore(local_path(profile))


def nowhere() -> str:
    """An API URL on a loopback port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v2"


@pytest.fixture
def sign_in(monkeypatch: pytest.MonkeyPatch) -> Callable[..., str]:
    """`sign_in(server, "ada")` (or a URL and a key): RATEL_API_* for a script;
    returns the key."""

    def use(server: SandboxServer | str, user_or_key: str = "ada") -> str:
        if isinstance(server, str):
            url, key = server, user_or_key
        else:
            url, key = server.url, server.key_for(user_or_key)
        monkeypatch.setenv("RATEL_API_URL", url)
        monkeypatch.setenv("RATEL_API_KEY", key)
        return key

    return use


def test_drafts_list_reads_the_local_database_with_no_server_or_key(
    capsys: Any,
) -> None:
    journal = Journal(local())
    journal.save(new_draft("post", body="Minutes of the meeting", title="Minutes"))
    refused = journal.save(new_draft("reply", body="Too late"), editing=False)
    with journal.store.transaction() as conn:
        conn.execute(
            "UPDATE drafts SET problem = 'Conflict: the thread is closed' WHERE id = ?",
            (refused.id,),
        )

    code, out, err = run(capsys, "drafts", "list")
    _, as_json, _ = run(capsys, "drafts", "list", "--json")

    assert code == EXIT_OK and err == ""
    lines = out.splitlines()
    assert len(lines) == 2
    assert (
        "Too late" in lines[0] and "refused: Conflict: the thread is closed" in lines[0]
    )
    assert "Minutes" in lines[1] and "post" in lines[1] and "local" in lines[1]
    drafts = json.loads(as_json)
    assert [d["body"] for d in drafts] == ["Too late", "Minutes of the meeting"]


def test_drafts_list_of_another_profile_is_its_own(capsys: Any) -> None:
    Journal(local("work")).save(new_draft("post", body="Work only"))

    _, default, _ = run(capsys, "drafts", "list")
    _, work, _ = run(capsys, "drafts", "list", "--profile", "work")

    assert default.strip() == "No drafts on this machine."
    assert "Work only" in work


def test_outbox_list_shows_each_write_with_its_state_and_last_error(
    capsys: Any,
) -> None:
    outbox = Outbox(local())
    waiting = outbox.add("create_post", {"content": "hi"}, summary="post: hi")
    outbox.add("like", {"post_id": "post_1"}, summary="like post_1")
    assert outbox.claim() is not None
    outbox.mark_retry(waiting.seq, "Cannot reach the server (connection refused)")

    code, out, err = run(capsys, "outbox", "list")
    _, as_json, _ = run(capsys, "outbox", "list", "--json")

    assert code == EXIT_OK and err == ""
    first, second = out.splitlines()
    for part in ("#1", "create_post", "pending", "1 try", "post: hi", "Cannot reach"):
        assert part in first
    assert "like" in second and "0 tries" in second
    items = json.loads(as_json)
    assert [(i["seq"], i["state"], i["attempts"]) for i in items] == [
        (1, "pending", 1),
        (2, "pending", 0),
    ]
    assert items[0]["last_error"].startswith("Cannot reach the server")


def test_post_goes_through_the_outbox_and_leaves_nothing_behind(
    sandbox: SandboxServer, sign_in: Callable[..., str], capsys: Any
) -> None:
    key = sign_in(sandbox)
    text = "Posted through the outbox by a script"

    code, out, err = run(capsys, "post", text)

    assert code == EXIT_OK and err == ""
    assert out.startswith("Posted post_") and text in out
    assert posts_with(sandbox, text) == 1
    assert [i.state for i in Outbox(local()).items()] == ["sent"]
    assert Journal(local()).count() == 0
    assert key not in out


def test_post_json_is_the_post_model_as_before(
    sandbox: SandboxServer, sign_in: Callable[..., str], capsys: Any
) -> None:
    sign_in(sandbox)

    code, out, _ = run(capsys, "post", "Shape check", "--json")
    draft_code, draft_out, _ = run(
        capsys, "post", "Later", "--schedule", "+2h", "--title", "Soon", "--json"
    )

    post = json.loads(out)
    scheduled = json.loads(draft_out)
    assert code == EXIT_OK and draft_code == EXIT_OK
    assert set(post) == set(Post.model_fields)
    assert post["author"]["username"] == "ada" and post["status"] == "published"
    assert scheduled["status"] == "scheduled" and scheduled["title"] == "Soon"
    assert scheduled["scheduled_at"].endswith("Z")


def test_a_post_while_the_server_is_away_is_kept_and_outbox_flush_sends_it(
    sandbox: SandboxServer, sign_in: Callable[..., str], capsys: Any
) -> None:
    text = "Written on the train, sent at home"
    key = sign_in(nowhere(), sandbox.key_for("bruno"))

    code, out, err = run(capsys, "post", text, "--space", "cycling")
    flush_code, flush_out, flush_err = run(capsys, "outbox", "flush")
    sign_in(sandbox, "bruno")
    sent_code, sent_out, _ = run(capsys, "outbox", "flush")

    assert code == EXIT_NETWORK and out == ""
    [error] = [line for line in err.splitlines() if line.startswith("ratel-tui:")]
    assert "kept in the outbox" in error and "`ratel-tui outbox flush`" in error
    assert flush_code == EXIT_NETWORK
    assert flush_out.strip() == "Sent 0, refused 0, waiting 1."
    assert "Cannot reach the server" in flush_err
    assert key not in err + flush_err
    assert sent_code == EXIT_OK
    assert sent_out.strip() == "Sent 1, refused 0, waiting 0."
    assert posts_with(sandbox, text) == 1
    assert Journal(local()).count() == 0


def test_a_refused_post_exits_1_and_its_text_stays_as_a_draft(
    sandbox: SandboxServer, sign_in: Callable[..., str], capsys: Any
) -> None:
    sign_in(sandbox)

    code, out, err = run(capsys, "post", "Hello everyone", "--space", "announcements")
    _, drafts, _ = run(capsys, "drafts", "list", "--json")

    assert code == EXIT_ERROR and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "does not take posts" in err and "kept as a draft" in err
    [draft] = json.loads(drafts)
    assert draft["body"] == "Hello everyone" and draft["state"] == "editing"
    assert "does not take posts" in draft["problem"]
    assert draft["target"] == {"space_id": "announcements"}
    assert [i.state for i in Outbox(local()).items()] == ["refused"]


def test_outbox_flush_sends_what_it_can_and_exits_1_for_a_refusal(
    sandbox: SandboxServer, sign_in: Callable[..., str], capsys: Any
) -> None:
    sign_in(sandbox)
    outbox = Outbox(local())
    outbox.add("create_post", {"content": "Fine to send"}, summary="post: fine")
    outbox.add("create_post", {"content": "y" * 5001}, summary="post: too long")

    code, out, err = run(capsys, "outbox", "flush", "--json")

    summary = json.loads(out)
    assert code == EXIT_ERROR and err == ""
    assert (summary["sent"], summary["refused"], summary["waiting"]) == (1, 1, 0)
    assert summary["outcomes"][1]["reason"].startswith("Invalid request")
    assert posts_with(sandbox, "Fine to send") == 1


def test_outbox_flush_with_nothing_waiting_needs_no_key(capsys: Any) -> None:
    code, out, err = run(capsys, "outbox", "flush")

    assert code == EXIT_OK and err == ""
    assert out.strip() == "Sent 0, refused 0, waiting 0."


def test_outbox_flush_with_a_refused_key_exits_3_and_keeps_the_writes(
    sandbox: SandboxServer, sign_in: Callable[..., str], capsys: Any
) -> None:
    bad = sign_in(sandbox.url, "ratel_sk_test_" + "z" * 32)
    Outbox(local()).add("like", {"post_id": "post_1"})

    code, out, err = run(capsys, "outbox", "flush")

    assert code == EXIT_AUTH
    assert out.strip() == "Sent 0, refused 0, waiting 1."
    assert len(err.strip().splitlines()) == 1 and bad not in err + out
    assert [i.state for i in Outbox(local()).items()] == ["pending"]


def test_drafts_sync_pulls_the_server_drafts_and_lists_them(
    sandbox: SandboxServer, sign_in: Callable[..., str], capsys: Any
) -> None:
    sign_in(sandbox, "hana")

    code, out, err = run(capsys, "drafts", "sync")
    _, as_json, _ = run(capsys, "drafts", "sync", "--json")
    _, listed, _ = run(capsys, "drafts", "list", "--json")

    assert code == EXIT_OK and err == ""
    assert out.startswith("Drafts synced: ") and " pulled" in out
    assert json.loads(as_json)["pulled"] == 0
    drafts = json.loads(listed)
    assert drafts and all(d["server_id"].startswith("post_") for d in drafts)


def test_drafts_sync_against_a_part_a_server_says_it_has_none(
    make_sandbox: Callable[..., SandboxServer],
    sign_in: Callable[..., str],
    capsys: Any,
) -> None:
    sign_in(make_sandbox(features=frozenset()))
    Journal(local()).save(new_draft("post", body="Kept here"))

    code, out, err = run(capsys, "drafts", "sync")

    assert code == EXIT_ERROR and out == ""
    assert err.strip() == (
        "ratel-tui: this server has no drafts; local drafts stay on this machine"
    )
