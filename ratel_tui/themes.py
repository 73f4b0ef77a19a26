"""Our colour themes, read from `styles/themes.toml`, and where the styles live."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from textual.theme import Theme

DEFAULT_THEME = "ratel"


def styles_dir() -> Path:
    """The `styles/` folder: beside the package in a checkout, or installed
    under `share/ratel-tui/styles` by a wheel."""
    here = Path(__file__).resolve().parent.parent / "styles"
    if here.is_dir():
        return here
    return Path(sys.prefix) / "share" / "ratel-tui" / "styles"


def load_themes() -> list[Theme]:
    """The themes of `styles/themes.toml` (none if the file is missing or bad:
    Textual's own themes still work)."""
    try:
        data = tomllib.loads((styles_dir() / "themes.toml").read_text("utf-8"))
    except (OSError, ValueError):
        return []
    themes = []
    for name, colours in data.items():
        if isinstance(colours, dict):
            try:
                themes.append(Theme(name=name, **colours))
            except (TypeError, ValueError):
                continue
    return themes
