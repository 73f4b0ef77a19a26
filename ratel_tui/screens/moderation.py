"""The Moderation section: the Spaces I moderate and their pending queue."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from ratel_tui.api import moderation as moderation_api
from ratel_tui.api import spaces as spaces_api
from ratel_tui.api.client import ApiClient
from ratel_tui.api.errors import ForbiddenError, NotFoundError
from ratel_tui.api.models import (
    CommentItem,
    ModerationItem,
    ModerationQueue,
    PageMeta,
    PostItem,
    QueueCounts,
    Space,
)
from ratel_tui.api.models.base import list_of
from ratel_tui.screens.base import freshness, nav, session_of
from ratel_tui.services import codecs
from ratel_tui.widgets.age import age
from ratel_tui.widgets.resource_table import Column, ResourceSection, ResourceTable
from ratel_tui.widgets.safe_text import plain_line

if TYPE_CHECKING:
    from ratel_tui.services.session import Session

STAFF_ROLES = ("moderator", "admin")
"""Roles in a Space that may read its queue."""

QUEUE_PAGE = 100
"""Pending items read per Space and load."""


def _encode_queue(queue: ModerationQueue) -> Any:
    return {
        "items": [
            list_of(ModerationItem).dump_python((i,), mode="json")[0]
            for i in queue.items
        ],
        "meta": queue.meta.model_dump(mode="json"),
        "counts": None
        if queue.counts is None
        else queue.counts.model_dump(mode="json"),
    }


def _decode_queue(data: Any) -> ModerationQueue:
    counts = data.get("counts")
    return ModerationQueue(
        list_of(ModerationItem).validate_python(data["items"]),
        PageMeta.model_validate(data["meta"]),
        None if counts is None else QueueCounts.model_validate(counts),
    )


QUEUE_CODEC: codecs.Codec[ModerationQueue] = codecs.Codec(_encode_queue, _decode_queue)
"""How a queue page is kept in the read cache."""


async def moderated_spaces(session: Session) -> tuple[Space, ...]:
    """The Spaces where I am a moderator or an admin (read through the cache)."""

    async def mine(client: ApiClient) -> tuple[Space, ...]:
        found: list[Space] = []
        for page in range(1, 11):
            answer = await spaces_api.list_spaces(
                client, member=True, page=page, per_page=100
            )
            found.extend(answer.items)
            if not answer.has_more:
                break
        return tuple(found)

    fetched = await session.read("spaces:member", mine, codecs.models(Space))
    return tuple(s for s in fetched.value if s.my_role in STAFF_ROLES)


async def moderates(session: Session) -> bool:
    """Whether the app should show the Moderation section to this session."""
    if not session.supports(moderation_api.FEATURE[0]):
        return False
    return bool(await moderated_spaces(session))


def reasons_cell(item: Any) -> Text:
    counts = sorted(item.reasons.items(), key=lambda pair: -pair[1])
    return plain_line(", ".join(f"{r} {n}" for r, n in counts), max_chars=18)


def author_cell(item: Any) -> Text:
    target = getattr(item, "target", None)
    if target is None:
        return Text("—")
    return plain_line("@" + target.author.username, max_chars=30)


def excerpt_cell(item: Any) -> Text:
    target = getattr(item, "target", None)
    if target is None:
        return Text("(deleted)")
    return plain_line(" ".join(target.content.split()), max_chars=30)


def post_of(item: Any) -> str | None:
    """The post to open for a queue item: the post, or the reported comment's."""
    if isinstance(item, PostItem):
        return item.target.id if item.target else item.target_id
    if isinstance(item, CommentItem):
        if item.target is not None and item.target.post_id:
            return item.target.post_id
        if item.parent is not None and item.parent.post is not None:
            return item.parent.post.id
    return None


