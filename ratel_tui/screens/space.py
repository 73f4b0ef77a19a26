"""`SpaceScreen`: one Space, with its posts, its description, its members and
its analytics on four tabs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane

from ratel_tui.api import spaces as spaces_api
from ratel_tui.api.errors import (
    ApiError,
    ForbiddenError,
    NotFoundError,
    ScopeError,
    UnsupportedError,
)
from ratel_tui.api.models import Analytics, Space, SpaceMember
from ratel_tui.api.models.spaces import Membership
from ratel_tui.screens.base import (
    error_line,
    freshness,
    nav,
    perform_or_say,
    session_of,
)
from ratel_tui.screens.spaces import visibility_cell, with_membership
from ratel_tui.services import codecs
from ratel_tui.services.session import Feed, Fetched
from ratel_tui.text import clean_line
from ratel_tui.widgets.chart import Chart, number
from ratel_tui.widgets.feed_list import FeedList
from ratel_tui.widgets.resource_table import Column, ResourceTable
from ratel_tui.widgets.safe_text import plain, plain_line
from ratel_tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from ratel_tui.api.models import TimelinePoint

TABS = ("posts", "about", "members", "analytics")
"""The tabs in order; keys 1 to 4 pick them."""

PERIOD_DAYS = 90
"""How many days, today included, the analytics tab covers."""

MEMBERS_PER_PAGE = 50
"""Members asked for per page; the next page loads near the end of the list."""

METRICS: tuple[tuple[str, str, bool], ...] = (
    ("active_users", "Daily active users", True),
    ("new_members", "New members per day", False),
    ("posts", "Posts per day", False),
)
"""The charts of the analytics tab: key, title, and whether days that share a
column are averaged (per-day figures) rather than summed (counts)."""


def series(
    timeline: tuple[TimelinePoint, ...], metric: str
) -> list[tuple[date, float]]:
    """One metric of the timeline as (day, value) points.

    The timeline gives the member count of each day; new members are the
    day-to-day growth (the first day has no day before it, so it counts 0).
    """
    if metric == "new_members":
        counts = [point.members for point in timeline]
        growth = [0, *(max(0, b - a) for a, b in zip(counts, counts[1:], strict=False))]
        return [(p.date, float(g)) for p, g in zip(timeline, growth, strict=True)]
    if metric == "posts":
        return [(p.date, float(p.posts)) for p in timeline]
    return [(p.date, float(p.active_users or 0)) for p in timeline]


def totals_line(found: Analytics) -> Text:
    """The period's summary figures in one line."""
    metrics = found.metrics
    parts = [f"{found.period.start.isoformat()} to {found.period.end.isoformat()}"]
    if metrics.new_members is not None:
        parts.append(f"{metrics.new_members} new members")
    if metrics.total_posts is not None:
        parts.append(f"{metrics.total_posts} posts")
    if metrics.daily_active_users is not None:
        parts.append(f"{number(metrics.daily_active_users)} active users a day")
    if metrics.average_engagement is not None:
        parts.append(f"engagement {metrics.average_engagement:.2f}")
    return Text(" · ".join(parts))


def joined_cell(member: SpaceMember) -> Text:
    return Text(member.joined_at.date().isoformat() if member.joined_at else "—")


def about_text(space: Space) -> Text:
    """The About tab: the description, then the Space's facts and rules."""
    created = space.created_at.date().isoformat() if space.created_at else "unknown"
    rules = space.settings
    facts = [
        ("Category", plain_line(space.category or "none", max_chars=40)),
        ("Visibility", visibility_cell(space)),
        ("Created", Text(created)),
        ("Members", Text(str(space.stats.members))),
        ("Posts", Text(str(space.stats.posts))),
        ("Deliberations", Text(str(space.stats.deliberations))),
        ("My role", plain_line(space.my_role or "not a member", max_chars=20)),
        ("Posting", Text("open to members" if rules.allow_posts else "closed")),
        (
            "Deliberations",
            Text("allowed" if rules.allow_deliberations else "not allowed"),
        ),
        ("Moderation", plain_line(rules.moderation, max_chars=40)),
    ]
    text = plain(space.description or "No description.")
    text.append("\n")
    for label, value in facts:
        text.append(f"\n{label + ':':<15}", style="bold")
        text.append_text(value)
    return text


