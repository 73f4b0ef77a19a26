"""ratel-tui: a keyboard-first terminal client for Ratel."""

from __future__ import annotations

__version__ = "0.1.0"
