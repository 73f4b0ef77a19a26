"""The draft journal against the worst a terminal sees: the app killed with
SIGKILL while a post is being typed, in a real pseudo-terminal."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from ratel_tui.store.journal import Journal
from ratel_tui.store.local import LocalStore
from tests.terminal import child_env, spawned

RATEL_TUI = str(Path(sys.executable).parent / "ratel-tui")

WORDS = [
    "Minutes",
    "of",
    "the",
    "cycling",
    "forum:",
    "the",
    "council",
    "agreed",
    "to",
    "a",
    "trial",
    "of",
    "two",
    "protected",
    "lanes",
    "on",
    "Mill",
    "Road",
    "from",
    "March,",
    "with",
    "counts",
    "before",
    "and",
    "after",
]
"""What the user types, a word at a time."""


def journal_of(home: Path) -> Journal:
    """The sandbox profile's draft journal in the app's data folder under `home`."""
    return Journal(LocalStore(home / "data" / "ratel-tui" / "local-sandbox.db"))


def test_a_post_typed_when_the_app_is_killed_is_offered_back_whole(tmp_path):
    home = tmp_path / "home"
    env = child_env(home)
    typed_at: list[tuple[float, str]] = []
    with spawned([RATEL_TUI, "--sandbox"], env, size=(100, 30), timeout=40) as run:
        run.wait_for("online")
        run.send("w")
        run.wait_for("New post")
        text = ""
        for word in WORDS:
            text += word + " "
            typed_at.append((run.send(word + " "), text))
            run.drain(0.08)
        os.killpg(run.proc.pid, signal.SIGKILL)
        killed_at = time.perf_counter()
        run.wait_exit()

    journal = journal_of(home)
    saved = journal.all()
    assert len(saved) == 1
    body = saved[0].body
    typed = typed_at[-1][1]
    # Every word typed more than a second before the kill is kept, nothing
    # is garbled: what is kept is the start of what was typed.
    safe = max((t for at, t in typed_at if at <= killed_at - 1.0), key=len)
    assert typed.startswith(body)
    assert body.startswith(safe.rstrip())
    journal.store.close()

    with spawned([RATEL_TUI, "--sandbox"], env, size=(100, 30), timeout=40) as run:
        run.wait_for("Restore what you were writing?")
        run.send("\r")
        run.wait_for("New post")
        run.wait_for(" ".join(body.split()[-6:]))
        run.send("\x1b")  # close: kept in Drafts, no longer offered
        run.wait_for("Feed")
        run.send("q")
        run.wait_exit()

    journal = journal_of(home)
    assert [d.body.rstrip() for d in journal.all()] == [body.rstrip()]
    assert journal.interrupted() == []


def test_the_editor_gets_the_text_and_never_the_key(tmp_path):
    home = tmp_path / "home"
    editor = tmp_path / "editor.sh"
    # An "editor" that appends to the text what it can see of the key.
    editor.write_text('#!/bin/sh\necho "edited key=${RATEL_API_KEY:-none}" >> "$1"\n')
    editor.chmod(0o700)
    secret = "ratel_sk_test_" + "k" * 24
    env = child_env(home, VISUAL=str(editor), RATEL_API_KEY=secret)
    with spawned([RATEL_TUI, "--sandbox"], env, size=(100, 30), timeout=40) as run:
        run.wait_for("online")
        run.send("w")
        run.wait_for("New post")
        run.send("Before the editor")
        run.wait_for("Before the editor")
        run.drain(0.3)
        run.send("\x05")  # ctrl+e
        run.wait_for("edited key=none")
        run.drain(0.7)  # the journal's save
        run.send("\x1b")
        run.wait_for("Kept in Drafts")
        run.drain(0.3)  # a lone escape, not the start of alt+q
        run.send("q")
        run.wait_exit()
        assert secret not in run.output

    [draft] = journal_of(home).all()
    assert draft.body.startswith("Before the editor")
    assert "edited key=none" in draft.body
