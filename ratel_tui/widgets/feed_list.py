"""`FeedList`: a virtual list of posts that stays fast at 50,000 items.

The posts live in a plain Python list and the widget draws only the rows on
screen (`render_line`), from a small cache of rendered strips, so populating,
appending and scrolling cost the same at 50 posts or 50,000. Post text is
untrusted: it is drawn only as `rich.text.Text`, never parsed as markup.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar, overload

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ratel_tui.store.feed import FeedItem
from ratel_tui.widgets.age import age as age_of

ROWS = 4
"""Screen rows per post: a header, two lines of text and a blank separator."""

NEAR_END = 20
"""How many posts from the end the cursor or viewport may get before `NearEnd`."""

WIDE = 100
"""From this width on the counts carry their labels ("12 likes")."""

GUTTER = 2
"""Columns left of each post; the cursor's post shows "▌" there."""


def count_text(count: int) -> str:
    """A count in at most four characters: 999, 1.2k, 12k, 3.4M."""
    if count < 1000:
        return str(count)
    if count < 10_000:
        return f"{count / 1000:.1f}k".replace(".0k", "k")
    if count < 1_000_000:
        return f"{count // 1000}k"
    return f"{count / 1_000_000:.1f}M"


class PostsView(Sequence[FeedItem]):
    """A read-only view of a feed's list, so callers cannot bypass the widget."""

    __slots__ = ("_items",)

    def __init__(self, items: list[FeedItem]) -> None:
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> FeedItem: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[FeedItem]: ...
    def __getitem__(self, index: int | slice) -> FeedItem | Sequence[FeedItem]:
        return self._items[index]


