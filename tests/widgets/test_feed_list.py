"""FeedList in a real Textual app: keys, mouse, messages and the data API."""

from __future__ import annotations

from rich.color import ColorType
from textual import on
from textual.app import App, ComposeResult

from ratel_tui.store.feed import FeedItem
from ratel_tui.widgets.age import age
from ratel_tui.widgets.feed_list import ROWS, FeedList, count_text

NOW = 1_700_000_000.0
"""The frozen clock of every test app (2023-11-14, mid-morning UTC)."""

SIZE = (80, 24)
"""The terminal of every test: six whole posts fit on screen."""


def post(n: int, **fields: object) -> FeedItem:
    values: dict[str, object] = {
        "id": f"p{n}",
        "author_id": f"u{n}",
        "author": f"Author {n}",
        "username": f"user{n}",
        "space_id": None,
        "created": NOW - 60 * n,
        "title": "",
        "excerpt": f"Post number {n} says something worth reading.",
        "likes": n,
        "comments": 0,
    }
    values.update(fields)
    return FeedItem(**values)  # type: ignore[arg-type]


def posts(count: int, start: int = 0) -> list[FeedItem]:
    return [post(n) for n in range(start, start + count)]


class FeedApp(App[None]):
    """One FeedList filling the screen, recording what it posts."""

    def __init__(self, items: list[FeedItem]) -> None:
        super().__init__()
        self.items = items
        self.opened: list[FeedItem] = []
        self.highlighted: list[tuple[str, int]] = []
        self.near_end = 0

    def compose(self) -> ComposeResult:
        yield FeedList(self.items, clock=lambda: NOW)

    @on(FeedList.Opened)
    def record_opened(self, message: FeedList.Opened) -> None:
        self.opened.append(message.item)

    @on(FeedList.Highlighted)
    def record_highlighted(self, message: FeedList.Highlighted) -> None:
        self.highlighted.append((message.item.id, message.index))

    @on(FeedList.NearEnd)
    def count_near_end(self, message: FeedList.NearEnd) -> None:
        self.near_end += 1


def screen_text(feed: FeedList) -> list[str]:
    return [feed.render_line(y).text for y in range(feed.size.height)]


def screen_row(feed: FeedList) -> int:
    """The screen row of the highlighted post's header."""
    return feed.cursor * ROWS - feed.scroll_offset.y


async def test_j_and_k_move_and_scroll_only_when_the_cursor_leaves_the_screen() -> None:
    app = FeedApp(posts(50))
    async with app.run_test(size=SIZE) as pilot:
        feed = app.query_one(FeedList)

        await pilot.press(*"jjjjj")  # to the last whole post on screen
        assert (feed.cursor, feed.scroll_offset.y) == (5, 0)
        await pilot.press("down")  # one past it: scroll one post, no more
        assert (feed.cursor, feed.scroll_offset.y) == (6, ROWS)
        await pilot.press("k", "up", "k", "k", "k", "k")  # back to the top
        assert (feed.cursor, feed.scroll_offset.y) == (0, 0)


async def test_gg_goes_to_the_top_and_G_to_the_bottom() -> None:
    app = FeedApp(posts(50))
    async with app.run_test(size=SIZE) as pilot:
        feed = app.query_one(FeedList)

        await pilot.press("G")
        assert feed.cursor == 49
        assert feed.scroll_offset.y == 50 * ROWS - 24
        await pilot.press("g")  # arms the chord, moves nothing
        assert feed.cursor == 49
        await pilot.press("g")
        assert (feed.cursor, feed.scroll_offset.y) == (0, 0)

        await pilot.press("end", "g", "k", "g")  # another key cancels the chord
        assert feed.cursor == 48
        await pilot.press("home")
        assert feed.cursor == 0


async def test_without_the_chord_g_is_left_to_the_app() -> None:
    class NoChord(FeedList):
        GG_CHORD = False

    class ChordlessApp(FeedApp):
        BINDINGS = [("g", "goto", "Go to")]
        went = 0

        def compose(self) -> ComposeResult:
            yield NoChord(self.items)

        def action_goto(self) -> None:
            self.went += 1

    app = ChordlessApp(posts(50))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("G", "g", "g")
        assert app.went == 2
        assert app.query_one(FeedList).cursor == 49


async def test_ctrl_d_and_ctrl_u_move_half_a_page_keeping_the_screen_row() -> None:
    app = FeedApp(posts(50))
    async with app.run_test(size=SIZE) as pilot:
        feed = app.query_one(FeedList)
        await pilot.press("j")

        await pilot.press("ctrl+d")  # half of six posts
        assert (feed.cursor, screen_row(feed)) == (4, ROWS)
        await pilot.press("ctrl+d")
        assert (feed.cursor, screen_row(feed)) == (7, ROWS)
        await pilot.press("ctrl+u", "ctrl+u")
        assert (feed.cursor, feed.scroll_offset.y) == (1, 0)


