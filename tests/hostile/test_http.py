"""The wire against a lying server: a lone surrogate that must not break the
draft, the reply or the log; a key reused with another body; a key revoked
mid-session; a write older than the server remembers."""

from __future__ import annotations

import logging
import time
import uuid
from pathlib import Path

import pytest

from ratel_tui.api.client import ApiClient
from ratel_tui.api.errors import ApiError
from ratel_tui.sandbox.server import SandboxServer
from ratel_tui.services.sender import Sender
from ratel_tui.store.journal import Journal, new_draft
from ratel_tui.store.local import LocalStore
from ratel_tui.store.outbox import Outbox
from ratel_tui.widgets.safe_text import plain_line
from tests.api.misbehaving import QUICK_RETRIES, MisbehavingServer, Reply, failure
from tests.conftest import posts_with

TOKEN = "ratel_sk_test_HostileHttpKey0123456789ab"


async def test_a_lone_surrogate_shows_as_a_replacement_and_the_reply_saves_sends_and_logs(
    sandbox: SandboxServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = b'{"success": true, "data": {"title": "a\\ud800b"}, "meta": {}}'
    with MisbehavingServer() as server:
        server.route("/posts/1", Reply(200, body))
        async with ApiClient(server.url, TOKEN, retry=QUICK_RETRIES) as client:
            title = (await client.get("/posts/1")).data["title"]

    store = LocalStore(tmp_path / "local.db")
    draft = Journal(store).save(new_draft("comment", body=f"> {title}\nAgreed."))
    logging.getLogger("ratel_tui.test").info("quoting %s", title)
    outbox = Outbox(store)
    outbox.add("create_post", {"content": draft.body}, draft_id=draft.id)
    async with ApiClient(sandbox.url, sandbox.key_for("gus")) as client:
        report = await Sender(outbox, client).flush()

    assert title == "a\ufffdb"
    assert plain_line(title).plain == "a\ufffdb"
    assert Journal(store).get(draft.id) is None  # sent, so forgotten
    assert [o.state for o in report.outcomes] == ["sent"]
    assert posts_with(sandbox, "> a\ufffdb\nAgreed.") == 1
    assert "quoting a\ufffdb" in caplog.text


async def test_a_key_reused_with_another_body_is_refused_by_the_server_and_said(
    sandbox: SandboxServer,
) -> None:
    key = str(uuid.uuid4())
    async with ApiClient(sandbox.url, sandbox.key_for("gus")) as client:
        await client.post("/posts", json={"content": "first body"}, idempotency_key=key)
        with pytest.raises(ApiError) as caught:
            await client.post(
                "/posts", json={"content": "edited body"}, idempotency_key=key
            )

    assert 400 <= caught.value.status < 500
    assert "\n" not in str(caught.value)
    assert posts_with(sandbox, "edited body") == 0
    assert posts_with(sandbox, "first body") >= 1


async def test_a_key_revoked_mid_session_pauses_the_outbox_without_a_retry_storm(
    tmp_path: Path,
) -> None:
    outbox = Outbox(LocalStore(tmp_path / "local.db"))
    for n in range(3):
        outbox.add("create_post", {"content": f"queued {n}"})
    with MisbehavingServer() as server:
        server.route("/posts", failure("unauthorized", "API key revoked", 401))
        async with ApiClient(server.url, TOKEN, retry=QUICK_RETRIES) as client:
            sender = Sender(outbox, client)
            first = await sender.flush()
            second = await sender.flush()
        hits = len(server.hits("/posts"))

    assert hits == 1
    assert [o.state for o in first.outcomes] == ["waiting"]
    assert second.outcomes == [] or [o.state for o in second.outcomes] == ["waiting"]
    assert [i.state for i in outbox.items()] == ["pending"] * 3
    assert TOKEN not in " ".join(str(i.last_error) for i in outbox.items())


async def test_a_write_tried_before_the_replay_window_is_held_back_until_checked(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    store = LocalStore(tmp_path / "local.db")
    outbox = Outbox(store)
    tried = f"Tried two days ago {time.time_ns()}"
    never = f"Written offline two days ago {time.time_ns()}"
    old = outbox.add("create_post", {"content": tried}, lane="a")
    fresh = outbox.add("create_post", {"content": never}, lane="b")
    with store.transaction() as conn:
        conn.execute(
            "UPDATE outbox SET created_at = ? WHERE seq IN (?, ?)",
            (time.time() - 48 * 3600, old.seq, fresh.seq),
        )
        conn.execute("UPDATE outbox SET attempts = 3 WHERE seq = ?", (old.seq,))
    async with ApiClient(sandbox.url, sandbox.key_for("gus")) as client:
        await Sender(outbox, client).flush()

        # The one that may have reached the server is not sent blindly ...
        assert posts_with(sandbox, tried) == 0
        held = outbox.get(old.seq)
        assert held is not None and held.state == "refused"
        assert "a day ago" in (held.last_error or "")
        # ... the one never tried could not have, and goes out.
        assert posts_with(sandbox, never) == 1
        # Checked and retried by hand, it is sent (once).
        outbox.retry_now(old.seq)
        await Sender(outbox, client).flush()
    assert posts_with(sandbox, tried) == 1
    assert outbox.get(old.seq).state == "sent"
