"""Freeing what closed widgets leave behind in Textual's watcher lists.

Textual drops a watcher of a closed widget only when the watched value next
changes. Two of them rarely change: each `FooterKey` binds `compact` on its
Footer, which makes new keys on every screen change, and each `TextArea`
watches the app's `theme`. Unpruned, a long session keeps every footer key
and every closed compose screen alive (memory grew ~50 MiB a minute in the
soak). The app prunes them every few seconds.
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
