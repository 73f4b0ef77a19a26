"""The post screen against a real sandbox: the thread, the actions, hostile
text, offline reading and failures."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import OptionList, TextArea

from ratel_tui.sandbox.server import SandboxServer
from ratel_tui.screens.compose import ComposeScreen
from ratel_tui.screens.dialogs import (
    Confirm,
    LinkPicker,
    ReportDialog,
    find_links,
    link_prompt,
)
from ratel_tui.screens.post import PostScreen, post_link
from ratel_tui.text import ELLIPSIS
from ratel_tui.widgets.comment_tree import CommentTree
from ratel_tui.widgets.paged_text import PagedText
from tests.conftest import Api, db_value
from tests.tui.harness import Host, open_session, settle

HOSTILE = "[@click=app.quit]x[/] \x1b]52;c;ZXZpbA==\x07 [bold]b"
"""Markup that would run an action and an OSC 52 clipboard write."""


def screen_text(app: App[Any]) -> str:
    """What the terminal shows, as plain text."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def toasts(app: App[Any]) -> list[str]:
    """The messages of the notifications on show."""
    return [note.message for note in app._notifications]


def shared_space(api: Api) -> str:
    """A Space ada and bruno both belong to (ada is its admin)."""
    spaces = api.data("GET", "/spaces", params={"member": "true", "per_page": 50})
    return next(s["id"] for s in spaces if s["name"] == "Civic Tech Commons")


@pytest.fixture
def thread(sandbox: SandboxServer) -> dict[str, Any]:
    """A fresh post by bruno with a three-level thread and a second top comment."""
    ada, bruno = Api(sandbox, "ada"), Api(sandbox, "bruno")
    post = bruno.data(
        "POST",
        "/posts",
        json={"content": "A thread to read", "space_id": shared_space(ada)},
    )
    path = f"/posts/{post['id']}/comments"
    top = ada.data("POST", path, json={"content": "top comment"})
    reply = bruno.data("POST", path, json={"content": "reply", "parent_id": top["id"]})
    deep = ada.data("POST", path, json={"content": "deep", "parent_id": reply["id"]})
    other = bruno.data("POST", path, json={"content": "another top"})
    return {"post": post, "top": top, "reply": reply, "deep": deep, "other": other}


async def wait_for(pilot: Any, check: Callable[[], bool], timeout: float = 10) -> None:
    """Pause until `check()` holds (a modal opened, a worker answered)."""
    for _ in range(int(timeout / 0.05)):
        if check():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition never held")


async def open_editor(app: App[Any], pilot: Any) -> TextArea:
    """Press `e` on the post screen; the compose screen's text area."""
    await settle(app, pilot)
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen))
    return app.screen.query_one(TextArea)


def tree_of(app: App[Any]) -> CommentTree:
    return app.screen.query_one(CommentTree)


async def focus_comment(app: App[Any], pilot: Any, comment_id: str) -> None:
    """Put the tree's cursor on a comment and focus the tree."""
    tree = tree_of(app)
    node = tree.node_of(comment_id)
    assert node is not None
    tree.focus()
    tree.move_cursor(node)
    await pilot.pause()


