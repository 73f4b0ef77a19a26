"""What the credential stores share: the `Credential`, its errors, masking, key input."""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass
from typing import Literal, TextIO

from pydantic import SecretStr

Source = Literal["env", "keyring", "file"]
"""Where a key came from: the environment, the system keyring or the key file."""

KeyringProblem = Literal[
    "none", "disabled", "insecure", "locked", "timeout", "error", "not-kept"
]
"""Why the system keyring could not be used (see `KeyringUnavailable`)."""

ENV_KEY = "RATEL_API_KEY"
"""The environment variable holding an API key; it wins over every store."""

ENV_URL = "RATEL_API_URL"
"""The API URL that goes with `RATEL_API_KEY`; ignored without it."""

KNOWN_PREFIXES = ("ratel_sk_test_", "ratel_sk_live_")
"""Key prefixes that say what a key is without giving anything away."""

MAX_KEY_LENGTH = 512
"""Longer input is a paste gone wrong, not a key."""


class CredentialError(Exception):
    """A key cannot be read, stored or removed.

    The message is one line, fit to show, and never contains the key.
    """


class KeyringUnavailable(CredentialError):
    """The system keyring cannot be used; `reason` says why, `backend` which one."""

    def __init__(self, reason: KeyringProblem, backend: str, message: str) -> None:
        super().__init__(message)
        self.reason: KeyringProblem = reason
        self.backend = backend


class FileStoreError(CredentialError):
    """The key file cannot be read or written, or is readable by others."""


def mask(key: str | SecretStr) -> str:
    """`key` shown safely: its public prefix and at most its last four characters.

    `ratel_sk_test_…abcd`; a short key shows no tail at all, so that a mask
    never gives away a real share of a key.
    """
    text = key.get_secret_value() if isinstance(key, SecretStr) else key
    prefix = next((p for p in KNOWN_PREFIXES if text.startswith(p)), "")
    rest = text[len(prefix) :]
    tail = rest[-4:] if len(rest) >= 16 else ""
    return f"{prefix}…{tail}"


@dataclass(frozen=True, repr=False)
class Credential:
    """An API key and the URL it is for; shown masked in `repr` and `str`."""

    api_url: str
    """The API base URL the key is sent to."""

    key: SecretStr
    """The key itself; `key.get_secret_value()` only where it is sent."""

    source: Source
    """Where the key came from."""

    backend: str
    """The store in words: the variable, the keyring backend or the file path."""

    @property
    def masked(self) -> str:
        """The key as `mask` shows it."""
        return mask(self.key)

    def __repr__(self) -> str:
        return (
            f"Credential(api_url={self.api_url!r}, key={self.masked!r}, "
            f"source={self.source!r}, backend={self.backend!r})"
        )


def child_environment() -> dict[str, str]:
    """The environment for child processes (`$EDITOR`): everything but the key."""
    return {name: value for name, value in os.environ.items() if name != ENV_KEY}


def read_key(
    stream: TextIO | None = None, prompt: str = "Ratel API key: "
) -> SecretStr:
    """Read a pasted key: from a prompt without echo on a terminal, else one line.

    `ratel-tui login < key.txt` and `pass show ratel | ratel-tui login` both
    work, and over SSH the paste goes through the prompt.
    """
    stream = sys.stdin if stream is None else stream
    try:
        text = getpass.getpass(prompt) if stream.isatty() else stream.readline()
    except EOFError:
        text = ""
    return SecretStr(check_key(text.strip()))


def check_key(text: str) -> str:
    """`text` if it can be a key; the error never quotes it."""
    if not text:
        raise CredentialError(
            "no key given: paste it at the prompt, or pipe it on standard input"
        )
    if len(text) > MAX_KEY_LENGTH or not text.isprintable() or " " in text:
        raise CredentialError(
            "that does not look like an API key (it has spaces or control "
            "characters, or is too long); paste the key alone"
        )
    return text
