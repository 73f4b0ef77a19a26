"""The Feed section: all posts, the people I follow, or one Space.

Pages load in the background before the reader reaches the end; the place
in each feed is kept across restarts; new posts are announced ("3 new")
instead of pushing down what is being read. At wide sizes a side pane
previews the highlighted post.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from ratel_tui.screens.base import error_line, nav, session_of
from ratel_tui.widgets.feed_list import FeedList
from ratel_tui.widgets.safe_text import plain, plain_line

if TYPE_CHECKING:
    from ratel_tui.services.session import Feed
    from ratel_tui.store.feed import FeedItem

NEW_POSTS_EVERY = 60.0
"""Seconds between checks for new posts at the top of the feed."""

SAVE_POSITION_AFTER = 1.0
"""Seconds the cursor rests before its place is written to the cache."""


class FeedSection(Widget):
    """The feed: a header, the virtual list, and a preview pane when wide."""

    SECTION_ID = "feed"
    SECTION_TITLE = "Feed"

    DEFAULT_CSS = """
    FeedSection { layout: vertical; }
    FeedSection #feed-body { height: 1fr; }
    FeedSection FeedList { width: 1fr; }
    FeedSection #feed-preview {
        width: 2fr; max-width: 90; border-left: vkey $panel; padding: 0 1;
    }
    FeedSection #feed-new { display: none; background: $boost; text-style: bold; padding: 0 1; }
    FeedSection #feed-new.-shown { display: block; }
    """

    BINDINGS = [
        Binding("a", "show_feed('all')", "All posts", id="feed.all"),
        Binding("f", "show_feed('following')", "Following", id="feed.following"),
        Binding("s", "pick_space", "One Space", id="feed.space"),
        Binding("n", "show_new", "Show new posts", id="feed.new"),
        Binding("R", "reload", "Reload", id="feed.reload"),
        Binding("plus", "like", "Like / unlike", id="feed.like"),
        Binding("u", "author", "Author's profile", id="feed.author"),
        Binding("slash", "filter", "Filter", id="feed.filter"),
    ]

    def __init__(self) -> None:
        super().__init__(id="section-feed")
        self._feed: Feed | None = None
        self._next: str | int | None = None
        self._loading_more = False
        self._fresh: list[FeedItem] = []
        self._save_timer: Timer | None = None
        self._preview_timer: Timer | None = None
        self._shown_once = False

    def compose(self) -> ComposeResult:
        yield Static(Text("Feed"), id="feed-header", classes="section-header")
        yield Static(Text(""), id="feed-new")
        with Horizontal(id="feed-body"):
            feed_list = FeedList(id="feed-list")
            feed_list.empty_text = "Loading…"
            yield feed_list
            with VerticalScroll(id="feed-preview", classes="side-pane"):
                yield Static(Text(""), id="feed-preview-text")

    def on_shown(self) -> None:
        """Called by the frame each time the section is switched to."""
        feed_list = self.query_one(FeedList)
        feed_list.focus()
        if not self._shown_once:
            self._shown_once = True
            from ratel_tui.services.session import Feed

            self.load(Feed())
            self.set_interval(NEW_POSTS_EVERY, self._check_new)

    def on_resize(self) -> None:
        self.query_one("#feed-preview").display = self.size.width >= 140

    # Loading

    def load(self, feed: Feed) -> None:
        """Show `feed` from its first page, at the place the reader left it."""
        self._feed = feed
        self._next = None
        self._fresh = []
        self._set_new_banner()
        self._load_first(feed)

    @work(exclusive=True, group="feed-first")
    async def _load_first(self, feed: Feed) -> None:
        session = session_of(self)
        feed_list = self.query_one(FeedList)
        feed_list.space_names = session.space_names
        self._header(feed, "loading…")
        try:
            page = await session.feed_page(feed)
        except Exception as exc:  # noqa: BLE001 - shown, never raised to the user
            feed_list.set_items([])
            feed_list.empty_text = error_line(exc)
            feed_list.refresh()
            self._header(feed, "")
            return
        feed_list.empty_text = "No posts here yet."
        note = ""
        if page.cached:
            import time

            from ratel_tui.widgets.age import age

            note = f"offline: saved {age(page.fetched_at, time.time())} ago"
        # The posts and what they are (fresh or saved) appear in one frame.
        feed_list.set_items(page.items)
        self._header(feed, note)
        self._next = page.next
        where = await asyncio.to_thread(session.cache.position, feed.key)
        if where is not None:
            feed_list.select_id(where)
        if not session.space_names:
            feed_list.space_names = await session.load_space_names()
            feed_list.refresh()

    def _header(self, feed: Feed, note: str) -> None:
        session = session_of(self)
        if feed.kind == "space":
            name = session.space_names.get(feed.space_id or "", "a Space")
            title = plain_line(f"Feed · {name}")
        elif feed.kind == "following":
            title = Text("Feed · people I follow")
        else:
            title = Text("Feed · all posts")
        title.append("   a all · f following · s Space", style="dim")
        if note:
            title.append(f"   {note}", style="bold")
        self.query_one("#feed-header", Static).update(title)

    @on(FeedList.NearEnd)
    def _near_end(self) -> None:
        if self._next is not None and not self._loading_more and self._feed is not None:
            self._loading_more = True
            self._load_more(self._feed, self._next)

    @work(group="feed-more")
    async def _load_more(self, feed: Feed, token: str | int) -> None:
        try:
            page = await session_of(self).feed_page(feed, token)
        except Exception as exc:  # noqa: BLE001 - a toast; paging resumes at the next NearEnd
            nav(self).report_error(exc, "loading more posts")
            return
        finally:
            self._loading_more = False
        if feed is self._feed:
            self.query_one(FeedList).append(page.items)
            self._next = page.next

    async def _check_new(self) -> None:
        self.check_new()

    def check_new(self) -> None:
        """Look for posts newer than the top one now (one of mine was sent, say)."""
        if self._feed is not None:
            self._poll_new(self._feed)

    @work(exclusive=True, group="feed-new")
    async def _poll_new(self, feed: Feed) -> None:
        feed_list = self.query_one(FeedList)
        try:
            page = await session_of(self).feed_page(feed)
        except Exception:  # noqa: BLE001 - offline: the status bar says so
            return
        if page.cached or feed is not self._feed:
            return
        known = {item.id for item in feed_list.items} | {
            item.id for item in self._fresh
        }
        newest = feed_list.items[0].created if feed_list.items else 0.0
        arrived = [
            item
            for item in page.items
            if item.id not in known and item.created >= newest
        ]
        if arrived:
            self._fresh = arrived + self._fresh
            self._set_new_banner()

    def _set_new_banner(self) -> None:
        banner = self.query_one("#feed-new", Static)
        count = len(self._fresh)
        banner.set_class(count > 0, "-shown")
        if count:
            banner.update(
                Text(f"{count} new post{'s' if count > 1 else ''} · n to show")
            )

    def action_show_new(self) -> None:
        if self._fresh:
            self.query_one(FeedList).prepend(self._fresh)
            self._fresh = []
            self._set_new_banner()

    def action_reload(self) -> None:
        if self._feed is not None:
            self.load(self._feed)

    def action_show_feed(self, kind: str) -> None:
        from ratel_tui.services.session import Feed

        session = session_of(self)
        if kind == "following" and not session.supports("follows"):
            self.notify(
                "This server does not support a feed of people you follow.",
                markup=False,
            )
            return
        self.load(Feed(kind))

    def action_pick_space(self) -> None:
        from ratel_tui.screens.space_picker import SpacePicker
        from ratel_tui.services.session import Feed

        def chosen(space_id: str | None) -> None:
            if space_id:
                self.load(Feed("space", space_id))

        self.app.push_screen(SpacePicker(session_of(self).space_names), chosen)

    def action_filter(self) -> None:
        from ratel_tui.screens.filter_prompt import FilterPrompt

        feed_list = self.query_one(FeedList)

        def chosen(text: str | None) -> None:
            if text is not None:
                feed_list.filter(text)

        self.app.push_screen(FilterPrompt(feed_list.filter_text), chosen)

    # The highlighted post

    @on(FeedList.Opened)
    def _opened(self, event: FeedList.Opened) -> None:
        nav(self).open_post(event.item.id)

    @on(FeedList.Highlighted)
    def _highlighted(self, event: FeedList.Highlighted) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_POSITION_AFTER, self._save_position)
        if self.query_one("#feed-preview").display:
            if self._preview_timer is not None:
                self._preview_timer.stop()
            item = event.item
            self._preview_timer = self.set_timer(0.15, lambda: self._preview(item))

    async def _save_position(self) -> None:
        feed_list = self.query_one(FeedList)
        item = feed_list.highlighted_item
        if item is not None and self._feed is not None:
            await asyncio.to_thread(
                session_of(self).cache.save_position, self._feed.key, item.id
            )

    @work(exclusive=True, group="feed-preview")
    async def _preview(self, item: FeedItem) -> None:
        target = self.query_one("#feed-preview-text", Static)
        try:
            fetched = await session_of(self).post(item.id)
        except Exception as exc:  # noqa: BLE001 - shown in the pane
            target.update(Text(error_line(exc)))
            return
        post = fetched.value
        text = plain_line(post.author.display_name or post.author.username, "bold")
        text.append("\n")
        if post.title:
            text.append_text(plain_line(post.title, "bold"))
            text.append("\n")
        text.append_text(plain(post.content))
        text.append(f"\n\n♥ {post.stats.likes}  ↩ {post.stats.comments}", style="dim")
        target.update(text)

    @work(group="feed-like")
    async def action_like(self) -> None:
        from ratel_tui.api.models.posts import LikeState

        feed_list = self.query_one(FeedList)
        item = feed_list.highlighted_item
        if item is None:
            return
        liked = not item.liked
        item.liked = liked
        item.likes += 1 if liked else -1
        feed_list.update(item)
        action = "like" if liked else "unlike"
        try:
            state = await session_of(self).perform(
                action,
                {"post_id": item.id},
                summary=f"{action} a post by @{item.username}",
                model=LikeState,
            )
        except Exception as exc:  # noqa: BLE001 - undone and reported
            item.liked = not liked
            item.likes += -1 if liked else 1
            feed_list.update(item)
            nav(self).report_error(exc, "liking the post")
            return
        if state is not None and state.likes is not None:
            item.likes = state.likes
            feed_list.update(item)

    def action_author(self) -> None:
        item = self.query_one(FeedList).highlighted_item
        if item is not None:
            nav(self).open_user(item.author_id)
