"""Freeing what closed widgets leave behind in Textual's watcher lists.

Textual drops a watcher of a closed widget only when the watched value next
changes. Two of them rarely change: each `FooterKey` binds `compact` on its
Footer, which makes new keys on every screen change, and each `TextArea`
watches the app's `theme`. Unpruned, a long session keeps every footer key
and every closed compose screen alive (memory grew ~50 MiB a minute in the
soak). The app prunes them every few seconds.

A third holder is Textual's own: `StylesCache.get_inner_outer` is memoised
with an `lru_cache` of 1,024 entries whose key includes the widget's cache
itself, so the rendered lines of up to 1,024 closed widgets stay in memory
(in the soak, ~1,000 of them: RSS rose ~30 MiB over ten minutes). Clearing
that memo with the pruning frees them; it holds two styles per entry and
refills on the next frame.
"""

from __future__ import annotations

from typing import Any

_WATCHERS = "__watchers"
"""Where Textual keeps the watchers others registered on an object."""


def prune_closed_watchers(obj: Any) -> int:
    """Drop the watchers of `obj` registered by widgets that are closed or
    closing; how many were dropped."""
    found: dict[str, list[tuple[Any, Any]]] = getattr(obj, _WATCHERS, {})
    dropped = 0
    for watchers in found.values():
        alive = [
            (node, callback)
            for node, callback in watchers
            if not (getattr(node, "_closing", False) or getattr(node, "_closed", False))
        ]
        dropped += len(watchers) - len(alive)
        watchers[:] = alive
    return dropped


def forget_closed_style_caches() -> None:
    """Empty Textual's memo that keeps closed widgets' line caches alive."""
    from textual._styles_cache import StylesCache

    memo = getattr(StylesCache, "get_inner_outer", None)
    clear = getattr(memo, "cache_clear", None)
    if clear is not None:
        clear()
