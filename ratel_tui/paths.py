"""Where ratel-tui keeps its files: platformdirs folders, created on first use."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

APP_NAME = "ratel-tui"
"""The folder name under each platform directory."""


def _private_dir(path: Path) -> Path:
    """Create `path` (and parents) if needed and make it readable by the owner only."""
    path.mkdir(parents=True, exist_ok=True)
    # A folder we do not own (a shared mount, say) keeps its mode; the files
    # inside are still created 0600.
    with contextlib.suppress(OSError):
        os.chmod(path, 0o700)
    return path


def data_dir() -> Path:
    """The data folder: databases (sandbox world, drafts, outbox, read cache)."""
    from platformdirs import user_data_path

    return _private_dir(user_data_path(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """The config folder: config.toml and, if chosen, the key file."""
    from platformdirs import user_config_path

    return _private_dir(user_config_path(APP_NAME, appauthor=False))


def sandbox_db_path() -> Path:
    """The default database file of `ratel-tui sandbox`."""
    return data_dir() / "sandbox.db"
