"""Walking a list endpoint page by page: by cursor when offered, else by number."""

from __future__ import annotations

from typing import Any

from ratel_tui.api.envelope import Envelope
from ratel_tui.api.errors import ProtocolError


class PageWalk:
    """What a walk through one list has seen: item ids and cursors."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.ids: set[str | int] = set()
        self.cursors: set[str] = set()

    def new_items(self, envelope: Envelope) -> list[dict[str, Any]]:
        """The items of a page whose id has not been seen on an earlier page."""
        items = envelope.data
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ProtocolError(
                "The server's answer is not a list of items",
                endpoint=self.endpoint,
                request_id=envelope.request_id,
                status=envelope.status,
            )
        fresh = []
        for item in items:
            ident = item.get("id")
            if isinstance(ident, str | int):
                if ident in self.ids:
                    continue
                self.ids.add(ident)
            fresh.append(item)
        return fresh

    def next_query(
        self, query: dict[str, Any], meta: dict[str, Any], progressed: bool
    ) -> dict[str, Any] | None:
        """The query of the next page, or None at the end of the list.

        `progressed` says whether the last page brought anything new: a server
        that keeps answering the same page would otherwise be walked forever.
        """
        cursor = meta.get("next_cursor")
        if not progressed:
            return None
        if isinstance(cursor, str) and cursor:
            if cursor in self.cursors:
                return None
            self.cursors.add(cursor)
            return {key: v for key, v in query.items() if key != "page"} | {
                "cursor": cursor
            }
        if "cursor" in query:
            return None

        page, total = query.get("page", 1), meta.get("total_pages")
        if isinstance(page, int) and isinstance(total, int) and page < total:
            return {**query, "page": page + 1}
        return None
