"""The one path server text takes before anything shows it: `clean()`.

Terminals obey escape sequences wherever they appear, and Textual passes
them through from content (it strips only BEL, BS, VT, FF and CR), so a
post could rewrite the clipboard (OSC 52), retitle the window or make the
terminal type into our stdin. `clean()` removes what can act on a terminal
or fool a reader and makes the rest visible:

- C0 controls (but tab and newline), DEL and C1 controls become visible
  placeholders (`␛`, `␀`, `␡`, `�`), so an escape sequence shows as text;
- bidi overrides and invisible characters are dropped (`invoice‮gpj.exe`);
- lone surrogates become U+FFFD, so SQLite, httpx and logging accept it;
- single-line fields (names, titles, options) lose newlines and ZWJ.

Markup is not this module's concern: widgets get `Content`/`Text` objects,
which Textual never parses as markup.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_INVISIBLE = re.compile(
    r"[\u200b\u2060\ufeff\u00ad\u180e\u3164\u2800\U000e0000-\U000e007f]"
)
_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x85]")

ELLIPSIS = "…"
"""Marks text cut at a limit."""


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␀ … ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"  # C1 controls have no pictures


def clean(
    text: str,
    *,
    single_line: bool = False,
    max_chars: int = 100_000,
    max_lines: int = 5_000,
) -> str:
    """`text` made safe to show: see the module docstring."""
    # Each character is cleaned on its own (a "\r" cut from its "\n" still
    # gives one newline), so a cut result needs only a prefix of a long text:
    # clean growing prefixes until the limits are reached (a megabyte post
    # costs what its first 100,000 characters cost).
    size = max_chars + 2
    while size < len(text):
        done = _clean_all(text[:size], single_line)
        if len(done) > max_chars or done.count("\n") >= max_lines:
            return _limit(done, max_chars, max_lines)
        size *= 2
    return _limit(_clean_all(text, single_line), max_chars, max_lines)


def _clean_all(text: str, single_line: bool) -> str:
    text = _SURROGATE.sub("\ufffd", text)
    text = _LINE_BREAKS.sub("\n", text)
    text = _BIDI.sub("", text)
    text = _INVISIBLE.sub("", text)
    text = text.replace("\t", "    ")
    if single_line:
        text = text.replace("\n", " ").replace("\u200d", "")
    return _CONTROL.sub(_visible, text)


def clean_line(text: str, *, max_chars: int = 500) -> str:
    """`clean()` for a one-line field: a name, a title, an option, a message."""
    return clean(text, single_line=True, max_chars=max_chars)


def _limit(text: str, max_chars: int, max_lines: int) -> str:
    if text.count("\n") >= max_lines:
        text = "\n".join(text.split("\n", max_lines)[:max_lines]) + "\n" + ELLIPSIS
    if len(text) > max_chars:
        text = text[:max_chars] + ELLIPSIS
    return text