class TestThread:
    """Reading a post and its comments."""

    async def test_replies_are_nested_under_their_parent(
        self, sandbox: SandboxServer, thread: dict[str, Any]
    ) -> None:
        async with open_session(sandbox, "ada") as session:
            app = Host(session, lambda: PostScreen(thread["post"]["id"]))
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                tree = tree_of(app)
                tops = [node.data.id for node in tree.root.children]
                assert tops == [thread["top"]["id"], thread["other"]["id"]]
                top = tree.node_of(thread["top"]["id"])
                assert [n.data.id for n in top.children] == [thread["reply"]["id"]]
                reply = top.children[0]
                assert [n.data.id for n in reply.children] == [thread["deep"]["id"]]
                text = screen_text(app)
                assert "A thread to read" in text and "deep" in text
                assert "Civic Tech Commons" in text

    async def test_fold_keys_walk_the_tree(
        self, sandbox: SandboxServer, thread: dict[str, Any]
    ) -> None:
        async with open_session(sandbox, "ada") as session:
            app = Host(session, lambda: PostScreen(thread["post"]["id"]))
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                await focus_comment(app, pilot, thread["deep"]["id"])
                tree = tree_of(app)
                await pilot.press("p")  # to the reply it answers
                assert tree.comment.id == thread["reply"]["id"]
                await pilot.press("h")  # folds the reply's subthread
                assert not tree.node_of(thread["reply"]["id"]).is_expanded
                await pilot.press("h")  # folded: goes to its parent
                assert tree.comment.id == thread["top"]["id"]
                await pilot.press("z")  # folds every thread
                assert not tree.node_of(thread["top"]["id"]).is_expanded
                await pilot.press("l", "l")  # unfolds, then steps into the reply
                assert tree.comment.id == thread["reply"]["id"]
                await pilot.press("enter")  # the whole comment below the tree
                assert "reply" in screen_text(app).split("╍")[-1]

    async def test_a_deleted_comment_keeps_its_place_muted(
        self, sandbox: SandboxServer, thread: dict[str, Any]
    ) -> None:
        Api(sandbox, "bruno").data("DELETE", f"/comments/{thread['reply']['id']}")
        async with open_session(sandbox, "ada") as session:
            app = Host(session, lambda: PostScreen(thread["post"]["id"]))
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                node = tree_of(app).node_of(thread["reply"]["id"])
                assert node.label.plain.startswith("[deleted]")
                assert [n.data.id for n in node.children] == [thread["deep"]["id"]]


