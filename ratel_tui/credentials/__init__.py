"""API keys: where they come from, where they are kept, how they are shown.

A profile's key is looked up in this order:

1. `RATEL_API_KEY`, with `RATEL_API_URL` or else the profile's URL (CI, scripts);
2. the system keyring, service `ratel-tui`, user name = the profile;
3. the key file, `credentials.toml` (0600), only if the user chose it at login.

Nothing is written in plain text unless asked for, and then with a warning.
The key is held as `SecretStr` and never printed, logged or put in an error.

Errors:

    CredentialError           one line, fit to show, never holds the key
    ├── KeyringUnavailable    .reason: none, disabled, insecure, locked,
    │                         timeout, error or not-kept; .backend
    └── FileStoreError        the key file is unreadable, invalid or shared
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Literal

from pydantic import SecretStr

from ratel_tui.credentials import file_store, keyring_store
from ratel_tui.credentials.model import (
    ENV_KEY,
    ENV_URL,
    Credential,
    CredentialError,
    FileStoreError,
    KeyringProblem,
    KeyringUnavailable,
    Source,
    check_key,
    child_environment,
    mask,
    read_key,
)
from ratel_tui.settings import Settings, SettingsError, check_api_url

__all__ = [
    "ENV_KEY",
    "ENV_URL",
    "AuthStatus",
    "Credential",
    "CredentialError",
    "DeleteResult",
    "FileStoreError",
    "KeyringUnavailable",
    "StoreResult",
    "Where",
    "child_environment",
    "delete",
    "mask",
    "plaintext_warning",
    "read_key",
    "resolve",
    "status",
    "store",
]

log = logging.getLogger(__name__)

Where = Literal["keyring", "file"]
"""Where `store` may put a key: the system keyring, or the key file if asked."""

_QUIET: frozenset[KeyringProblem] = frozenset({"none", "disabled", "insecure"})
"""Keyring problems that are simply how a box without one is: no warning on read."""


@dataclass(frozen=True)
class StoreResult:
    """Where `store` put the key, and a warning to show if it is plain text."""

    backend: str
    warning: str | None = None


@dataclass(frozen=True)
class DeleteResult:
    """What `delete` removed, and what it could not or must leave to the user."""

    removed: tuple[str, ...]
    problems: tuple[str, ...]


@dataclass(frozen=True)
class AuthStatus:
    """The state of a profile's key for `ratel-tui auth status`; the key is masked."""

    profile: str
    api_url: str | None
    """The URL the key would be sent to; None for an unknown profile."""
    source: Source | None
    """Where the key came from; None when there is none."""
    backend: str | None
    """The store in words, as in `Credential.backend`."""
    masked: str | None
    """The key as `mask` shows it."""
    keyring: str
    """The system keyring in use, or why none is usable."""
    problem: str | None
    """Why no key could be read (locked keyring, shared key file, bad settings)."""
    credential: Credential | None
    """The key found, for the caller to check with `GET /users/me`."""

    def lines(self) -> list[str]:
        """The status as lines to print; the caller adds whether the key is valid."""
        lines = [f"profile: {self.profile}", f"API URL: {self.api_url or 'unknown'}"]
        if self.masked is None:
            lines.append("key:     none stored (run `ratel-tui login`)")
        else:
            lines.append(f"key:     {self.masked} from {self.backend}")
        lines.append(f"keyring: {self.keyring}")
        if self.problem is not None:
            lines.append(f"problem: {self.problem}")
        return lines


def resolve(profile: str, settings: Settings) -> Credential | None:
    """The key of `profile` from the environment, the keyring or the key file.

    None if no store holds one. A keyring that is locked, hangs or fails
    raises `KeyringUnavailable` when the key file has nothing either; a
    missing keyring does not (it is how a headless box is).
    """
    credential = _from_environment(profile, settings)
    if credential is not None:
        return credential
    api_url = settings.profile(profile).api_url

    try:
        key, backend = keyring_store.get_key(profile)
    except KeyringUnavailable as exc:
        return _from_file(profile, api_url, exc)
    if key is None:
        return _from_file(profile, api_url, None)
    return Credential(api_url, SecretStr(key), "keyring", f"keyring {backend}")


def _from_environment(profile: str, settings: Settings) -> Credential | None:
    key = os.environ.get(ENV_KEY, "").strip()
    if not key:
        return None
    try:
        check_key(key)
    except CredentialError as exc:
        raise CredentialError(f"{ENV_KEY}: {exc}") from None
    url = os.environ.get(ENV_URL, "").strip()
    if not url:
        url = settings.profile(profile).api_url
    try:
        url = check_api_url(url)
    except ValueError as exc:
        raise SettingsError(f"{ENV_URL}: {exc}") from None
    return Credential(url, SecretStr(key), "env", f"the {ENV_KEY} variable")


