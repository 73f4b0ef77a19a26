"""Starting the sandbox: the database, the demo keys, and uvicorn.

`SandboxServer` runs it in a background thread (tests, `ratel-tui
--sandbox`); `serve()` runs it in the foreground for `ratel-tui sandbox`.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ratel_tui.sandbox.auth import READ_SCOPES, SCOPES, USER_SCOPES, mint_key
from ratel_tui.sandbox.config import SandboxConfig
from ratel_tui.sandbox.db import Database


@dataclass(frozen=True, slots=True)
class DemoKey:
    """A key minted at start-up for one demo user."""

    username: str
    key: str
    scopes: tuple[str, ...]

    def describe_scopes(self) -> str:
        """A short word for the scopes: all, read-only, or the list."""
        if set(self.scopes) == set(SCOPES):
            return "all scopes (platform admin)"
        if set(self.scopes) == set(USER_SCOPES):
            return "all scopes"
        if set(self.scopes) == set(READ_SCOPES):
            return "read-only"
        return " ".join(self.scopes)


def prepare(config: SandboxConfig) -> tuple[Database, list[DemoKey], str]:
    """Open (seeding on first use or `--reset`) the world; mint demo keys and a
    fresh secret for the demo OAuth client."""
    from ratel_tui.sandbox.routes.oauth import register_demo_client
    from ratel_tui.sandbox.seed import ensure_world

    if config.reset:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{config.db_path}{suffix}").unlink(missing_ok=True)
    db = Database(config.db_path)
    ensure_world(db, seed=config.seed, posts=config.posts)
    return db, mint_demo_keys(db), register_demo_client(db)


def mint_demo_keys(db: Database) -> list[DemoKey]:
    """A full key per demo user and one read-only key, fresh for this start."""
    keys = []
    users = db.all("SELECT id, username, is_admin FROM users ORDER BY seq LIMIT 16")
    for user in users:
        scopes = SCOPES if user["is_admin"] else USER_SCOPES
        key = mint_key(db, user["id"], scopes, label=f"demo key of {user['username']}")
        keys.append(DemoKey(user["username"], key, tuple(scopes)))
    if users:
        first = users[0]
        key = mint_key(
            db,
            first["id"],
            READ_SCOPES,
            label=f"read-only demo key of {first['username']}",
        )
        keys.append(DemoKey(first["username"], key, READ_SCOPES))
    return keys


def write_keys_file(path: Path, keys: list[DemoKey]) -> None:
    """Write the demo keys as JSON `[{username, key, scopes}]`, mode 0600."""
    payload = [
        {"username": k.username, "key": k.key, "scopes": list(k.scopes)} for k in keys
    ]
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, indent=2)
        handle.write("\n")
    os.replace(tmp, path)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on `host:port` (port 0 picks a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Answers go out in two writes (head, body); without this, Nagle's algorithm
    # holds the second until the client's delayed ACK, 40 ms on every request of
    # a kept-alive connection. Accepted sockets inherit the option.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def base_url(sock: socket.socket) -> str:
    """The API base URL of a bound socket."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/v2"


def _uvicorn_server(config: SandboxConfig, db: Database) -> Any:
    import uvicorn

    from ratel_tui.sandbox.app import create_app

    uv_config = uvicorn.Config(
        create_app(config, db),
        log_level="warning" if not config.access_log else "info",
        access_log=config.access_log,
        lifespan="off",
        timeout_graceful_shutdown=2,
    )
    return uvicorn.Server(uv_config)


class SandboxServer:
    """A sandbox in a background thread, for tests and the in-process TUI mode."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.db: Database | None = None
        self.keys: list[DemoKey] = []
        self.oauth_client_secret = ""
        self.url = ""
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def start(self) -> SandboxServer:
        """Seed if needed, bind, and serve until `stop()`; returns self."""
        self.db, self.keys, self.oauth_client_secret = prepare(self.config)
        sock = bind(self.config.host, self.config.port)
        self.url = base_url(sock)
        self._server = _uvicorn_server(self.config, self.db)
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._server.serve(sockets=[sock])),
            name="ratel-sandbox",
            daemon=True,
        )
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the sandbox server failed to start")
            threading.Event().wait(0.01)
        return self

    def stop(self) -> None:
        """Stop serving and close the database."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self.db is not None:
            self.db.close()
            self.db = None

    def key_for(self, username: str, *, read_only: bool = False) -> str:
        """The demo key minted at start for `username`."""
        for demo in self.keys:
            if (
                demo.username == username
                and (set(demo.scopes) == set(READ_SCOPES)) == read_only
            ):
                return demo.key
        raise KeyError(username)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(config: SandboxConfig) -> int:
    """Run the sandbox in the foreground until Ctrl+C or SIGTERM; the exit status."""
    db, keys, client_secret = prepare(config)
    sock = bind(config.host, config.port)
    if config.keys_file is not None:
        write_keys_file(config.keys_file, keys)
    # uvicorn handles both signals while it runs and raises them again once it
    # has shut down; outside its run, SIGTERM must stop us as cleanly as Ctrl+C.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        _announce(config, base_url(sock), keys, client_secret)
        _uvicorn_server(config, db).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        sock.close()
        db.close()
    print("Sandbox stopped.", flush=True)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _announce(
    config: SandboxConfig, url: str, keys: list[DemoKey], client_secret: str
) -> None:
    """Print where the sandbox serves, its keys and its fault settings."""
    from ratel_tui.sandbox.routes.oauth import DEMO_CLIENT_ID

    print(f"Ratel sandbox serving {url}  (data: {config.db_path})")
    width = max((len(k.username) for k in keys), default=0)
    for demo in keys:
        print(f"  {demo.username:<{width}}  {demo.key}  {demo.describe_scopes()}")
    print(f"  OAuth client {DEMO_CLIENT_ID}, secret {client_secret}")
    if config.keys_file is not None:
        print(f"Keys written to {config.keys_file}")
    faults = []
    if config.latency_ms:
        faults.append(f"latency ~{config.latency_ms:g} ms")
    if config.fail_rate:
        faults.append(f"fail-rate {config.fail_rate:g}")
    if config.rate_limit:
        faults.append("rate limits enforced")
    if faults:
        print("Faults on: " + ", ".join(faults))
    print("Press Ctrl+C to stop.", flush=True)
