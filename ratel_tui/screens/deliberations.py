"""The Deliberations section: deliberations by Space and phase, with a
detail panel of the phase timeline."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from ratel_tui.api import deliberations as deliberations_api
from ratel_tui.api.client import ApiClient
from ratel_tui.api.models import Deliberation
from ratel_tui.screens.base import freshness, session_of
from ratel_tui.services import codecs
from ratel_tui.widgets.resource_table import Column, ResourceSection, ResourceTable
from ratel_tui.widgets.safe_text import plain, plain_line

PHASES = ("draft", "pre_survey", "discussion", "post_survey", "completed")
"""A deliberation's phases, in order."""

PHASE_FILTERS: tuple[str | None, ...] = (
    None,
    "pre_survey",
    "discussion",
    "post_survey",
    "completed",
    "draft",
)
"""What `p` cycles through (None: every phase)."""

MAX_PAGES = 5
"""Pages of 100 read per load; a server with more shows the newest 500."""


def phase_name(phase: str) -> str:
    """`pre_survey` as "pre-survey"."""
    return phase.replace("_", "-")


def time_left(deadline: datetime | None, now: float | None = None) -> str:
    """ "2d 3h left", "4h 10m left", "ended", or "" without a deadline."""
    if deadline is None:
        return ""
    seconds = int(deadline.timestamp() - (time.time() if now is None else now))
    if seconds <= 0:
        return "ended"
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    if days:
        return f"{days}d {hours}h left"
    return f"{hours}h {rest // 60}m left"


def timeline(current: str) -> Text:
    """The phases in order, the current one marked with ▶ (not by colour alone)."""
    line = Text()
    for index, phase in enumerate(PHASES):
        if index:
            line.append(" → ", style="dim")
        if phase == current:
            line.append(f"▶ {phase_name(phase)} (now)", style="bold reverse")
        else:
            line.append(phase_name(phase))
    if current not in PHASES:
        line.append(f"   (now: {phase_name(current)})")
    return line


def phase_timeline(current: str) -> Text:
    """Every phase in order: ✓ the past ones, ▶ the current one, in words too."""
    line = Text()
    reached = current in PHASES
    for index, phase in enumerate(PHASES):
        if index:
            line.append(" → ")
        if phase == current:
            line.append(f"▶ {phase_name(phase).upper()} (now)", style="bold reverse")
        elif reached and index < PHASES.index(current):
            line.append(f"✓ {phase_name(phase)}")
        else:
            line.append(phase_name(phase), style="dim")
    return line


def countdown(deadline: datetime | None, status: str, now: float) -> str:
    """ "Phase ends in 2d 03:04:05 (Mar 6 17:30 UTC)", or why there is none."""
    if status == "completed":
        return "Completed: the results are final."
    if deadline is None:
        return "No deadline: a host opens the pre-survey by advancing (A)."
    seconds = int(deadline.timestamp() - now)
    when = deadline.astimezone(UTC).strftime("%b %-d %H:%M UTC")
    if seconds <= 0:
        return f"This phase ended at {when}; it moves on when next read."
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    return f"Phase ends in {days}d {hours:02}:{minutes:02}:{secs:02} ({when})"


def answered_line(item: Deliberation) -> Text:
    """ "Pre-survey: answered ✓ · post-survey: not answered"."""
    mine = item.my_responses
    if mine is None:
        return Text("")
    return Text(
        f"Pre-survey: {'answered ✓' if mine.pre else 'not answered'}"
        f" · post-survey: {'answered ✓' if mine.post else 'not answered'}"
    )


def deadline_cell(item: Deliberation) -> Text:
    """ "2d 3h" left in this phase, "ended", or "—" without a deadline."""
    return Text(time_left(item.phase_ends_at).removesuffix(" left") or "—")


def answered_cell(item: Deliberation) -> Text:
    """ "pre✓ post✗": whether I answered each survey, in symbols and words."""
    mine = item.my_responses
    if mine is None:
        return Text("?")
    return Text(f"pre{'✓' if mine.pre else '✗'} post{'✓' if mine.post else '✗'}")


def participants_cell(item: Deliberation) -> Text:
    if item.participants is None:
        return Text("")
    return Text(f"{item.participants.pre}/{item.participants.post}")


