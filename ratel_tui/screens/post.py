"""`PostScreen`: one post in full, its comment thread, and what can be done to it."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Footer, Static

from ratel_tui.api import posts as posts_api
from ratel_tui.api.client import ApiClient
from ratel_tui.api.errors import ApiError, NotFoundError, UnsupportedError
from ratel_tui.api.models import Comment, Post
from ratel_tui.api.urls import display_host
from ratel_tui.screens.base import error_line, freshness, nav, session_of
from ratel_tui.screens.dialogs import (
    Confirm,
    LinkPicker,
    ReportDialog,
    find_links,
    link_prompt,
)
from ratel_tui.screens.writing import write_and_wait
from ratel_tui.services import codecs
from ratel_tui.services.session import WriteRefused
from ratel_tui.store.local import StoreError
from ratel_tui.text import clean, clean_line
from ratel_tui.widgets.age import age
from ratel_tui.widgets.comment_tree import CommentThread, CommentTree
from ratel_tui.widgets.paged_text import PagedText
from ratel_tui.widgets.safe_text import plain, plain_line
from ratel_tui.widgets.status_bar import StatusBar

T = TypeVar("T")

COMMENT_LIMIT = 2_000
"""The most comments of one post the screen loads."""


def post_link(base_url: str, post_id: str) -> str:
    """The web link of a post: `{origin}/posts/{id}`.

    The contract names no web address, so the post is assumed to live on the
    same origin (scheme, host and port) as the API: `https://api.x/v2` gives
    `https://api.x/posts/post_1`.
    """
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}/posts/{post_id}"


class PostBody(VerticalScroll):
    """The post text, scrolled with j/k as well as the arrows."""

    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False, id="post.scroll_down"),
        Binding("k", "scroll_up", "Up", show=False, id="post.scroll_up"),
    ]


class PostScreen(Screen[None]):
    """One post, its media and counts, and its comments as a tree.

    Actions aimed at "this" act on the focused comment when the thread has
    focus and on the post otherwise (reply, delete, report, author).
    """

    DEFAULT_CSS = """
    PostScreen {
        #post-header { height: auto; padding: 0 1; background: $boost; }
        #post-error { color: $error; padding: 0 1; }
        #post-main { height: 1fr; }
        #post-body { height: auto; max-height: 45%; padding: 0 1; }
        #post-title { text-style: bold; }
        #post-counts { color: $text-muted; }
        #post-thread { height: 1fr; border-top: solid $primary; }
        .hidden { display: none; }
    }
    PostScreen.-wide {
        #post-main { layout: horizontal; }
        #post-body { height: 1fr; max-height: 100%; width: 1fr; }
        #post-thread { width: 1fr; border-top: none; border-left: solid $primary; }
        #comment-detail { max-height: 14; }
    }
    """
    # At 120 columns and more the thread goes beside the text: the text then
    # reads at a comfortable ~60 columns, and deep threads get the full height.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    BINDINGS = [
        Binding("escape,q", "back", "Back", id="post.back"),
        Binding("f", "like", "Like", tooltip="Like or unlike the post.", id="post.like"),
        Binding("r", "reply", "Reply", tooltip="Reply to the post, or to the focused comment.", id="post.reply"),
        Binding("e", "edit", "Edit", tooltip="Edit your post.", id="post.edit"),
        Binding("d", "delete(True)", "Delete", tooltip="Delete your post or comment, after asking.", id="post.delete"),
        Binding("D", "delete(False)", "Delete now", show=False, tooltip="Delete your post or comment without asking.", id="post.delete_now"),
        Binding("exclamation_mark", "report", "Report", tooltip="Report the post or the focused comment to the moderators.", id="post.report"),
        Binding("y", "copy_link", "Copy link", tooltip="Copy the post's web link to the clipboard.", id="post.copy_link"),
        Binding("o", "open_link", "Open link", tooltip="Open a link of the post in the browser.", id="post.open_link"),
        Binding("u", "author", "Author", tooltip="Open the profile of the author of the post or comment.", id="post.author"),
        Binding("c", "focus_thread", "Comments", show=False, id="post.comments"),
        Binding("R", "reload", "Reload", show=False, id="post.reload"),
        Binding("right_square_bracket", "turn_page(1)", "Next page", tooltip="The next page of a long post.", id="post.next_page"),
        Binding("left_square_bracket", "turn_page(-1)", "Previous page", tooltip="The page before, in a long post.", id="post.previous_page"),
    ]  # fmt: skip

    def __init__(self, post_id: str) -> None:
        super().__init__()
        self.post_id = post_id
        self.post: Post | None = None
        self.cached_at: str = ""
        """The freshness line of the last read ("" when fresh)."""
        self._liking = False
        """Replies that failed to send, by parent (None: the post), to offer again."""

    def compose(self) -> ComposeResult:
        yield Static(id="post-header")
        yield Static(id="post-error", classes="hidden")
        with Vertical(id="post-main"):
            with PostBody(id="post-body"):
                yield Static(id="post-title", classes="hidden")
                yield PagedText(id="post-text")
                yield Static(id="post-media", classes="hidden")
                yield Static(id="post-counts")
            yield CommentThread(me=self._my_id(), id="post-thread")
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#post-header", Static).update(Text("Loading the post…"))
        self.query_one(PostBody).focus()
        self.load()

    # Loading

    @work(exclusive=True, group="post-load", exit_on_error=False)
    async def load(self) -> None:
        """Read the post, then its comments (from the cache when offline)."""
        session = session_of(self)
        try:
            fetched = await session.post(self.post_id)
        except ApiError as exc:
            self._failed(exc, "loading the post")
            return
        self.post = fetched.value
        self.cached_at = freshness(fetched)
        self._show_error(None)
        self._render_post()
        await self._load_comments()
        # Learn the Space names once per session if the app has not yet; a
        # Space missing after that is one the user cannot list, left unnamed.
        if self.post.space_id and not session.space_names:
            try:
                await session.load_space_names()
            except ApiError:
                return  # The header shows no Space name: nothing is lost.
            self._render_header()

    async def _load_comments(self) -> None:
        async def every_comment(client: ApiClient) -> tuple[Comment, ...]:
            found = posts_api.iter_comments(client, self.post_id, limit=COMMENT_LIMIT)
            return tuple([comment async for comment in found])

        try:
            fetched = await session_of(self).read(
                f"comments:{self.post_id}", every_comment, codecs.models(Comment)
            )
        except ApiError as exc:
            self._thread_title(Text(f"Comments: {error_line(exc)}"))
            return
        self.query_one(CommentThread).set_comments(fetched.value)
        self.cached_at = self.cached_at or freshness(fetched)
        self._render_header()

    def _failed(self, error: ApiError, doing: str) -> None:
        """A read failed: say so in place; a missing post is not the app's error."""
        self._show_error(error)
        if self.post is None:
            self.query_one("#post-header", Static).update(Text("Post unavailable"))
            self._thread_title(Text("Comments: not loaded"))
        if not isinstance(error, NotFoundError):
            nav(self).report_error(error, doing)

    def _show_error(self, error: BaseException | None) -> None:
        line = self.query_one("#post-error", Static)
        line.update(Text(error_line(error) if error else ""))
        line.set_class(error is None, "hidden")

    # Rendering

    def _render_post(self) -> None:
        post = self.post
        if post is None:
            return
        self._render_header()
        title = self.query_one("#post-title", Static)
        title.update(plain_line(post.title))
        title.set_class(not post.title, "hidden")
        text = plain(post.content)
        if post.removed:
            text = Text("[removed by the moderators] ", style="italic").append_text(
                text
            )
        self.query_one(PagedText).show(text)
        self.refresh_bindings()
        media = self.query_one("#post-media", Static)
        media.update(self._media_text(post))
        media.set_class(not post.media, "hidden")
        self._render_counts()

    def _render_header(self) -> None:
        post = self.post
        if post is None:
            return
        author = post.author
        header = Text.assemble(
            plain_line(author.display_name or author.username, "bold"),
            " @",
            plain_line(author.username),
        )
        space = session_of(self).space_names.get(post.space_id or "")
        if space:
            header.append(" in ").append_text(plain_line(space, "italic"))
        header.append(f" · {age(post.created_at.timestamp(), time.time())}")
        if post.updated_at is not None:
            header.append(" · edited")
        if post.visibility != "public":
            header.append(f" · {clean_line(post.visibility)}")
        if self.cached_at:
            header.append(f"\n{self.cached_at}", style="bold reverse")
        self.query_one("#post-header", Static).update(header)

    @staticmethod
    def _media_text(post: Post) -> Text:
        text = Text()
        for item in post.media:
            text.append(f"▪ {clean_line(item.type, max_chars=20)}: ")
            text.append_text(plain_line(item.alt_text or "(no description)", "italic"))
            text.append(" — ").append_text(plain_line(item.url, "underline"))
            text.append("\n")
        text.rstrip()
        return text

    def _render_counts(self) -> None:
        post = self.post
        if post is None:
            return
        liked = "♥ liked" if post.liked else "♡ not liked"
        counts = Text(
            f"{post.stats.likes} likes · {post.stats.comments} comments · {liked}"
        )
        self.query_one("#post-counts", Static).update(counts)

    def _thread_title(self, text: Text | None = None) -> None:
        self.query_one(CommentThread).show_title(text)

    def _focused_comment(self) -> Comment | None:
        """The comment "this" means: the tree's cursor, when the tree has focus."""
        tree = self.query_one(CommentTree)
        return tree.comment if self.focused is tree else None

    def _my_id(self) -> str | None:
        me = session_of(self).me
        return None if me is None else me.id

    def _say(self, message: str, severity: SeverityLevel = "warning") -> None:
        self.notify(message, severity=severity, markup=False)

    async def _call(
        self, doing: str, fetch: Callable[[ApiClient], Awaitable[T]]
    ) -> T | None:
        """One write through the session; a failure is told, and None returned."""
        try:
            return await session_of(self).call(fetch)
        except UnsupportedError as exc:
            self._say(clean_line(exc.message))
        except ApiError as exc:
            nav(self).report_error(exc, doing)
        return None

    # Actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "turn_page":
            body = self.query_one(PagedText)
            if not body.paged:
                return False
            last = len(body.pages) - 1
            return None if body.page == (last if parameters == (1,) else 0) else True
        return True

    def action_back(self) -> None:
        self.dismiss()

    def action_turn_page(self, step: int) -> None:
        body = self.query_one(PagedText)
        if body.next_page() if step > 0 else body.previous_page():
            self.query_one(PostBody).scroll_home(animate=False)
            self.refresh_bindings()

    def action_focus_thread(self) -> None:
        self.query_one(CommentTree).focus()

    def action_reload(self) -> None:
        self.load()

    def action_like(self) -> None:
        if self.post is None or self._liking:
            return
        self._liking = True
        before = self.post
        liked = not before.liked
        stats = before.stats.model_copy(
            update={"likes": max(0, before.stats.likes + (1 if liked else -1))}
        )
        self.post = before.model_copy(update={"liked": liked, "stats": stats})
        self._render_counts()
        self._send_like(before, liked)

    @work(group="post-like", exit_on_error=False)
    async def _send_like(self, before: Post, liked: bool) -> None:
        session = session_of(self)
        try:
            outcome = await session.send(
                "like" if liked else "unlike",
                {"post_id": self.post_id},
                summary=f"{'like' if liked else 'unlike'} a post by @{before.author.username}",
            )
        except StoreError as exc:
            outcome = None
            self._say(str(exc))
            self.post = before
        finally:
            self._liking = False
        if self.post is None:
            return
        if outcome is None:
            self._say("Kept in the outbox: it is sent when the server is back")
        elif outcome.state == "refused":
            self.post = self.post.model_copy(
                update={"liked": before.liked, "stats": before.stats}
            )
            nav(self).report_error(WriteRefused(outcome.reason), "liking the post")
        elif (
            isinstance(outcome.result, dict) and outcome.result.get("likes") is not None
        ):
            stats = self.post.stats.model_copy(
                update={"likes": outcome.result["likes"]}
            )
            self.post = self.post.model_copy(
                update={"liked": bool(outcome.result.get("liked")), "stats": stats}
            )
        self._render_counts()

    def action_reply(self) -> None:
        if self.post is not None:
            self._reply(self._focused_comment())

    @work(group="post-action", exit_on_error=False)
    async def _reply(self, parent: Comment | None) -> None:
        if parent is None:
            title = Text("Comment on the post by @", style="bold").append_text(
                plain_line(self.post.author.username if self.post else "")
            )
        else:
            title = Text("Reply to @", style="bold").append_text(
                plain_line(parent.author.username)
            )
        kind = "comment" if parent is None else "reply"
        target = {
            "post_id": self.post_id,
            "parent_id": None if parent is None else parent.id,
        }
        outcome = await write_and_wait(
            self, kind, target, title, doing="sending the reply"
        )
        if outcome is None:
            return
        try:
            comment = Comment.model_validate(outcome.result)
        except ValueError:
            self.load()
            return
        self.query_one(CommentThread).add_comment(comment)
        self._bump_comments(+1)

    def _bump_comments(self, change: int) -> None:
        if self.post is not None:
            count = max(0, self.post.stats.comments + change)
            stats = self.post.stats.model_copy(update={"comments": count})
            self.post = self.post.model_copy(update={"stats": stats})
            self._render_counts()

    def action_edit(self) -> None:
        if self.post is None:
            return
        if self.post.author.id != self._my_id():
            self._say("Only the author can edit this post")
            return
        self._edit(self.post)

    @work(group="post-action", exit_on_error=False)
    async def _edit(self, post: Post) -> None:
        """The edit is written in the compose screen, kept in the journal
        while typed, and sent through the outbox like any other write. A new
        one starts from the cleaned text: raw control characters must not
        reach the terminal, even from one's own post."""
        outcome = await write_and_wait(
            self,
            "edit",
            {"post_id": post.id},
            Text("Edit your post", style="bold"),
            doing="editing the post",
            body=clean(post.content),
        )
        if outcome is not None:
            self._say("Post updated", "information")
            self.load()

    def action_delete(self, ask: bool) -> None:
        if self.post is None:
            return
        comment = self._focused_comment()
        target = self.post if comment is None else comment
        if comment is not None and (comment.deleted or comment.removed):
            self._say("This comment is already gone")
        elif target.author.id != self._my_id():
            what = "post" if comment is None else "comment"
            self._say(f"Only the author can delete this {what}")
        else:
            self._delete(comment, ask)

    @work(group="post-action", exit_on_error=False)
    async def _delete(self, comment: Comment | None, ask: bool) -> None:
        what = "this post" if comment is None else "this comment"
        if ask and not await self.app.push_screen_wait(
            Confirm(f"Delete {what}? It cannot be undone.", yes="Delete")
        ):
            return
        if comment is None:
            done = await self._call(
                "deleting the post",
                lambda client: _done(posts_api.delete_post(client, self.post_id)),
            )
            if done:
                self._say("Post deleted", "information")
                self.dismiss()
            return
        done = await self._call(
            "deleting the comment",
            lambda client: _done(posts_api.delete_comment(client, comment.id)),
        )
        if done:
            gone = comment.model_copy(update={"deleted": True, "content": ""})
            self.query_one(CommentTree).replace_comment(gone)
            self._bump_comments(-1)

    def action_report(self) -> None:
        if self.post is None:
            return
        if not session_of(self).supports("moderation"):
            self._say("this server does not support moderation (reports)")
            return
        comment = self._focused_comment()
        if comment is not None and (comment.deleted or comment.removed):
            self._say("This comment is already gone")
            return
        self._report(comment)

    @work(group="post-action", exit_on_error=False)
    async def _report(self, comment: Comment | None) -> None:
        if comment is None:
            author = self.post.author.username if self.post else ""
            what = Text("the post by @").append_text(plain_line(author))
        else:
            what = Text("the comment by @").append_text(
                plain_line(comment.author.username)
            )
        answer = await self.app.push_screen_wait(ReportDialog(what))
        if answer is None:
            return
        reason, note = answer
        target_type, target_id = (
            ("post", self.post_id)
            if comment is None
            else (
                "comment",
                comment.id,
            )
        )
        try:
            outcome = await session_of(self).send(
                "report",
                {
                    "target_type": target_type,
                    "target_id": target_id,
                    "reason": reason,
                    "note": note,
                },
                summary=f"report a {target_type} ({reason})",
            )
        except StoreError as exc:
            self._say(str(exc))
            return
        if outcome is None:
            self._say("Report kept in the outbox: it is sent when the server is back")
        elif outcome.state == "sent":
            self._say("Reported: the moderators of the Space will look", "information")
        else:
            nav(self).report_error(WriteRefused(outcome.reason), "reporting")

    def action_copy_link(self) -> None:
        url = post_link(session_of(self).base_url, self.post_id)
        self.app.copy_to_clipboard(url)
        self._say(f"Copied {url}", "information")

    def action_open_link(self) -> None:
        links = find_links(self.post.content) if self.post else []
        if not links:
            self._say("No web links in this post")
            return
        self._open_link(links)

    @work(group="post-action", exit_on_error=False)
    async def _open_link(self, links: list[str]) -> None:
        url = await self.app.push_screen_wait(
            LinkPicker([(link, link_prompt(link)) for link in links])
        )
        if url is None:
            return
        question = Text("Open a page on ")
        question.append(clean_line(display_host(url)), style="bold")
        question.append(" in your browser?\n").append(clean_line(url, max_chars=2_000))
        if await self.app.push_screen_wait(Confirm(question, yes="Open")):
            self.app.open_url(url)

    def action_author(self) -> None:
        comment = self._focused_comment()
        if comment is not None:
            if comment.deleted or comment.removed:
                self._say("This comment is gone; its author is not shown")
            else:
                nav(self).open_user(comment.author.id)
        elif self.post is not None:
            nav(self).open_user(self.post.author.id)


async def _done(request: Awaitable[Any]) -> bool:
    """Await a request that answers nothing, and say it went through."""
    await request
    return True