def _from_file(
    profile: str, api_url: str, keyring_problem: KeyringUnavailable | None
) -> Credential | None:
    noisy = keyring_problem is not None and keyring_problem.reason not in _QUIET
    if noisy:
        log.warning("keyring not read: %s", keyring_problem)
    key = file_store.read_key(profile)
    if key is not None:
        path = file_store.file_path()
        return Credential(api_url, SecretStr(key), "file", f"the key file {path}")
    if noisy and keyring_problem is not None:
        raise KeyringUnavailable(
            keyring_problem.reason,
            keyring_problem.backend,
            f"cannot read the key of profile {profile}: {keyring_problem}",
        )
    return None


def store(profile: str, key: SecretStr | str, where: Where = "keyring") -> StoreResult:
    """Keep the key of `profile` in the keyring, or in the key file if asked.

    The keyring path checks that the key was kept, and removes any copy in
    the key file; failing, it raises `KeyringUnavailable` whose message
    offers `RATEL_API_KEY` and `--store file`. The file path removes any
    older key from the keyring (which would win) and returns the warning
    that must be shown.
    """
    secret = check_key(key.get_secret_value() if isinstance(key, SecretStr) else key)
    if where == "keyring":
        return _store_in_keyring(profile, secret)
    if where == "file":
        return _store_in_file(profile, secret)
    raise ValueError(f"unknown key store: {where!r}")


def _store_in_keyring(profile: str, secret: str) -> StoreResult:
    try:
        backend = keyring_store.set_key(profile, secret)
    except KeyringUnavailable as exc:
        raise KeyringUnavailable(
            exc.reason, exc.backend, f"{exc}; {_fallback_hint()}"
        ) from None

    warning = None
    try:
        file_store.delete_key(profile)
    except FileStoreError as exc:
        warning = f"an older key may remain in the key file: {exc}"
    return StoreResult(f"keyring {backend}", warning)


def _store_in_file(profile: str, secret: str) -> StoreResult:
    path = file_store.write_key(profile, secret)
    warning = plaintext_warning()
    try:
        keyring_store.delete_key(profile)
    except KeyringUnavailable as exc:
        if exc.reason not in _QUIET:
            warning += (
                f"; an older key in the keyring could not be removed and "
                f"would be used instead ({exc})"
            )
    return StoreResult(f"the key file {path}", warning)


def _fallback_hint() -> str:
    return (
        f"set {ENV_KEY} (with {ENV_URL}) instead, or run "
        "`ratel-tui login --store file` to keep the key in a file only you can "
        f"read ({file_store.file_path()})"
    )


def plaintext_warning() -> str:
    """The warning shown when a key is, or is about to be, kept in the key file."""
    return (
        f"the key is kept in plain text in {file_store.file_path()} (mode 0600): "
        "anyone who can act as your user or read your backups can read it; "
        "`ratel-tui logout` removes it"
    )


def delete(profile: str) -> DeleteResult:
    """Remove the key of `profile` from the keyring and the key file (logout)."""
    removed: list[str] = []
    problems: list[str] = []
    try:
        found, backend = keyring_store.delete_key(profile)
        if found:
            removed.append(f"keyring {backend}")
    except KeyringUnavailable as exc:
        if exc.reason not in _QUIET:
            problems.append(f"the keyring was not cleared: {exc}")

    try:
        if file_store.delete_key(profile):
            removed.append(f"the key file {file_store.file_path()}")
    except FileStoreError as exc:
        problems.append(str(exc))
    if os.environ.get(ENV_KEY):
        problems.append(f"{ENV_KEY} is still set; `unset {ENV_KEY}` to stop using it")
    return DeleteResult(tuple(removed), tuple(problems))


def status(profile: str, settings: Settings) -> AuthStatus:
    """Where the key of `profile` comes from, masked, and the keyring in use."""
    keyring_state = keyring_store.describe()
    try:
        credential = resolve(profile, settings)
        problem = None
    except (CredentialError, SettingsError) as exc:
        credential, problem = None, str(exc)

    return AuthStatus(
        profile=profile,
        api_url=credential.api_url
        if credential
        else _api_url_or_none(profile, settings),
        source=credential.source if credential else None,
        backend=credential.backend if credential else None,
        masked=credential.masked if credential else None,
        keyring=keyring_state,
        problem=problem,
        credential=credential,
    )


def _api_url_or_none(profile: str, settings: Settings) -> str | None:
    try:
        return settings.profile(profile).api_url
    except SettingsError:
        return None