class TestActions:
    """Likes, replies, edits, deletions, reports and links."""

    async def test_like_toggles_on_the_server(
        self, sandbox: SandboxServer, thread: dict[str, Any]
    ) -> None:
        post_id = thread["post"]["id"]
        likes = "SELECT COUNT(*) FROM post_likes WHERE post_id = ?"
        async with open_session(sandbox, "ada") as session:
            app = Host(session, lambda: PostScreen(post_id))
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                await pilot.press("f")
                await settle(app, pilot)
                assert db_value(sandbox, likes, (post_id,)) == 1
                assert "1 likes" in screen_text(app) and "♥ liked" in screen_text(app)
                await pilot.press("f")
                await settle(app, pilot)
                assert db_value(sandbox, likes, (post_id,)) == 0
                assert "♡ not liked" in screen_text(app)

    async def test_a_failed_like_is_reverted_and_reported(
        self, sandbox: SandboxServer, thread: dict[str, Any]
    ) -> None:
        post_id = thread["post"]["id"]
        async with open_session(sandbox, "ada") as session:
            app = Host(session, lambda: PostScreen(post_id))
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                Api(sandbox, "bruno").data("DELETE", f"/posts/{post_id}")
                await pilot.press("f")
                await settle(app, pilot)
                assert "♡ not liked" in screen_text(app)
                assert "0 likes" in screen_text(app)
                assert [doing for doing, _ in app.errors] == ["liking the post"]

    async def test_reply_to_a_comment_lands_with_its_parent(
        self, sandbox: SandboxServer, thread: dict[str, Any]
    ) -> None:
        parent = thread["reply"]["id"]
        async with open_session(sandbox, "ada") as session:
            app = Host(session, lambda: PostScreen(thread["post"]["id"]))
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                await focus_comment(app, pilot, parent)
                await pilot.press("r")
                await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen))
                app.screen.query_one("#compose-body", TextArea).insert(
                    "answering bruno"
                )
                await pilot.press("ctrl+s")
                await settle(app, pilot)
                sql = "SELECT parent_id FROM comments WHERE content = ?"
                assert db_value(sandbox, sql, ("answering bruno",)) == parent
                tree = tree_of(app)
                assert tree.has_focus and tree.comment.content == "answering bruno"
                assert tree.cursor_node.parent.data.id == parent

    async def test_author_edits_own_post(
        self, sandbox: SandboxServer, thread: dict[str, Any]
    ) -> None:
        post_id = thread["post"]["id"]
        async with open_session(sandbox, "bruno") as session:
            app = Host(session, lambda: PostScreen(post_id))
            async with app.run_test(size=(80, 24)) as pilot:
                area = await open_editor(app, pilot)
                assert area.text == "A thread to read"
                area.insert(", edited")
                await pilot.press("ctrl+s")
                await wait_for(pilot, lambda: isinstance(app.screen, PostScreen))
                await wait_for(pilot, lambda: "Post updated" in toasts(app))
                await settle(app, pilot)
                sql = "SELECT content FROM posts WHERE id = ?"
                assert db_value(sandbox, sql, (post_id,)) == "A thread to read, edited"
                assert "edited" in screen_text(app).splitlines()[0]
                assert "A thread to read, edited" in screen_text(app)
                # Sent, the edit leaves the journal.
                assert session.journal.find("edit", {"post_id": post_id}) is None

    async def test_an_edit_put_aside_is_kept_and_offered_again(
        self, sandbox: SandboxServer, thread: dict[str, Any]
    ) -> None:
        post_id = thread["post"]["id"]
        async with open_session(sandbox, "bruno") as session:
            app = Host(session, lambda: PostScreen(post_id))
            async with app.run_test(size=(80, 24)) as pilot:
                (await open_editor(app, pilot)).insert(" and half a thought")
                await pilot.press("escape")
                await wait_for(pilot, lambda: isinstance(app.screen, PostScreen))
                kept = session.journal.find("edit", {"post_id": post_id})
                assert kept is not None
                assert kept.body == "A thread to read and half a thought"
                area = await open_editor(app, pilot)
                assert area.text == "A thread to read and half a thought"
        sql = "SELECT content FROM posts WHERE id = ?"
        assert db_value(sandbox, sql, (post_id,)) == "A thread to read"

    async def test_a_non_author_cannot_edit(
        self, sandbox: SandboxServer, thread: dict[str, Any]
    ) -> None:
        post_id = thread["post"]["id"]
        async with open_session(sandbox, "ada") as session:
            app = Host(session, lambda: PostScreen(post_id))
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                await pilot.press("e")
                await settle(app, pilot)
                assert isinstance(app.screen, PostScreen)
                assert "Only the author can edit this post" in toasts(app)
        sql = "SELECT updated_at FROM posts WHERE id = ?"
        assert db_value(sandbox, sql, (post_id,)) is None

    async def test_author_deletes_own_comment_after_confirming(
        self, sandbox: SandboxServer, thread: dict[str, Any]
    ) -> None:
        comment_id = thread["deep"]["id"]
        deleted = "SELECT deleted FROM comments WHERE id = ?"
        async with open_session(sandbox, "ada") as session:
            app = Host(session, lambda: PostScreen(thread["post"]["id"]))
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                await focus_comment(app, pilot, comment_id)
                await pilot.press("d")
                await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
                await pilot.press("n")  # says no: nothing is sent
                await settle(app, pilot)
                assert db_value(sandbox, deleted, (comment_id,)) == 0
                await pilot.press("d")
                await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
                await pilot.press("y")
                await settle(app, pilot)
                assert db_value(sandbox, deleted, (comment_id,)) == 1
                label = tree_of(app).node_of(comment_id).label.plain
                assert label.startswith("[deleted]")

    async def test_shift_d_deletes_own_post_without_asking(
        self, sandbox: SandboxServer, thread: dict[str, Any]
    ) -> None:
        post_id = thread["post"]["id"]
        async with open_session(sandbox, "bruno") as session:
            app = Host(session, lambda: PostScreen(post_id))
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                await pilot.press("D")  # the post body has focus: the post
                await settle(app, pilot)
                assert not isinstance(app.screen, PostScreen)
        assert (
            db_value(sandbox, "SELECT id FROM posts WHERE id = ?", (post_id,)) is None
        )

    async def test_someone_elses_comment_is_not_deleted(
        self, sandbox: SandboxServer, thread: dict[str, Any]
    ) -> None:
        comment_id = thread["reply"]["id"]
        async with open_session(sandbox, "ada") as session:
            app = Host(session, lambda: PostScreen(thread["post"]["id"]))
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                await focus_comment(app, pilot, comment_id)
                await pilot.press("D")
                await settle(app, pilot)
                assert "Only the author can delete this comment" in toasts(app)
        sql = "SELECT deleted FROM comments WHERE id = ?"
        assert db_value(sandbox, sql, (comment_id,)) == 0

    async def test_report_a_comment_lands_in_the_moderation_queue(
        self, sandbox: SandboxServer, thread: dict[str, Any]
    ) -> None:
        comment_id = thread["reply"]["id"]
        async with open_session(sandbox, "ada") as session:
            app = Host(session, lambda: PostScreen(thread["post"]["id"]))
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                await focus_comment(app, pilot, comment_id)
                await pilot.press("exclamation_mark")
                await wait_for(pilot, lambda: isinstance(app.screen, ReportDialog))
                await pilot.press("down", "down", "enter")  # misinformation
                await pilot.press(*"made up", "enter")  # the note, then send
                await settle(app, pilot)
        sql = (
            "SELECT r.reason || ':' || r.note || ':' || m.status FROM reports r"
            " JOIN mod_items m ON m.id = r.item_id"
            " WHERE m.target_type = 'comment' AND m.target_id = ?"
        )
        assert db_value(sandbox, sql, (comment_id,)) == "misinformation:made up:pending"

    async def test_report_on_a_server_without_moderation_is_refused(
        self, make_sandbox: Callable[..., SandboxServer]
    ) -> None:
        server = make_sandbox(posts=20, features=frozenset())
        post_id = db_value(server, "SELECT id FROM posts WHERE status = 'published'")
        async with open_session(server, "june") as session:
            app = Host(session, lambda: PostScreen(post_id))
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                await pilot.press("exclamation_mark")
                await settle(app, pilot)
                assert isinstance(app.screen, PostScreen)
                assert any("does not support" in line for line in toasts(app))

    async def test_copy_link_puts_the_web_link_on_the_clipboard(
        self, sandbox: SandboxServer, thread: dict[str, Any]
    ) -> None:
        post_id = thread["post"]["id"]
        async with open_session(sandbox, "ada") as session:
            app = Host(session, lambda: PostScreen(post_id))
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                await pilot.press("y")
                origin = sandbox.url.removesuffix("/v2")
                assert app.clipboard == f"{origin}/posts/{post_id}"

    async def test_open_link_offers_web_links_and_confirms_the_host(
        self, sandbox: SandboxServer
    ) -> None:
        content = "see javascript:alert(1) and https://docs.example.org/a?b=1."
        post = Api(sandbox, "bruno").data("POST", "/posts", json={"content": content})
        opened: list[str] = []

        class Recording(Host):
            def open_url(self, url: str, *, new_tab: bool = True) -> None:
                opened.append(url)

        async with open_session(sandbox, "ada") as session:
            app = Recording(session, lambda: PostScreen(post["id"]))
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                await pilot.press("o")
                await wait_for(pilot, lambda: isinstance(app.screen, LinkPicker))
                assert app.screen.query_one(OptionList).option_count == 1
                await pilot.press("enter")
                await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
                assert "docs.example.org" in screen_text(app)
                await pilot.press("y")
                await settle(app, pilot)
        assert opened == ["https://docs.example.org/a?b=1"]


