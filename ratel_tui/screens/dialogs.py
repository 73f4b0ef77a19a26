"""Small modal dialogs: confirm, enter text, report, pick a link.

Every label that may carry server text is taken as a `str` shown literally
(wrapped in `Text`, never parsed as markup) or as a ready `Text`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from ratel_tui.api.errors import ApiError
from ratel_tui.api.urls import display_host
from ratel_tui.text import clean_line

REPORT_REASONS: tuple[tuple[str, str], ...] = (
    ("spam", "Spam"),
    ("harassment", "Harassment"),
    ("misinformation", "Misinformation"),
    ("off_topic", "Off topic"),
    ("other", "Other"),
)
"""The contract's report reasons, each with the label the dialog shows."""

NOTE_LIMIT = 1_000
"""The longest note a report may carry (the contract's limit)."""

URL = re.compile(r"""https?://[^\s<>"'`]+""", re.IGNORECASE)
"""A web link inside post text (trailing punctuation is trimmed after)."""


DIALOG_CSS = """
%s {
    align: center middle;
    & > Vertical {
        width: 80%%; max-width: 90; height: auto; max-height: 90%%;
        border: round $primary; background: $panel; padding: 0 1;
    }
    .dialog-title { text-style: bold; }
    .dialog-hint { color: $text-muted; }
    Horizontal { height: auto; align-horizontal: right; }
}
"""
"""The look every dialog shares (a centred panel); `%s` is the class name."""


def _as_text(label: str | Text) -> Text:
    """`label` as Text, a str taken literally (no markup)."""
    return label if isinstance(label, Text) else Text(label)


class Confirm(ModalScreen[bool]):
    """Ask a yes/no question: y or enter says yes, n or escape says no."""

    DEFAULT_CSS = DIALOG_CSS % "Confirm"
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str | Text, *, yes: str = "Yes") -> None:
        super().__init__()
        self.question = _as_text(question)
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, classes="dialog-title")
            with Horizontal():
                yield Button(Text(f"{self.yes} (y)"), id="yes", variant="primary")
                yield Button(Text("No (n)"), id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    @on(Button.Pressed)
    def answer_by_button(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class TextPrompt(ModalScreen[str | None]):
    """Write a text (a reply, a post) with a live count: ctrl+s sends, escape
    cancels. Escape on changed text only warns once, so typing is not lost
    to a stray key."""

    DEFAULT_CSS = (
        DIALOG_CSS % "TextPrompt"
        + "TextPrompt TextArea { height: 10; } TextPrompt .-over { color: $error; }"
    )
    BINDINGS = [
        Binding("ctrl+s", "send", "Send", id="prompt.send", priority=True),
        Binding("escape", "cancel", "Cancel", id="prompt.cancel"),
    ]

    def __init__(
        self, title: str | Text, initial: str = "", max_chars: int = 5_000
    ) -> None:
        super().__init__()
        self.title_text = _as_text(title)
        self.initial = initial
        self.max_chars = max_chars
        self._warned = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="dialog-title")
            yield TextArea(self.initial, soft_wrap=True, id="prompt-text")
            yield Static(id="prompt-count", classes="dialog-hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        self._count()

    @property
    def text(self) -> str:
        """What is written so far."""
        return self.query_one(TextArea).text

    @on(TextArea.Changed)
    def _count(self) -> None:
        used = len(self.text)
        line = Text(f"{used} / {self.max_chars} characters · ctrl+s send · esc cancel")
        if used > self.max_chars:
            line.append(f" · {used - self.max_chars} too many")
        count = self.query_one("#prompt-count", Static)
        count.update(line)
        count.set_class(used > self.max_chars, "-over")
        self._warned = False

    def action_send(self) -> None:
        text = self.text
        if not text.strip():
            self.notify("Nothing to send yet", severity="warning")
        elif len(text) > self.max_chars:
            self.notify(
                f"Too long: at most {self.max_chars} characters", severity="warning"
            )
        else:
            self.dismiss(text)

    def action_cancel(self) -> None:
        if self.text != self.initial and self.text.strip() and not self._warned:
            self._warned = True
            self.query_one("#prompt-count", Static).update(
                Text("Unsent text: escape again to discard it, ctrl+s to send")
            )
            return
        self.dismiss(None)


class ReportDialog(ModalScreen[tuple[str, str | None] | None]):
    """Report something: pick a reason, add a note if you like, enter sends.

    The answer is `(reason, note)`, note None when left empty; None if cancelled.
    """

    DEFAULT_CSS = (
        DIALOG_CSS % "ReportDialog" + "ReportDialog OptionList { height: auto; }"
    )
    BINDINGS = [
        Binding("ctrl+s", "send", "Send", id="report.send", priority=True),
        Binding("escape", "cancel", "Cancel", id="report.cancel"),
    ]

    def __init__(self, what: str | Text) -> None:
        super().__init__()
        self.what = _as_text(what)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Report ").append_text(self.what), classes="dialog-title")
            yield OptionList(
                *(Option(Text(label), id=reason) for reason, label in REPORT_REASONS),
                id="report-reasons",
            )
            yield Input(
                placeholder="Note for the moderators (optional)",
                max_length=NOTE_LIMIT,
                id="report-note",
            )
            yield Static(
                Text("enter picks the reason, then enter sends · esc cancels"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        reasons = self.query_one(OptionList)
        reasons.highlighted = 0
        reasons.focus()

    @on(OptionList.OptionSelected)
    def go_to_note(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def action_send(self) -> None:
        index = self.query_one(OptionList).highlighted or 0
        note = self.query_one(Input).value.strip()
        self.dismiss((REPORT_REASONS[index][0], note or None))

    def action_cancel(self) -> None:
        self.dismiss(None)


class LinkPicker(ModalScreen[str | None]):
    """Choose one of some links, each shown as a ready `Text` prompt; the
    answer is the chosen URL, None if cancelled."""

    DEFAULT_CSS = DIALOG_CSS % "LinkPicker" + "LinkPicker OptionList { height: auto; }"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="links.cancel")]

    def __init__(self, links: Sequence[tuple[str, Text]]) -> None:
        super().__init__()
        self.links = list(links)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Open which link?"), classes="dialog-title")
            yield OptionList(*(Option(prompt) for _, prompt in self.links))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def choose(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.links[event.option_index][0])

    def action_cancel(self) -> None:
        self.dismiss(None)


def find_links(text: str) -> list[str]:
    """The distinct http(s) links of `text`, in order; nothing else is offered."""
    found: list[str] = []
    for match in URL.finditer(text):
        url = match.group().rstrip(".,;:!?)]}'\"")
        try:
            parts = urlsplit(url)
            host = display_host(url)
        except (ValueError, ApiError):
            continue  # Not a URL the client can parse the same way: not offered.
        if parts.scheme.lower() in ("http", "https") and host and url not in found:
            found.append(url)
    return found


def link_prompt(url: str) -> Text:
    """A link as its full text with the host it really goes to in bold
    reverse, and that host again on a line of its own (punycode first)."""
    shown = Text(clean_line(url, max_chars=2_000))
    parts = urlsplit(url)
    netloc = parts.netloc
    host_start = len(parts.scheme) + 3 + netloc.rfind("@") + 1
    host_end = host_start + len(netloc) - netloc.rfind("@") - 1
    if shown.plain == url:
        shown.stylize("bold reverse", host_start, host_end)
    shown.append("\n  goes to: ")
    shown.append(clean_line(display_host(url)), style="bold")
    return shown
