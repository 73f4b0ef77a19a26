"""Two-way sync of post drafts between the journal and the server [ext]."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ratel_tui.api import posts
from ratel_tui.api.errors import (
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
    UnsupportedError,
)
from ratel_tui.api.models.base import WIRE_TIME
from ratel_tui.services.sender import describe
from ratel_tui.store.journal import Draft, Journal, new_draft
from ratel_tui.text import clean_line

if TYPE_CHECKING:
    from ratel_tui.api.client import ApiClient
    from ratel_tui.api.models.posts import Post

log = logging.getLogger(__name__)

KEY_NAMESPACE = uuid.UUID("5b0f4c52-6d1e-4f0c-9a51-1f3e0e7d2a90")
"""The Idempotency-Key of a pushed draft is uuid5(this, draft id): a second
push of the same draft is answered with the first one's server draft."""

SERVER_STATUSES = ("draft", "scheduled")
"""The server lists that hold a caller's unpublished posts."""

REFUSALS = (InvalidRequestError, ForbiddenError, NotFoundError, ConflictError)
"""Answers that concern one draft only: noted, and the sync goes on."""


@dataclass(slots=True)
class SyncReport:
    """What one sync did."""

    pulled: int = 0
    """Server drafts new to this machine."""
    refreshed: int = 0
    """Local copies updated with the server's text."""
    pushed: int = 0
    """Local drafts saved on the server for the first time."""
    patched: int = 0
    """Server drafts updated with local edits."""
    unsupported: bool = False
    """The server has no drafts: nothing was synced, local drafts stay here."""
    problems: list[str] = field(default_factory=list)
    """One line per draft the server refused."""

    def summary(self) -> str:
        """The report in one line."""
        if self.unsupported:
            return "this server has no drafts; local drafts stay on this machine"
        counts = (
            f"{self.pulled} pulled, {self.refreshed} updated here, "
            f"{self.pushed} pushed, {self.patched} updated on the server"
        )
        refused = f", {len(self.problems)} refused" if self.problems else ""
        return f"Drafts synced: {counts}{refused}"


async def sync_drafts(
    journal: Journal, client: ApiClient, *, per_page: int = 100
) -> SyncReport:
    """Pull the server's drafts and scheduled posts, push local post drafts.

    The server's drafts come down as local "post" drafts that remember their
    `server_id`; local post drafts with no twin go up as server drafts, and
    local edits go up as PATCHes. Each local copy keeps in
    `fields["synced_at"]` the `updated_at` it had when last in step with the
    server: saved after that, it was edited here, and the server's text never
    overwrites it. A copy whose server draft was published or deleted
    elsewhere is left as it is, since patching it could edit a live post.

    Raises the ApiError that stopped it (offline, a refused key); a server
    without drafts is reported (`unsupported`), never raised.
    """
    report = SyncReport()
    try:
        remote = await _server_posts(client, per_page)
    except UnsupportedError:
        report.unsupported = True
        return report

    local = await asyncio.to_thread(_post_drafts, journal)
    by_server = {d.server_id: d for d in local if d.server_id}
    for post in remote:
        await _merge(journal, client, post, by_server.get(post.id), report)
    for draft in local:
        if draft.server_id is None and draft.state == "editing" and draft.body.strip():
            await _push(journal, client, draft, report)
    return report


async def _server_posts(client: ApiClient, per_page: int) -> list[Post]:
    """Every draft and scheduled post of the caller, each once."""
    found: dict[str, Post] = {}
    for status in SERVER_STATUSES:
        async for post in posts.iter_posts(client, status=status, per_page=per_page):
            found.setdefault(post.id, post)
    return list(found.values())


def _post_drafts(journal: Journal) -> list[Draft]:
    return [d for d in journal.all() if d.kind == "post"]


