"""Fixtures shared by every test: a real sandbox on a loopback port."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ratel_tui.sandbox.config import SandboxConfig
from ratel_tui.sandbox.server import SandboxServer


@pytest.fixture(autouse=True)
def private_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point every platformdirs folder at a scratch directory and keyring at its
    failing backend, so no test reads or writes the real config, data or
    keyring of whoever runs the suite."""
    home = tmp_path_factory.mktemp("home")
    for name in (
        "XDG_CONFIG_HOME",
        "XDG_DATA_HOME",
        "XDG_CACHE_HOME",
        "XDG_STATE_HOME",
    ):
        monkeypatch.setenv(name, str(home / name.lower()))
    for name in ("RATEL_API_KEY", "RATEL_API_URL", "RATEL_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    # Any keyring use that a test does not set up itself meets keyring's failing
    # backend, never the keyring of whoever runs the suite.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


def db_value(server: SandboxServer, sql: str, params: tuple[Any, ...] = ()) -> Any:
    """One value read from a sandbox's database on a read-only connection of our
    own, so the check does not go through the API it is checking."""
    conn = sqlite3.connect(f"file:{server.config.db_path}?mode=ro", uri=True)
    try:
        row = conn.execute(sql, params).fetchone()
    finally:
        conn.close()
    return None if row is None else row[0]


def posts_with(server: SandboxServer, content: str) -> int:
    """How many posts in a sandbox's database hold exactly `content`."""
    return db_value(server, "SELECT COUNT(*) FROM posts WHERE content = ?", (content,))


def start_sandbox(db_path: Path, **options: Any) -> SandboxServer:
    """A sandbox on a free loopback port, quiet, on its own database file."""
    options.setdefault("access_log", False)
    config = SandboxConfig(db_path=db_path, port=0, **options)
    return SandboxServer(config).start()


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """The shared sandbox of the session: the default seeded world (seed 7, 400
    posts). Tests that change the world create what they change."""
    server = start_sandbox(tmp_path_factory.mktemp("sandbox") / "world.db")
    yield server
    server.stop()


@pytest.fixture
def make_sandbox(tmp_path: Path) -> Iterator[Callable[..., SandboxServer]]:
    """Start extra sandboxes with their own options (faults, limits, Part A)."""
    started: list[SandboxServer] = []

    def make(**options: Any) -> SandboxServer:
        name = f"world{len(started)}.db"
        server = start_sandbox(tmp_path / name, **options)
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


class Api:
    """A plain httpx client of one sandbox, signed in as a demo user."""

    def __init__(
        self, server: SandboxServer, username: str | None, *, read_only: bool = False
    ):
        headers = {}
        if username is not None:
            headers["Authorization"] = (
                f"Bearer {server.key_for(username, read_only=read_only)}"
            )
        self.http = httpx.Client(base_url=server.url, headers=headers, timeout=30)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.http, name)

    def data(self, method: str, path: str, **kwargs: Any) -> Any:
        """`data` of a successful answer; fails the test on any other."""
        response = self.http.request(method, path, **kwargs)
        assert response.status_code < 300, (response.status_code, response.text)
        body = response.json()
        assert body["success"] is True, body
        return body["data"]

    def error(
        self, method: str, path: str, status: int, code: str, **kwargs: Any
    ) -> Any:
        """The `error` of an answer that must fail with `status` and `code`."""
        response = self.http.request(method, path, **kwargs)
        assert response.status_code == status, (response.status_code, response.text)
        body = response.json()
        assert body["success"] is False, body
        assert body["error"]["code"] == code, body
        assert body["meta"]["request_id"].startswith("req_")
        return body["error"]


@pytest.fixture(scope="session")
def as_user(sandbox: SandboxServer) -> Callable[..., Api]:
    """`as_user("ada")`: an `Api` of the shared sandbox signed in as that user
    (`read_only=True` for the read-only key, None for no credentials)."""
    clients: dict[tuple[str | None, bool], Api] = {}

    def make(username: str | None, *, read_only: bool = False) -> Api:
        key = (username, read_only)
        if key not in clients:
            clients[key] = Api(sandbox, username, read_only=read_only)
        return clients[key]

    return make
