"""The Spaces section: every Space I can see, mine, or one category; join and leave."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from ratel_tui.api import spaces as spaces_api
from ratel_tui.api.errors import ApiError
from ratel_tui.api.models import Space
from ratel_tui.api.models.spaces import Membership
from ratel_tui.screens.base import error_line, freshness, nav, session_of
from ratel_tui.services import codecs
from ratel_tui.store.local import StoreError
from ratel_tui.text import clean_line
from ratel_tui.widgets.resource_table import Column, ResourceSection, ResourceTable
from ratel_tui.widgets.safe_text import plain_line

if TYPE_CHECKING:
    from ratel_tui.api.client import ApiClient
    from ratel_tui.api.models import Membership

PER_PAGE = 100
"""Spaces asked for per request while reading the whole list."""

MAX_PAGES = 10
"""At most this many pages are read: a thousand Spaces is more than a list helps with."""


def name_cell(space: Space) -> Text:
    return plain_line(space.name, max_chars=60)


def category_cell(space: Space) -> Text:
    return plain_line(space.category or "—", max_chars=24)


def visibility_cell(space: Space) -> Text:
    """Private Spaces are marked with a symbol and the word, not colour alone."""
    if space.visibility == "private":
        return Text("◆ private", style="bold")
    return plain_line(space.visibility, max_chars=16)


def members_cell(space: Space) -> Text:
    return Text(str(space.stats.members), justify="right")


def posts_cell(space: Space) -> Text:
    return Text(str(space.stats.posts), justify="right")


def role_cell(space: Space) -> Text:
    return plain_line(space.my_role, max_chars=16) if space.my_role else Text("—")


def with_membership(space: Space, joined: Membership, *, member: bool) -> Space:
    """`space` as a join or leave left it: my role and the member count."""
    role = joined.role if member else None
    if member and role is None:
        role = "member"
    stats = space.stats
    if joined.members is not None:
        stats = stats.model_copy(update={"members": joined.members})
    return space.model_copy(update={"my_role": role, "stats": stats})


async def every_space(client: ApiClient, *, member: bool) -> tuple[Space, ...]:
    """All Spaces I can see (or those I belong to), page after page."""
    found: list[Space] = []
    for page in range(1, MAX_PAGES + 1):
        answer = await spaces_api.list_spaces(
            client, member=member, page=page, per_page=PER_PAGE
        )
        found.extend(answer.items)
        if not answer.has_more:
            break
    return tuple(found)


class SpacesSection(ResourceSection):
    """The Spaces I can see; enter opens one, J joins, L leaves.

    `a` shows all, `m` only mine, `c` steps through the categories on the
    list, `/` filters by name.
    """

    SECTION_ID = "spaces"
    SECTION_TITLE = "Spaces"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "show_all", "All", tooltip="Show every Space.", id="spaces.all"),
        Binding(
            "m",
            "show_mine",
            "Mine",
            tooltip="Show only the Spaces I belong to.",
            id="spaces.mine",
        ),
        Binding(
            "c",
            "next_category",
            "Category",
            tooltip="Show the next category of Spaces (then all categories).",
            id="spaces.category",
        ),
        Binding(
            "J",
            "join",
            "Join",
            tooltip="Join the highlighted Space.",
            id="spaces.join",
        ),
        Binding(
            "L",
            "leave",
            "Leave",
            tooltip="Leave the highlighted Space.",
            id="spaces.leave",
        ),
        Binding(
            "R",
            "refresh",
            "Refresh",
            show=False,
            tooltip="Read the list of Spaces again.",
            id="spaces.refresh",
        ),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.mine = False
        """Whether only my Spaces are listed."""
        self.category: str | None = None
        """The category shown, None for all of them."""
        self.spaces: list[Space] = []
        """Every Space of the last read, before the category is applied."""
        self._freshness = ""

    def compose_body(self) -> ComposeResult:
        columns = (
            Column("Name", name_cell),
            Column("Category", category_cell, min_width=60),
            Column("Visibility", visibility_cell),
            Column("Members", members_cell),
            Column("Posts", posts_cell, min_width=70),
            Column("My role", role_cell),
        )
        yield ResourceTable[Space](columns, lambda s: s.id, title="Spaces")

    def focus(self, scroll_visible: bool = True) -> SpacesSection:
        """Focus goes to the list (the section itself takes no keys)."""
        tables = self.query(ResourceTable)
        if tables:
            tables.first().table.focus(scroll_visible)
        return self

    # Reading

    async def load(self) -> None:
        mine = self.mine
        self.listing.set_status("Loading…")
        fetched = await session_of(self).read(
            "spaces:mine" if mine else "spaces:all",
            lambda c: every_space(c, member=mine),
            codecs.models(Space),
        )
        self.spaces = list(fetched.value)
        self._freshness = freshness(fetched)
        self._show()

    def categories(self) -> list[str]:
        """The categories present on the list, in order of name."""
        return sorted({s.category for s in self.spaces if s.category})

    def _show(self) -> None:
        """Fill the table from `spaces`, with the category and title applied."""
        shown = [
            s
            for s in self.spaces
            if self.category is None or s.category == self.category
        ]
        self.listing.set_records(shown)
        which = "mine" if self.mine else "all"
        if self.category is not None:
            which += f" · {clean_line(self.category, max_chars=24)}"
        self.listing.set_title(Text(f"Spaces · {which} ({len(shown)})"))
        empty = "No Spaces here." if not shown else ""
        self.listing.set_status(self._freshness or empty)

    # Filters

    def action_show_all(self) -> None:
        self.mine = False
        self.category = None
        self.action_refresh()

    def action_show_mine(self) -> None:
        self.mine = True
        self.category = None
        self.action_refresh()

    def action_next_category(self) -> None:
        found = self.categories()
        if not found:
            return
        if self.category not in found:
            self.category = found[0]
        else:
            at = found.index(self.category) + 1
            self.category = found[at] if at < len(found) else None
        self._show()

    # Opening, joining and leaving

    @on(ResourceTable.Chosen)
    def open_space(self, event: ResourceTable.Chosen) -> None:
        event.stop()
        nav(self).open_space(event.key)

    def action_join(self) -> None:
        space = self.listing.current()
        if space is not None:
            self.change_membership(space, join=True)

    def action_leave(self) -> None:
        space = self.listing.current()
        if space is not None:
            self.change_membership(space, join=False)

    @work(group="spaces-membership", exit_on_error=False)
    async def change_membership(self, space: Space, *, join: bool) -> None:
        """Join or leave `space` on the server, then show the new role and count."""
        doing = "joining the Space" if join else "leaving the Space"
        try:
            answer = await session_of(self).perform(
                "join" if join else "leave",
                {"space_id": space.id},
                summary=f"{'join' if join else 'leave'} a Space",
                model=Membership,
            )
        except (ApiError, StoreError) as exc:
            self.listing.set_status(Text(error_line(exc), style="bold"))
            nav(self).report_error(exc, doing)
            return
        if answer is None:
            self.listing.set_status(
                "Kept in the outbox: it is sent when the server is back."
            )
            return
        changed = with_membership(space, answer, member=join)
        self.spaces = [
            changed if s.id == space.id else s
            for s in self.spaces
            if join or not self.mine or s.id != space.id
        ]
        self._show()
        verb = "Joined" if join else "Left"
        self.listing.set_status(Text.assemble(f"{verb} “", name_cell(space), "”."))