async def _merge(
    journal: Journal,
    client: ApiClient,
    post: Post,
    mine: Draft | None,
    report: SyncReport,
) -> None:
    """Bring one server draft and its local copy (if any) in step."""
    if mine is None:
        await asyncio.to_thread(_keep, journal, _copy(post, new_draft("post")))
        report.pulled += 1
    elif mine.state != "editing":
        return  # Its write waits in the outbox: that write decides.
    elif edited(mine):
        await _patch(journal, client, mine, report)
    elif mine.editor is None and _differs(mine, _copy(post, mine)):
        # Open in a compose screen (or interrupted there): its text is left
        # alone even though it has no unsaved edits.
        await asyncio.to_thread(_keep, journal, _copy(post, mine))
        report.refreshed += 1


def edited(draft: Draft) -> bool:
    """Whether `draft` was saved here since it was last in step with the server."""
    synced_at = draft.fields.get("synced_at")
    if not isinstance(synced_at, int | float):
        return True
    return draft.updated_at > synced_at


async def _patch(
    journal: Journal, client: ApiClient, draft: Draft, report: SyncReport
) -> None:
    assert draft.server_id is not None
    try:
        await posts.update_post(
            client, draft.server_id, content=draft.body, title=draft.title or None
        )
    except REFUSALS as exc:
        report.problems.append(_problem(draft, exc))
        return
    await asyncio.to_thread(_mark_synced, journal, draft, draft.server_id)
    report.patched += 1


async def _push(
    journal: Journal, client: ApiClient, draft: Draft, report: SyncReport
) -> None:
    try:
        post = await posts.create_post(
            client,
            draft.body,
            space_id=draft.target.get("space_id"),
            title=draft.title or None,
            visibility=draft.fields.get("visibility"),
            status="draft",
            idempotency_key=str(uuid.uuid5(KEY_NAMESPACE, draft.id)),
        )
    except REFUSALS as exc:
        report.problems.append(_problem(draft, exc))
        return
    await asyncio.to_thread(_mark_synced, journal, draft, post.id)
    report.pushed += 1


def _copy(post: Post, base: Draft) -> Draft:
    """`base` holding the server's version of `post`."""
    fields = {**base.fields, "status": post.status, "visibility": post.visibility}
    fields.pop("schedule", None)
    if post.scheduled_at is not None:
        fields["schedule"] = post.scheduled_at.strftime(WIRE_TIME)
    return replace(
        base,
        body=post.content,
        title=post.title or "",
        target={"space_id": post.space_id} if post.space_id else {},
        fields=fields,
        server_id=post.id,
        state="editing",
        problem=None,
    )


def _differs(one: Draft, other: Draft) -> bool:
    def text(d: Draft) -> tuple[Any, ...]:
        rest = {k: v for k, v in d.fields.items() if k != "synced_at"}
        return d.body, d.title, d.target, rest

    return text(one) != text(other)


def _keep(journal: Journal, draft: Draft) -> None:
    """Save the server's version as the local copy, in step as of this save."""
    saved = journal.save(draft, editing=False)
    _mark_synced(journal, saved, draft.server_id)


def _mark_synced(journal: Journal, draft: Draft, server_id: str | None) -> None:
    """Record the server twin of `draft`, and that it is in step with it, unless
    it was saved again meanwhile (that edit is then sent at the next sync)."""
    fields = {**draft.fields, "synced_at": draft.updated_at}
    with journal.store.transaction() as conn:
        conn.execute(
            "UPDATE drafts SET server_id = ? WHERE id = ?", (server_id, draft.id)
        )
        conn.execute(
            "UPDATE drafts SET fields = ? WHERE id = ? AND updated_at = ?",
            (json.dumps(fields, sort_keys=True), draft.id, draft.updated_at),
        )


def _problem(draft: Draft, exc: Exception) -> str:
    label = clean_line(draft.title or draft.body, max_chars=40)
    log.info("draft %s not synced: %s", draft.id, exc)
    return clean_line(f"{label!r}: {describe(exc)}")
