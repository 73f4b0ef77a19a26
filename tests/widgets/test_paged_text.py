"""Long texts in pages: every character on exactly one page, within limits."""

from __future__ import annotations

import random

import pytest

from ratel_tui.widgets.paged_text import page_ends


def pages_of(text: str, lines: int, chars: int) -> list[str]:
    ends = page_ends(text, lines, chars)
    starts = [0, *ends[:-1]]
    return [text[a:b] for a, b in zip(starts, ends, strict=True)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [""]),
        ("one\ntwo\n", ["one\ntwo\n"]),
        ("1\n2\n3\n4\n5", ["1\n2\n", "3\n4\n", "5"]),
        ("word " * 6, ["word word "] * 3),
        ("aaaa bbbbbbbb", ["aaaa ", "bbbbbbbb"]),
        ("x" * 25, ["x" * 10, "x" * 10, "x" * 5]),
    ],
)
def test_pages_end_after_lines_then_at_spaces_then_anywhere(text, expected):
    assert pages_of(text, lines=2, chars=10) == expected


def test_every_character_is_on_one_page_and_no_page_is_over_its_limits():
    rng = random.Random(8)
    for _ in range(3_000):
        text = "".join(rng.choice("ab \n") for _ in range(rng.randint(0, 300)))
        lines, chars = rng.randint(1, 6), rng.randint(1, 40)
        pages = pages_of(text, lines, chars)
        assert "".join(pages) == text
        assert all(0 < len(page) <= chars for page in pages) or text == ""
        assert all(page.count("\n") <= lines for page in pages)
