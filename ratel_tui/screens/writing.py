"""Writing from anywhere in the app: a new post, a draft resumed, what was
being written when the app last died offered back, and the outbox's news
told (a refusal in words, with the text back in Drafts)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ratel_tui.store.journal import Draft, new_draft
from ratel_tui.store.local import StoreError
from ratel_tui.widgets.age import age
from ratel_tui.widgets.safe_text import plain_line

if TYPE_CHECKING:
    from textual.screen import Screen

    from ratel_tui.app import RatelApp
    from ratel_tui.services.sender import Outcome


def draft_line(draft: Draft, now: float) -> Text:
    """One line naming a draft: kind, first words, words, last edit."""
    head = draft.title or " ".join(draft.body.split()[:10]) or "(empty)"
    line = Text(f"{draft.label} · ")
    line.append_text(plain_line(head, max_chars=50))
    when = age(draft.updated_at, now)
    line.append(f" · {draft.words} words · edited {when}")
    if when != "now":
        line.append(" ago")
    return line


class RestoreModal(ModalScreen[str | None]):
    """ "You were writing…": enter restores the chosen draft (its id), escape
    keeps them all in Drafts."""

    DEFAULT_CSS = """
    RestoreModal { align: center middle; }
    RestoreModal > Vertical {
        width: 80; max-width: 100%; height: auto; max-height: 80%;
        border: thick $warning; background: $panel; padding: 0 1;
    }
    RestoreModal OptionList { height: auto; max-height: 12; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "keep", "Keep in Drafts", id="restore.keep"),
    ]

    def __init__(self, drafts: list[Draft], now: float) -> None:
        super().__init__()
        self.drafts = drafts
        self.now = now

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Restore what you were writing?"
            yield Static(
                Text(
                    "ratel-tui stopped while you were writing (killed, or the "
                    "terminal closed). Nothing was lost:"
                )
            )
            yield OptionList(
                *(Option(draft_line(d, self.now), id=d.id) for d in self.drafts)
            )
            yield Static(Text("enter restores · esc keeps them in Drafts (3)"))

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_keep(self) -> None:
        self.dismiss(None)


def offer_restore(app: RatelApp) -> None:
    """At start: offer back the drafts open in a process that is gone."""
    import time

    session = app.session
    try:
        found = session.journal.interrupted()
    except StoreError:
        return
    if not found:
        return
    for draft in found:
        session.journal.adopt(draft.id)

    def chosen(draft_id: str | None) -> None:
        draft = next((d for d in found if d.id == draft_id), None)
        if draft is not None:
            resume(app, draft)

    app.push_screen(RestoreModal(found, time.time()), chosen)


def resume(app: RatelApp, draft: Draft, heading: Text | str | None = None) -> None:
    """Open `draft` in the compose screen."""
    from ratel_tui.screens.compose import ComposeScreen

    app.push_screen(ComposeScreen(draft, heading), lambda item: sent_note(app, item))


def new_post(app: RatelApp, space_id: str | None = None) -> None:
    """Compose a new post (in `space_id`, if given)."""
    resume(app, new_draft("post", target={"space_id": space_id} if space_id else {}))


def sent_note(app: RatelApp, item: Any) -> None:
    """Say that a write left the compose screen for the outbox."""
    if item is None:
        return
    online = app.session.status.online
    where = "sending…" if online else "it goes out when the server is back"
    app.notify(f"In the outbox: {where}", timeout=3)


def announce(app: RatelApp, outcome: Outcome) -> None:
    """Tell the user what became of a write they may have left behind."""
    from ratel_tui.text import clean_line

    summary = clean_line(outcome.item.summary or outcome.item.action, max_chars=60)
    if outcome.state == "refused" and not outcome.awaited:
        kept = " Its text is back in Drafts (3)." if outcome.item.draft_id else ""
        app.notify(
            f"Refused: {summary} — {outcome.reason}.{kept}",
            severity="error",
            markup=False,
            timeout=12,
        )
    elif outcome.state == "sent" and outcome.item.action == "create_post":
        status = (
            (outcome.result or {}).get("status")
            if isinstance(outcome.result, dict)
            else None
        )
        word = {"draft": "Saved on the server", "scheduled": "Scheduled"}.get(
            status or "", "Posted"
        )
        app.notify(f"{word}: {summary}", markup=False, timeout=4)
        main = app.main
        if main is not None and word == "Posted":
            from ratel_tui.screens.feed import FeedSection

            for feed in main.query(FeedSection):
                feed.check_new()


OUTCOME_WAIT_S = 10.0
"""How long a screen waits to show what became of a write it sent."""


async def write_and_wait(
    screen: Screen[Any],
    kind: str,
    target: dict[str, Any],
    heading: Text,
    *,
    doing: str,
    body: str = "",
) -> Outcome | None:
    """Write `kind` for `target` in the compose screen, from what was being
    written for it before if anything (else from `body`), and wait for it to
    be sent. The outcome when the server took it; otherwise None, after
    saying why (put aside, kept in the outbox, refused)."""
    from ratel_tui.screens.base import nav, session_of
    from ratel_tui.screens.compose import ComposeScreen
    from ratel_tui.services.session import WriteRefused

    session = session_of(screen)
    try:
        draft = session.journal.find(kind, target) or new_draft(
            kind, target=target, body=body
        )
    except StoreError as exc:
        screen.notify(str(exc), severity="error", markup=False)
        return None
    item = await screen.app.push_screen_wait(ComposeScreen(draft, heading))
    if item is None:
        return None
    outcome = await session.sender.outcome(item.seq, OUTCOME_WAIT_S)
    if outcome is None:
        screen.notify(
            "Kept in the outbox: it is sent when the server is back",
            severity="warning",
            markup=False,
        )
        return None
    if outcome.state != "sent":
        reason = f"{outcome.reason}; the text is back in Drafts"
        nav(screen).report_error(WriteRefused(reason), doing)
        return None
    return outcome
