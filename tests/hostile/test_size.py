"""Megabyte posts: the cleaning path cuts them with a marker, so the widgets
that show them stay responsive and keys still work. How long they take to
paint is measured in tests/bench/test_bench_hostile.py."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from ratel_tui.store.feed import FeedItem
from ratel_tui.text import ELLIPSIS
from ratel_tui.widgets.comment_tree import CommentTree
from ratel_tui.widgets.feed_list import FeedList
from ratel_tui.widgets.paged_text import PagedText
from ratel_tui.widgets.safe_text import plain
from tests.hostile.inputs import hostile
from tests.hostile.render_app import comment, post

BIG = {
    **hostile("size"),
    "body_1mb": ("A long paragraph of minutes. " * 36_000)[:1_000_000],
    "newlines_100k": "line\n" * 100_000,
}
"""The size set of the research note, a 1 MB body and 100k newlines."""


class Big(App[None]):
    """One big text as a post body (in pages, as the post screen shows it), a
    feed row and a comment."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield PagedText(id="body")
        yield FeedList([FeedItem.from_post(post(1, self.text))])
        tree = CommentTree()
        tree.set_comments([comment(3, self.text)])
        yield tree

    def on_mount(self) -> None:
        self.query_one(PagedText).show(plain(self.text))


@pytest.mark.parametrize("name", list(BIG))
async def test_a_huge_post_is_cut_with_a_marker_and_keys_still_work(
    name: str,
) -> None:
    text = BIG[name]
    app = Big(text)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("q", "escape", "j")
        await pilot.pause()
        body = app.query_one(PagedText)
        shown = "".join(page.plain for page in body.pages)

        assert app.is_running
    assert len(shown) <= 100_001 + len(ELLIPSIS) + 1
    if len(text) > 100_000 or text.count("\n") > 5_000:
        assert shown.endswith(ELLIPSIS)
