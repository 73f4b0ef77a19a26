"""A program in a real pseudo-terminal, its output read as it comes: for the
tests and benchmarks that need what a user's terminal would get."""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROWS, COLUMNS = 40, 120
"""The terminal's size unless a run asks for another."""

TIMEOUT = 10.0
"""How long a wait may take before the run fails."""

ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: cursor, colours, modes, queries
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: title, clipboard, colours
    r"|\x1b[P^_][^\x1b]*\x1b\\"  # DCS, PM, APC
    r"|\x1b[()#%][0-9A-Za-z]"  # character sets
    r"|\x1b[@-Z\\-_=>78]"  # the other two-byte escapes
)
CURSOR_MOVE = re.compile(r"\x1b\[\d*(?:;\d*)?[Hf]")
ALT_SCREEN = "\x1b[?1049h"
PAINT = re.compile(r"\x1b\[\d+;\d+H(?:\x1b\[[0-9;:]*m)*[^\x1b]")
"""A cursor move followed by a cell (after any colours): the compositor
writing screen content, as opposed to mode switches and queries."""
KEEP = 65_536
"""Characters of output kept: enough for a few full 120x40 frames."""


def plain(output: str) -> str:
    """`output` without escape sequences; cursor moves become line breaks, so a
    failure's tail reads roughly as the screen did."""
    return ESCAPES.sub("", CURSOR_MOVE.sub("\n", output))


def _take_terminal() -> None:
    """In the child, after setsid: make the pty its controlling terminal."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtyRun:
    """One process in a fresh 120x40 pty, its output read as it comes."""

    def __init__(
        self,
        argv: list[str],
        env: dict[str, str],
        *,
        size: tuple[int, int] = (COLUMNS, ROWS),
        timeout: float = TIMEOUT,
    ) -> None:
        self.argv = argv
        self.timeout = timeout
        self.output = ""
        self.received = 0
        self.exited_at: float | None = None
        self.alt_screen_at: float | None = None
        self.painted_at: float | None = None
        self._closed = False
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        master, slave = os.openpty()
        columns, rows = size
        packed = struct.pack("HHHH", rows, columns, 0, 0)
        fcntl.ioctl(slave, termios.TIOCSWINSZ, packed)
        self.started = time.perf_counter()
        try:
            self.proc = subprocess.Popen(
                argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=env,
                start_new_session=True,
                preexec_fn=_take_terminal,
            )
        except OSError:
            os.close(master)
            raise
        finally:
            os.close(slave)
        self.master = master
        self.pidfd = os.pidfd_open(self.proc.pid)

    def wait_for(self, text: str) -> float:
        """Seconds from spawn until `text` is on screen; fails after TIMEOUT."""
        checked = 0

        def found() -> bool:
            # Look again at the new output, and at enough of the old to catch
            # the text and an escape sequence that a read split.
            nonlocal checked
            fresh = self.received - checked
            checked = self.received
            return text in plain(self.output[-(fresh + 2 * len(text) + 64) :])

        at = self._pump(found)
        if at is None:
            self._fail(f"{text!r} did not appear")
        return at - self.started

    def wait_first_frame(self) -> float:
        """Seconds from spawn to the first frame (see the module docstring)."""
        if self._pump(lambda: self.painted_at is not None) is None:
            self._fail("no frame was drawn")
        assert self.painted_at is not None
        return self.painted_at - self.started

    def alt_screen(self) -> float:
        """Seconds from spawn to the switch to the alternate screen."""
        assert self.alt_screen_at is not None
        return self.alt_screen_at - self.started

    def wait_exit(self) -> float:
        """perf_counter time of the process's exit; fails after TIMEOUT."""
        at = self._pump(lambda: self.exited_at is not None)
        if at is None or self.exited_at is None:
            self._fail("the process did not exit")
        return self.exited_at

    def drain(self, seconds: float) -> None:
        """Read the terminal's output for `seconds`, as a terminal would: a
        program whose output nobody reads blocks on its next write."""
        deadline = time.perf_counter() + seconds
        while (left := deadline - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.master], [], [], left)
            if ready and not self._read():
                return

    def send(self, keys: str) -> float:
        """Write `keys` to the terminal; the perf_counter time it was written."""
        os.write(self.master, keys.encode())
        return time.perf_counter()

    def close(self) -> None:
        """Kill the process if it still runs, and free the pty."""
        if self._closed:
            return
        self._closed = True
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)
        os.close(self.pidfd)
        os.close(self.master)

    def _pump(self, done: Callable[[], bool]) -> float | None:
        """Read output and watch for the exit until `done()`; the time it
        became true, or None at the deadline."""
        deadline = time.perf_counter() + self.timeout
        watched = [self.master, self.pidfd]
        while not done():
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            ready, _, _ = select.select(watched, [], [], left)
            if self.master in ready and not self._read():
                watched.remove(self.master)
            if self.pidfd in ready:
                self.exited_at = time.perf_counter()
                watched.remove(self.pidfd)
                self.proc.wait()
            if not watched:
                return time.perf_counter() if done() else None
        return time.perf_counter()

    def _read(self) -> bool:
        """Take what the pty holds; False once the terminal is closed."""
        try:
            chunk = os.read(self.master, 65_536)
        except OSError:  # EIO: every holder of the pty's other end is gone
            return False
        if not chunk:
            return False
        text = self._decoder.decode(chunk)
        self.received += len(text)
        self.output += text
        self._note_first_frame()
        self.output = self.output[-KEEP:]
        return True

    def _note_first_frame(self) -> None:
        """Note when the alternate screen is entered, and when content is
        first drawn on it."""
        if self.painted_at is not None:
            return
        switched = self.output.find(ALT_SCREEN)
        if switched < 0:
            return
        if self.alt_screen_at is None:
            self.alt_screen_at = time.perf_counter()
        if PAINT.search(self.output, switched):
            self.painted_at = time.perf_counter()

    def _fail(self, what: str) -> None:
        tail = re.sub(r"\n\s*\n", "\n", plain(self.output))[-3000:]
        status = self.proc.poll()
        self.close()
        pytest.fail(
            f"{' '.join(self.argv)}: {what} within {self.timeout:.0f} s "
            f"(exit status {status}); output tail:\n{tail}"
        )


@contextlib.contextmanager
def spawned(argv: list[str], env: dict[str, str], **options: Any) -> Iterator[PtyRun]:
    """`PtyRun(argv, env, **options)`, killed and closed at the end."""
    run = PtyRun(argv, env, **options)
    try:
        yield run
    finally:
        run.close()


def child_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of one run: isolated XDG directories, no keyring, no
    RATEL_ or TEXTUAL_ variables of the caller."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("RATEL_", "TEXTUAL", "XDG_", "NO_COLOR"))
    }
    for kind in ("DATA", "CONFIG", "CACHE", "STATE"):
        path = home / kind.lower()
        path.mkdir(parents=True, exist_ok=True)
        env[f"XDG_{kind}_HOME"] = str(path)
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        **extra,
    )
    return env