class ModerationSection(ResourceSection):
    """The Spaces I moderate, with counts, and their pending items together."""

    DEFAULT_CSS = """
    ModerationSection #mod-spaces { height: auto; max-height: 10; }
    ModerationSection #mod-spaces > DataTable { height: auto; max-height: 7; }
    """

    SECTION_ID = "moderation"
    SECTION_TITLE = "Moderation"
    FEATURE = moderation_api.FEATURE

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "R",
            "refresh",
            "Refresh",
            tooltip="Read the queues again.",
            id="moderation.refresh",
        ),
        Binding(
            "t",
            "triage",
            "Triage",
            tooltip="Work through the combined queue, one key a decision.",
            id="moderation.triage",
        ),
        Binding(
            "T",
            "triage_space",
            "Triage Space",
            tooltip="Work through the queue of the highlighted Space.",
            id="moderation.triage_space",
            show=False,
        ),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.spaces: dict[str, Space] = {}
        self.counts: dict[str, QueueCounts] = {}

    def compose_body(self) -> ComposeResult:
        spaces = (
            Column("Space", lambda s: plain_line(s.name, max_chars=40)),
            Column("My role", lambda s: plain_line(s.my_role or "")),
            Column("Pending", lambda s: Text(str(self.count_of(s.id, "pending")))),
            Column("Escalated", lambda s: Text(str(self.count_of(s.id, "escalated")))),
        )
        queue = (
            Column("Type", lambda i: plain_line(i.target_type, max_chars=10)),
            Column("Space", self.space_cell, min_width=100),
            Column("Reasons", reasons_cell, min_width=90),
            Column("Author", author_cell),
            Column("Excerpt", excerpt_cell),
            Column("Reports", lambda i: Text(str(i.report_count))),
            Column("Age", lambda i: Text(age(i.created_at.timestamp(), time.time()))),
        )
        yield ResourceTable[Space](
            spaces, lambda s: s.id, title="Spaces I moderate", id="mod-spaces"
        )
        yield ResourceTable[Any](
            queue, lambda i: i.id, title="Pending items", id="mod-queue"
        )

    @property
    def spaces_table(self) -> ResourceTable[Space]:
        return self.query_one("#mod-spaces", ResourceTable)

    @property
    def queue_table(self) -> ResourceTable[Any]:
        return self.query_one("#mod-queue", ResourceTable)

    def count_of(self, space_id: str, which: str) -> int | str:
        counts = self.counts.get(space_id)
        return "?" if counts is None else getattr(counts, which)

    def space_cell(self, item: Any) -> Text:
        space = self.spaces.get(item.space_id or "")
        return plain_line(space.name if space else item.space_id, max_chars=20)

    async def load(self) -> None:
        session = session_of(self)
        self.queue_table.set_status("Loading…")
        spaces = await moderated_spaces(session)
        if not spaces:
            self.show_unsupported("You moderate no Spaces.")
            return
        self.spaces = {space.id: space for space in spaces}
        items, stale = await self.read_queues(spaces)

        self.spaces_table.set_records(list(spaces))
        self.spaces_table.set_status(stale)
        items.sort(key=lambda item: item.created_at)
        self.queue_table.set_records(items)
        self.queue_table.set_title(f"Pending items ({len(items)})")
        pending = sum(counts.pending for counts in self.counts.values())
        if not items:
            self.queue_table.set_status("No pending items.")
        elif pending > len(items):
            self.queue_table.set_status(
                f"Showing the oldest {len(items)} of {pending} pending items."
            )
        else:
            self.queue_table.set_status("")

    async def read_queues(self, spaces: tuple[Space, ...]) -> tuple[list[Any], str]:
        """Every Space's pending items, and the freshness of the oldest read."""
        session = session_of(self)
        items: list[Any] = []
        stale = ""
        for space in spaces:
            try:
                fetched = await session.read(
                    f"modqueue:{space.id}",
                    lambda c, s=space.id: moderation_api.queue(
                        c, s, per_page=QUEUE_PAGE
                    ),
                    QUEUE_CODEC,
                )
            except (ForbiddenError, NotFoundError):
                # My role changed since the Spaces were read: skip that queue.
                continue
            queue = fetched.value
            if queue.counts is not None:
                self.counts[space.id] = queue.counts
            else:
                self.counts[space.id] = QueueCounts(pending=len(queue.items))
            items.extend(i for i in queue.items if i.status == "pending")
            stale = stale or freshness(fetched)
        return items, stale

    def action_triage(self) -> None:
        from ratel_tui.screens.moderation_queue import ModerationQueueScreen

        self.app.push_screen(ModerationQueueScreen())

    def action_triage_space(self) -> None:
        from ratel_tui.screens.moderation_queue import ModerationQueueScreen

        space = self.spaces_table.current()
        if space is None:
            self.action_triage()
            return
        self.app.push_screen(ModerationQueueScreen((space.id,)))

    @on(ResourceTable.Chosen, "#mod-queue")
    def open_reported_post(self, event: ResourceTable.Chosen) -> None:
        event.stop()
        item = next((i for i in self.queue_table.records if i.id == event.key), None)
        post_id = post_of(item)
        if post_id is not None:
            nav(self).open_post(post_id)

    @on(ResourceTable.Chosen, "#mod-spaces")
    def open_moderated_space(self, event: ResourceTable.Chosen) -> None:
        event.stop()
        nav(self).open_space(event.key)
