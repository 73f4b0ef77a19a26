"""Server text as Rich `Text`: cleaned, and never parsed as markup.

Every string that came from the server reaches a widget through one of these
(or through `ratel_tui.text.clean` into a `Text`/`Content` object). A plain
`str` handed to `Static`, `Label`, `notify`, a `Tree` label or a `Button`
would be read as markup, where `[@click=app.quit]` is an action.
"""

from __future__ import annotations

from rich.text import Text

from ratel_tui.text import clean, clean_line


def plain(text: str | None, style: str = "") -> Text:
    """Multi-line server text, safe to show."""
    return Text(clean(text or ""), style=style, end="")


def plain_line(text: str | None, style: str = "", *, max_chars: int = 500) -> Text:
    """A one-line server field (a name, a title), safe to show."""
    return Text(clean_line(text or "", max_chars=max_chars), style=style, end="")
