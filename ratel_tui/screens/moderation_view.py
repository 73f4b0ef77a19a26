"""How the triage screen draws an item (whole, and as a row) and asks a ban length."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ratel_tui.api.models import CommentItem
from ratel_tui.screens.dialogs import DIALOG_CSS
from ratel_tui.services import moderation as mod
from ratel_tui.widgets.age import age
from ratel_tui.widgets.age import now as age_now
from ratel_tui.widgets.safe_text import plain, plain_line


def _when(moment: Any, now: float) -> str:
    """ "reported 3d ago", "reported just now" or "reported Feb 23"."""
    if moment is None:
        return ""
    text = age(moment.timestamp(), now)
    if text == "now":
        return "reported just now"
    return f"reported {text} ago" if text[:-1].isdigit() else f"reported {text}"


def item_whole(
    item: Any,
    space_name: str,
    *,
    refused: str = "",
    activity: list[Any] | None = None,
    now: float | None = None,
) -> Text:
    """The item in focus: content, context, reports by reason, author history."""
    moment = age_now() if now is None else now
    out = Text()
    target = mod.target_of(item)
    head = f"{item.target_type.upper()} in "
    out.append(head, style="bold")
    out.append_text(plain_line(space_name, "bold", max_chars=60))
    reports = item.report_count
    out.append(f" · {reports} report{'' if reports == 1 else 's'} · {item.status}")
    out.append(f" · {_when(item.created_at, moment)}\n")
    if refused:
        out.append("Refused, back in the queue: ", style="bold")
        out.append_text(plain_line(refused, max_chars=300))
        out.append("\n")
    if target is None:
        out.append("(the content was deleted)\n")
    else:
        out.append("by ")
        out.append_text(plain_line("@" + target.author.username, "bold"))
        if target.author.display_name:
            out.append(" (")
            out.append_text(plain_line(target.author.display_name, max_chars=60))
            out.append(")")
        out.append("\n")
        title = getattr(target, "title", None)
        if title:
            out.append_text(plain_line(title, "bold", max_chars=200))
            out.append("\n")
        out.append_text(plain(target.content))
        out.append("\n")
    _context(out, item)
    _reports(out, item)
    _history(out, item, activity)
    return out


def _context(out: Text, item: Any) -> None:
    if not isinstance(item, CommentItem) or item.parent is None:
        return
    above = item.parent.comment
    post = item.parent.post
    if above is not None:
        out.append("\nIn reply to ", style="bold")
        out.append_text(plain_line("@" + above.author.username))
        out.append(": ")
        out.append_text(plain_line(" ".join(above.content.split()), max_chars=300))
        out.append("\n")
    if post is not None:
        out.append("\nOn the post ", style="bold")
        out.append_text(plain_line("@" + post.author.username))
        out.append(": ")
        out.append_text(plain_line(" ".join(post.content.split()), max_chars=300))
        out.append("\n")


def _reports(out: Text, item: Any) -> None:
    out.append("\nReports\n", style="bold")
    groups = mod.reports_by_reason(item)
    if not groups:
        for reason, count in item.reasons.items():
            out.append(f"  {reason} ×{count}\n")
        return
    for reason, reports in groups.items():
        out.append(f"  {reason} ×{len(reports)}\n")
        for report in reports:
            if not report.note:
                continue
            who = report.reporter.username if report.reporter else "someone"
            out.append("    ")
            out.append_text(plain_line(f"@{who}: {report.note}", max_chars=300))
            out.append("\n")


def _history(out: Text, item: Any, activity: list[Any] | None) -> None:
    history = item.author_history
    out.append("\nAuthor in this Space: ", style="bold")
    if history is None:
        out.append("unknown\n")
    else:
        removals = history.removals
        out.append(f"{removals} earlier removal{'' if removals == 1 else 's'}")
        ban = history.active_ban
        if ban is None:
            out.append(" · not banned\n")
        else:
            until = (
                "for good"
                if ban.expires_at is None
                else f"until {ban.expires_at:%Y-%m-%d}"
            )
            out.append(f" · BANNED {until}")
            if ban.reason:
                out.append(" (")
                out.append_text(plain_line(ban.reason, max_chars=100))
                out.append(")")
            out.append("\n")
    if activity:
        out.append("Recent activity (all Spaces)\n", style="bold")
    for entry in (activity or [])[:5]:
        out.append(f"  {entry.type}: ")
        out.append_text(plain_line(entry.summary, max_chars=100))
        out.append("\n")


def item_row(item: Any, *, focused: bool, marked: bool, width: int) -> Text:
    """One line of the queue: cursor, mark, type, author, reasons, excerpt."""
    line = Text("▶ " if focused else "  ", style="bold" if focused else "")
    line.append("* " if marked else "  ", style="bold")
    line.append(f"{item.target_type[:7]:<8}")
    author = mod.author_of(item)
    line.append_text(plain_line("@" + author.username if author else "—", max_chars=14))
    line.append("  ")
    reasons = sorted(mod.open_reasons(item).items(), key=lambda p: -p[1])
    line.append_text(
        plain_line(", ".join(f"{r} {n}" for r, n in reasons), max_chars=22)
    )
    line.append("  ")
    target = mod.target_of(item)
    excerpt = "(deleted)" if target is None else " ".join(target.content.split())
    room = max(10, width - line.cell_len - 1)
    line.append_text(plain_line(excerpt, max_chars=room))
    line.truncate(max(width, 1))
    return line


def duration_words(days: int | None) -> str:
    """ "for 7 days", "for 1 day" or "for good"."""
    if days is None:
        return "for good"
    return f"for {days} day{'' if days == 1 else 's'}"


class BanDurationModal(ModalScreen[tuple[int | None] | None]):
    """Ask how long to ban for: 1, 7 or 30 days, or for good; escape cancels."""

    DEFAULT_CSS = DIALOG_CSS % "BanDurationModal"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "choose(1)", "1 day", id="ban.day"),
        Binding("7", "choose(7)", "7 days", id="ban.week"),
        Binding("3", "choose(30)", "30 days", id="ban.month"),
        Binding("p", "choose(0)", "For good", id="ban.permanent"),
        Binding("escape", "cancel", "Cancel", id="ban.cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Ban the author for how long?"), classes="dialog-title")
            options = [
                Option(Text(f"{key}  {duration_words(days)}"), id=str(days or 0))
                for key, days in zip("173p", mod.BAN_DURATIONS, strict=True)
            ]
            yield OptionList(*options)
            yield Static(
                Text("1, 7, 3 (30 days) or p · escape cancels"), classes="dialog-hint"
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.action_choose(int(event.option.id or 0))

    def action_choose(self, days: int) -> None:
        self.dismiss((days or None,))

    def action_cancel(self) -> None:
        self.dismiss(None)


def _bind(key: str, action: str, label: str, tip: str, name: str, **kw: Any) -> Binding:
    return Binding(key, action, label, tooltip=tip, id=f"modq.{name}", **kw)


def _template_bindings() -> list[BindingType]:
    return [
        _bind(
            str(n),
            f"apply_template('{n}')",
            f"Template {n}",
            f"Decide with reason template {n} in one stroke.",
            f"template.{n}",
            show=False,
        )
        for n in range(1, 10)
    ]


QUEUE_BINDINGS: list[BindingType] = [
    _bind(
        "a",
        "decide('approve')",
        "Approve",
        "Keep the content, close the reports.",
        "approve",
    ),
    _bind("x", "remove_item", "Remove", "Hide the content (asks first).", "remove"),
    _bind(
        "X",
        "decide('remove')",
        "Remove now",
        "Hide the content without asking.",
        "remove_now",
        show=False,
    ),
    _bind("d", "decide('dismiss')", "Dismiss", "Close the reports.", "dismiss"),
    _bind(
        "e",
        "decide('escalate')",
        "Escalate",
        "Hand the item to the Space admins.",
        "escalate",
    ),
    _bind(
        "b",
        "ban_author",
        "Ban",
        "Ban the author (asks how long) and remove.",
        "ban",
    ),
    _bind(
        "B",
        "ban_again",
        "Ban again",
        "Ban the author for the last length used.",
        "ban_again",
        show=False,
    ),
    *_template_bindings(),
    _bind("m", "mark_item", "Mark", "Mark or unmark the item in focus.", "mark"),
    _bind(
        "M",
        "mark_range",
        "Mark range",
        "Mark from the last mark to here.",
        "mark_range",
        show=False,
    ),
    _bind(
        "ctrl+a",
        "mark_all",
        "Mark all",
        "Mark every item shown.",
        "mark_all",
        show=False,
    ),
    _bind(
        "n",
        "write_note",
        "Note",
        "Write a note that the next decision carries.",
        "note",
    ),
    _bind("u", "undo_decision", "Undo", "Take back the last decision.", "undo"),
    _bind("L", "open_log", "Log", "This session's decisions; undo any.", "log"),
    _bind(
        "slash",
        "filter_text",
        "Filter",
        "Show items whose text or author match.",
        "filter",
    ),
    _bind(
        "f",
        "next_filter",
        "Next filter",
        "Cycle the saved filters.",
        "saved_filter",
    ),
    _bind("j,down", "move(1)", "Down", "The next item.", "down", show=False),
    _bind("k,up", "move(-1)", "Up", "The previous item.", "up", show=False),
    _bind("escape,q", "back", "Back", "Leave the queue.", "back"),
]
"""The keys of the triage screen (ids `modq.*`, remappable in config.toml)."""