class DeliberationsSection(ResourceSection):
    """Deliberations I can see; `p` and `s` narrow them, enter shows one."""

    SECTION_ID = "deliberations"
    SECTION_TITLE = "Deliberations"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "R",
            "refresh",
            "Refresh",
            tooltip="Read the deliberations again.",
            id="deliberations.refresh",
        ),
        Binding(
            "p",
            "cycle_phase",
            "Phase",
            tooltip="Show one phase after another, then all.",
            id="deliberations.phase",
        ),
        Binding(
            "s",
            "cycle_space",
            "Space",
            tooltip="Show one Space after another, then all.",
            id="deliberations.space",
        ),
        Binding(
            "i",
            "toggle_detail",
            "Details",
            tooltip="Show or hide the timeline of the highlighted deliberation.",
            id="deliberations.detail",
        ),
        Binding(
            "n",
            "new_deliberation",
            "New",
            tooltip="Start a deliberation with a question builder.",
            id="deliberations.new",
        ),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.everything: list[Deliberation] = []
        self.phase: str | None = None
        self.space_id: str | None = None
        self.opened: str | None = None

    def compose_body(self) -> ComposeResult:
        columns = (
            Column("Title", lambda d: plain_line(d.title, max_chars=40)),
            Column("Space", self.space_cell, min_width=100),
            Column("Phase", lambda d: Text(phase_name(d.status))),
            Column("Time left", deadline_cell),
            Column("I answered", answered_cell),
            Column("Answers pre/post", participants_cell, min_width=90),
        )
        yield ResourceTable[Deliberation](
            columns, lambda d: d.id, title=self.SECTION_TITLE
        )
        yield Static("", classes="detail")

    def space_cell(self, item: Deliberation) -> Text:
        names = session_of(self).space_names
        return plain_line(names.get(item.space_id or "", item.space_id), max_chars=30)

    # Loading

    async def load(self) -> None:
        session = session_of(self)
        self.listing.set_status("Loading…")
        if not session.space_names:
            await session.load_space_names()
        if not session.supports(deliberations_api.FULL[0]):
            self.note().update(
                Text(
                    "This server does not support the full deliberation workflow; "
                    "listing what it shares."
                )
            )
        fetched = await session.read(
            "deliberations:all", every_deliberation, codecs.models(Deliberation)
        )
        self.everything = list(fetched.value)
        self.show_filtered(freshness(fetched))

    def show_filtered(self, status: str = "") -> None:
        """Put the deliberations the phase and Space filters keep in the table."""
        kept = [
            item
            for item in self.everything
            if (self.phase is None or item.status == self.phase)
            and (self.space_id is None or item.space_id == self.space_id)
        ]
        self.listing.set_records(kept)
        self.listing.set_title(self.title_line(len(kept)))
        if not kept:
            status = status or "No deliberations match."
        self.listing.set_status(status)

    def title_line(self, count: int) -> Text:
        space = "all"
        if self.space_id is not None:
            space = session_of(self).space_names.get(self.space_id, self.space_id)
        return Text.assemble(
            f"Deliberations ({count}) · phase: {phase_name(self.phase or 'all')}"
            " · Space: ",
            plain_line(space, max_chars=40),
            "  [p/s to change]",
        )

    # Filters

    def action_cycle_phase(self) -> None:
        index = PHASE_FILTERS.index(self.phase)
        self.phase = PHASE_FILTERS[(index + 1) % len(PHASE_FILTERS)]
        self.show_filtered()

    def action_cycle_space(self) -> None:
        names = session_of(self).space_names
        present = {item.space_id for item in self.everything if item.space_id}
        choices: list[str | None] = [None]
        choices += sorted(present, key=lambda s: names.get(s, s).casefold())
        index = choices.index(self.space_id) if self.space_id in choices else 0
        self.space_id = choices[(index + 1) % len(choices)]
        self.show_filtered()

    # Detail

    @on(ResourceTable.Chosen)
    def open_deliberation(self, event: ResourceTable.Chosen) -> None:
        """Enter opens the deliberation's page; back here, the panel shows
        which one was opened."""
        from ratel_tui.screens.deliberation import DeliberationScreen

        event.stop()
        item = next((d for d in self.everything if d.id == event.key), None)
        if item is not None:
            self.opened = item.id
            self.show_detail(self.describe(item))
        # Back here, read again: answers or a new phase change the markers.
        self.app.push_screen(
            DeliberationScreen(event.key), lambda _: self.action_refresh()
        )

    def action_new_deliberation(self) -> None:
        from ratel_tui.screens.deliberation_new import DeliberationNewScreen

        self.app.push_screen(
            DeliberationNewScreen(self.space_id), lambda _: self.action_refresh()
        )

    def action_toggle_detail(self) -> None:
        item = self.listing.current()
        if item is None or self.opened == item.id:
            self.opened = None
            self.show_detail(None)
            return
        self.opened = item.id
        self.show_detail(self.describe(item))

    def describe(self, item: Deliberation) -> Text:
        """The detail panel of one deliberation."""
        text = Text.assemble(plain_line(item.title, style="bold"), "\n")
        text.append_text(self.space_cell(item))
        if item.created_by is not None:
            text.append(" · started by @")
            text.append_text(plain_line(item.created_by.username, max_chars=40))
        text.append("\n\n")
        text.append_text(timeline(item.status))
        left = time_left(item.phase_ends_at)
        if left:
            text.append(f"\nThis phase: {left}")
        if item.my_responses is not None:
            text.append("\nPre-survey: ")
            text.append("answered ✓" if item.my_responses.pre else "not answered")
            text.append(" · post-survey: ")
            text.append("answered ✓" if item.my_responses.post else "not answered")
        if item.participants is not None:
            pre, post = item.participants.pre, item.participants.post
            text.append(f"\nAnswers: {pre} before, {post} after")
        if item.description:
            text.append("\n\n")
            text.append_text(plain(item.description[:1_500]))
        return text


async def every_deliberation(client: ApiClient) -> tuple[Deliberation, ...]:
    """The deliberations I can see, newest first (at most `MAX_PAGES` pages)."""
    found: list[Deliberation] = []
    for page in range(1, MAX_PAGES + 1):
        answer = await deliberations_api.list_deliberations(
            client, page=page, per_page=100
        )
        found.extend(answer.items)
        if not answer.has_more:
            break
    return tuple(found)