class TestSafety:
    """Hostile text, offline reading and failures."""

    async def test_hostile_post_shows_literally(self, sandbox: SandboxServer) -> None:
        bruno = Api(sandbox, "bruno")
        post = bruno.data("POST", "/posts", json={"content": HOSTILE})
        path = f"/posts/{post['id']}/comments"
        comment = bruno.data("POST", path, json={"content": HOSTILE})
        async with open_session(sandbox, "ada") as session:
            app = Host(session, lambda: PostScreen(post["id"]))
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                await pilot.click("#post-text", offset=(0, 0))
                await settle(app, pilot)
                assert app.is_running and isinstance(app.screen, PostScreen)
                text = screen_text(app)
                assert "[@click=app.quit]x[/]" in text and "[bold]b" in text
                assert "\x1b" not in text and "\x07" not in text
                label = tree_of(app).node_of(comment["id"]).label.plain
                assert "[@click=app.quit]x[/]" in label and "\x1b" not in label

    async def test_a_post_longer_than_the_contract_allows_is_read_in_pages(
        self, sandbox: SandboxServer
    ) -> None:
        # The contract caps posts at 5,000 characters; a server that does not
        # is played by writing 8,000 lines into the sandbox's database.
        bruno = Api(sandbox, "bruno")
        post = bruno.data("POST", "/posts", json={"content": "soon long"})
        lines = "".join(f"line {n}\n" for n in range(1, 8_001))
        with contextlib.closing(sqlite3.connect(sandbox.config.db_path)) as conn:
            conn.execute(
                "UPDATE posts SET content = ? WHERE id = ?", (lines, post["id"])
            )
            conn.commit()
        async with open_session(sandbox, "ada") as session:
            app = Host(session, lambda: PostScreen(post["id"]))
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                body = app.screen.query_one(PagedText)
                # 5,000 lines are kept (the cut is marked), 300 to a page.
                assert len(body.pages) == 17
                assert "Page 1 of 17 · ] next page" in screen_text(app)
                assert body.pages[0].plain.startswith("line 1\nline 2\n")
                await pilot.press("left_square_bracket")
                assert body.page == 0
                await pilot.press(*["right_square_bracket"] * 20)
                await settle(app, pilot)
                assert body.page == 16
                assert body.pages[16].plain.endswith("line 5000\n" + ELLIPSIS)
                assert "Page 17 of 17 · [ previous" in screen_text(app)
                await pilot.press("left_square_bracket")
                await settle(app, pilot)
                assert body.page == 15
                assert body.pages[15].plain.startswith("line 4501\n")

    async def test_offline_reopen_shows_the_saved_copy(
        self, make_sandbox: Callable[..., SandboxServer], tmp_path: Path
    ) -> None:
        server = make_sandbox(posts=20)
        post_id = db_value(
            server,
            "SELECT post_id FROM comments GROUP BY post_id ORDER BY COUNT(*) DESC",
        )
        async with open_session(server, "june", cache=tmp_path / "c.db") as session:
            app = Host(session, lambda: PostScreen(post_id))
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                comments = tree_of(app).count
                assert comments > 0
                assert "offline" not in screen_text(app)
                await pilot.press("escape")
                server.stop()
                await app.push_screen(PostScreen(post_id))
                await settle(app, pilot, timeout=30)
                assert "offline: saved" in screen_text(app).splitlines()[1]
                assert tree_of(app).count == comments

    async def test_a_missing_post_shows_one_error_line(
        self, sandbox: SandboxServer
    ) -> None:
        async with open_session(sandbox, "ada") as session:
            app = Host(session, lambda: PostScreen("post_doesnotexist"))
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(app, pilot)
                assert isinstance(app.screen, PostScreen)
                error = app.screen.query_one("#post-error")
                assert error.display and "not found" in screen_text(app).lower()
                await pilot.press("f", "r", "e", "d", "y")  # nothing to act on
                await settle(app, pilot)
                await pilot.press("q")
                assert not isinstance(app.screen, PostScreen)


class TestLinks:
    """Which links the screen offers, and how it names where they go."""

    def test_post_link_uses_the_api_origin(self) -> None:
        link = post_link("https://api.ratel.example/v2", "post_1")
        assert link == "https://api.ratel.example/posts/post_1"

    def test_only_web_links_are_offered(self) -> None:
        text = (
            "a javascript:x() b file:///etc c https://a.example/x), d http://b.example"
        )
        assert find_links(text) == ["https://a.example/x", "http://b.example"]

    def test_the_real_host_is_highlighted(self) -> None:
        prompt = link_prompt("https://bank.example@evil.example/login")
        bold = [
            prompt.plain[s.start : s.end]
            for s in prompt.spans
            if "reverse" in str(s.style)
        ]
        assert bold == ["evil.example"]
        assert prompt.plain.endswith("goes to: evil.example")
