"""Pages and cursors for every list endpoint.

`page`/`per_page` are the contract's paging; `cursor` is our extension: an
opaque token naming the last item seen, so that paging on goes on after it
even while new items arrive at the top.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from ratel_tui.sandbox.db import Database
from ratel_tui.sandbox.envelope import invalid

MAX_PER_PAGE = 100
"""The contract's cap on `per_page`; larger values are clamped to it."""


@dataclass(frozen=True, slots=True)
class PageParams:
    """What the caller asked for: a page number or a cursor, and a size."""

    page: int
    per_page: int
    cursor: list[Any] | None


async def page_params(
    request: Request,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1)] = 20,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> PageParams:
    """Dependency: the paging query parameters, validated. A server without
    cursors ignores `cursor`, as it would any unknown parameter."""
    if "cursors" not in request.app.state.features:
        cursor = None
    return PageParams(page, min(per_page, MAX_PER_PAGE), decode_cursor(cursor))


Paging = Annotated[PageParams, Depends(page_params)]
"""Handler parameter: the paging of a list request."""


def encode_cursor(values: list[Any]) -> str:
    """An opaque cursor for the sort key `values` of the last item."""
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> list[Any] | None:
    """The sort key inside a cursor; 400 when it is not one of ours."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise invalid("The cursor is not valid", field="cursor") from None
    if not isinstance(values, list) or not all(map(_sortable, values)):
        raise invalid("The cursor is not valid", field="cursor")
    return values


def _sortable(value: object) -> bool:
    """Whether a cursor value is one SQLite can compare: text, or a 64-bit integer."""
    if isinstance(value, str):
        return len(value) <= 200
    return type(value) is int and -(2**63) <= value < 2**63


@dataclass(frozen=True, slots=True)
class Listing:
    """One page of rows and the `meta` figures that describe it."""

    rows: list[Any]
    meta: dict[str, Any]


def paginate(
    db: Database,
    *,
    select: str,
    where: str = "1",
    params: tuple[Any, ...] = (),
    keys: tuple[str, ...] = ("created_at", "seq"),
    descending: bool = True,
    paging: PageParams,
    count_from: str | None = None,
) -> Listing:
    """Run `select … WHERE where` one page at a time, ordered by `keys`.

    `select` is `SELECT <columns> FROM <table> [JOINs]`; the key columns must
    be selectable under the names in `keys` (qualify them if joins clash).
    `count_from` (`FROM <table> [alias]`) counts without the joins of
    `select` when `where` only needs the main table.
    """
    if count_from is not None:
        total = db.count(f"SELECT COUNT(*) {count_from} WHERE {where}", params)
    else:
        total = db.count(f"SELECT COUNT(*) FROM ({select} WHERE {where})", params)
    direction = "DESC" if descending else "ASC"
    order = ", ".join(f"{k} {direction}" for k in keys)
    limit = paging.per_page + 1
    if paging.cursor is not None:
        if len(paging.cursor) != len(keys):
            raise invalid("The cursor does not belong to this list", field="cursor")
        compare = "<" if descending else ">"
        columns = ", ".join(keys)
        marks = ", ".join("?" for _ in keys)
        sql = (
            f"{select} WHERE ({where}) AND ({columns}) {compare} ({marks})"
            f" ORDER BY {order} LIMIT ?"
        )
        rows = db.all(sql, (*params, *paging.cursor, limit))
    else:
        offset = (paging.page - 1) * paging.per_page
        sql = f"{select} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?"
        rows = db.all(sql, (*params, limit, offset))

    more = len(rows) > paging.per_page
    rows = rows[: paging.per_page]
    meta: dict[str, Any] = {
        "page": paging.page if paging.cursor is None else None,
        "per_page": paging.per_page,
        "total": total,
        "total_pages": max(1, -(-total // paging.per_page)),
    }
    if more and rows:
        last = rows[-1]
        meta["next_cursor"] = encode_cursor([last[k.split(".")[-1]] for k in keys])
    else:
        meta["next_cursor"] = None
    return Listing(rows, meta)