class SpaceScreen(Screen[None]):
    """A Space: posts, about, members and analytics; J joins, L leaves."""

    DEFAULT_CSS = """
    SpaceScreen TabbedContent, SpaceScreen TabPane { height: 1fr; }
    SpaceScreen #space-header { height: auto; padding: 0 1; background: $boost; }
    SpaceScreen .tab-note { height: auto; color: $text-muted; padding: 0 1; }
    SpaceScreen .tab-note.problem { color: $warning; }
    SpaceScreen #about, SpaceScreen #analytics-body { padding: 0 1; }
    SpaceScreen Chart { height: 1fr; min-height: 6; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", tooltip="Go back.", id="space.back"),
        Binding("J", "join", "Join", tooltip="Join this Space.", id="space.join"),
        Binding("L", "leave", "Leave", tooltip="Leave this Space.", id="space.leave"),
        Binding(
            "m",
            "next_metric",
            "Metric",
            tooltip="Chart the next metric: active users, new members, posts.",
            id="space.metric",
        ),
        Binding(
            "R",
            "refresh",
            "Refresh",
            show=False,
            tooltip="Read the Space and the open tab again.",
            id="space.refresh",
        ),
        Binding("1", "show_tab('posts')", "Posts", show=False, id="space.posts"),
        Binding("2", "show_tab('about')", "About", show=False, id="space.about"),
        Binding("3", "show_tab('members')", "Members", show=False, id="space.members"),
        Binding(
            "4",
            "show_tab('analytics')",
            "Analytics",
            show=False,
            id="space.analytics",
        ),
        Binding("tab", "step_tab(1)", "Next tab", show=False, id="space.next_tab"),
        Binding(
            "shift+tab",
            "step_tab(-1)",
            "Previous tab",
            show=False,
            id="space.previous_tab",
        ),
    ]

    def __init__(self, space_id: str) -> None:
        super().__init__()
        self.space_id = space_id
        self.space: Space | None = None
        self.analytics: Analytics | None = None
        self.metric = 0
        """Which of `METRICS` the chart shows."""
        self._freshness = ""
        self._next_posts: str | int | None = None
        self._members_page = 0
        self._members_more = False
        self._loaded: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Static(Text("Loading the Space…"), id="space-header")
        with TabbedContent(initial="posts"):
            with TabPane("1 Posts", id="posts"):
                yield Static("", id="posts-note", classes="tab-note")
                yield FeedList(id="space-posts")
            with TabPane("2 About", id="about-tab"), VerticalScroll(id="about"):
                yield Static(Text(""), id="about-text")
            with TabPane("3 Members", id="members"):
                yield Static("", id="members-note", classes="tab-note")
                yield ResourceTable[SpaceMember](
                    (
                        Column(
                            "Name",
                            lambda m: plain_line(
                                m.user.display_name or m.user.username
                            ),
                        ),
                        Column("Username", lambda m: plain_line(f"@{m.user.username}")),
                        Column("Role", lambda m: plain_line(m.role, max_chars=20)),
                        Column("Joined", joined_cell, min_width=60),
                    ),
                    lambda m: m.user.id,
                    title="Members",
                )
            with (
                TabPane("4 Analytics", id="analytics"),
                VerticalScroll(id="analytics-body"),
            ):
                yield Static("", id="analytics-note", classes="tab-note")
                yield Chart(METRICS[0][1])
                yield Static("", id="analytics-totals")
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self.load_space()
        self.load_posts(None)
        self.query_one(FeedList).focus()

    # Tabs

    @property
    def tab(self) -> str:
        """The open tab's name (one of `TABS`)."""
        active = self.query_one(TabbedContent).active
        return "about" if active == "about-tab" else active

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = "about-tab" if tab == "about" else tab

    def action_step_tab(self, step: int) -> None:
        at = (TABS.index(self.tab) + step) % len(TABS)
        self.action_show_tab(TABS[at])

    @on(TabbedContent.TabActivated)
    def tab_opened(self, event: TabbedContent.TabActivated) -> None:
        tab = self.tab
        if tab == "members" and "members" not in self._loaded:
            self._loaded.add("members")
            self.load_members(1)
        elif tab == "analytics" and "analytics" not in self._loaded:
            self._loaded.add("analytics")
            self.load_analytics()
        self._focus_tab(tab)

    def _focus_tab(self, tab: str) -> None:
        """Keys go to what the tab shows: the posts, the members, or its scroll."""
        if tab == "posts":
            self.query_one(FeedList).focus()
        elif tab == "members":
            self.query_one(ResourceTable).table.focus()
        elif tab == "about":
            self.query_one("#about", VerticalScroll).focus()
        else:
            self.query_one("#analytics-body", VerticalScroll).focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load_space()
        tab = self.tab
        if tab == "posts":
            self.load_posts(None)
        elif tab == "members":
            self.load_members(1)
        elif tab == "analytics":
            self.load_analytics()

    # The Space

    @work(exclusive=True, group="space", exit_on_error=False)
    async def load_space(self) -> None:
        space_id = self.space_id
        try:
            fetched = await session_of(self).read(
                f"space:{space_id}",
                lambda c: spaces_api.get_space(c, space_id),
                codecs.model(Space),
            )
        except ApiError as exc:
            self.query_one("#space-header", Static).update(
                Text(error_line(exc), style="bold")
            )
            nav(self).report_error(exc, "loading the Space")
            return
        self.space = fetched.value
        self._freshness = freshness(fetched)
        self._draw_space()

    def _draw_space(self) -> None:
        space = self.space
        if space is None:
            return
        header = Text(no_wrap=True, overflow="ellipsis", end="")
        header.append_text(plain_line(space.name, "bold", max_chars=80))
        if space.category:
            header.append(" · ")
            header.append_text(plain_line(space.category, max_chars=24))
        if space.visibility == "private":
            header.append(" · ◆ private")
        role = clean_line(space.my_role, max_chars=20) if space.my_role else None
        header.append(f" · {role}" if role else " · not a member")
        header.append(f" · {space.stats.members} members")
        if self._freshness:
            header.append(f" · {self._freshness}", style="bold")
        self.query_one("#space-header", Static).update(header)
        self.query_one("#about-text", Static).update(about_text(space))

    # Posts

    @work(exclusive=True, group="space-posts", exit_on_error=False)
    async def load_posts(self, token: str | int | None) -> None:
        """The first page of posts (token None), or the page `token` names."""
        feed = Feed(kind="space", space_id=self.space_id)
        note = self.query_one("#posts-note", Static)
        posts = self.query_one(FeedList)
        try:
            page = await session_of(self).feed_page(feed, token)
        except ApiError as exc:
            note.update(Text(error_line(exc), style="bold"))
            nav(self).report_error(exc, "loading the Space's posts")
            return
        self._next_posts = page.next
        if token is None:
            posts.set_items(page.items)
            posts.empty_text = "No posts in this Space yet."
        else:
            posts.append(page.items)
        note.update(Text(freshness(Fetched(page.items, page.fetched_at, page.cached))))

    @on(FeedList.NearEnd)
    def more_posts(self, event: FeedList.NearEnd) -> None:
        event.stop()
        if self._next_posts is not None:
            self.load_posts(self._next_posts)

    @on(FeedList.Opened)
    def open_post(self, event: FeedList.Opened) -> None:
        event.stop()
        nav(self).open_post(event.item.id)

    # Members

    @work(exclusive=True, group="space-members", exit_on_error=False)
    async def load_members(self, page: int) -> None:
        """Page `page` of the members (1 starts the list again)."""
        listing = self.query_one(ResourceTable)
        note = self.query_one("#members-note", Static)
        space_id = self.space_id
        if not session_of(self).supports("space_members"):
            note.update(Text("This server does not support Space member lists."))
            listing.display = False
            return
        try:
            fetched = await session_of(self).read(
                f"space:{space_id}:members:{page}",
                lambda c: spaces_api.members(
                    c, space_id, page=page, per_page=MEMBERS_PER_PAGE
                ),
                codecs.page(SpaceMember),
            )
        except ApiError as exc:
            listing.set_status(Text(error_line(exc), style="bold"))
            return
        found = fetched.value
        records = list(found.items) if page == 1 else [*listing.records, *found.items]
        self._members_page = page
        self._members_more = found.has_more
        listing.set_records(records)
        total = found.meta.total or len(records)
        listing.set_title(Text(f"Members ({total})"))
        listing.set_status(freshness(fetched))

    @on(DataTable.RowHighlighted)
    def more_members(self, event: DataTable.RowHighlighted) -> None:
        table = event.data_table
        if self._members_more and event.cursor_row >= table.row_count - 5:
            self._members_more = False
            self.load_members(self._members_page + 1)

    @on(ResourceTable.Chosen)
    def open_member(self, event: ResourceTable.Chosen) -> None:
        event.stop()
        nav(self).open_user(event.key)

    # Analytics

    @work(exclusive=True, group="space-analytics", exit_on_error=False)
    async def load_analytics(self) -> None:
        space_id = self.space_id
        end = datetime.now(UTC).date()
        start = end - timedelta(days=PERIOD_DAYS - 1)
        note = self.query_one("#analytics-note", Static)
        try:
            fetched = await session_of(self).read(
                f"space:{space_id}:analytics",
                lambda c: spaces_api.analytics(
                    c, space_id, start_date=start, end_date=end
                ),
                codecs.model(Analytics),
            )
        except (UnsupportedError, ForbiddenError, ScopeError, NotFoundError) as exc:
            self._analytics_missing(f"No analytics: {error_line(exc)}")
            return
        except ApiError as exc:
            self._analytics_missing(f"No analytics: {error_line(exc)}")
            nav(self).report_error(exc, "loading the Space's analytics")
            return
        self.analytics = fetched.value
        note.set_class(False, "problem")
        note.update(Text(freshness(fetched)))
        note.display = bool(fetched.cached)
        self.query_one(Chart).display = True
        self.query_one("#analytics-totals", Static).update(totals_line(fetched.value))
        self._draw_chart()

    def _analytics_missing(self, reason: str) -> None:
        """One line saying why there are no analytics, in place of the chart."""
        note = self.query_one("#analytics-note", Static)
        note.update(Text(reason))
        note.set_class(True, "problem")
        note.display = True
        self.query_one(Chart).display = False
        self.query_one("#analytics-totals", Static).update(Text(""))

    def _draw_chart(self) -> None:
        if self.analytics is None:
            return
        key, title, mean = METRICS[self.metric]
        points = series(self.analytics.timeline, key)
        label = f"{title}, last {PERIOD_DAYS} days  (m: next metric)"
        self.query_one(Chart).set_series(points, title=label, mean=mean)

    def action_next_metric(self) -> None:
        # From another tab the first press only brings the chart into view.
        if self.tab != "analytics":
            self.action_show_tab("analytics")
            return
        self.metric = (self.metric + 1) % len(METRICS)
        self._draw_chart()

    # Joining and leaving

    def action_join(self) -> None:
        self.change_membership(join=True)

    def action_leave(self) -> None:
        self.change_membership(join=False)

    @work(group="space-membership", exit_on_error=False)
    async def change_membership(self, *, join: bool) -> None:
        """Join or leave on the server; the header and About show the result."""
        space_id = self.space_id
        answer = await perform_or_say(
            self,
            "join" if join else "leave",
            {"space_id": space_id},
            summary=f"{'join' if join else 'leave'} a Space",
            model=Membership,
            doing="joining the Space" if join else "leaving the Space",
        )
        if answer is None:
            return
        if self.space is not None:
            self.space = with_membership(self.space, answer, member=join)
            self._draw_space()
        name = clean_line(self.space.name if self.space else space_id, max_chars=60)
        verb = "Joined" if join else "Left"
        self.notify(f"{verb} {name}.", markup=False)
