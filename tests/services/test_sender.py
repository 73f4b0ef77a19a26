"""The outbox sender against real sandboxes: every write, outages, lost answers."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from ratel_tui.api import deliberations
from ratel_tui.api.client import ApiClient
from ratel_tui.api.retry import RetryPolicy
from ratel_tui.cli import EXIT_OK, main
from ratel_tui.sandbox.config import SandboxConfig
from ratel_tui.sandbox.server import SandboxServer
from ratel_tui.services.sender import ACTIONS, FlushReport, Outcome, Sender
from ratel_tui.store.journal import Journal, new_draft
from ratel_tui.store.local import LocalStore
from ratel_tui.store.outbox import Outbox
from tests.api.misbehaving import MisbehavingServer, envelope, failure
from tests.conftest import Api, db_value, posts_with, start_sandbox

ROOT = Path(__file__).resolve().parents[2]
"""The project folder, so that child processes import this ratel_tui."""

QUICK = RetryPolicy(backoff=0.02, backoff_max=0.05)
"""The client's retries with backoff short enough for tests of a server that
is down (the number of tries is the default)."""

WAIT_S = 20.0
"""The longest a test waits for a child process or the server."""

COVERED = {
    "create_post",
    "create_comment",
    "like",
    "unlike",
    "follow",
    "unfollow",
    "join",
    "leave",
    "report",
    "vote",
    "respond",
    "deliberation_comment",
    "decide",
    "ban",
    "create_verification",
    "unban",
    "advance",
    "create_deliberation",
    "update_post",
}
"""The actions these tests send; a new action needs a test here."""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A sandbox of this module's own, since these tests change its world."""
    server = start_sandbox(tmp_path_factory.mktemp("sender") / "world.db")
    yield server
    server.stop()


@pytest.fixture
def outbox() -> Outbox:
    """An outbox in memory, for tests that need no file."""
    return Outbox(LocalStore(None))


@pytest.fixture
async def send(
    world: SandboxServer,
) -> AsyncIterator[Callable[..., Any]]:
    """`await send("bruno", "like", {...})`: one write through a fresh outbox,
    sent as that user; fails the test unless it was sent. Returns the result."""
    clients: dict[str, ApiClient] = {}

    async def run(username: str, action: str, payload: dict[str, Any]) -> Any:
        if username not in clients:
            clients[username] = ApiClient(world.url, world.key_for(username))
        outbox = Outbox(LocalStore(None))
        item = outbox.add(action, payload, summary=f"{action} by {username}")

        report = await Sender(outbox, clients[username]).flush()

        assert [(o.state, o.reason) for o in report.outcomes] == [("sent", "")]
        assert outbox.get(item.seq).state == "sent"  # type: ignore[union-attr]
        return report.outcomes[0].result

    yield run
    for client in clients.values():
        await client.aclose()


def serve(db_path: Path, port: int = 0) -> SandboxServer:
    """A sandbox on `db_path`, on `port` (0: any free one)."""
    config = SandboxConfig(db_path=db_path, port=port, access_log=False)
    return SandboxServer(config).start()


def post_id_with(server: SandboxServer, content: str) -> str | None:
    """The id of the post holding `content`, read from the sandbox's file."""
    import sqlite3

    conn = sqlite3.connect(f"file:{server.config.db_path}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT id FROM posts WHERE content = ?", (content,)
        ).fetchone()
    finally:
        conn.close()
    return None if row is None else row[0]


