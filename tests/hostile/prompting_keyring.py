"""Keyring backends that do what `keyrings.cryptfile` does on a terminal: ask
for a passphrase with getpass, or fail its MAC check. Chosen in a child
process with PYTHON_KEYRING_BACKEND=tests.hostile.prompting_keyring.NAME."""

from __future__ import annotations

import getpass

from keyring.backend import KeyringBackend


class PromptingKeyring(KeyringBackend):
    """Asks for the keyring's passphrase on the terminal, as cryptfile does."""

    priority = -1  # never chosen by keyring on its own

    def get_password(self, service: str, username: str) -> str | None:
        getpass.getpass("Please enter password for encrypted keyring: ")
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        getpass.getpass("Please enter password for encrypted keyring: ")

    def delete_password(self, service: str, username: str) -> None:
        getpass.getpass("Please enter password for encrypted keyring: ")


class CryptFileKeyring(PromptingKeyring):
    """The prompting backend under cryptfile's own name."""

    __module__ = "keyrings.cryptfile.cryptfile"


class WrongPassphraseKeyring(PromptingKeyring):
    """An encrypted file opened with the wrong passphrase."""

    def get_password(self, service: str, username: str) -> str | None:
        raise ValueError("MAC check failed")

    set_password = delete_password = get_password  # type: ignore[assignment]