async def test_page_keys_move_a_whole_screen() -> None:
    app = FeedApp(posts(50))
    async with app.run_test(size=SIZE) as pilot:
        feed = app.query_one(FeedList)

        await pilot.press("pagedown")
        assert (feed.cursor, feed.scroll_offset.y) == (6, 6 * ROWS)
        await pilot.press("space")
        assert feed.cursor == 12
        await pilot.press("pageup", "pageup")
        assert (feed.cursor, feed.scroll_offset.y) == (0, 0)


async def test_page_flip_scrolls_by_whole_pages_at_the_edge() -> None:
    app = FeedApp(posts(50))
    async with app.run_test(size=SIZE) as pilot:
        feed = app.query_one(FeedList)
        feed.page_flip = True

        await pilot.press(*"jjjjjj")  # one past the last post on screen
        assert (feed.cursor, feed.scroll_offset.y) == (6, 6 * ROWS)
        await pilot.press("k")  # back above the top: the previous page
        assert (feed.cursor, screen_row(feed)) == (5, 24 - ROWS)


async def test_the_cursor_is_marked_in_the_gutter_and_follows_the_theme() -> None:
    app = FeedApp(posts(10))
    async with app.run_test(size=SIZE) as pilot:
        feed = app.query_one(FeedList)
        await pilot.press("j")
        marked = [y for y, line in enumerate(screen_text(feed)) if line[0] == "▌"]
        assert marked == [ROWS, ROWS + 1, ROWS + 2]  # seen without colour too
        truecolor = list(feed.render_line(ROWS))[0].style

        app.theme = "ansi-dark"
        await pilot.pause()

        ansi = list(feed.render_line(ROWS))[0].style
        assert ansi is not None and ansi.bgcolor is not None
        assert ansi.bgcolor.type == ColorType.STANDARD  # one of the 16 colours
        assert ansi != truecolor


async def test_enter_opens_the_highlighted_post() -> None:
    app = FeedApp(posts(10))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "enter")
        await pilot.pause()

        assert [item.id for item in app.opened] == ["p2"]
        assert app.highlighted[-1] == ("p2", 2)


async def test_near_end_is_posted_once_per_length() -> None:
    app = FeedApp(posts(100))
    async with app.run_test(size=SIZE) as pilot:
        feed = app.query_one(FeedList)
        await pilot.pause()
        assert app.near_end == 0

        await pilot.press("G", "k", "k", "j")
        await pilot.pause()
        assert app.near_end == 1

        feed.append(posts(50, start=100))
        await pilot.pause()
        assert app.near_end == 1  # the cursor is 50 posts from the new end
        await pilot.press("G", "k")
        await pilot.pause()
        assert app.near_end == 2


async def test_a_short_feed_asks_for_more_at_once() -> None:
    app = FeedApp(posts(5))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.near_end == 1


async def test_append_skips_posts_already_in_the_feed() -> None:
    app = FeedApp(posts(10))
    async with app.run_test(size=SIZE) as pilot:
        feed = app.query_one(FeedList)

        feed.append([*posts(5, start=8), post(3)])
        await pilot.pause()

        assert [item.id for item in feed.items] == [f"p{n}" for n in range(13)]
        assert feed.virtual_size.height == 13 * ROWS


async def test_prepend_keeps_the_same_post_on_the_same_screen_row() -> None:
    app = FeedApp(posts(50, start=10))
    async with app.run_test(size=SIZE) as pilot:
        feed = app.query_one(FeedList)
        await pilot.press(*"jjjjjjjj", "k", "k", "k")  # mid-screen, scrolled
        assert (feed.cursor, screen_row(feed)) == (5, 2 * ROWS)
        before = (feed.highlighted_item, screen_row(feed), screen_text(feed))

        feed.prepend([*posts(10), post(12)])  # p12 is already there
        await pilot.pause()

        after = (feed.highlighted_item, screen_row(feed), screen_text(feed))
        assert after == before
        assert feed.cursor == 15
        assert feed.items[0].id == "p0"
        assert len(feed.items) == 60


async def test_filter_shows_matches_and_clearing_keeps_the_post() -> None:
    items = posts(30)
    items[7] = post(7, excerpt="A note on FERRETS and their habits")
    items[21] = post(21, author="Ferret Fan")
    app = FeedApp(items)
    async with app.run_test(size=SIZE) as pilot:
        feed = app.query_one(FeedList)

        feed.filter("ferret")
        await pilot.pause()
        assert [item.id for item in feed.shown] == ["p7", "p21"]
        await pilot.press("j")
        assert feed.highlighted_item is items[21]

        feed.filter("")
        await pilot.pause()
        assert len(feed.shown) == 30
        assert feed.highlighted_item is items[21]
        assert 0 <= screen_row(feed) <= 24 - ROWS

        feed.filter("no such thing")
        await pilot.pause()
        assert feed.highlighted_item is None
        assert "No post matches" in "".join(screen_text(feed))


