"""The first screens: connecting, the welcome for a first run, and the screen
a failed start ends on (saying what to do, never a traceback)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, LoadingIndicator, Static

from ratel_tui.text import clean_line


class ConnectingScreen(Screen[None]):
    """Shown from the first frame until the session is open."""

    DEFAULT_CSS = """
    ConnectingScreen { align: center middle; }
    ConnectingScreen Vertical { width: 60; max-width: 100%; height: 3; }
    ConnectingScreen #connecting-what { width: 100%; content-align: center middle; }
    ConnectingScreen LoadingIndicator { height: 1; }
    """

    def __init__(self, what: str = "Connecting…") -> None:
        super().__init__()
        self._what = what

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self._what), id="connecting-what")
            yield LoadingIndicator()

    def say(self, what: str) -> None:
        self._what = what
        found = self.query("#connecting-what")
        if found:
            found.first(Static).update(Text(what))


@dataclass(frozen=True, slots=True)
class SignIn:
    """What the welcome screen was given: a server and a key, or "sandbox"."""

    api_url: str = ""
    key: str = ""
    sandbox: bool = False
    keep: str = "keyring"
    """Where to keep the key: keyring, file (plain text, after a warning), session."""

    def __repr__(self) -> str:
        return f"SignIn(api_url={self.api_url!r}, key=…, sandbox={self.sandbox})"


class WelcomeScreen(Screen[SignIn]):
    """First run: paste a key for a server, or try the sandbox."""

    DEFAULT_CSS = """
    WelcomeScreen { align: center middle; }
    WelcomeScreen > Vertical {
        width: 76; max-width: 100%; height: auto;
        border: round $primary; padding: 1 2; background: $surface;
    }
    WelcomeScreen Input { margin-bottom: 1; }
    WelcomeScreen #welcome-problem { color: $error; height: auto; }
    WelcomeScreen Horizontal { height: auto; }
    WelcomeScreen Button { margin-right: 2; }
    """

    BINDINGS = [
        Binding("ctrl+s", "sandbox", "Try the sandbox", id="welcome.sandbox"),
        Binding("ctrl+q", "app.quit", "Quit", id="welcome.quit"),
    ]

    def __init__(self, api_url: str, problem: str = "") -> None:
        super().__init__()
        self._api_url = api_url
        self._problem = problem

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Welcome to ratel-tui", style="bold"))
            yield Static(
                Text(
                    "Sign in with an API key from your Ratel account settings, or "
                    "try everything on a local sandbox with demo data (no account)."
                )
            )
            yield Label("API URL")
            yield Input(self._api_url, id="welcome-url")
            yield Label("API key (pasted; not shown)")
            yield Input(password=True, placeholder="ratel_sk_…", id="welcome-key")
            yield Static(Text(clean_line(self._problem)), id="welcome-problem")
            with Horizontal():
                yield Button("Sign in", id="welcome-sign-in", variant="primary")
                yield Button("Try the sandbox", id="welcome-sandbox")

    def on_mount(self) -> None:
        self.query_one("#welcome-key", Input).focus()

    def show_problem(self, problem: str) -> None:
        self.query_one("#welcome-problem", Static).update(Text(clean_line(problem)))

    @on(Input.Submitted)
    @on(Button.Pressed, "#welcome-sign-in")
    def _sign_in(self) -> None:
        url = self.query_one("#welcome-url", Input).value.strip()
        key = self.query_one("#welcome-key", Input).value.strip()
        if not url or not key:
            self.show_problem("Both the API URL and the key are needed.")
            return
        self.dismiss(SignIn(url, key))

    @on(Button.Pressed, "#welcome-sandbox")
    def action_sandbox(self) -> None:
        self.dismiss(SignIn(sandbox=True))


class StartErrorScreen(Screen[str]):
    """Where a failed start ends: the problem in words and what can be done."""

    DEFAULT_CSS = """
    StartErrorScreen { align: center middle; }
    StartErrorScreen > Vertical {
        width: 76; max-width: 100%; height: auto;
        border: round $error; padding: 1 2; background: $surface;
    }
    StartErrorScreen #start-title { text-style: bold; color: $error; }
    StartErrorScreen Center { height: auto; margin-top: 1; }
    """

    BINDINGS = [
        Binding("r", "choose('retry')", "Retry", id="start.retry"),
        Binding("w", "choose('welcome')", "Use another key", id="start.welcome"),
        Binding("s", "choose('sandbox')", "Try the sandbox", id="start.sandbox"),
        Binding("q,escape", "app.quit", "Quit", id="start.quit"),
    ]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self._title = title
        self._message = message

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(clean_line(self._title)), id="start-title")
            yield Static(
                Text(clean_line(self._message, max_chars=1000)), id="start-message"
            )
            with Center():
                yield Static(
                    Text(
                        "r retry · w use another key · s try the sandbox · q quit",
                        style="dim",
                    )
                )

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


class KeepKeyScreen(Screen[str]):
    """No keyring works: say why, and let the user choose where the key goes."""

    DEFAULT_CSS = """
    KeepKeyScreen { align: center middle; }
    KeepKeyScreen > Vertical {
        width: 76; max-width: 100%; height: auto;
        border: round $warning; padding: 1 2; background: $surface;
    }
    """

    BINDINGS = [
        Binding("s", "choose('session')", "This session only", id="keep.session"),
        Binding("f", "choose('file')", "Save to a plain-text file", id="keep.file"),
        Binding("escape", "choose('session')", show=False),
    ]

    def __init__(self, problem: str, warning: str) -> None:
        super().__init__()
        self._problem = problem
        self._warning = warning

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Text("The key works, but no keyring can keep it", style="bold")
            )
            yield Static(Text(clean_line(self._problem, max_chars=600)))
            yield Static(
                Text(
                    f"If you save it to a file: {clean_line(self._warning)}.",
                    style="dim",
                )
            )
            yield Static(
                Text(
                    "s: use it for this session only (set RATEL_API_KEY next time) · "
                    "f: save it to the file"
                )
            )

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
