"""Compose while the draft journal saves: key→frame latency with saving on and
with saving off, and what one save costs.

Keys are sent as Pilot sends them (`driver.send_message`) and timed to the
end of the first frame after them (the wrapped `App._display`, as in the
feed benchmark), at a typist's pace (one key every 40 ms), so the journal's
saves (every half second while the text changes) fall between and during
keys as they do for a user. "Off" is the same screen with its save timer
doing nothing. The journal is a real SQLite file (WAL, secure_delete) in a
temporary folder. Runs alternate off/on twice and each side keeps its better
run: this shared box only ever adds time. Goal: under 2 ms added per key at
p95. Figures go to results/compose.json.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App
from textual.screen import Screen

from ratel_tui.screens.compose import ComposeScreen
from ratel_tui.services.session import Session
from ratel_tui.store.cache import ReadCache
from ratel_tui.store.journal import new_draft
from ratel_tui.store.local import LocalStore
from tests.bench.conftest import record, spread

KEYS = 300
"""Keys typed per run."""

PACE_S = 0.04
"""Time between two keys: a fast typist (25 keys a second)."""

TEXT = (
    "The library extension should open on Sundays; the survey shows most "
    "families can only come then, and the budget line is already there. "
) * 4


class ComposeBench(App[None]):
    """The compose screen over a session whose journal is a real file."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.frames: list[float] = []
        self.frame = asyncio.Event()

    @property
    def is_headless(self) -> bool:
        return False  # build real terminal output, as the feed benchmark does

    def _display(self, screen: Screen[Any], renderable: Any) -> None:
        super()._display(screen, renderable)
        if renderable is not None:
            self.frames.append(time.perf_counter())
            self.frame.set()

    async def key(self, char: str) -> float:
        """Milliseconds from sending `char` to its first frame."""
        self.frame.clear()
        key = "space" if char == " " else char
        event = events.Key(key, char)
        event.set_sender(self)
        started = time.perf_counter()
        assert self._driver is not None
        self._driver.send_message(event)
        await asyncio.wait_for(self.frame.wait(), timeout=5)
        return (self.frames[-1] - started) * 1000


async def run_once(folder: Path, *, saving: bool) -> dict[str, Any]:
    store = LocalStore(folder / f"local-{'on' if saving else 'off'}-{time.time()}.db")
    session = Session(
        profile="bench",
        base_url="http://127.0.0.1:9/v2",
        token="ratel_sk_test_bench",
        cache=ReadCache(None),
        local=store,
    )
    saves: list[float] = []
    journal_save = session.journal.save

    def timed_save(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return journal_save(*args, **kwargs)
        finally:
            saves.append((time.perf_counter() - started) * 1000)

    session.journal.save = timed_save  # type: ignore[method-assign]
    app = ComposeBench(session)
    screen = ComposeScreen(new_draft("post"))
    if not saving:
        screen.save_now = lambda: None  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(screen)
        await pilot.pause()
        latencies = []
        for char in TEXT[:KEYS]:
            latencies.append(await app.key(char))
            await asyncio.sleep(PACE_S)
        await pilot.pause(0.6)
        body = screen.query_one("#compose-body").text
        assert body == TEXT[:KEYS]
    saved = session.journal.get(screen.draft.id)
    session.local.close()
    during = saves[1:]  # the first save is the screen opening
    if saving:
        assert during, "the journal never saved while typing"
        assert saved is not None and saved.body == TEXT[:KEYS]
    return {
        "key_to_frame_ms": spread(latencies),
        "saves_while_typing": len(during),
        "save_ms": spread(during) if during else None,
    }


async def measure() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        runs = {"off": [], "on": []}
        for _ in range(2):
            for mode in ("off", "on"):
                runs[mode].append(await run_once(Path(folder), saving=mode == "on"))
    best = {
        mode: min(found, key=lambda run: run["key_to_frame_ms"]["p95"])
        for mode, found in runs.items()
    }
    added = {
        quantile: round(
            best["on"]["key_to_frame_ms"][quantile]
            - best["off"]["key_to_frame_ms"][quantile],
            2,
        )
        for quantile in ("p50", "p95")
    }
    return {
        "keys": KEYS,
        "pace_ms": PACE_S * 1000,
        "terminal": "120x40",
        "saving_off": best["off"],
        "saving_on": best["on"],
        "added_by_saving_ms": added,
    }


def test_saving_the_journal_adds_no_latency_a_typist_can_feel() -> None:
    figures = asyncio.run(measure())
    record("compose", figures)
    assert figures["saving_on"]["saves_while_typing"] >= 5
    assert figures["added_by_saving_ms"]["p95"] < 2.0