class FeedList(ScrollView, can_focus=True, inherit_bindings=False):
    """A keyboard-first list of posts, four rows each, with a cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Next", show=False, id="feed.down"),
        Binding("k,up", "cursor_up", "Previous", show=False, id="feed.up"),
        Binding("g", "chord_top", "Top (gg)", show=False, id="feed.top_chord"),
        Binding("home", "top", "Top", show=False, id="feed.top"),
        Binding("G,end", "bottom", "Bottom", show=False, id="feed.bottom"),
        Binding("ctrl+d", "half_page_down", show=False, id="feed.half_page_down"),
        Binding("ctrl+u", "half_page_up", show=False, id="feed.half_page_up"),
        Binding("pagedown,space", "page_down", show=False, id="feed.page_down"),
        Binding("pageup", "page_up", show=False, id="feed.page_up"),
        Binding(
            "enter",
            "open",
            "Open",
            tooltip="Open the highlighted post with its comments.",
            id="feed.open",
        ),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "feed-list--cursor",
        "feed-list--gutter",
        "feed-list--author",
        "feed-list--meta",
        "feed-list--liked",
        "feed-list--title",
        "feed-list--empty",
    }

    DEFAULT_CSS = """
    FeedList {
        width: 1fr;
        height: 1fr;
        overflow-x: hidden;
        & > .feed-list--cursor { background: $block-cursor-blurred-background; }
        &:focus > .feed-list--cursor {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
        }
        & > .feed-list--gutter { color: $accent; text-style: bold; }
        & > .feed-list--author, & > .feed-list--title { text-style: bold; }
        & > .feed-list--meta, & > .feed-list--empty { color: $text-muted; }
        & > .feed-list--liked { color: $text-error; text-style: bold; }
    }
    """

    GG_CHORD: ClassVar[bool] = True
    """Whether `g` `g` goes to the top; turn off when the app uses `g` as a prefix."""

    cursor: reactive[int] = reactive(0, repaint=False, init=False)
    """Index of the highlighted post among those shown."""

    empty_text: reactive[str] = reactive("No posts yet.")
    """The one line shown, centered, when there are no posts (plain text)."""

    class Highlighted(Message):
        """The cursor moved to another post, or the post under it changed."""

        def __init__(self, item: FeedItem, index: int) -> None:
            super().__init__()
            self.item = item
            self.index = index
            self.feed_list: FeedList | None = None

        @property
        def control(self) -> FeedList | None:
            return self.feed_list

        def can_replace(self, message: Message) -> bool:
            return (
                isinstance(message, FeedList.Highlighted)
                and message.feed_list is self.feed_list
            )

    class Opened(Message):
        """The reader asked to open a post (enter, or a click on the highlighted one)."""

        def __init__(self, item: FeedItem) -> None:
            super().__init__()
            self.item = item
            self.feed_list: FeedList | None = None

        @property
        def control(self) -> FeedList | None:
            return self.feed_list

    class NearEnd(Message):
        """The reader is within `NEAR_END` posts of the end: time to fetch a page.

        Posted once per length of the feed, so it is not repeated until a page
        (or any other change of length) arrives.
        """

        def __init__(self) -> None:
            super().__init__()
            self.feed_list: FeedList | None = None

        @property
        def control(self) -> FeedList | None:
            return self.feed_list

    def __init__(
        self,
        items: Iterable[FeedItem] = (),
        *,
        page_flip: bool = False,
        clock: Callable[[], float] = time.time,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.page_flip = page_flip
        """Scroll by whole pages when the cursor leaves the screen (for slow links)."""
        self.clock = clock
        """Where "now" comes from for the ages; tests freeze it."""
        self._space_names: dict[str, str] = {}
        self._all: list[FeedItem] = []
        self._ids: set[str] = set()
        self._shown = self._all
        self._filter = ""
        self._strips: LRUCache[tuple[Any, ...], list[Strip]] = LRUCache(256)
        self._near_end_length = -1
        self._chord_key: str | None = None
        self._last_key: str | None = None
        self._click_opened = False
        self._now = 0.0
        if items:
            self.set_items(items)

    # ---- the data ---------------------------------------------------------

    @property
    def items(self) -> Sequence[FeedItem]:
        """Every post in the feed, filtered or not, in order."""
        return PostsView(self._all)

    @property
    def shown(self) -> Sequence[FeedItem]:
        """The posts on the list: all of them, or those matching the filter."""
        return PostsView(self._shown)

    @property
    def highlighted_item(self) -> FeedItem | None:
        """The post under the cursor, if there are any."""
        return self._shown[self.cursor] if self._shown else None

    @property
    def filter_text(self) -> str:
        """The current filter, case-folded; empty when none."""
        return self._filter

    @property
    def space_names(self) -> dict[str, str]:
        """Space names by id, for the headers; a Space without a name is omitted."""
        return self._space_names

    @space_names.setter
    def space_names(self, names: dict[str, str]) -> None:
        self._space_names = names
        self._strips.clear()
        self.refresh()

    def set_items(self, items: Iterable[FeedItem]) -> None:
        """Replace the feed; the cursor goes to the first post."""
        self._ids = set()
        self._all = self._unseen(items)
        self._shown = self._matching(self._all) if self._filter else self._all
        self._strips.clear()
        self._near_end_length = -1
        self.set_reactive(FeedList.cursor, 0)
        self._scroll_to_row(0)
        self._changed(highlight=True)
        # Posts live as long as the feed; keeping them out of the collector's
        # reach avoids full collections of 200-400 ms at 50,000 posts.
        gc.freeze()

    def append(self, items: Iterable[FeedItem]) -> None:
        """Add a page at the end, skipping posts already in the feed."""
        fresh = self._unseen(items)
        if not fresh:
            return
        was_empty = not self._shown
        self._all.extend(fresh)
        if self._shown is not self._all:
            self._shown.extend(self._matching(fresh))
        self._changed(highlight=was_empty)
        gc.freeze()

    def prepend(self, items: Iterable[FeedItem]) -> None:
        """Add newer posts at the top without moving what the reader sees.

        The cursor and the scroll offset shift by the rows added, so the same
        post stays highlighted on the same screen row.
        """
        fresh = self._unseen(items)
        if not fresh:
            return
        self._all[:0] = fresh
        added = len(fresh)
        if self._shown is not self._all:
            matches = self._matching(fresh)
            self._shown[:0] = matches
            added = len(matches)
        if added and len(self._shown) > added:
            self._update_virtual_size()
            self._scroll_to_row(self.scroll_offset.y + added * ROWS)
            self.set_reactive(FeedList.cursor, self.cursor + added)
        self._changed(highlight=bool(added))
        gc.freeze()

    def remove_post(self, post_id: str) -> FeedItem | None:
        """Take a post out of the feed. The cursor keeps its post, or its index
        when the highlighted post is the one removed. (Not `remove`: that name
        is `Widget.remove`, which unmounts the widget.)"""
        position = self._position(self._all, post_id)
        if position is None:
            return None
        item = self._all.pop(position)
        self._ids.discard(post_id)
        index: int | None = position
        if self._shown is not self._all:
            index = self._position(self._shown, post_id)
            if index is not None:
                self._shown.pop(index)

        cursor = self.cursor
        if index is not None and index < cursor:
            # Follow the highlighted post; if the removed one was above the
            # screen, scroll with it so nothing on screen moves.
            if index * ROWS < self.scroll_offset.y:
                self._scroll_to_row(self.scroll_offset.y - ROWS)
            self.set_reactive(FeedList.cursor, cursor - 1)
        elif index == cursor:
            self.set_reactive(
                FeedList.cursor, max(0, min(cursor, len(self._shown) - 1))
            )
        self._changed(highlight=index is not None and index <= cursor)
        return item

    def update(self, item: FeedItem) -> bool:
        """Redraw a post with new contents (a like, an edit); False if absent."""
        index = self._position(self._all, item.id)
        if index is None:
            return False
        self._all[index] = item
        if self._shown is not self._all:
            shown_index = self._position(self._shown, item.id)
            if shown_index is not None:
                self._shown[shown_index] = item
        self._strips.clear()
        self.refresh()
        return True

    def index_of(self, post_id: str) -> int | None:
        """Where a post is among those shown, or None."""
        return self._position(self._shown, post_id)

    def select_id(self, post_id: str) -> bool:
        """Put the cursor on a post, e.g. to restore a reader's place."""
        index = self.index_of(post_id)
        if index is None:
            return False
        self.cursor = index
        return True

    def filter(self, text: str) -> None:
        """Show only posts whose author, username, title or text contain `text`,
        ignoring case; an empty `text` shows every post again. The cursor stays
        on the same post, on the same screen row, when that post is shown."""
        needle = text.strip().casefold()
        if needle == self._filter:
            return
        current = self.highlighted_item
        row = self.cursor * ROWS - self.scroll_offset.y
        if not needle:
            self._shown = self._all
        elif self._filter and self._filter in needle:
            self._shown = self._matching(self._shown, needle)  # narrowing
        else:
            self._shown = self._matching(self._all, needle)
        self._filter = needle

        index = next((i for i, it in enumerate(self._shown) if it is current), 0)
        self._update_virtual_size()
        self.set_reactive(FeedList.cursor, index)
        self._scroll_to_row(index * ROWS - row)
        self._changed(highlight=True)

    def _unseen(self, items: Iterable[FeedItem]) -> list[FeedItem]:
        """The posts not in the feed yet, each once; their ids become seen."""
        ids = self._ids
        fresh = []
        for item in items:
            if item.id not in ids:
                ids.add(item.id)
                fresh.append(item)
        return fresh

    def _matching(
        self, items: Iterable[FeedItem], needle: str | None = None
    ) -> list[FeedItem]:
        needle = self._filter if needle is None else needle
        return [
            item
            for item in items
            if needle in item.author.casefold()
            or needle in item.username.casefold()
            or needle in item.title.casefold()
            or needle in item.excerpt.casefold()
        ]

    @staticmethod
    def _position(items: list[FeedItem], post_id: str) -> int | None:
        return next((i for i, item in enumerate(items) if item.id == post_id), None)

    def _changed(self, *, highlight: bool) -> None:
        """After the list changed: resize, redraw, keep the cursor in view."""
        self._update_virtual_size()
        self.refresh()
        if not self.is_mounted:
            return
        self._reveal(self.cursor)
        if highlight:
            self._post_highlighted()
        self._check_near_end()

    def _update_virtual_size(self) -> None:
        width = self.scrollable_content_region.width
        self.virtual_size = Size(width, len(self._shown) * ROWS)

    # ---- messages ---------------------------------------------------------

    def _post(self, message: Highlighted | Opened | NearEnd) -> None:
        message.feed_list = self
        self.post_message(message)

    def _post_highlighted(self) -> None:
        item = self.highlighted_item
        if item is not None:
            self._post(self.Highlighted(item, self.cursor))

    def _check_near_end(self) -> None:
        """Post `NearEnd` once per length when the end is close."""
        total = len(self._all)
        if not self._shown or total == self._near_end_length:
            return
        bottom = (self.scroll_offset.y + self.scrollable_content_region.height) // ROWS
        if len(self._shown) - 1 - max(self.cursor, bottom) <= NEAR_END:
            self._near_end_length = total
            self._post(self.NearEnd())

    # ---- the cursor and scrolling -----------------------------------------

    def validate_cursor(self, cursor: int) -> int:
        return max(0, min(cursor, len(self._shown) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        self._refresh_post(old)
        self._refresh_post(new)
        self._reveal(new)
        self._post_highlighted()
        self._check_near_end()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._check_near_end()

    def _refresh_post(self, index: int) -> None:
        self.refresh_lines(index * ROWS, ROWS)

    def _page(self) -> int:
        """How many whole posts fit on screen (at least one)."""
        return max(1, self.scrollable_content_region.height // ROWS)

    def _reveal(self, index: int) -> None:
        """Scroll as little as needed to show a post whole, or by whole pages
        with `page_flip`."""
        height = self.scrollable_content_region.height
        top = index * ROWS
        y = self.scroll_offset.y
        if top < y:
            target = top + ROWS - height if self.page_flip else top
        elif top + ROWS > y + height:
            target = top if self.page_flip else top + ROWS - height
        else:
            return
        self._scroll_to_row(max(0, target))

    def _scroll_to_row(self, y: int) -> None:
        # Forced: right after the list grows, Textual has not yet noticed it
        # needs a scrollbar and would refuse to scroll.
        if self.is_mounted:
            self.scroll_to(y=y, animate=False, force=True)

    def _step(self, delta: int) -> None:
        """Move by one post; from off screen (after the wheel), start on screen."""
        y = self.scroll_offset.y
        first = -(-y // ROWS)
        last = (y + self.scrollable_content_region.height) // ROWS - 1
        if first <= last and not first <= self.cursor <= last:
            self.cursor = first if delta > 0 else last
        else:
            self.cursor += delta

    def _jump(self, delta: int) -> None:
        """Move by many posts, scrolling by as many so the cursor keeps its row."""
        target = self.validate_cursor(self.cursor + delta)
        if target == self.cursor:
            return
        self._scroll_to_row(self.scroll_offset.y + (target - self.cursor) * ROWS)
        self.cursor = target

    def action_cursor_down(self) -> None:
        """Highlight the next post."""
        self._step(1)

    def action_cursor_up(self) -> None:
        """Highlight the previous post."""
        self._step(-1)

    def action_top(self) -> None:
        """Highlight the first post."""
        self.cursor = 0

    def action_bottom(self) -> None:
        """Highlight the last post."""
        self.cursor = len(self._shown) - 1

    def action_chord_top(self) -> None:
        """The first `g` arms the chord, the second goes to the top."""
        if self._chord_key is None:
            self._chord_key = self._last_key
        else:
            self._chord_key = None
            self.action_top()

    def action_half_page_down(self) -> None:
        """Move and scroll half a screen down."""
        self._jump(max(1, self._page() // 2))

    def action_half_page_up(self) -> None:
        """Move and scroll half a screen up."""
        self._jump(-max(1, self._page() // 2))

    def action_page_down(self) -> None:
        """Move and scroll a screen down."""
        self._jump(self._page())

    def action_page_up(self) -> None:
        """Move and scroll a screen up."""
        self._jump(-self._page())

    def action_open(self) -> None:
        """Open the highlighted post."""
        item = self.highlighted_item
        if item is not None:
            self._post(self.Opened(item))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool:
        # Without the chord, `g` falls through to the app's own bindings.
        return self.GG_CHORD or action != "chord_top"

    def on_key(self, event: events.Key) -> None:
        # Any other key between the two `g`s cancels the chord. Keys reach
        # the focused widget before the bindings run.
        if event.key != self._chord_key:
            self._chord_key = None
        self._last_key = event.key

    def on_click(self, event: events.Click) -> None:
        """A click highlights a post; a second click or a double click opens it."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (offset.y + self.scroll_offset.y) // ROWS
        if index >= len(self._shown):
            return
        if event.chain == 1:
            self._click_opened = index == self.cursor
            self.cursor = index
            if self._click_opened:
                self.action_open()
        elif event.chain == 2 and not self._click_opened:
            self.action_open()

    def on_resize(self) -> None:
        self._update_virtual_size()
        self._reveal(self.cursor)
        self._check_near_end()

    def on_mount(self) -> None:
        self._update_virtual_size()
        self._post_highlighted()
        self._check_near_end()

    def on_focus(self) -> None:
        self._refresh_post(self.cursor)

    def on_blur(self) -> None:
        self._refresh_post(self.cursor)

    def notify_style_update(self) -> None:
        self._strips.clear()
        super().notify_style_update()

    # ---- drawing ------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # One "now" per frame, so every age on screen agrees.
        self._now = self.clock()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if not self._shown:
            return self._empty_line(y, width)
        index, row = divmod(self.scroll_offset.y + y, ROWS)
        if index >= len(self._shown):
            return Strip.blank(width, self.rich_style)
        return self._post_strips(index, width)[row]

    def _post_strips(self, index: int, width: int) -> list[Strip]:
        # Keyed by post id, not index, so prepending or filtering reuses the
        # cached rows; `update` and theme changes clear the cache.
        item = self._shown[index]
        selected = index == self.cursor
        age = age_of(item.created, self._now, brief=True)
        key = (item.id, width, selected, selected and self.has_focus, age)
        strips = self._strips.get(key)
        if strips is None:
            strips = self._render_post(item, width, selected, age)
            self._strips[key] = strips
        return strips

    def _style(self, selected: bool, part: str | None = None) -> Style:
        names = ("feed-list--cursor",) if selected else ()
        if part is not None:
            names += (part,)
        return self.get_visual_style(*names).rich_style

    def _render_post(
        self, item: FeedItem, width: int, selected: bool, age: str
    ) -> list[Strip]:
        base = self._style(selected)
        inner = max(1, width - GUTTER - 1)
        gutter = Text(
            "▌ " if selected else "  ", self._style(selected, "feed-list--gutter")
        )
        rows = [
            self._header(item, inner, age, selected),
            *self._body(item, inner, selected),
        ]
        strips = []
        for row in rows:
            line = Text.assemble(gutter, row, style=base)
            line.truncate(width, pad=True)
            strips.append(Strip(line.render(self.app.console), width))
        strips.append(Strip.blank(width, self.rich_style))
        return strips

    def _header(self, item: FeedItem, inner: int, age: str, selected: bool) -> Text:
        """`author  @username · Space · 3h` on the left, the counts on the right."""
        meta = self._style(selected, "feed-list--meta")
        labels = inner + GUTTER + 1 >= WIDE
        right = Text()
        if item.liked:
            right.append("♥", self._style(selected, "feed-list--liked"))
        else:
            right.append("♡", meta)
        right.append(f" {count_text(item.likes)}", meta)
        if labels:
            right.append(" like" if item.likes == 1 else " likes", meta)
        right.append(f"  ↩ {count_text(item.comments)}", meta)
        if labels:
            right.append(" comment" if item.comments == 1 else " comments", meta)
        room = inner - right.cell_len - 2
        if room < 16:
            right, room = Text(), inner

        left = Text()
        left.append(item.author, self._style(selected, "feed-list--author"))
        left.append(f"  @{item.username}", meta)
        space = self._space_names.get(item.space_id) if item.space_id else None
        if space:
            left.append(f" · {space}", meta)
        tail = Text(f" · {age}", meta)
        left.truncate(max(1, room - tail.cell_len), overflow="ellipsis")
        left.append_text(tail)
        left.truncate(room, overflow="ellipsis", pad=True)
        return Text.assemble(left, " " * (inner - room - right.cell_len), right)

    def _body(self, item: FeedItem, inner: int, selected: bool) -> list[Text]:
        """Two lines: the title then the text, or the text wrapped on both."""
        if item.title:
            title = Text(item.title, self._style(selected, "feed-list--title"))
            title.truncate(inner, overflow="ellipsis")
            excerpt = Text(item.excerpt)
            excerpt.truncate(inner, overflow="ellipsis")
            return [title, excerpt]

        lines = Text(item.excerpt).wrap(self.app.console, inner, overflow="fold")
        if len(lines) <= 2:
            return [*lines, Text(), Text()][:2]
        first = lines[0]
        second = Text(item.excerpt[len(first.plain) :].lstrip())
        second.truncate(inner, overflow="ellipsis")
        return [first, second]

    def _empty_line(self, y: int, width: int) -> Strip:
        if y != self.scrollable_content_region.height // 2:
            return Strip.blank(width, self.rich_style)
        message = (
            f"No post matches “{self._filter}”." if self._filter else self.empty_text
        )
        text = Text(message, self._style(False, "feed-list--empty"))
        text.truncate(width, overflow="ellipsis")
        text.align("center", width)
        return Strip(text.render(self.app.console), width)
