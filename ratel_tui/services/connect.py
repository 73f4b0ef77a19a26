"""How the app finds its server and key at start, before any screen needs them.

`find_start()` decides, without touching the network: the environment or a
stored key (sign in), the sandbox (`--sandbox`), or nothing (the welcome
screen). `open_session()` then checks the key with the server. Each failure
is a `StartError` whose message says what to do, in one line.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ratel_tui import paths

if TYPE_CHECKING:
    from ratel_tui.sandbox.server import SandboxServer
    from ratel_tui.services.session import Session
    from ratel_tui.settings import Settings

SANDBOX_USER = "ada"
"""Whom `ratel-tui --sandbox` signs in as."""


class StartError(Exception):
    """The app cannot start signed in; the message is one line saying what to do."""

    def __init__(self, message: str, *, title: str = "Cannot start") -> None:
        super().__init__(message)
        self.title = title


@dataclass(frozen=True, slots=True)
class Start:
    """Where to sign in: a profile's URL and key, or nothing yet."""

    profile: str
    settings: Settings
    api_url: str | None = None
    key: str | None = None
    key_source: str = ""

    def __repr__(self) -> str:
        hidden = "…" if self.key else None
        return (
            f"Start(profile={self.profile!r}, api_url={self.api_url!r}, key={hidden!r})"
        )


def find_start(profile_flag: str | None) -> Start:
    """The profile and its key from the environment, keyring or key file.

    A Start without a key means: ask (the welcome screen). Raises
    StartError for a settings file or environment that cannot be used.
    """
    from ratel_tui import credentials
    from ratel_tui import settings as cfg

    try:
        conf = cfg.load_settings()
        name = cfg.select_profile(profile_flag, conf)
        found = credentials.resolve(name, conf)
    except cfg.SettingsError as exc:
        raise StartError(str(exc), title="Settings file problem") from None
    except credentials.CredentialError as exc:
        raise StartError(str(exc), title="Key problem") from None
    if found is None:
        return Start(name, conf)
    return Start(name, conf, found.api_url, found.key.get_secret_value(), found.backend)


def _file_name(profile: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in profile)


def cache_path(profile: str) -> Path:
    """The read cache of `profile`."""
    return paths.data_dir() / f"cache-{_file_name(profile)}.db"


def local_path(profile: str) -> Path:
    """The draft journal and outbox of `profile` (one SQLite file)."""
    return paths.data_dir() / f"local-{_file_name(profile)}.db"


def start_sandbox(db_path: Path | None = None) -> SandboxServer:
    """The sandbox in a thread of this process, on a free loopback port."""
    from ratel_tui.sandbox.config import SandboxConfig
    from ratel_tui.sandbox.server import SandboxServer

    config = SandboxConfig(
        db_path=db_path or paths.data_dir() / "sandbox-app.db",
        port=0,
        access_log=False,
    )
    try:
        return SandboxServer(config).start()
    except (OSError, RuntimeError) as exc:
        raise StartError(f"The sandbox could not start: {exc}") from None


async def open_session(
    profile: str, api_url: str, key: str, *, cache: Path | None, local: Path | None
) -> Session:
    """A session checked against the server: the key works and who it is.

    `cache` is the read cache file, `local` the draft journal and outbox
    file (None: in memory). Offline with a cache of an earlier run, the
    session opens on the cache.
    """
    from ratel_tui.api.errors import (
        ApiError,
        AuthError,
        InsecureUrlError,
        NetworkError,
        TokenExpiredError,
    )
    from ratel_tui.services.session import Session
    from ratel_tui.store.cache import ReadCache
    from ratel_tui.store.local import LocalStore, StoreError

    def make() -> Session:
        # In a thread: the TLS context and the files take tens of ms.
        return Session(
            profile=profile,
            base_url=api_url,
            token=key,
            cache=ReadCache(cache),
            local=LocalStore(local),
        )

    try:
        session = await asyncio.to_thread(make)
    except InsecureUrlError as exc:
        raise StartError(str(exc), title="Server address refused") from None
    except StoreError as exc:
        raise StartError(str(exc), title="Local database problem") from None
    try:
        await session.open()
    except TokenExpiredError:
        await session.close()
        raise StartError(
            "The key has expired: make a new one and run `ratel-tui login`.",
            title="Key expired",
        ) from None
    except AuthError:
        await session.close()
        raise StartError(
            "The server refused the key (revoked or wrong): run `ratel-tui login` "
            "with a new key, or set RATEL_API_KEY.",
            title="Key refused",
        ) from None
    except NetworkError as exc:
        await session.close()
        raise StartError(
            f"Cannot reach {api_url} and nothing from it is saved here: {exc.message}. "
            "Check the address and your connection, then press r to retry.",
            title="Server unreachable",
        ) from None
    except ApiError as exc:
        await session.close()
        raise StartError(f"{exc.title}: {exc}", title="Server problem") from None
    return session
