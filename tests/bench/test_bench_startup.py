"""Start-up benchmarks: the real `ratel-tui` process in a 120x40 pseudo-terminal,
against a bare Textual app run the same way (the floor).

What is timed, each over RUNS runs after one warm-up:

- floor: a bare Textual app with one Static, from spawn to its first frame
  (and to its text, which is in that frame); from ctrl+q to its exit;
- no key: `ratel-tui` with nothing to sign in with, from spawn to its first
  frame, and to the welcome screen's title (the first text a new user reads);
- feed: `ratel-tui` with RATEL_API_URL and RATEL_API_KEY of a sandbox server
  in this process, from spawn to the first frame and to the newest post's
  `@author` on screen; then from writing "q" to the process's exit;
- help: `ratel-tui --help`, the wall time of the whole process.

The first frame is the first content the compositor draws: after Textual
switches to the alternate screen (which it does once the app module is
imported and the driver starts), the first cursor move that is followed by a
cell, after any colours. The mode switches and terminal queries written
before it are not a frame. This is the moment the terminal stops showing the
shell, whatever the first screen holds; whether the connecting screen's
"Connecting" text was drawn at all is counted alongside. A text is "on
screen" when it appears in the output once escape sequences are stripped.
The pty is read all the time, so the child never waits on a full buffer, and
each time is that of the read that completed the frame or the text.

Each run gets its own XDG data, config, cache and state directories (no
settings, key or read cache carries over from a run or from the user) and
the keyring's fail backend (nothing waits on a keyring daemon). Figures go
to results/startup.json with their ratio to the floor, which is steadier
than absolute times on this shared 2-core box; the asserted limits are the
goals with headroom for its noise, and `at_goal` says which goals are met.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ratel_tui.sandbox.config import SandboxConfig
from ratel_tui.sandbox.server import SandboxServer
from tests.bench.conftest import record
from tests.terminal import COLUMNS, ROWS, TIMEOUT, plain, spawned
from tests.terminal import child_env as isolated_env


def child_env(home: Path, **extra: str) -> dict[str, str]:
    """A run's isolated environment, where Python may keep compiled modules:
    a user's second start reads them, and the warm-up run writes them (some
    machines set PYTHONDONTWRITEBYTECODE, which would time compiling)."""
    env = isolated_env(home, **extra)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


RUNS = 7
"""Counted runs of each measure, after one warm-up."""

VENV_BIN = Path(sys.executable).parent
RATEL_TUI = str(VENV_BIN / "ratel-tui")

WELCOME = "Welcome to ratel-tui"
"""The title of the screen `ratel-tui` opens on without a key."""

FLOOR_MARKER = "FLOOR-APP-READY"
FLOOR_APP = textwrap.dedent(
    f"""
    from textual.app import App, ComposeResult
    from textual.widgets import Static


    class Floor(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("{FLOOR_MARKER}")


    Floor().run()
    """
)
"""The smallest Textual app: one Static, quit by Textual's own ctrl+q."""

GOALS = {
    "first_frame_p50_s": 0.45,
    "feed_p50_s": 0.7,
    "help_p50_s": 0.15,
    "quit_p50_s": 0.4,
}
"""The start-up goals of the performance research (medians on this box)."""

LIMITS = {
    "first_frame_p50_s": 0.7,
    "feed_p50_s": 1.0,
    "help_p50_s": 0.25,
    "quit_p50_s": 0.8,
}
"""What the tests assert: the goals with headroom for a noisy shared box."""


def stats(samples: list[float]) -> dict[str, Any]:
    """Median and max in seconds, and every run in milliseconds."""
    return {
        "p50_s": round(statistics.median(samples), 3),
        "max_s": round(max(samples), 3),
        "runs_ms": [round(sample * 1000) for sample in samples],
    }


def repeat(measure: Callable[[int], Any]) -> list[Any]:
    """`measure(i)` for one warm-up and RUNS counted runs."""
    measure(-1)
    return [measure(i) for i in range(RUNS)]


def columns(runs: list[dict[str, float]]) -> dict[str, Any]:
    """The stats of each figure of a list of runs."""
    return {name: stats([run[name] for run in runs]) for name in runs[0]}


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    path = tmp_path_factory.mktemp("sandbox") / "s.db"
    server = SandboxServer(SandboxConfig(db_path=path, port=0, access_log=False))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def newest_author(server: SandboxServer, key: str) -> str:
    """GET /posts: the username of the newest post, the feed's first row."""
    response = httpx.get(
        f"{server.url}/posts",
        params={"per_page": 1},
        headers={"Authorization": f"Bearer {key}"},
    )
    response.raise_for_status()
    return str(response.json()["data"][0]["author"]["username"])


def measure_floor(tmp_path: Path) -> dict[str, Any]:
    script = tmp_path / "floor_app.py"
    script.write_text(FLOOR_APP)

    def once(i: int) -> dict[str, float]:
        env = child_env(tmp_path / f"floor-{i}")
        with spawned([sys.executable, str(script)], env) as run:
            frame = run.wait_first_frame()
            marker = run.wait_for(FLOOR_MARKER)
            pressed = run.send("\x11")  # ctrl+q
            quit_ = run.wait_exit() - pressed
            return {
                "alt_screen": run.alt_screen(),
                "first_frame": frame,
                "marker": marker,
                "quit": quit_,
            }

    return columns(repeat(once))


def measure_first_frame(tmp_path: Path) -> dict[str, Any]:
    """Without a key: the first frame, then the welcome screen's text."""
    seen_connecting = []

    def once(i: int) -> dict[str, float]:
        env = child_env(tmp_path / f"first-{i}")
        with spawned([RATEL_TUI], env) as run:
            frame = run.wait_first_frame()
            welcome = run.wait_for(WELCOME)
            seen_connecting.append("Connecting" in plain(run.output))
            return {
                "alt_screen": run.alt_screen(),
                "first_frame": frame,
                "welcome_text": welcome,
            }

    figures = columns(repeat(once))
    figures["connecting_text_drawn"] = f"{sum(seen_connecting)} of {RUNS + 1} runs"
    return figures


def measure_feed(tmp_path: Path, server: SandboxServer) -> dict[str, Any]:
    """With a key of the sandbox: the first frame, the feed's newest post,
    and the quit key once the feed is shown."""
    key = server.key_for("ada")
    marker = f"@{newest_author(server, key)}"

    def once(i: int) -> dict[str, float]:
        env = child_env(
            tmp_path / f"feed-{i}", RATEL_API_URL=server.url, RATEL_API_KEY=key
        )
        with spawned([RATEL_TUI], env) as run:
            frame = run.wait_first_frame()
            feed = run.wait_for(marker)
            pressed = run.send("q")
            quit_ = run.wait_exit() - pressed
            return {"first_frame": frame, "feed": feed, "quit": quit_}

    return {"marker": marker, **columns(repeat(once))}


def measure_help() -> dict[str, Any]:
    def once(_: int) -> float:
        started = time.perf_counter()
        done = subprocess.run(
            [RATEL_TUI, "--help"], capture_output=True, timeout=TIMEOUT, check=True
        )
        elapsed = time.perf_counter() - started
        assert b"usage: ratel-tui" in done.stdout
        return elapsed

    return stats(repeat(once))


def ratio(figure: dict[str, Any], floor: dict[str, Any]) -> float:
    return round(figure["p50_s"] / floor["p50_s"], 2)


@pytest.fixture(scope="module")
def figures(
    tmp_path_factory: pytest.TempPathFactory, sandbox: SandboxServer
) -> dict[str, Any]:
    """Every measurement, once for the module, recorded in results/startup.json."""
    tmp_path = tmp_path_factory.mktemp("startup")
    floor = measure_floor(tmp_path)
    first = measure_first_frame(tmp_path)
    feed = measure_feed(tmp_path, sandbox)
    help_ = measure_help()

    medians = {
        "first_frame_p50_s": first["first_frame"]["p50_s"],
        "feed_p50_s": feed["feed"]["p50_s"],
        "help_p50_s": help_["p50_s"],
        "quit_p50_s": feed["quit"]["p50_s"],
    }
    floor_frame = floor["first_frame"]
    record(
        "startup",
        {
            "runs": RUNS,
            "terminal": f"{COLUMNS}x{ROWS} pty, TERM=xterm-256color",
            "floor": floor,
            "no_key": first,
            "feed": feed,
            "help": help_,
            "ratio_to_floor": {
                "first_frame": ratio(first["first_frame"], floor_frame),
                "welcome_text": ratio(first["welcome_text"], floor_frame),
                "feed": ratio(feed["feed"], floor_frame),
                "quit": ratio(feed["quit"], floor["quit"]),
            },
            "medians_s": medians,
            "goals_s": GOALS,
            "limits_s": LIMITS,
            "at_goal": {name: medians[name] <= GOALS[name] for name in GOALS},
        },
    )
    return medians


def within(figures: dict[str, Any], name: str) -> None:
    median = figures[name]
    assert median < LIMITS[name], (
        f"{name} = {median} s: over the limit of {LIMITS[name]} s "
        f"(goal {GOALS[name]} s); see results/startup.json"
    )


def test_first_frame_is_drawn_within_limit(figures: dict[str, Any]) -> None:
    within(figures, "first_frame_p50_s")


def test_feed_shows_posts_within_limit(figures: dict[str, Any]) -> None:
    within(figures, "feed_p50_s")


def test_help_answers_within_limit(figures: dict[str, Any]) -> None:
    within(figures, "help_p50_s")


def test_quit_ends_the_process_within_limit(figures: dict[str, Any]) -> None:
    within(figures, "quit_p50_s")
