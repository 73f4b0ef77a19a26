"""`ratel-tui sandbox` as a user runs it: a subprocess that prints its URL and
keys, writes a private keys file and database, stops cleanly on Ctrl+C, keeps
its world across restarts and refuses bad options in one line."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from ratel_tui.sandbox.db import SCHEMA_VERSION

MAIN = Path(__file__).resolve().parents[2]
READY = "Press Ctrl+C to stop."
URL_LINE = re.compile(r"^Ratel sandbox serving (http://\S+/v2)\s")
KEY_LINE = re.compile(r"^\s+(\S+)\s+(ratel_sk_test_[A-Za-z0-9]+)\s+(.+)$")


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a `ratel-tui` subprocess: its own XDG folders."""
    env = dict(os.environ)
    for name in (
        "XDG_CONFIG_HOME",
        "XDG_DATA_HOME",
        "XDG_CACHE_HOME",
        "XDG_STATE_HOME",
    ):
        env[name] = str(tmp_path / "xdg" / name.lower())
    env.pop("RATEL_API_KEY", None)
    env.pop("RATEL_API_URL", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_cli(
    args: list[str], env: dict[str, str], timeout: float = 10
) -> subprocess.CompletedProcess:
    """Run `python -m ratel_tui ARGS` to its end."""
    return subprocess.run(
        [sys.executable, "-m", "ratel_tui", *args],
        cwd=MAIN,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


class Sandbox:
    """A `ratel-tui sandbox` subprocess, read line by line."""

    def __init__(self, args: list[str], env: dict[str, str], **popen: Any) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ratel_tui", "sandbox", "--quiet", *args],
            cwd=MAIN,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            **popen,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._readers = [
            threading.Thread(target=self._pump_stdout, daemon=True),
            threading.Thread(target=self._pump_stderr, daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        self.url = ""
        self.keys: list[tuple[str, str, str]] = []

    def _pump_stdout(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def _pump_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line.rstrip("\n"))

    def wait_ready(self, timeout: float = 20) -> Sandbox:
        """Read stdout up to the ready line; fail with what was printed if it never comes."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                line = self._lines.get(timeout=max(0.01, left))
            except queue.Empty:
                line = ""
                if time.monotonic() >= deadline:
                    self.kill()
                    pytest.fail(
                        f"not ready in {timeout} s: {self.stdout} {self.stderr}"
                    )
                continue
            if line is None:
                self.proc.wait(timeout=5)
                pytest.fail(
                    f"exited {self.proc.returncode}: {self.stdout} {self.stderr}"
                )
            self.stdout.append(line)
            if match := URL_LINE.match(line):
                self.url = match.group(1)
            elif match := KEY_LINE.match(line):
                self.keys.append((match.group(1), match.group(2), match.group(3)))
            if line == READY:
                return self

    def wait_serving(self, timeout: float = 10) -> Sandbox:
        """Wait until the server answers HTTP (the ready line comes before that)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                httpx.get(self.url + "/", timeout=2)
                return self
            except httpx.TransportError:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.05)

    def key_of(self, username: str) -> str:
        return next(
            k for u, k, scopes in self.keys if u == username and scopes != "read-only"
        )

    def interrupt(self, sig: int = signal.SIGINT, timeout: float = 8) -> int:
        """Send `sig`, wait for the exit and the rest of the output; the exit status."""
        started = time.monotonic()
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout=timeout)
        self.stop_seconds = time.monotonic() - started
        for reader in self._readers:
            reader.join(timeout=5)
        while (line := self._lines.get(timeout=5)) is not None:
            self.stdout.append(line)
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)


@pytest.fixture
def start(cli_env):
    """Start `ratel-tui sandbox` subprocesses; kill any still running at the end."""
    running: list[Sandbox] = []

    def make(*args: str, serving: bool = True, **popen: Any) -> Sandbox:
        sandbox = Sandbox(list(args), cli_env, **popen)
        running.append(sandbox)
        sandbox.wait_ready()
        return sandbox.wait_serving() if serving else sandbox

    yield make
    for sandbox in running:
        sandbox.kill()


def get(url: str, key: str, path: str) -> httpx.Response:
    return httpx.get(url + path, headers={"Authorization": f"Bearer {key}"}, timeout=10)


# --- starting and stopping ---------------------------------------------------------


def test_it_prints_its_url_and_one_line_per_key_and_writes_a_private_keys_file(
    start, tmp_path
):
    keys_file = tmp_path / "keys.json"
    db = tmp_path / "world.db"
    sandbox = start("--port", "0", "--db", str(db), "--keys-file", str(keys_file))

    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/v2", sandbox.url), sandbox.stdout
    assert str(db) in sandbox.stdout[0]
    assert mode(keys_file) == 0o600
    stored = json.loads(keys_file.read_text())
    assert [set(entry) for entry in stored] == [{"username", "key", "scopes"}] * len(
        stored
    )
    assert [(e["username"], e["key"]) for e in stored] == [
        (u, k) for u, k, _ in sandbox.keys
    ]
    assert len(stored) >= 2
    assert any(line == f"Keys written to {keys_file}" for line in sandbox.stdout)

    for entry in stored:
        me = get(sandbox.url, entry["key"], "/users/me")
        assert me.status_code == 200, me.text
        assert me.json()["data"]["username"] == entry["username"]
    read_only = [e for e in stored if all(s.startswith("read:") for s in e["scopes"])]
    assert len(read_only) == 1
    assert [d for u, _, d in sandbox.keys if u == read_only[0]["username"]][
        -1
    ] == "read-only"
    assert sandbox.interrupt() == 0


def test_ctrl_c_stops_it_with_exit_0_within_seconds_and_no_traceback(start, tmp_path):
    sandbox = start("--port", "0", "--db", str(tmp_path / "world.db"))
    assert get(sandbox.url, sandbox.keys[0][1], "/users/me").status_code == 200

    assert sandbox.interrupt(signal.SIGINT) == 0
    assert sandbox.stop_seconds < 5
    assert sandbox.stdout[-1] == "Sandbox stopped."
    assert not any("Traceback" in line for line in sandbox.stderr), sandbox.stderr
    assert not any("KeyboardInterrupt" in line for line in sandbox.stderr), (
        sandbox.stderr
    )


def test_ctrl_c_right_after_the_ready_line_exits_0_and_says_stopped(start, tmp_path):
    # A user reads "Press Ctrl+C to stop." and presses it at once.
    sandbox = start("--port", "0", "--db", str(tmp_path / "world.db"), serving=False)
    assert sandbox.interrupt(signal.SIGINT) == 0
    assert sandbox.stdout[-1] == "Sandbox stopped."
    assert not any("Traceback" in line for line in sandbox.stderr), sandbox.stderr


def test_sigterm_stops_it_with_exit_0_and_no_traceback(start, tmp_path):
    sandbox = start("--port", "0", "--db", str(tmp_path / "world.db"))
    assert sandbox.interrupt(signal.SIGTERM) == 0
    assert sandbox.stop_seconds < 5
    assert not any("Traceback" in line for line in sandbox.stderr), sandbox.stderr


def test_ctrl_c_while_a_client_holds_a_connection_open_still_stops_quickly(
    start, tmp_path
):
    sandbox = start("--port", "0", "--db", str(tmp_path / "world.db"))
    with httpx.Client(
        headers={"Authorization": f"Bearer {sandbox.keys[0][1]}"}
    ) as client:
        assert client.get(sandbox.url + "/users/me").status_code == 200  # kept alive
        assert sandbox.interrupt(signal.SIGINT) == 0
    assert sandbox.stop_seconds < 5
    assert not any("Traceback" in line for line in sandbox.stderr), sandbox.stderr


def test_a_restart_on_the_same_database_keeps_the_world_and_the_old_keys(
    start, tmp_path
):
    db = tmp_path / "world.db"
    first = start("--port", "0", "--db", str(db))
    old_key = first.key_of("ada")
    made = httpx.post(
        first.url + "/posts",
        json={"content": "written before the restart"},
        headers={"Authorization": f"Bearer {old_key}"},
    )
    assert made.status_code == 201, made.text
    post_id = made.json()["data"]["id"]
    assert first.interrupt() == 0

    second = start("--port", "0", "--db", str(db))
    new_key = second.key_of("ada")
    assert new_key != old_key
    assert {k for _, k, _ in second.keys}.isdisjoint({k for _, k, _ in first.keys})
    kept = get(second.url, new_key, f"/posts/{post_id}")
    assert kept.status_code == 200
    assert kept.json()["data"]["content"] == "written before the restart"
    still = get(second.url, old_key, "/users/me")
    assert still.status_code == 200
    assert still.json()["data"]["username"] == "ada"
    assert second.interrupt() == 0


def test_reset_wipes_the_world_and_the_old_keys(start, tmp_path):
    db = tmp_path / "world.db"
    first = start("--port", "0", "--db", str(db))
    old_key = first.key_of("ada")
    made = httpx.post(
        first.url + "/posts",
        json={"content": "gone after reset"},
        headers={"Authorization": f"Bearer {old_key}"},
    )
    post_id = made.json()["data"]["id"]
    assert first.interrupt() == 0

    second = start("--port", "0", "--db", str(db), "--reset")
    gone = get(second.url, second.key_of("ada"), f"/posts/{post_id}")
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "not_found"
    refused = get(second.url, old_key, "/users/me")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "invalid_api_key"
    assert second.interrupt() == 0


def test_the_database_and_keys_file_are_private_whatever_the_umask(start, tmp_path):
    db = tmp_path / "world.db"
    keys_file = tmp_path / "keys.json"
    keys_file.write_text("[]")
    keys_file.chmod(0o644)
    sandbox = start(
        "--port", "0", "--db", str(db), "--keys-file", str(keys_file), umask=0o000
    )
    assert mode(db) == 0o600
    assert mode(keys_file) == 0o600
    for companion in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        if companion.exists():
            assert mode(companion) == 0o600, companion
    assert sandbox.interrupt() == 0


def test_without_db_it_keeps_its_world_in_the_xdg_data_folder(start, cli_env):
    sandbox = start("--port", "0")
    expected = Path(cli_env["XDG_DATA_HOME"]) / "ratel-tui" / "sandbox.db"
    assert f"(data: {expected})" in sandbox.stdout[0]
    assert expected.exists()
    assert mode(expected) == 0o600
    assert sandbox.interrupt() == 0


def test_part_a_serves_no_extension(start, tmp_path):
    sandbox = start("--port", "0", "--db", str(tmp_path / "world.db"), "--part-a")
    answer = get(sandbox.url, sandbox.key_of("ada"), "/")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"
    assert get(sandbox.url, sandbox.key_of("ada"), "/users/me").status_code == 200
    assert sandbox.interrupt() == 0


def test_public_with_a_non_loopback_host_warns_and_serves(start, tmp_path):
    sandbox = start(
        "--host",
        "0.0.0.0",
        "--public",
        "--port",
        "0",
        "--db",
        str(tmp_path / "world.db"),
    )
    assert any(
        line.startswith("warning:") and "0.0.0.0" in line for line in sandbox.stderr
    )
    port = int(sandbox.url.rsplit(":", 1)[1].split("/")[0])
    answer = get(f"http://127.0.0.1:{port}/v2", sandbox.key_of("ada"), "/users/me")
    assert answer.status_code == 200
    assert sandbox.interrupt() == 0


# --- refusing to start ----------------------------------------------------------------


def assert_one_clean_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in text
    assert lines[0].startswith("ratel-tui: "), lines
    return lines[0]


def test_a_non_loopback_host_without_public_exits_2_with_one_line(cli_env, tmp_path):
    db = tmp_path / "world.db"
    started = time.monotonic()
    result = run_cli(
        ["sandbox", "--host", "0.0.0.0", "--port", "0", "--db", str(db)], cli_env
    )
    assert result.returncode == 2
    line = assert_one_clean_line(result.stderr)
    assert "0.0.0.0" in line
    assert "--public" in line
    assert result.stdout == ""
    assert not db.exists()
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--fail-rate", "2"),
        ("--fail-rate", "-0.1"),
        ("--fail-rate", "often"),
        ("--latency", "-5"),
        ("--port", "70000"),
        ("--posts", "-1"),
    ],
)
def test_an_out_of_range_option_is_a_usage_error_exit_2(
    cli_env, tmp_path, option, value
):
    db = tmp_path / "world.db"
    result = run_cli(["sandbox", "--db", str(db), option, value], cli_env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert option in result.stderr
    assert (
        result.stderr.strip().splitlines()[-1].startswith("ratel-tui sandbox: error:")
    )
    assert not db.exists()


@pytest.mark.parametrize("args", [["--help"], ["sandbox", "--help"], ["--version"]])
def test_help_and_version_exit_0_without_starting_anything(cli_env, args):
    result = run_cli(args, cli_env)
    assert result.returncode == 0
    assert result.stderr == ""
    if args == ["sandbox", "--help"]:
        for option in (
            "--port",
            "--db",
            "--keys-file",
            "--fail-rate",
            "--public",
            "--reset",
        ):
            assert option in result.stdout


def test_a_database_from_a_newer_version_is_a_clean_one_line_error_exit_1(
    cli_env, tmp_path
):
    db = tmp_path / "future.db"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()

    result = run_cli(["sandbox", "--port", "0", "--db", str(db)], cli_env)
    assert result.returncode == 1
    line = assert_one_clean_line(result.stderr)
    assert str(SCHEMA_VERSION + 1) in line
    assert "--reset" in line
    # An expected condition with its own advice, not a crash:
    assert "unexpected error" not in line
    assert "--debug" not in line
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    conn.close()


def test_a_port_in_use_is_a_one_line_error_exit_1(cli_env, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = run_cli(
            ["sandbox", "--port", str(port), "--db", str(tmp_path / "world.db")],
            cli_env,
        )
    assert result.returncode == 1
    line = assert_one_clean_line(result.stderr)
    assert str(port) in line


# --- the in-process server ------------------------------------------------------------


def test_accepted_connections_send_without_waiting_for_nagle():
    # Headers and body go out in two writes; without TCP_NODELAY on the accepted
    # socket the body waits for the client's delayed ACK (~40 ms per request on
    # a kept-alive connection: tests/bench/test_bench_sandbox.py measures it).
    from ratel_tui.sandbox.server import bind

    listening = bind("127.0.0.1", 0)
    listening.setblocking(True)
    with listening, socket.create_connection(listening.getsockname()) as _client:
        accepted, _ = listening.accept()
        with accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_an_in_process_sandbox_stops_and_closes_its_database(tmp_path):
    from ratel_tui.sandbox.config import SandboxConfig
    from ratel_tui.sandbox.server import SandboxServer

    server = SandboxServer(
        SandboxConfig(db_path=tmp_path / "w.db", port=0, access_log=False)
    )
    with server:
        url = server.url
        assert httpx.get(url + "/", timeout=5).status_code == 200
    assert server.db is None
    with pytest.raises(httpx.TransportError):
        httpx.get(url + "/", timeout=2)