async def test_remove_keeps_the_cursor_on_its_post_or_index() -> None:
    app = FeedApp(posts(10))
    async with app.run_test(size=SIZE) as pilot:
        feed = app.query_one(FeedList)
        await pilot.press("j", "j", "j")

        assert feed.remove_post("p1") is not None  # above: follow the post
        assert (feed.cursor, feed.highlighted_item.id) == (2, "p3")
        assert feed.remove_post("p3") is not None  # the highlighted one: keep the index
        assert (feed.cursor, feed.highlighted_item.id) == (2, "p4")
        assert feed.remove_post("p3") is None
        assert feed.index_of("p3") is None
        assert len(feed.items) == 8


async def test_update_redraws_the_post() -> None:
    app = FeedApp(posts(10))
    async with app.run_test(size=SIZE) as pilot:
        feed = app.query_one(FeedList)
        assert "♡ 2" in feed.render_line(2 * ROWS).text

        assert feed.update(post(2, likes=41, liked=True))
        await pilot.pause()

        assert "♥ 41" in feed.render_line(2 * ROWS).text
        assert not feed.update(post(99))


async def test_select_id_moves_the_cursor_to_the_post() -> None:
    app = FeedApp(posts(100))
    async with app.run_test(size=SIZE) as pilot:
        feed = app.query_one(FeedList)

        assert feed.select_id("p70")
        await pilot.pause()

        assert feed.cursor == 70
        assert 0 <= screen_row(feed) <= 24 - ROWS
        assert not feed.select_id("nope")


async def test_markup_in_posts_shows_literally_and_clicks_do_nothing() -> None:
    items = [
        post(0, author="[bold red]x[/]", title="[@click=app.quit]y[/]"),
        post(1, excerpt="w " * 35 + "[@click=app.quit]click me[/] [link=x]z[/]" * 9),
    ]
    app = FeedApp(items)
    async with app.run_test(size=SIZE) as pilot:
        feed = app.query_one(FeedList)
        text = screen_text(feed)
        assert "[bold red]x[/]" in text[0]
        assert "[@click=app.quit]y[/]" in text[1]
        # The text wraps onto the second line and is cut there with "…".
        assert "[@click=app.quit]click me[/] [link=x]z[/]" in text[6]
        assert text[6].rstrip().endswith("…")

        for y in (0, 1, 6):
            await pilot.click(FeedList, offset=(6, y))
        await pilot.pause()

        assert app.is_running
        assert app.return_code is None


async def test_clicks_highlight_and_a_second_click_opens() -> None:
    app = FeedApp(posts(10))
    async with app.run_test(size=SIZE) as pilot:
        feed = app.query_one(FeedList)

        await pilot.click(FeedList, offset=(10, 2 * ROWS + 1))
        assert feed.cursor == 2
        assert app.opened == []
        await pilot.click(FeedList, offset=(10, 2 * ROWS))
        await pilot.double_click(FeedList, offset=(10, 4 * ROWS + 2))
        await pilot.pause()

        assert feed.cursor == 4
        assert [item.id for item in app.opened] == ["p2", "p4"]


async def test_an_empty_feed_shows_its_message_in_the_middle() -> None:
    app = FeedApp([])
    async with app.run_test(size=SIZE) as pilot:
        feed = app.query_one(FeedList)
        feed.empty_text = "Nothing here [yet]"
        await pilot.press("j", "enter")
        await pilot.pause()

        text = screen_text(feed)
        assert text[12].strip() == "Nothing here [yet]"
        assert [line for y, line in enumerate(text) if y != 12 and line.strip()] == []
        assert app.opened == []


async def test_the_header_fits_80_columns_and_labels_counts_at_200() -> None:
    item = post(1, likes=1234, comments=1, space_id="s1", liked=True)
    for width, expected in ((80, "♥ 1.2k  ↩ 1"), (200, "♥ 1.2k likes  ↩ 1 comment")):
        app = FeedApp([item])
        async with app.run_test(size=(width, 24)) as pilot:
            feed = app.query_one(FeedList)
            feed.space_names = {"s1": "Ferrets"}
            await pilot.pause()

            header = feed.render_line(0).text
            assert len(header) == width
            assert header.rstrip().endswith(expected)
            assert "Author 1  @user1 · Ferrets · 1m" in header


def test_ages_in_the_feed_are_brief() -> None:
    assert age(NOW - 30, NOW, brief=True) == "now"
    assert age(NOW - 300, NOW, brief=True) == "5m"
    assert age(NOW - 3 * 3600, NOW, brief=True) == "3h"
    assert age(NOW - 2 * 86400, NOW, brief=True) == "2d"
    march = 1_677_931_200.0  # 2023-03-04 12:00 UTC
    assert age(march, NOW, brief=True) == "Mar 4"
    assert age(march - 365 * 86400, NOW, brief=True) == "Mar 2022"


def test_counts_are_short() -> None:
    assert [count_text(n) for n in (7, 999, 1000, 1234, 12_345, 3_400_000)] == [
        "7",
        "999",
        "1k",
        "1.2k",
        "12k",
        "3.4M",
    ]
