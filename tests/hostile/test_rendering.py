"""Server text against the terminal: every hostile string through every widget
kind the client uses, in a real pseudo-terminal, and the bytes it got."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests import terminal
from tests.hostile.inputs import RAW, VISIBLE
from tests.hostile.render_app import KINDS
from tests.terminal import child_env, spawned

ROOT = Path(__file__).resolve().parents[2]

FOREIGN = re.compile(r"[\x00-\x06\x0e-\x1a\x1c-\x1f\x7f-\x9f]")
"""Characters Textual never writes itself: a C0 control but BEL, BS, tab,
newline, VT, FF, CR and ESC; DEL; every C1 control."""


def run_hostile_app(home: Path, *options: str) -> tuple[str, str, int | None]:
    """Everything the hostile app wrote until every page was shown; then what
    it wrote after `x` and `q`, and its exit status."""
    env = child_env(home, PYTHONPATH=str(ROOT))
    argv = [sys.executable, "-m", "tests.hostile.render_app", *options]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(terminal, "KEEP", 1 << 30)  # keep every byte
        with spawned(argv, env, size=(200, 100), timeout=60) as run:
            run.wait_for("ALL SHOWN")
            during = run.output
            run.timeout = 10
            run.send("x")
            run.wait_for("ALIVE 1")
            run.send("q")
            run.wait_exit()
            return during, run.output[len(during) :], run.proc.returncode


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, int | None]:
    """The hostile app's output and exit status."""
    return run_hostile_app(tmp_path_factory.mktemp("pty"))


def test_the_harness_sees_what_uncleaned_text_would_write(tmp_path: Path) -> None:
    during, _, _ = run_hostile_app(tmp_path, "--raw")

    assert [raw for raw in RAW if raw not in during] == []
    assert FOREIGN.search(during)


def test_no_escape_sequence_from_content_reaches_the_terminal(shown) -> None:
    during, _, _ = shown

    leaked = [raw for raw in RAW if raw in during]

    assert len(during) > 100_000  # every page was painted
    assert leaked == []


def test_no_control_character_textual_never_sends_reaches_the_terminal(
    shown,
) -> None:
    during, _, _ = shown

    foreign = sorted({f"U+{ord(c):04X}" for c in FOREIGN.findall(during)})

    assert foreign == []


def test_every_widget_kind_was_painted_with_the_hostile_strings(shown) -> None:
    screen = terminal.plain(shown[0])

    assert [kind for kind in KINDS if f"showing {kind} |" not in screen] == []


def test_escape_sequences_in_content_show_as_visible_placeholders(shown) -> None:
    screen = terminal.plain(shown[0])

    assert [text for text in VISIBLE if text not in screen] == []


def test_terminal_queries_in_content_type_nothing_into_the_app(shown) -> None:
    """No answer came back on stdin: the only keys the app got are ours."""
    _, after, _ = shown

    assert "ALIVE 1 | keys: x ." in terminal.plain(after)


def test_after_every_hostile_page_the_app_still_answers_keys_and_quits(
    shown,
) -> None:
    _, after, status = shown

    assert "ALIVE 1" in terminal.plain(after)
    assert status == 0
