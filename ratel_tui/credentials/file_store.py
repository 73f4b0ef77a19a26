"""The key file: API keys in plain text, 0600, for boxes without a system keyring.

Used only when the user asks for it (`ratel-tui login --store file`). The
file is `credentials.toml` in the config folder (0700), replaced atomically,
and refused, not repaired, when other users could read it: a key that may
have been read by others is the user's call to keep or revoke.
"""

from __future__ import annotations

import logging
import os
import stat
import tomllib
from pathlib import Path

import tomli_w

from ratel_tui import paths
from ratel_tui.credentials.model import FileStoreError
from ratel_tui.settings import write_private_text

log = logging.getLogger(__name__)

FILE_NAME = "credentials.toml"
"""The key file's name inside the config folder."""

_HEADER = (
    "# ratel-tui API keys in plain text, written by `ratel-tui login --store file`.\n"
    "# Keep this file mode 0600; `ratel-tui logout` removes a key.\n"
)


def file_path() -> Path:
    """Where the key file is."""
    return paths.config_dir() / FILE_NAME


def read_key(profile: str) -> str | None:
    """The key of `profile` in the key file, None if there is none.

    Raises `FileStoreError` when the file is readable by group or others.
    """
    path = file_path()
    if not path.exists():
        return None
    _refuse_if_shared(path)
    return _load(path).get(profile)


def write_key(profile: str, key: str) -> Path:
    """Store the key of `profile` in the key file; the file's path."""
    path = file_path()
    keys: dict[str, str] = {}
    if path.exists():
        _refuse_if_shared(path)
        keys = _load(path)

    keys[profile] = key
    _write(path, keys)
    log.info("stored the key of profile %s in %s", profile, path)
    return path


def delete_key(profile: str) -> bool:
    """Remove the key of `profile`; whether there was one.

    Works on a file others can read too: removing a key is always safe, and
    the rewritten file is 0600.
    """
    path = file_path()
    if not path.exists():
        return False
    keys = _load(path)
    if keys.pop(profile, None) is None:
        return False

    if keys:
        _write(path, keys)
    else:
        _remove(path)
    return True


def _refuse_if_shared(path: Path) -> None:
    if os.name != "posix":
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        message = (
            f"{path} can be read by other users (mode {mode:04o}), so ratel-tui "
            f"will not use the key in it; run `chmod 600 {path}` if no one else "
            "could have read it, or revoke the key and log in again"
        )
        log.warning("%s", message)
        raise FileStoreError(message)


def _load(path: Path) -> dict[str, str]:
    """The keys by profile; the error messages never quote the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        raise FileStoreError(f"{path}: not a valid key file") from None
    except OSError as exc:
        raise FileStoreError(f"{path}: cannot read: {exc.strerror or exc}") from None
    keys = data.get("keys", {})
    if not isinstance(keys, dict) or not all(
        isinstance(value, str) for value in keys.values()
    ):
        raise FileStoreError(
            f"{path}: not a valid key file ([keys] must map names to keys)"
        )
    return keys


def _write(path: Path, keys: dict[str, str]) -> None:
    try:
        write_private_text(path, _HEADER + tomli_w.dumps({"keys": keys}))
    except OSError as exc:
        raise FileStoreError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise FileStoreError(f"{path}: cannot remove: {exc.strerror or exc}") from None