class ForwardingProxy:
    """A real HTTP server on 127.0.0.1 that passes every request on to a
    sandbox and answers GETs, but never answers a POST: the server does the
    work and the client never hears. `mode` "drop" closes the connection;
    "hang" keeps it open without a word until the proxy stops."""

    def __init__(self, target: str, mode: str) -> None:
        self.target = urlsplit(target)
        self.mode = mode
        self.forwarded: list[tuple[str, str, int]] = []
        """(method, path, the sandbox's status) of every request passed on."""
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.target.path}"

    def __enter__(self) -> ForwardingProxy:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(5)
        return self

    def __exit__(self, *exc_info: object) -> None:
        asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        self._http = httpx.AsyncClient(
            base_url=f"{self.target.scheme}://{self.target.netloc}", timeout=10
        )

    async def _close(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in asyncio.all_tasks():
            if task is not asyncio.current_task():
                task.cancel()
        await self._http.aclose()

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = dict(
                (name.strip().lower(), value.strip())
                for name, _, value in (line.partition(":") for line in lines[1:])
                if name
            )
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            passed = {
                k: v
                for k, v in headers.items()
                if k in ("authorization", "idempotency-key", "content-type", "accept")
            }
            answer = await self._http.request(
                method, target, headers=passed, content=body
            )
            self.forwarded.append((method, urlsplit(target).path, answer.status_code))
            if method == "POST" and self.mode == "hang":
                await asyncio.Event().wait()
            if method == "POST":
                return
            status = f"HTTP/1.1 {answer.status_code} {answer.reason_phrase}\r\n"
            writer.write(
                (
                    f"{status}Content-Type: application/json\r\n"
                    f"Content-Length: {len(answer.content)}\r\nConnection: close\r\n\r\n"
                ).encode("latin-1")
                + answer.content
            )
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


def wait_for(check: Callable[[], bool], what: str) -> None:
    """Poll `check` until it holds, for at most WAIT_S."""
    deadline = time.monotonic() + WAIT_S
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


# --- Every action ------------------------------------------------------------


def test_every_action_of_the_sender_is_exercised_here() -> None:
    assert set(ACTIONS) == COVERED


async def test_posts_comments_and_likes_are_sent(
    world: SandboxServer, send: Callable[..., Any]
) -> None:
    ada = Api(world, "ada")

    post = await send("bruno", "create_post", {"content": "Sent by the outbox"})
    comment = await send(
        "ada", "create_comment", {"post_id": post["id"], "content": "Seen it"}
    )
    await send("ada", "like", {"post_id": post["id"]})
    liked = ada.data("GET", f"/posts/{post['id']}")
    unliked_result = await send("ada", "unlike", {"post_id": post["id"]})
    unliked = ada.data("GET", f"/posts/{post['id']}")

    assert posts_with(world, "Sent by the outbox") == 1
    assert post["status"] == "published"
    thread = ada.data("GET", f"/posts/{post['id']}/comments")
    assert [c["id"] for c in thread] == [comment["id"]]
    assert liked["liked"] is True and liked["stats"]["likes"] == 1
    assert unliked["liked"] is False and unliked_result["liked"] is False


async def test_follows_joins_and_leaves_are_sent(
    world: SandboxServer, send: Callable[..., Any]
) -> None:
    farah = Api(world, "farah")
    bruno = farah.data("GET", "/users/bruno")

    def spaces() -> set[str]:
        return {s["slug"] for s in farah.data("GET", "/spaces?member=true")}

    followed = await send("farah", "follow", {"user_id": bruno["id"]})
    unfollowed = await send("farah", "unfollow", {"user_id": bruno["id"]})
    joined = await send("farah", "join", {"space_id": "civic-tech"})
    member_of = spaces()
    left = await send("farah", "leave", {"space_id": "civic-tech"})

    assert followed["following"] is True and unfollowed["following"] is False
    assert joined["role"] == "member" and "civic-tech" in member_of
    assert left["role"] is None and "civic-tech" not in spaces()


async def test_a_report_its_decision_and_a_ban_are_sent(
    world: SandboxServer, send: Callable[..., Any]
) -> None:
    gus = Api(world, "gus")
    post = gus.data(
        "POST", "/posts", json={"content": "Buy cheap bikes", "space_id": "civic-tech"}
    )
    comment = gus.data(
        "POST", f"/posts/{post['id']}/comments", json={"content": "Really cheap"}
    )

    report = await send(
        "bruno",
        "report",
        {"target_type": "post", "target_id": post["id"], "reason": "spam"},
    )
    on_comment = await send(
        "bruno",
        "report",
        {"target_type": "comment", "target_id": comment["id"], "reason": "spam"},
    )
    decided = await send(
        "ada", "decide", {"item_id": report["item_id"], "action": "remove"}
    )
    banned = await send(
        "ada",
        "ban",
        {"space_id": "civic-tech", "user_id": "gus", "duration_days": 1},
    )

    assert report["target_id"] == post["id"]
    assert on_comment["target_type"] == "comment"
    assert decided["status"] == "removed"
    assert banned["user"]["username"] == "gus" and banned["expires_at"]
    gus.error(
        "POST",
        "/posts",
        403,
        "forbidden",
        json={"content": "again", "space_id": "civic-tech"},
    )
    await send("ada", "unban", {"space_id": "civic-tech", "user_id": "gus"})
    assert Api(world, "gus").data(
        "POST", "/posts", json={"content": "back again", "space_id": "civic-tech"}
    )


async def test_a_server_draft_is_published_by_update_post(
    world: SandboxServer, send: Callable[..., Any]
) -> None:
    draft = await send("hana", "create_post", {"content": "Not yet", "status": "draft"})
    published = await send(
        "hana",
        "update_post",
        {"post_id": draft["id"], "content": "Now it is", "status": "published"},
    )

    assert draft["status"] == "draft" and published["status"] == "published"
    assert db_value(
        world, "SELECT content FROM posts WHERE id = ?", (draft["id"],)
    ) == ("Now it is")


async def test_oracle_requests_and_votes_are_sent(
    send: Callable[..., Any],
) -> None:
    request = await send(
        "ivan",
        "create_verification",
        {
            "attribute_type": "employer",
            "attribute_value": "River Trust",
            "evidence": [{"type": "url", "url": "https://river.example/staff"}],
            "description": "Field officer",
        },
    )
    voted = await send(
        "chen",
        "vote",
        {"verification_id": request["id"], "vote": "approve", "comment": "Known"},
    )

    assert request["status"] == "pending"
    assert voted["votes"]["approve"] == 1 and voted["my_vote"]


async def test_survey_answers_and_discussion_comments_are_sent(
    world: SandboxServer, send: Callable[..., Any]
) -> None:
    async with ApiClient(world.url, world.key_for("ada")) as ada:
        created = await send(
            "ada",
            "create_deliberation",
            {
                "space_id": "civic-tech",
                "title": "Benches on the square",
                "pre_survey": [
                    {
                        "text": "More benches?",
                        "type": "multiple_choice",
                        "options": ["Yes", "No"],
                    }
                ],
                "duration_days": 3,
            },
        )
        advanced = await send("ada", "advance", {"deliberation_id": created["id"]})
        assert advanced["status"] == "pre_survey"
        delib = await deliberations.get_deliberation(ada, created["id"])
        assert delib.pre_survey is not None
        question = delib.pre_survey.questions[0].id

        answered = await send(
            "bruno",
            "respond",
            {
                "deliberation_id": delib.id,
                "survey_id": delib.pre_survey.id,
                "answers": {question: "Yes"},
            },
        )
        await deliberations.advance(ada, delib.id)
        said = await send(
            "bruno",
            "deliberation_comment",
            {"deliberation_id": delib.id, "content": "Near the fountain"},
        )
        thread = await deliberations.list_comments(ada, delib.id)

    assert answered["survey_id"] == delib.pre_survey.id
    assert [c.id for c in thread.items] == [said["id"]]


# --- Offline, lost answers, refusals -----------------------------------------


async def test_a_post_waits_while_the_server_is_down_and_is_sent_once_it_is_back(
    tmp_path: Path,
) -> None:
    db_path = tmp_path / "world.db"
    first = serve(db_path)
    port, url, key = urlsplit(first.url).port, first.url, first.key_for("ada")
    first.stop()
    outbox = Outbox(LocalStore(tmp_path / "local.db"))
    text = "Written while the server was down"
    item = outbox.add("create_post", {"content": text})

    async with ApiClient(url, key, retry=QUICK) as client:
        down = await Sender(outbox, client).flush()
        outbox.retry_all()
        still_down = await Sender(outbox, client).flush()
    waiting = outbox.get(item.seq)
    back = serve(db_path, port=port or 0)
    try:
        outbox.retry_all()
        async with ApiClient(back.url, key, retry=QUICK) as client:
            again = await Sender(outbox, client).flush()
        landed = posts_with(back, text)
    finally:
        back.stop()

    assert back.url == url
    assert down.offline and still_down.offline
    assert [o.state for o in down.outcomes] == ["waiting"]
    assert waiting is not None and waiting.state == "pending"
    assert waiting.attempts == 2
    assert waiting.last_error and "Cannot reach the server" in waiting.last_error
    assert [o.state for o in again.outcomes] == ["sent"] and not again.offline
    assert landed == 1
    assert outbox.get(item.seq).state == "sent"  # type: ignore[union-attr]


async def test_a_pass_stops_at_the_first_write_that_must_wait(
    tmp_path: Path,
) -> None:
    outbox = Outbox(LocalStore(tmp_path / "local.db"))
    first = outbox.add("create_post", {"content": "first of two"})
    second = outbox.add("create_post", {"content": "second of two"})

    async with ApiClient("http://127.0.0.1:9/v2", "ratel_sk_test_x", retry=QUICK) as c:
        report = await Sender(outbox, c).flush()
        again = await Sender(outbox, c).flush()

    assert [o.item.seq for o in report.outcomes] == [first.seq]
    assert again.outcomes == []
    assert outbox.get(second.seq).attempts == 0  # type: ignore[union-attr]


async def test_a_post_whose_answer_was_lost_is_on_the_server_once(
    world: SandboxServer, tmp_path: Path
) -> None:
    outbox = Outbox(LocalStore(tmp_path / "local.db"))
    text = "The answer to this one never arrived"
    item = outbox.add("create_post", {"content": text})
    key = world.key_for("dilnoza")

    with ForwardingProxy(world.url, "drop") as proxy:
        async with ApiClient(proxy.url, key, retry=QUICK) as client:
            lost = await Sender(outbox, client).flush()
    done_meanwhile = posts_with(world, text)
    outbox.retry_all()
    async with ApiClient(world.url, key, retry=QUICK) as client:
        again = await Sender(outbox, client).flush()

    assert proxy.forwarded and proxy.forwarded[0] == ("POST", "/v2/posts", 201)
    assert lost.offline and outbox.get(item.seq) is not None
    assert done_meanwhile == 1
    assert [o.state for o in again.outcomes] == ["sent"]
    assert posts_with(world, text) == 1
    assert again.outcomes[0].result["id"] == post_id_with(world, text)


def test_a_post_whose_sender_was_killed_before_the_answer_is_sent_once(
    world: SandboxServer, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    text = "Posted just before the laptop lid closed"
    key = world.key_for("emeka")

    with ForwardingProxy(world.url, "hang") as proxy:
        env = {**os.environ, "RATEL_API_URL": proxy.url, "RATEL_API_KEY": key}
        child = subprocess.Popen(
            [sys.executable, "-m", "ratel_tui", "post", text],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            # Once the proxy has the answer, the server has finished with it.
            wait_for(lambda: bool(proxy.forwarded), "the server's answer")
        finally:
            child.kill()
            child.wait(timeout=WAIT_S)
    monkeypatch.setenv("RATEL_API_URL", world.url)
    monkeypatch.setenv("RATEL_API_KEY", key)

    code = main(["outbox", "flush"])
    capsys.readouterr()
    main(["outbox", "list", "--json"])
    items = json.loads(capsys.readouterr().out)

    assert proxy.forwarded == [("POST", "/v2/posts", 201)]
    assert code == EXIT_OK
    assert posts_with(world, text) == 1
    assert [(i["action"], i["state"]) for i in items] == [("create_post", "sent")]
    assert items[0]["result"]["id"] == post_id_with(world, text)


async def test_a_resend_that_overtakes_its_first_try_waits_and_is_not_refused(
    outbox: Outbox,
) -> None:
    journal = Journal(outbox.store)
    draft = journal.save(new_draft("post", body="Slow server"))
    item = outbox.add("create_post", {"content": draft.body}, draft_id=draft.id)
    post = {
        "id": "post_slow",
        "author": {"id": "user_1", "username": "ada"},
        "content": "Slow server",
        "created_at": "2026-01-01T00:00:00Z",
    }
    busy = failure(
        "conflict",
        "A request with this Idempotency-Key is still being processed; retry shortly",
        409,
    )

    with MisbehavingServer() as server:
        server.route("/posts", lambda _r, n: busy if n == 1 else envelope(post, 201))
        async with ApiClient(server.url, "ratel_sk_test_x", retry=QUICK) as client:
            first = await Sender(outbox, client).flush()
            waiting = outbox.get(item.seq)
            outbox.retry_all()
            second = await Sender(outbox, client).flush()
        keys = {r.headers["idempotency-key"] for r in server.hits("/posts")}

    assert [(o.state, o.offline) for o in first.outcomes] == [("waiting", False)]
    assert waiting is not None and waiting.state == "pending"
    assert [o.state for o in second.outcomes] == ["sent"]
    assert keys == {item.idempotency_key}
    assert journal.get(draft.id) is None


async def test_a_post_into_a_closed_space_is_refused_and_its_draft_comes_back(
    world: SandboxServer, outbox: Outbox
) -> None:
    journal = Journal(outbox.store)
    draft = journal.save(new_draft("post", body="Members cannot post here"))
    item = outbox.add(
        "create_post",
        {"content": draft.body, "space_id": "announcements"},
        draft_id=draft.id,
    )

    async with ApiClient(world.url, world.key_for("ada")) as client:
        report = await Sender(outbox, client).flush()

    refused = outbox.get(item.seq)
    back = journal.get(draft.id)
    assert [o.state for o in report.outcomes] == ["refused"]
    assert refused is not None and refused.state == "refused"
    assert refused.last_error and "does not take posts" in refused.last_error
    assert back is not None and back.state == "editing"
    assert back.problem == refused.last_error
    assert posts_with(world, "Members cannot post here") == 0


async def test_a_post_over_the_limit_is_refused_with_the_server_s_reason(
    world: SandboxServer, outbox: Outbox
) -> None:
    item = outbox.add("create_post", {"content": "x" * 5001})

    async with ApiClient(world.url, world.key_for("ada")) as client:
        report = await Sender(outbox, client).flush()

    outcome: Outcome = report.outcomes[0]
    assert outcome.state == "refused" and outcome.reason.startswith("Invalid request")
    assert outbox.get(item.seq).state == "refused"  # type: ignore[union-attr]


async def test_a_part_a_server_takes_plain_posts_and_refuses_titles(
    make_sandbox: Callable[..., SandboxServer], outbox: Outbox
) -> None:
    part_a = make_sandbox(features=frozenset())
    plain = outbox.add("create_post", {"content": "Plain post to Part A"})
    titled = outbox.add("create_post", {"content": "With a title", "title": "T"})

    async with ApiClient(part_a.url, part_a.key_for("ada")) as client:
        report = await Sender(outbox, client).flush()

    assert [(o.item.seq, o.state) for o in report.outcomes] == [
        (plain.seq, "sent"),
        (titled.seq, "refused"),
    ]
    assert "not support" in report.outcomes[1].reason
    assert posts_with(part_a, "Plain post to Part A") == 1
    assert posts_with(part_a, "With a title") == 0


# --- Two senders -------------------------------------------------------------

FLUSHER = """
import asyncio, json, sys, time
from pathlib import Path
from ratel_tui.api.client import ApiClient
from ratel_tui.services.sender import Sender
from ratel_tui.store.local import LocalStore
from ratel_tui.store.outbox import Outbox

async def main():
    outbox = Outbox(LocalStore(Path(sys.argv[1])))
    go = Path(sys.argv[4])
    print("ready", flush=True)
    deadline = time.monotonic() + 15
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.001)
    async with ApiClient(sys.argv[2], sys.argv[3]) as client:
        report = await Sender(outbox, client).flush()
    print(json.dumps([[o.item.seq, o.state] for o in report.outcomes]), flush=True)

asyncio.run(main())
"""
"""A sender in another process: flushes the outbox at `argv[1]` once the
start file exists, and prints what it did."""


def test_two_processes_flushing_one_outbox_send_each_write_once(
    make_sandbox: Callable[..., SandboxServer], tmp_path: Path
) -> None:
    slow = make_sandbox(latency_ms=15)
    path, go = tmp_path / "local.db", tmp_path / "go"
    outbox = Outbox(LocalStore(path))
    texts = [f"Concurrent post number {n}" for n in range(16)]
    # Lanes of their own, so that both instances may send side by side.
    seqs = [
        outbox.add("create_post", {"content": t}, lane=f"test:{n}").seq
        for n, t in enumerate(texts)
    ]
    argv = [str(path), slow.url, slow.key_for("farah"), str(go)]
    children = [
        subprocess.Popen(
            [sys.executable, "-c", FLUSHER, *argv],
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

    done = [json.loads(out.strip().splitlines()[-1]) for out in outputs]
    sent = [seq for report in done for seq, state in report if state == "sent"]
    assert sorted(sent) == seqs
    assert done[0] and done[1], "both senders took part"
    assert [posts_with(slow, t) for t in texts] == [1] * len(texts)
    assert {i.state for i in outbox.items()} == {"sent"}


async def test_outcome_reports_a_write_sent_by_another_sender(
    world: SandboxServer, tmp_path: Path
) -> None:
    path = tmp_path / "local.db"
    mine, theirs = Outbox(LocalStore(path)), Outbox(LocalStore(path))
    item = mine.add("create_post", {"content": "Sent by the other instance"})

    async with ApiClient(world.url, world.key_for("june")) as client:
        report: FlushReport = await Sender(theirs, client).flush()
        outcome = await Sender(mine, client).outcome(item.seq, timeout=0.2)

    assert report.count("sent") == 1
    assert outcome is not None and outcome.state == "sent"
    assert outcome.result["id"] == post_id_with(world, "Sent by the other instance")
