"""Server text is made inert before display: the hostile strings of the research."""

from __future__ import annotations

import json
import random
import re

from ratel_tui.text import clean, clean_line
from tests.hostile.inputs import HOSTILE_FILE

ESCAPE_BYTES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def hostile_inputs() -> list[str]:
    """Every sample string built as the file describes (prefix + input*repeat …)."""
    built = []
    for case in json.loads(HOSTILE_FILE.read_text(encoding="utf-8")):
        if case.get("category") == "http_body":
            continue
        text = (
            case.get("prefix", "")
            + case["input"] * case.get("repeat", 1)
            + case.get("suffix", "") * case.get("suffix_repeat", 1)
            + case.get("tail", "")
        )
        built.append(text)
    return built


def test_no_hostile_string_keeps_a_control_character():
    for text in hostile_inputs():
        assert not ESCAPE_BYTES.search(clean(text, max_chars=10**7, max_lines=10**6))


def test_escape_sequences_become_visible_text():
    assert clean("A\x1b]52;c;U1RQ\x1b\\Z") == "A\u241b]52;c;U1RQ\u241b\\Z"
    assert clean("\x9b31m") == "\ufffd31m"
    assert clean("nul\x00del\x7f") == "nul\u2400del\u2421"


def test_tabs_and_newlines_survive_in_bodies_but_not_in_lines():
    assert clean("a\tb\r\nc") == "a    b\nc"
    assert clean_line("a\nb\u2028c") == "a b c"


def test_bidi_and_invisible_characters_are_dropped():
    assert clean_line("invoice\u202egpj.exe") == "invoicegpj.exe"
    assert clean_line("ad\u200bmin\u3164") == "admin"
    assert clean_line("tag\U000e0041s") == "tags"


def test_emoji_keep_their_joiner_in_bodies_only():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean(family) == family
    assert "\u200d" not in clean_line(family)


def test_lone_surrogates_become_replacement_characters():
    text = json.loads('"a\\ud800b"')
    assert clean(text) == "a\ufffdb"
    clean(text).encode("utf-8")


def test_markup_is_left_as_literal_text():
    assert (
        clean("list[int] and [@click=app.quit]x[/]")
        == "list[int] and [@click=app.quit]x[/]"
    )


def test_long_text_is_cut_with_a_marker():
    assert clean("x" * 20, max_chars=5) == "xxxxx…"
    assert clean("a\n" * 10, max_lines=3) == "a\na\na\n…"


def test_a_long_text_cleaned_by_its_prefix_is_what_cleaning_it_whole_gives():
    # clean() cleans only as much of a long text as its limits can show; the
    # answer must be the one that cleaning all of it, then cutting, gives.
    from ratel_tui.text import _clean_all, _limit

    pieces = ["a", " ", "\n", "\r", "\r\n", "\t", "\x1b", "\u200b", "\u202e"]
    pieces += ["\ud800", "\u2028", "\x85", "\u200d", "\x9b", "é"]
    rng = random.Random(16)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 80)))
        chars, lines = rng.randint(0, 40), rng.randint(0, 12)
        single = rng.random() < 0.3
        whole = _limit(_clean_all(text, single), chars, lines)
        assert clean(text, single_line=single, max_chars=chars, max_lines=lines) == (
            whole
        ), (text, chars, lines, single)
