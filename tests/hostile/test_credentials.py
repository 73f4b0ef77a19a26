"""Keys against a hostile machine, in a real pseudo-terminal: keyrings that ask
for a passphrase, a wrong passphrase, and a crash while a handler holds the key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests import terminal
from tests.terminal import child_env, spawned

ROOT = Path(__file__).resolve().parents[2]
RATEL_TUI = str(Path(sys.executable).parent / "ratel-tui")

KEY = "ratel_sk_test_LEAKME1234567890abcdefQRST"
"""The key the crashing handler holds; the terminal must never show it."""

PROMPT = "password for encrypted keyring"
"""What the prompting keyrings would write to the terminal."""

UNREACHABLE = "http://127.0.0.1:9/v2"


def env_with(home: Path, backend: str = "", **extra: str) -> dict[str, str]:
    env = child_env(home, PYTHONPATH=str(ROOT), **extra)
    if backend:
        env["PYTHON_KEYRING_BACKEND"] = f"tests.hostile.prompting_keyring.{backend}"
    return env


@pytest.mark.parametrize("backend", ["CryptFileKeyring", "PromptingKeyring"])
def test_a_keyring_that_asks_for_a_passphrase_never_prompts_on_the_terminal(
    backend: str, tmp_path: Path
) -> None:
    with spawned([RATEL_TUI, "auth", "status"], env_with(tmp_path, backend)) as run:
        run.wait_exit()
        output = terminal.plain(run.output)

    assert PROMPT not in output
    assert "Traceback" not in output
    assert "profile: default" in output


def test_the_app_starts_past_a_prompting_keyring_without_its_prompt(
    tmp_path: Path,
) -> None:
    env = env_with(tmp_path, "PromptingKeyring")
    with spawned([RATEL_TUI], env) as run:
        run.wait_for("Sign in")
        output = terminal.plain(run.output)

    assert PROMPT not in output


def test_a_wrong_passphrase_reads_as_a_locked_keyring_not_a_traceback(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        [RATEL_TUI, "auth", "status"],
        env=env_with(tmp_path, "WrongPassphraseKeyring"),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert "keyring locked: wrong passphrase" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def crash(home: Path, *options: str) -> str:
    """The terminal's text after ctrl+t made a handler holding `KEY` fail."""
    env = env_with(home, RATEL_API_KEY=KEY, RATEL_API_URL=UNREACHABLE)
    argv = [sys.executable, "-m", "tests.hostile.crash_app", *options]
    with spawned(argv, env, timeout=20) as run:
        run.wait_for("Server unreachable")
        run.send("\x14")  # ctrl+t
        run.wait_exit()
        return run.output


def test_a_crash_with_the_key_in_its_locals_shows_one_line_and_no_key(
    tmp_path: Path,
) -> None:
    output = crash(tmp_path)

    assert KEY not in output
    assert KEY[-12:] not in output
    assert "stopped on an unexpected error (RuntimeError)" in terminal.plain(output)
    assert "locals" not in output


def test_a_debug_crash_shows_the_traceback_with_the_key_redacted(
    tmp_path: Path,
) -> None:
    output = crash(tmp_path, "--debug")
    text = terminal.plain(output)

    assert KEY not in output
    assert KEY[-12:] not in output
    assert "Traceback" in text
    assert "action_crash" in text
    assert "locals" not in output
